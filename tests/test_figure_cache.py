"""The figure cache: a re-executed chapter draws no figure whose inputs are unchanged, and
never shows a stale one."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from cityatlas import figure_cache, figures


def reworded(data):
    """The dataset with every word of the story changed: summaries, quotes, disputes, actors
    and the sources cited."""
    events = data.events.copy()
    for column in figure_cache.UNDRAWN["events"]:
        if isinstance(events[column].iloc[0], tuple):  # a list: reversed, and one item more
            events[column] = [(*reversed(items), "reworded") for items in events[column]]
        else:
            events[column] = events[column].astype(str) + " (reworded)"
    return dataclasses.replace(data, events=events)


def moved(data, days: int = 1):
    """The dataset with one control period of Tikrit starting a day later."""
    periods = data.control_periods.copy()
    index = periods.index[periods["place"] == "tikrit"][-1]
    periods.loc[index, "start"] = periods.loc[index, "start"] + datetime.timedelta(days=days)
    return dataclasses.replace(data, control_periods=periods)


def test_the_words_of_the_story_do_not_change_a_figure_key(data) -> None:
    metadata = {"png": {"Title": "x"}}
    same = figure_cache.key("fig-tikrit-timeline", metadata, data)
    assert figure_cache.key("fig-tikrit-timeline", metadata, reworded(data)) == same


def test_what_figures_draw_changes_the_key(data) -> None:
    metadata = {"png": {"Title": "x"}}
    before = figure_cache.key("fig-tikrit-timeline", metadata, data)
    places = data.places.copy()
    places.loc[0, "lat"] = places.loc[0, "lat"] + 0.01
    assert figure_cache.key("fig-tikrit-timeline", metadata, moved(data)) != before
    assert (
        figure_cache.key("fig-tikrit-timeline", metadata, dataclasses.replace(data, places=places))
        != before
    )
    assert figure_cache.key("fig-tikrit-city", metadata, data) != before
    assert figure_cache.key("fig-tikrit-timeline", {"png": {"Title": "y"}}, data) != before


@pytest.mark.parametrize("fig_id", ["fig-tikrit-timeline", "fig-tikrit-city", "fig-overview-map"])
def test_no_figure_draws_the_words_of_the_story(fig_id: str, data) -> None:
    """What the key leaves out really is not drawn: the figure is the same, byte for byte."""
    images = []
    for version in (data, reworded(data)):
        fig = figures.spec(fig_id, version).draw(version)
        images.append(figures.render(fig, "png", dpi=60))
        plt.close(fig)
    assert images[0] == images[1]


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setattr(figure_cache, "FOLDER", folder)
    monkeypatch.delenv("CITYATLAS_FIGURE_CACHE", raising=False)
    return folder


@dataclasses.dataclass
class CountedFigure:
    """Tikrit's timeline, counting how often it is drawn, with its files in ``out``."""

    spec: figures.FigureSpec
    out: Path
    calls: list[str]


@pytest.fixture
def counted(cache_folder: Path, tmp_path: Path, data, monkeypatch) -> CountedFigure:
    monkeypatch.setattr(figures, "update_index_row", lambda s, out_dir: None)
    spec = figures.spec("fig-tikrit-timeline", data)
    calls: list[str] = []

    def draw(d):
        calls.append(spec.id)
        return spec.draw(d)

    return CountedFigure(dataclasses.replace(spec, draw=draw), tmp_path / "figures", calls)


def test_a_figure_with_unchanged_inputs_is_shown_from_the_cache(
    counted: CountedFigure, data, monkeypatch
) -> None:
    spec, out, calls = counted.spec, counted.out, counted.calls
    first = figures.show(spec, data, out)
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    second = figures.show(spec, reworded(data), out)
    assert calls == ["fig-tikrit-timeline"], "the second call drew the figure again"
    assert second.png == first.png
    assert {p.name: p.read_bytes() for p in out.iterdir()} == files

    (out / "fig-tikrit-timeline.svg").write_bytes(b"<svg/>")  # a file changed on disk
    again = figures.show(spec, data, out)
    assert len(calls) == 2 and again.png == first.png
    assert (out / "fig-tikrit-timeline.svg").read_bytes() == files["fig-tikrit-timeline.svg"]

    monkeypatch.setenv("CITYATLAS_FIGURE_CACHE", "0")
    figures.show(spec, data, out)
    assert len(calls) == 3, "with CITYATLAS_FIGURE_CACHE=0 every call draws"


