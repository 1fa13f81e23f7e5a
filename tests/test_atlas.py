"""The interactive atlas: one marker per mapped town, states that agree with the data on every
date, keyboard use, sources, offline and light. Unit tests build the block directly; the
browser tests use the built book page (``make html``)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from cityatlas import atlas, history, legibility

HTML = Path(__file__).resolve().parent.parent / "_build" / "html"
PAGE = "chapters/atlas.html"
#: Dates at which the page's script and the Python state function must agree.
CHECK_DATES = ("2014-01-01", "2014-06-15", "2015-03-02", "2016-06-30", "2017-07-10", "2017-12-31")


@pytest.fixture(scope="module")
def block(data) -> str:
    return atlas.interactive(data=data).html


def test_every_mapped_place_is_one_focusable_marker_in_the_svg(block: str, data) -> None:
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", block, re.S).group(0))
    markers = [e for e in svg.iter() if "data-place" in e.attrib]
    assert sorted(m.get("data-place") for m in markers) == sorted(history.mapped_places(data))
    assert all(m.get("tabindex") == "0" and m.get("aria-label") for m in markers)
    for marker in markers:  # the page's classes set the fill, so no marker carries its own
        for element in marker.iter():
            assert "fill" not in element.get("style", ""), marker.get("data-place")


def test_slider_output_and_table_describe_the_same_date(block: str, data) -> None:
    slider = re.search(r"<input type=\"range\"[^>]*>", block).group(0)
    assert 'aria-valuetext="2 March 2015"' in slider
    assert f'value="{atlas.day_number("2015-03-02")}"' in slider
    assert re.search(r"<output[^>]*>2 March 2015</output>", block)
    rows = re.findall(r'<tr data-place="([^"]+)">', block)
    assert rows == history.mapped_places(data)


def test_embedded_changes_are_the_control_periods_with_their_sources(block: str, data) -> None:
    payload = json.loads(
        re.search(r'id="cityatlas-atlas-data">(.*?)</script>', block, re.S).group(1)
    )
    periods = data.control_periods
    for place, entry in payload["places"].items():
        own = periods[periods["place"] == place].sort_values("start")
        assert [c[0] for c in entry["changes"][1:]] == [f"{d:%Y-%m-%d}" for d in own["start"]]
        assert entry["changes"][0][1] == history.initial_state(place, data).controller
    for _when, _summary, _label, url, _lang in payload["events"]:
        assert url.startswith(("http://", "https://"))


def test_the_block_fetches_nothing(block: str) -> None:
    without_links = re.sub(r'<a [^>]*href="[^"]*"', "", block)
    assert not re.search(r'(src|href)="(https?:)?//', without_links)
    assert "@import" not in block and "url(http" not in block


def test_the_map_has_no_colliding_or_too_small_text(data) -> None:
    fig = atlas.map_figure(data)
    assert legibility.collisions(fig) == [] and legibility.small_texts(fig) == []


def test_same_data_gives_the_same_bytes(block: str, data) -> None:
    assert atlas.interactive(data=data).html == block


# In the built book, in Chromium


def built() -> bool:
    return (HTML / PAGE).exists()


@pytest.mark.book
def test_page_weighs_under_300_kb_and_needs_no_asset_of_its_own() -> None:
    page = (HTML / PAGE).read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) < 300_000
    assert "cityatlas-atlas" in page and "<svg" in page


def states_in_browser(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "svg [data-place]",
        "els => Object.fromEntries(els.map(e => [e.dataset.place, e.getAttribute('class')]))",
    )


@pytest.mark.book
def test_keyboard_moves_the_date_and_recolours_the_towns(server: str, browser, data) -> None:
    from test_browser import Visit

    visit = Visit(browser, f"{server}/{PAGE}")
    page = visit.page
    try:
        host = server.split("//", 1)[1]
        assert [u for u in visit.requests if host not in u and not u.startswith("data:")] == []
        assert visit.errors == [] and visit.failed == []
        slider = page.locator("input[type=range]")
        slider.focus()
        page.keyboard.press("Home")
        first = states_in_browser(page)
        first_said = (slider.get_attribute("aria-valuetext"), page.locator("output").inner_text())
        assert first_said == ("1 January 2014", "1 January 2014")
        page.keyboard.press("ArrowRight")
        assert slider.get_attribute("aria-valuetext") == "2 January 2014"
        page.keyboard.press("End")
        last = states_in_browser(page)
        assert page.locator("output").inner_text() == "31 December 2017"
        changed = [p for p in first if first[p] != last[p]]
        assert len(changed) >= 20, changed
        page.keyboard.press("Tab")  # on to the buttons, then the first marker
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.dataset.place")
        assert focused in history.mapped_places(data)
        link = page.locator(".atlas-detail a")
        assert link.count() == 1 and link.get_attribute("href").startswith("http")
        shown_px = page.eval_on_selector(
            "#cityatlas-atlas > svg", "s => s.getBoundingClientRect().width"
        )
        drawn_pt = atlas.MAP_WIDTH_IN * 72
        smallest = legibility.MIN_TEXT_PT * shown_px / drawn_pt
        assert smallest >= 11, f"smallest map text {smallest:.1f} CSS px on a 1280 px wide page"
    finally:
        visit.close()


@pytest.mark.book
def test_the_script_and_the_data_agree_on_every_checked_date(server: str, browser, data) -> None:
    from test_browser import Visit

    visit = Visit(browser, f"{server}/{PAGE}")
    page = visit.page
    try:
        for when in CHECK_DATES:
            page.eval_on_selector(
                "input[type=range]",
                "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }",
                atlas.day_number(when),
            )
            shown = states_in_browser(page)
            expected = history.states_on([pd.Timestamp(when)], history.mapped_places(data), data)
            for state in expected.itertuples():
                look = f"atlas-place c-{state.controller} s-{state.status}"
                if state.rest_held_by:
                    look += " " + atlas.division_class(state.rest_held_by)
                assert shown[state.place] == look, (when, state.place)
        # a divided town is painted with its division's pattern: holder left, the rest right
        page.eval_on_selector(
            "input[type=range]",
            "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }",
            atlas.day_number("2016-06-01"),
        )
        fills = page.eval_on_selector_all(
            'svg [data-place="deir-ez-zor"] path',
            "els => els.map(e => getComputedStyle(e).fill)",
        )
        assert any("atlas-divided-is-syrian_government" in f for f in fills), fills
        status = page.inner_text('tr[data-place="deir-ez-zor"] .status')
        assert status == "partly held; the rest held by Syrian government", status
    finally:
        visit.close()


@pytest.mark.book
def test_atlas_screenshots_at_three_dates(server: str, browser) -> None:
    from test_browser import SCREENSHOTS, Visit

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit = Visit(browser, f"{server}/{PAGE}")
    try:
        for when in ("2014-01-01", "2015-03-02", "2017-12-31"):
            visit.page.eval_on_selector(
                "input[type=range]",
                "(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); }",
                atlas.day_number(when),
            )
            path = SCREENSHOTS / f"atlas-{when}.png"
            visit.page.locator(".cityatlas-atlas").screenshot(path=str(path))
            assert path.stat().st_size > 10_000
    finally:
        visit.close()
