"""The interactive atlas: every mapped town on an inline SVG map with a date slider, offline.

The map is drawn by the same code as the static overview map (:func:`maps.draw_control`);
each town's marker becomes an SVG element with ``data-place``, and a few lines of script
(``templates/atlas.js``) recolour the markers for the date the slider shows, from the control
periods embedded in the page as JSON. A table lists the same states as text. Nothing is
fetched: the page carries its map, data, style and script.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from cityatlas import figure_cache, geo, history, maps, style
from cityatlas.book import TEMPLATES, templates
from cityatlas.data import Dataset, dataset
from cityatlas.figures import render
from cityatlas.schema import ARTICLE_DATE, STUDY_END, STUDY_START

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

#: Size of the atlas map in inches. The SVG scales to the page's text column (about 650 CSS
#: px), so a map 4.6 inches wide shows its smallest text (style.SMALL_PT) at about 13 px.
MAP_WIDTH_IN = 4.6
#: Margin around the outermost towns, in km.
MARGIN_KM = 60
#: Pixels per inch at which the basemap is simplified: one screen pixel at full width.
SCREEN_DPI = 110
MARKER_SIZE = 55
#: Numbers in the SVG's path data are rounded to this many decimals (points, 1/72 inch).
DECIMALS = 1
NUMBER = re.compile(r"-?\d+\.\d+")
FILL = re.compile(r"fill:\s*[^;]+;?\s*")
#: The statuses drawn with a pattern (a wholly held place is plain colour), as on the static maps.
HATCHED_STATUSES = tuple(s for s, hatch in style.STATUS_HATCHES.items() if hatch)


@dataclass(frozen=True)
class AtlasPage:
    """The atlas as one block of HTML; a notebook shows it, the book inlines it."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def day_number(when: str | pd.Timestamp) -> int:
    """Days from the start of the study period: the slider's value for a date."""
    return int((pd.Timestamp(when) - pd.Timestamp(STUDY_START)).days)


def map_figure(data: Dataset) -> Figure:
    """The atlas map: the overview map's drawing (every mapped town, the factbox's places named),
    framed on the towns so they get the whole width."""
    places = data.places.set_index("id").loc[history.mapped_places(data)]
    extent = geo.extent_of(places[["lon", "lat"]].to_numpy(), MARGIN_KM)
    height = MAP_WIDTH_IN * (extent[3] - extent[2]) / (extent[1] - extent[0])
    fig, ax = maps.new_map(MAP_WIDTH_IN, height)
    ax.set_position((0.0, 0.0, 1.0, 1.0))
    maps.draw_basemap(ax, extent, "l", label_rivers=False, minor_rivers=False, dpi=SCREEN_DPI)
    maps.scale_bar(ax, extent)
    maps.north_arrow(ax)
    maps.draw_control(ax, pd.Timestamp(ARTICLE_DATE), data, size=MARKER_SIZE, divided=False)
    return fig


def map_svg(data: Dataset, payload: dict[str, Any]) -> str:
    """The atlas map as SVG text, markers ready to be recoloured. Labels stay glyph outlines,
    as in the static figures, so they sit exactly where the placement put them; the divisions
    of ``payload`` (:func:`atlas_data`) become its patterns. (Drawn once per state of the
    drawn data and code: ``figure_cache.remembered``.)"""

    def draw() -> bytes:
        fig = map_figure(data)
        text = render(fig, "svg").decode("utf-8")
        maps.plt.close(fig)
        return interactive_svg(text, data, payload).encode("utf-8")

    return figure_cache.remembered("atlas-map", data, draw).decode("utf-8")


