(() => {
  const root = document.getElementById("cityatlas-atlas");
  const data = JSON.parse(root.querySelector("#cityatlas-atlas-data").textContent);
  const slider = root.querySelector("input[type=range]");
  const output = root.querySelector("output");
  const detail = root.querySelector(".atlas-detail");
  const months = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  const day0 = Date.parse(data.start + "T00:00:00Z");
  const isoDay = (value) => new Date(day0 + value * 864e5).toISOString().slice(0, 10);
  const dayText = (iso) => `${+iso.slice(8)} ${months[+iso.slice(5, 7) - 1]} ${iso.slice(0, 4)}`;
  const stateOn = (place, iso) => place.changes.filter((c) => c[0] <= iso).pop();
  const changeDays = [...new Set(Object.values(data.places).flatMap(
    (p) => p.changes.filter((c) => c[0]).map((c) => Math.round((Date.parse(c[0] + "T00:00:00Z") - day0) / 864e5))))]
    .sort((a, b) => a - b);
  let chosen = null;

  const statusText = (status, rest) => data.statuses[status] +
    (rest.length ? `; the rest held by ${rest.map((r) => data.controllers[r]).join(" and ")}` : "");
  const look = (controller, status, rest) =>
    `c-${controller} s-${status}` + (rest.length ? ` r-${rest.join("-")}` : "");

  function describe(id, iso) {
    const place = data.places[id];
    const [since, controller, status, event, rest] = stateOn(place, iso);
    const held = `${place.name}: ${data.controllers[controller]} (${statusText(status, rest)})`;
    detail.replaceChildren();
    const head = document.createElement("strong");
    head.textContent = held;
    detail.append(head);
    if (event < 0) {
      detail.append(" since before the first change the dataset records.");
      return;
    }
    const [when, summary, label, url, lang] = data.events[event];
    detail.append(` since ${when}. ${summary} Source: `);
    const link = document.createElement("a");
    link.href = url;
    link.textContent = label;
    link.lang = lang;
    link.dir = lang === "ar" ? "rtl" : "ltr";
    detail.append(link);
  }

  function update() {
    const iso = isoDay(+slider.value);
    const said = dayText(iso);
    output.value = said;
    slider.setAttribute("aria-valuetext", said);
    root.querySelector(".atlas-table-date").textContent = said;
    for (const [id, place] of Object.entries(data.places)) {
      const [since, controller, status, , rest] = stateOn(place, iso);
      const classes = look(controller, status, rest);
      root.querySelectorAll(`svg [data-place="${id}"]`).forEach(
        (marker) => marker.setAttribute("class", `atlas-place ${classes}`));
      const row = root.querySelector(`tr[data-place="${id}"]`);
      row.querySelector(".swatch").className = `swatch ${classes}`;
      row.querySelector(".controller").textContent = data.controllers[controller];
      row.querySelector(".status").textContent = statusText(status, rest);
      row.querySelector(".since").textContent = since ? dayText(since) : "before the record";
    }
    if (chosen) describe(chosen, iso);
  }

  function jump(step) {
    const value = +slider.value;
    const next = step > 0 ? changeDays.find((d) => d > value) : changeDays.filter((d) => d < value).pop();
    if (next !== undefined) {
      slider.value = next;
      update();
    }
  }

  slider.addEventListener("input", update);
  root.querySelectorAll("button[data-step]").forEach(
    (button) => button.addEventListener("click", () => jump(+button.dataset.step)));
  root.querySelectorAll("svg [data-place]").forEach((element) => {
    const choose = () => { chosen = element.dataset.place; describe(chosen, isoDay(+slider.value)); };
    element.addEventListener("focus", choose);
    element.addEventListener("click", choose);
    element.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(); } });
  });
  update();
})();