def test_a_figure_whose_data_changed_is_drawn_again(
    counted: CountedFigure, cache_folder: Path, data
) -> None:
    figures.show(counted.spec, data, counted.out)
    figures.show(counted.spec, moved(data), counted.out)
    assert len(counted.calls) == 2
    assert len(list(cache_folder.glob("fig-tikrit-timeline-*.png"))) == 1, "the old image goes"


def test_a_forced_build_empties_the_cache(tmp_path: Path) -> None:
    from cityatlas import build

    folder = tmp_path / figure_cache.FOLDER_IN_REPOSITORY
    folder.mkdir(parents=True)
    (folder / "fig-x.json").write_text("{}")
    (tmp_path / "chapters").mkdir()
    assert build.execute_stale(tmp_path, force=True) == []
    assert not list(folder.iterdir())


def without_tables(data, keep: tuple[str, ...]):
    """The dataset with every drawn table not in ``keep`` changed beyond recognition: no
    events, no control periods, no estimates, other distances, places renamed."""
    changes = {}
    for table in figure_cache.DRAWN_TABLES:
        if table in keep:
            continue
        frame = getattr(data, table)
        if table == "places":
            frame = frame.assign(name_en=frame["name_en"] + " X", population=frame["population"])
        elif table == "distances":
            frame = frame.assign(geodesic_km=frame["geodesic_km"].astype(float) * 2)
        else:
            frame = frame.iloc[0:0]
        changes[table] = frame
    return dataclasses.replace(data, **changes)


@pytest.mark.parametrize(
    "fig_id",
    ["fig-tikrit-locator", "fig-tikrit-city", "fig-tikrit-timeline", "fig-overview-territory"],
)
def test_a_figure_reads_no_table_but_those_it_declares(fig_id: str, data) -> None:
    """The tables a figure declares in ``reads`` key it in the cache: changing any other
    table must leave the drawing as it is, byte for byte."""
    spec = figures.spec(fig_id, data)
    assert set(spec.reads) < set(figure_cache.DRAWN_TABLES)
    images = []
    for version in (data, without_tables(data, spec.reads)):
        fig = spec.draw(version)
        images.append(figures.render(fig, "png", dpi=60))
        plt.close(fig)
    assert images[0] == images[1]
    other = next(t for t in figure_cache.DRAWN_TABLES if t not in spec.reads)
    assert figure_cache.key(fig_id, {}, data, spec.reads) == figure_cache.key(
        fig_id, {}, without_tables(data, spec.reads), spec.reads
    ), other


def test_the_words_of_the_story_are_not_in_the_figure_index(data) -> None:
    """So rewording a summary need not rewrite figures/index.csv (``python -m cityatlas
    figures`` skips it): no title, caption, alt text or citation uses those words, nor the
    tables no figure draws."""
    rows = [figures.index_row(s) for s in figures.figure_specs(data)]
    assert [figures.index_row(s) for s in figures.figure_specs(reworded(data))] == rows
    undrawn = {
        t: getattr(data, t).iloc[0:0]
        for t in ("sources", "claims", "measures")
        if t not in figure_cache.DRAWN_TABLES
    }
    assert len(undrawn) == 3, "no figure draws sources, claims or measures"
    unsourced = dataclasses.replace(data, **undrawn)
    assert [figures.index_row(s) for s in figures.figure_specs(unsourced)] == rows


def test_the_atlas_map_is_drawn_once_per_state_of_the_drawn_data(cache_folder: Path, data) -> None:
    from cityatlas import atlas

    def drawn(version) -> str:
        return atlas.map_svg(version, atlas.atlas_data(version))

    first = drawn(data)
    (kept,) = cache_folder.glob("atlas-map-*.bin")
    assert drawn(reworded(data)) == first
    assert list(cache_folder.glob("atlas-map-*.bin")) == [kept], "reworded: not drawn again"
    drawn(moved(data))
    (again,) = cache_folder.glob("atlas-map-*.bin")
    assert again != kept, "a period moved: drawn again under a new key, the old one dropped"


def test_the_figure_index_step_reads_what_figures_draw_from_the_files(tmp_path: Path) -> None:
    """``python -m cityatlas figures`` hashes the clean files without loading the dataset:
    a reworded summary leaves the hash alone, a moved date changes it."""
    import shutil

    from cityatlas import paths

    clean = tmp_path / "clean"
    shutil.copytree(paths.DATA_CLEAN, clean)
    before = figure_cache.drawn_files(clean)
    events = clean / "events.csv"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("the day after Mosul.", "the day after Mosul fell.", 1))
    assert events.read_text(encoding="utf-8") != text
    assert figure_cache.drawn_files(clean) == before
    events.write_text(text.replace("2015-03-31", "2015-04-01"))
    assert figure_cache.drawn_files(clean) != before