def interactive_svg(text: str, data: Dataset, payload: dict[str, Any]) -> str:
    """Turn each ``place-<id>`` marker of a matplotlib SVG into a focusable ``data-place`` element.

    Its fill is removed so the page's classes (``c-<controller> s-<status>``, and
    ``r-<ids>`` for who held the rest of a divided place) set it; the status and division
    patterns are added to the SVG's definitions; path data are rounded.
    """
    root = ET.fromstring(text)
    names = data.places.set_index("id")["name_en"]
    for group in root.iter(f"{{{SVG}}}g"):
        gid = group.get("id", "")
        if not gid.startswith("place-"):
            continue
        place = gid.removeprefix("place-")
        group.attrib.pop("id")
        group.set("data-place", place)
        group.set("tabindex", "0")
        group.set("role", "button")
        group.set("aria-label", str(names[place]))
        group.set("class", "atlas-place")
        for element in group.iter():
            if "style" in element.attrib:
                element.set("style", FILL.sub("", element.get("style", "")))
    # matplotlib's hatches go: the page's own patterns (status_patterns) replace them
    for defs in root.iter(f"{{{SVG}}}defs"):
        for pattern in defs.findall(f"{{{SVG}}}pattern"):
            defs.remove(pattern)
    for key in ("width", "height"):
        root.attrib.pop(key, None)
    root.set("role", "group")
    root.set("aria-label", "Map of Iraq and Syria with one marker per town")
    defs = ET.SubElement(root, f"{{{SVG}}}defs")
    for element in [*status_patterns(), *division_patterns(payload)]:
        defs.append(element)
    for element in root.iter():
        if "d" in element.attrib:
            element.set(
                "d", NUMBER.sub(lambda m: f"{float(m[0]):.{DECIMALS}f}", element.get("d", ""))
            )
    return ET.tostring(root, encoding="unicode")


def status_patterns() -> list[ET.Element]:
    """One SVG pattern per controller and status that is not 'held': the static maps' hatches."""
    strokes = {"partly_held": ("M0,6 L6,0",), "contested": ("M0,6 L6,0", "M0,0 L6,6")}
    patterns = []
    for controller, colour in style.CONTROLLER_COLOURS.items():
        for status in HATCHED_STATUSES:
            pattern = ET.Element(
                f"{{{SVG}}}pattern",
                id=f"atlas-{status}-{controller}",
                width="6",
                height="6",
                patternUnits="userSpaceOnUse",
            )
            ET.SubElement(pattern, f"{{{SVG}}}rect", width="6", height="6", fill=colour)
            if status == "besieged":
                ET.SubElement(pattern, f"{{{SVG}}}circle", cx="3", cy="3", r="1.1", fill="#FFFFFF")
            for path in strokes.get(status, ()):
                ET.SubElement(
                    pattern, f"{{{SVG}}}path", d=path, stroke="#FFFFFF", **{"stroke-width": "1.2"}
                )
            patterns.append(pattern)
    return patterns


