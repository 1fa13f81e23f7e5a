"""The build benchmark (``make bench``): cold and incremental builds, figure costs, memory,
page weights and the cached basemap against cartopy's own geometry drawing.

It works on a scratch copy of the repository, so the working tree is never touched, runs
every step as the Makefile does, and writes BENCHMARKS.md. Nothing here is a test: the
numbers are measured and reported, never asserted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cityatlas import paths

SKIP = {".venv", "_build", ".git", ".pytest_cache", ".ruff_cache", "__pycache__"}


def scratch_copy(root: Path) -> Path:
    """A copy of the repository without the virtual environment, build or git folders."""
    target = Path(tempfile.mkdtemp(prefix="cityatlas-bench-")) / "repo"
    shutil.copytree(root, target, ignore=lambda d, names: [n for n in names if n in SKIP])
    return target


def run(repo: Path, *args: str) -> tuple[float, str]:
    """Run ``python -m cityatlas ARGS`` in the scratch copy; returns seconds and output."""
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONHASHSEED="0")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "cityatlas", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(
            f"cityatlas {' '.join(args)} failed in the benchmark copy:\n{result.stderr[-2000:]}"
        )
    return seconds, result.stdout


def build(repo: Path, force: bool = False) -> tuple[float, dict[str, str]]:
    """Data, figures, chapters and HTML, as ``make html`` runs them; seconds and step outputs."""
    total, outputs = 0.0, {}
    for step in (
        ("data",),
        ("figures",),
        ("execute", "--force") if force else ("execute",),
        ("html",),
    ):
        seconds, out = run(repo, *step)
        total += seconds
        outputs[step[0]] = out.strip()
    return total, outputs


def executed_count(outputs: dict[str, str]) -> int:
    """How many chapters a build executed."""
    match = re.search(r"executed (\d+) chapter", outputs["execute"])
    return int(match.group(1)) if match else 0


def edit_chapter_text(repo: Path) -> None:
    """Change a sentence in a markdown cell of one chapter (its code is untouched)."""
    path = repo / "chapters" / "mosul.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    cell["source"] = ["".join(cell["source"]) + "\n\n(Benchmark edit.)"]
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def edit_one_event(repo: Path) -> None:
    """Reword the summary of one Tikrit event in data/raw."""
    path = repo / "data" / "raw" / "events.csv"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("the day after Mosul.", "the day after Mosul fell.", 1)
    if edited == text:
        raise RuntimeError("benchmark: the Tikrit event to reword was not found in events.csv")
    path.write_text(edited, encoding="utf-8")


def move_one_event(repo: Path) -> None:
    """Move the Tikrit recapture announcement by a day in data/raw (a change of control dates)."""
    import csv
    import io

    path = repo / "data" / "raw" / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    start, end = header.index("date_start"), header.index("date_end")
    row = next(r for r in rows[1:] if r[header.index("place")] == "tikrit" and "recaptured" in r[0])
    for column in (start, end):
        row[column] = (dt.date.fromisoformat(row[column]) + dt.timedelta(days=1)).isoformat()
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def edit_caption(repo: Path) -> None:
    """Reword the caption template of the city maps (no figure needs redrawing)."""
    path = repo / "cityatlas" / "templates" / "captions.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("figure in its story", "appear in its story", 1), encoding="utf-8")


def figure_costs(repo: Path) -> dict[str, float]:
    """Render-and-save seconds of every figure, one at a time in one process."""
    code = (
        "import json, time, tempfile, pathlib\n"
        "from cityatlas import figures\nfrom cityatlas.data import load\n"
        "d = load(); out = pathlib.Path(tempfile.mkdtemp()); costs = {}\n"
        "for s in figures.figure_specs(d):\n"
        "    t = time.perf_counter(); figures.save_figure(s.draw(d), s, out); costs[s.id] = time.perf_counter() - t\n"
        "print(json.dumps(costs))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(repo))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def basemap_comparison(repeats: int = 5) -> dict[str, float]:
    """Median seconds to draw and render a map's basemap: cached collections vs cartopy geometries."""
    import matplotlib.pyplot as plt
    import shapely.geometry as sg

    from cityatlas import geo, maps, style

    style.apply()
    extent = geo.region_extent()
    base = geo.basemap("l")  # warm the cache, as every figure after the first finds it

    def cached() -> None:
        fig, ax = maps.new_map(4.3, 3.3)
        maps.draw_basemap(ax, extent, "l", label_rivers=False)
        fig.canvas.draw()
        plt.close(fig)

    def cartopy_geometries() -> None:
        fig, ax = maps.new_map(4.3, 3.3)
        ax.set_extent(extent, crs=geo.PROJECTION)
        shores = geo.read_layer("gshhs", "l")
        land = [sg.Polygon(p.lonlat) for p in shores if p.level in (1, 3) and len(p.lonlat) > 3]
        lakes = [sg.Polygon(p.lonlat) for p in shores if p.level in (2, 4) and len(p.lonlat) > 3]
        lines = [
            sg.LineString(p.lonlat)
            for layer in ("rivers", "countries")
            for p in geo.read_layer(layer, "l")
            if len(p.lonlat) > 1
        ]
        ax.add_geometries(land, crs=geo.GEODETIC, facecolor=style.LAND, edgecolor="none")
        ax.add_geometries(lakes, crs=geo.GEODETIC, facecolor=style.WATER, edgecolor="none")
        ax.add_geometries(
            lines, crs=geo.GEODETIC, facecolor="none", edgecolor=style.RIVER, linewidth=0.4
        )
        fig.canvas.draw()
        plt.close(fig)

    del base
    timings = {}
    for name, draw in (("cached", cached), ("cartopy", cartopy_geometries)):
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            draw()
            samples.append(time.perf_counter() - start)
        timings[name] = statistics.median(samples)
    return timings


