// In the single-page build (printed to PDF) the contents section holds the chapters
// themselves; list their titles at its top so the printed book opens with its contents.
document.addEventListener("DOMContentLoaded", () => {
  const contents = document.querySelector("section#contents");
  if (!contents || contents.querySelector("ol.print-contents")) return;
  const chapters = contents.querySelectorAll(".toctree-wrapper > section");
  if (!chapters.length) return;
  const list = document.createElement("ol");
  list.className = "print-contents";
  chapters.forEach((section) => {
    const heading = section.querySelector("h1, h2, h3");
    if (!heading) return;
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "#" + section.id;
    link.textContent = heading.textContent.replace("#", "").trim();
    item.appendChild(link);
    list.appendChild(item);
  });
  contents.querySelector("h2").after(list);
});