def divisions(payload: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """Every (holder, who held the rest) of a divided place in the atlas's data
    (:func:`atlas_data`), in a stable order."""
    seen = {
        (str(change[1]), tuple(change[4]))
        for place in payload["places"].values()
        for change in place["changes"]
        if change[4]
    }
    return sorted(seen)


def division_class(rest: tuple[str, ...] | list[str]) -> str:
    """The class naming who held the rest of a divided place (ids joined by '-')."""
    return "r-" + "-".join(rest)


def division_pattern(controller: str, rest: tuple[str, ...]) -> str:
    """The id of the SVG pattern that paints a division."""
    return f"atlas-divided-{controller}-{'-'.join(rest)}"


def division_patterns(payload: dict[str, Any]) -> list[ET.Element]:
    """One SVG pattern per division in the data, as the static maps draw a divided marker: the
    holder's colour on the left half, those who held the rest sharing the right half."""
    patterns = []
    for controller, rest in divisions(payload):
        pattern = ET.Element(
            f"{{{SVG}}}pattern",
            id=division_pattern(controller, rest),
            width="1",
            height="1",
            patternUnits="objectBoundingBox",
            patternContentUnits="objectBoundingBox",
        )
        colour = style.controller_colour(controller)
        ET.SubElement(pattern, f"{{{SVG}}}rect", width="0.5", height="1", fill=colour)
        share = 1 / len(rest)
        for i, side in enumerate(rest):
            ET.SubElement(
                pattern,
                f"{{{SVG}}}rect",
                x="0.5",
                y=f"{i * share:g}",
                width="0.5",
                height=f"{share:g}",
                fill=style.controller_colour(side),
            )
        patterns.append(pattern)
    return patterns


def division_css(payload: dict[str, Any]) -> list[str]:
    """The rules that paint a divided place's marker and table swatch."""
    rules = []
    for controller, rest in divisions(payload):
        look = f".c-{controller}.s-partly_held.{division_class(rest)}"
        rules.append(f".cityatlas-atlas {look}{{fill:url(#{division_pattern(controller, rest)})}}")
        colours = [style.controller_colour(c) for c in (controller, *rest)]
        stops = [f"{colours[0]} 0 50%"]
        share = 50 / len(rest)
        stops += [
            f"{colour} {50 + i * share:g}% {50 + (i + 1) * share:g}%"
            for i, colour in enumerate(colours[1:])
        ]
        rules.append(
            f".cityatlas-atlas .swatch{look}{{background:linear-gradient(90deg,{','.join(stops)})}}"
        )
    return rules


def status_text(status: str, rest: tuple[str, ...]) -> str:
    """A state's status in words, as the page's script also writes it."""
    held_by = " and ".join(style.CONTROLLER_LABELS.en[r] for r in rest)
    return style.STATUS_LABELS.en[status] + (f"; the rest held by {held_by}" if rest else "")


def source_of(event: pd.Series, sources: pd.DataFrame) -> list[str]:
    """The label, address and language of the event's first source that has an address.

    Every event has one: validation requires sources, and every source but the primary one
    has an address.
    """
    for source_id in event["sources"]:  # the clean table holds each event's sources as a tuple
        row = sources.loc[source_id]
        if pd.notna(row["url"]):
            return [f"{row['publisher']}: {row['title']}", str(row["url"]), str(row["language"])]
    raise ValueError(f"event {event.name!r} has no source with an address")


def atlas_data(data: Dataset) -> dict[str, Any]:
    """What the page's script needs: each place's changes of control, and each change's event."""
    events = data.events.set_index("id")
    sources = data.sources.set_index("id")
    places = data.places.set_index("id")
    rows: dict[str, Any] = {}
    changes: list[list[str]] = []
    for place in history.mapped_places(data):
        first = history.initial_state(place, data)
        steps: list[list[Any]] = [
            ["", first.controller, first.status, -1, list(first.rest_held_by)]
        ]
        for period in history.periods_of(place, data).itertuples():
            event = events.loc[period.start_event]
            changes.append(
                [
                    history.event_date_text(period.start_event, data),
                    str(event["summary"]),
                    *source_of(event, sources),
                ]
            )
            steps.append(
                [
                    f"{period.start:%Y-%m-%d}",
                    period.controller,
                    period.status,
                    len(changes) - 1,
                    list(period.rest_held_by),
                ]
            )
        rows[place] = {"name": str(places.loc[place, "name_en"]), "changes": steps}
    return {
        "start": STUDY_START,
        "places": rows,
        "events": changes,
        "controllers": style.CONTROLLER_LABELS.en,
        "statuses": style.STATUS_LABELS.en,
    }


def page_css(payload: dict[str, Any]) -> str:
    """The atlas's style: one rule per controller colour, per status pattern and per division."""
    rules = []
    for controller, colour in style.CONTROLLER_COLOURS.items():
        rules.append(f".cityatlas-atlas .c-{controller}{{fill:{colour}}}")
        rules.append(f".cityatlas-atlas .swatch.c-{controller}{{background:{colour}}}")
        for status in HATCHED_STATUSES:
            rules.append(
                f".cityatlas-atlas .c-{controller}.s-{status}"
                f"{{fill:url(#atlas-{status}-{controller})}}"
            )
    return "\n".join(rules + division_css(payload))


def interactive(date: str = ARTICLE_DATE, data: Dataset | None = None) -> AtlasPage:
    """The atlas page's block: map, slider set to ``date``, legend, details and data table."""
    data = dataset(data)
    when = history.check_date(date)
    payload = atlas_data(data)
    places = data.places.set_index("id")
    states = history.states_on([when], history.mapped_places(data), data)
    rows = [
        {
            "id": s.place,
            "name": places.loc[s.place, "name_en"],
            "name_ar": places.loc[s.place, "name_ar"],
            "country": places.loc[s.place, "country"],
            "controller": s.controller,
            "status": s.status,
            "rest": list(s.rest_held_by),
            "status_text": status_text(s.status, s.rest_held_by),
        }
        for s in states.itertuples()
    ]
    html = (
        templates()
        .get_template("atlas.html")
        .render(
            svg=map_svg(data, payload),
            css=page_css(payload),
            script=(TEMPLATES / "atlas.js").read_text(encoding="utf-8"),
            data=json.dumps(payload, ensure_ascii=False, separators=(",", ":")).replace(
                "</", "<\\/"
            ),
            value=day_number(when),
            maximum=day_number(STUDY_END),
            date_text=history.date_text(when),
            rows=rows,
            controllers=style.CONTROLLER_LABELS.en,
            statuses=style.STATUS_LABELS.en,
            divided_legend=style.DIVIDED_MARKER_LEGEND,
            division_class=division_class,
            towns=len(rows),
            version=data.version,
        )
    )
    return AtlasPage(html)