def synthetic_raw(root: Path, events: int) -> Path:
    """A raw folder with the real sources, places and claims and ``events`` generated events,
    each place's events handing control back and forth coherently, all inside the study period."""
    import csv

    raw = Path(tempfile.mkdtemp(prefix="cityatlas-raw-"))
    for name in ("sources.csv", "places.csv", "claims.csv", "measures.csv", "estimates.csv"):
        shutil.copy(root / "data" / "raw" / name, raw / name)
    with open(root / "data" / "raw" / "places.csv", encoding="utf-8") as handle:
        places = [row["id"] for row in csv.DictReader(handle)]
    with open(root / "data" / "raw" / "events.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    days = (dt.date(2017, 12, 31) - dt.date(2014, 1, 1)).days
    with open(raw / "events.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for i in range(events):
            place, step = places[i % len(places)], i // len(places)
            day = (
                dt.date(2014, 1, 1)
                + dt.timedelta(days=step * days // max(1, events // len(places)))
            ).isoformat()
            before, after = ("is", "iraqi_government") if step % 2 else ("iraqi_government", "is")
            row = {
                "id": f"bench-{i}",
                "place": place,
                "date_start": day,
                "date_end": day,
                "date_precision": "day",
                "date_basis": "on_the_ground",
                "event_type": "captured",
                "controller_before": before,
                "controller_after": after,
                "status_after": "held",
                "actors": "side A;side B",
                "summary": "A generated event.",
                "sources": "geonames",
                "quote": "A generated quote for the benchmark.",
            }
            writer.writerow([row.get(column, "") for column in header])
    return raw


def pipeline_costs(
    root: Path, sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
) -> dict[str, float]:
    """Seconds the data pipeline takes on the real data and on generated events of growing size."""
    from cityatlas.data import run_pipeline

    costs = {}
    out = Path(tempfile.mkdtemp(prefix="cityatlas-clean-")) / "clean"
    start = time.perf_counter()
    run_pipeline(root / "data" / "raw", out)
    costs["real data"] = time.perf_counter() - start
    for size in sizes:
        raw = synthetic_raw(root, size)
        start = time.perf_counter()
        run_pipeline(raw, out)
        costs[f"{size:,} events"] = time.perf_counter() - start
        shutil.rmtree(raw)
    shutil.rmtree(out.parent)
    return costs


def page_weights(repo: Path) -> dict[str, int]:
    """Bytes of each chapter page with the images it shows."""
    html = repo / "_build" / "html"
    weights = {}
    for page in sorted((html / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        images = {
            (page.parent / src).resolve() for src in re.findall(r'<img[^>]+src="([^"]+)"', text)
        }
        weights[page.stem] = page.stat().st_size + sum(
            p.stat().st_size for p in images if p.exists()
        )
    return weights


def machine() -> str:
    """One line describing the machine."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {memory:.0f} GiB"


def main(root: Path = paths.ROOT) -> int:
    """Run every measurement, print the ratios and write BENCHMARKS.md."""
    repo = scratch_copy(root)
    try:
        cold, _ = build(repo, force=True)
        unchanged, out_unchanged = build(repo)
        edit_chapter_text(repo)
        text_edit, out_text = build(repo)
        edit_one_event(repo)
        event_edit, out_event = build(repo)
        move_one_event(repo)
        event_move, out_move = build(repo)
        edit_caption(repo)
        caption_edit, out_caption = build(repo)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        costs = figure_costs(repo)
        weights = page_weights(repo)
    finally:
        shutil.rmtree(repo.parent, ignore_errors=True)
    basemap = basemap_comparison()
    pipeline = pipeline_costs(root)
    figure_sum = sum(costs.values())
    kinds: dict[str, list[float]] = {}
    for fig_id, seconds in costs.items():
        kinds.setdefault(fig_id.rsplit("-", 1)[-1], []).append(seconds)
    rows = [
        ("Cold build (data, every chapter and figure forced, HTML)", f"{cold:.1f} s", ""),
        (
            "Rebuild, nothing changed",
            f"{unchanged:.1f} s",
            f"{unchanged / cold:.1%} of cold (target ≤ 5%); chapters executed: {executed_count(out_unchanged)}",
        ),
        (
            "Rebuild after a one-chapter text edit",
            f"{text_edit:.1f} s",
            f"{text_edit / cold:.1%} of cold (target ≤ 15%); chapters executed: {executed_count(out_text)}",
        ),
        (
            "Rebuild after rewording one event's summary",
            f"{event_edit:.1f} s",
            f"{event_edit / cold:.1%} of cold (target ≤ 15%); chapters executed: {executed_count(out_event)}",
        ),
        (
            "Rebuild after moving one event by a day",
            f"{event_move:.1f} s",
            f"{event_move / cold:.1%} of cold (target ≤ 35%); chapters executed: {executed_count(out_move)}",
        ),
        (
            "Rebuild after editing a caption",
            f"{caption_edit:.1f} s",
            f"{caption_edit / cold:.1%} of cold; chapters executed: {executed_count(out_caption)}",
        ),
        (
            "Sum of figure render-and-save times",
            f"{figure_sum:.1f} s",
            f"cold build = {cold / figure_sum:.2f} x this (target ≤ 2x)",
        ),
        ("Peak memory (largest build process)", f"{peak_mib:.0f} MiB", "target < 1.5 GB"),
        (
            "Heaviest chapter page with its images",
            f"{max(weights.values()) / 2**20:.2f} MiB",
            f"{max(weights, key=weights.get)} (target < 1.5 MB)",
        ),
        (
            "Basemap: cached collections vs cartopy add_geometries",
            f"{basemap['cached']:.2f} s vs {basemap['cartopy']:.2f} s",
            f"{basemap['cartopy'] / basemap['cached']:.1f}x faster (target ≥ 3x)",
        ),
    ]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {dt.date.today().isoformat()}: {machine()}.",
        "",
        "| measurement | value | ratio or note |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
        "",
        "Data pipeline (`python -m cityatlas data`: validate, derive, write), by input size:",
        "",
        "| input | seconds |",
        "|---|---|",
        *[f"| {name} | {seconds:.2f} |" for name, seconds in pipeline.items()],
        "",
        "Median render-and-save time per figure kind (PNG, SVG and PDF):",
        "",
        "| kind | figures | median |",
        "|---|---|---|",
        *[
            f"| {kind} | {len(v)} | {statistics.median(v):.2f} s |"
            for kind, v in sorted(kinds.items())
        ],
        "",
    ]
    report = "\n".join(lines)
    (root / "BENCHMARKS.md").write_text(report, encoding="utf-8")
    print(report)
    return 0
