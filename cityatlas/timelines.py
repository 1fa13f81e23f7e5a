"""Timelines: a city's events, the control swimlane of every place, places held over time.

Colours come from :mod:`cityatlas.style`, one per controller. Date uncertainty is drawn:
a period whose start is known only to the month, the week or a span of days begins with a
faded segment covering that span. The source article's date is marked on every timeline.
"""

from __future__ import annotations

from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.transforms as transforms
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox

from cityatlas import history, style
from cityatlas.data import Dataset, dataset
from cityatlas.schema import ARTICLE_DATE, EVENT_TYPES, STUDY_END, STUDY_START, labels

EVENT_LABELS = labels(EVENT_TYPES)
ARTICLE = pd.Timestamp(ARTICLE_DATE)
ARTICLE_TEXT = history.date_text(ARTICLE_DATE, short=True)  # "2 Mar 2015"
LABEL_BASE = 0.75  # data units: the lowest level of event numbers, above the control band
LEVEL_STEP = 0.48  # data units between levels of event numbers
LEADER_FOOT = 0.34  # where a leader line leaves the event marks (data units)
MAX_LEVELS = 5
AXIS_START, AXIS_END = pd.Timestamp(STUDY_START), pd.Timestamp(STUDY_END) + pd.Timedelta(days=1)


def mark_article(ax: plt.Axes, label: bool = True) -> None:
    """A vertical line at the source article's date."""
    ax.axvline(
        ARTICLE,
        color=style.ARTICLE_LINE,
        linewidth=0.9,
        linestyle=(0, (2, 1.5)),
        zorder=5,
        gid="article-line",
    )
    if label:
        ax.text(
            ARTICLE,
            1.0,
            f" AFP factbox\n {ARTICLE_TEXT}",
            transform=ax.get_xaxis_transform(),
            fontsize=style.SMALL_PT,
            va="bottom",
            ha="left",
        )


def date_axis(ax: plt.Axes, start: pd.Timestamp = AXIS_START, end: pd.Timestamp = AXIS_END) -> None:
    """Years as major ticks, quarters as minor ticks, over the study period (or a wider span)."""
    ax.set_xlim(start, end)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(4, 7, 10)))
    ax.grid(axis="x", which="major", color="#DDDDDD", linewidth=0.6, zorder=0)


def lane_periods(place: str, data: Dataset, start: pd.Timestamp = AXIS_START) -> pd.DataFrame:
    """A place's control periods for its lane, from ``start``: when the first period begins
    later, the state before it (who held the place before its first event, as
    :func:`history.initial_state` says) fills the lane from ``start``, so every figure shows the
    same state on every date."""
    periods = history.periods_of(place, data)
    if not periods.empty and periods["start"].iloc[0] <= start:
        return periods
    before = history.initial_state(place, data)
    prior = {
        "place": place,
        "controller": before.controller,
        "status": before.status,
        "rest_held_by": before.rest_held_by,
        "start": start,
        "start_precision": PRIOR,
        "end": periods["start"].iloc[0] if len(periods) else pd.NaT,
        "start_event": "",
    }
    return pd.concat([pd.DataFrame([prior]), periods], ignore_index=True)


#: Marks the state before a place's first dated change of control: inferred from that event,
#: not dated itself, so it is drawn faded like any date known only approximately.
PRIOR = "prior"


def rest_sides(period: Any) -> list[str]:
    """Who held the rest of a partly held place in a period (none for other periods)."""
    return list(getattr(period, "rest_held_by", ()))


def lane_bands(period: Any, y: float, height: float) -> list[tuple[str, float, float]]:
    """The bands of a period's bar, as (colour, centre, height): the whole lane in the
    controller's colour, or for a divided place its upper half, and the lower half shared
    by those who held the rest."""
    sides = rest_sides(period)
    colour = style.controller_colour(period.controller)
    if not sides:
        return [(colour, y, height)]
    bands = [(colour, y + height / 4, height / 2)]
    share = height / 2 / len(sides)
    bottom = y - height / 2
    for i, side in enumerate(sides):
        bands.append(
            (style.controller_colour(side), bottom + share * (len(sides) - i - 0.5), share)
        )
    return bands


def draw_periods(
    ax: plt.Axes,
    place: str,
    y: float,
    height: float,
    data: Dataset,
    end: pd.Timestamp = AXIS_END,
    start: pd.Timestamp = AXIS_START,
) -> None:
    """A lane of control periods: colour by controller, hatch by status, faded uncertain starts;
    a divided place's bar is split into the holder above and who held the rest below.

    The lane runs from ``start`` (the state before the first event fills it up to that event)
    to ``end``, where a period still open at the end of the data stops.
    """
    axis_end = end
    events = history.events_of(place, data).set_index("id")
    for period in lane_periods(place, data, start).itertuples():
        start = period.start
        end = period.end if not pd.isna(period.end) else axis_end
        if period.start_precision == PRIOR:
            certain_from = end
        elif period.start_precision != "day":
            certain_from = events.loc[period.start_event, "date_end"] + pd.Timedelta(days=1)
        else:
            certain_from = start
        hatch = style.STATUS_HATCHES[period.status]
        for colour, band_y, band_height in lane_bands(period, y, height):
            if certain_from > start:
                ax.barh(
                    band_y,
                    (min(certain_from, end) - start).days,
                    left=start,
                    height=band_height,
                    color=colour,
                    alpha=0.35,
                    edgecolor="none",
                    zorder=2,
                )
            if end > certain_from:
                ax.barh(
                    band_y,
                    (end - certain_from).days,
                    left=certain_from,
                    height=band_height,
                    color=colour,
                    edgecolor=style.INK if hatch else "none",
                    linewidth=0.0,
                    hatch=hatch,
                    zorder=2,
                )
        outline = Rectangle(
            (mdates.date2num(start), y - height / 2),
            (end - start).days,
            height,
            fill=False,
            edgecolor=style.INK,
            linewidth=0.4,
            zorder=2.5,
            gid=f"outline-{period.controller}",
        )
        ax.add_patch(outline)


def controller_handles(controllers: list[str], statuses: list[str]) -> list:
    """Legend entries for controllers, the statuses shown, and date uncertainty."""
    handles = [style.controller_patch(c, linewidth=0.4) for c in controllers]
    handles += [
        Patch(
            facecolor="#FFFFFF",
            edgecolor=style.INK,
            hatch=style.STATUS_HATCHES[s],
            linewidth=0.4,
            label=style.STATUS_LEGEND[s],
        )
        for s in statuses
        if s != "held"
    ]
    handles.append(Patch(facecolor=style.MUTED, alpha=0.35, label="approximate date"))
    return handles


def statuses_in(places: list[str], data: Dataset) -> list[str]:
    """Statuses appearing in the lanes of ``places``, in schema order."""
    seen = {s for place in places for s in lane_periods(place, data)["status"]}
    return [s for s in style.STATUS_HATCHES if s in seen]


def controllers_in(places: list[str], data: Dataset) -> list[str]:
    """Controllers appearing in the periods of ``places`` (as holders or holding the rest of
    a divided place), in palette order."""
    shown = pd.concat([lane_periods(place, data) for place in places], ignore_index=True)
    sides = [side for period in shown.itertuples() for side in rest_sides(period)]
    return style.in_palette_order([*shown["controller"], *sides])


def vertical_box(ax: plt.Axes, when: pd.Timestamp, low: float, high: float) -> Bbox:
    """The display box of a vertical line at ``when`` from ``low`` to ``high`` (data units),
    one pixel either side."""
    (x, y0), (_, y1) = ax.transData.transform(
        [(mdates.date2num(when), low), (mdates.date2num(when), high)]
    )
    return Bbox.from_extents(x - 1, y0, x + 1, y1)


#: Where an event's number may go, tried in turn on each level: above its mark, then a box's
#: width to the right or left of it (with a slanting leader).
LABEL_SHIFTS = (0, 1, -1, 2, -2)


def place_event_label(
    ax: plt.Axes,
    renderer,
    when: pd.Timestamp,
    label: str,
    levels: list[list],
    obstacles: list,
) -> None:
    """Put an event's number where neither it nor its leader line meets another label or an
    obstacle (the factbox's note and date line, other leaders): on the lowest level, above
    its mark or shifted sideways (the legibility check reports it if no place is free)."""
    at = mdates.date2num(when)
    foot = ax.transData.transform((at, LEADER_FOOT))
    text = ax.text(
        when,
        LABEL_BASE,
        label,
        fontsize=style.SMALL_PT,
        ha="center",
        va="bottom",
        zorder=6,  # above the article's dashed line
        gid="event-label",
        bbox={
            "boxstyle": "round,pad=0.15",
            "facecolor": "white",
            "edgecolor": style.MUTED,
            "linewidth": 0.4,
        },
    )
    lowest = text.get_window_extent(renderer).expanded(1.15, 1.1)  # above its mark, level 0
    last = max(len(levels), MAX_LEVELS - 1)
    for level in range(last + 1):
        y = LABEL_BASE + LEVEL_STEP * level
        rise = ax.transData.transform((at, y))[1] - ax.transData.transform((at, LABEL_BASE))[1]
        for shift in LABEL_SHIFTS:
            dx = shift * lowest.width * 1.1
            box = lowest.translated(dx, rise)
            x = ax.transData.inverted().transform((foot[0] + dx, foot[1]))[0] if shift else at
            top = ax.transData.transform((x, y))
            leader = MplPath([foot, top])
            placed = [b for boxes in levels for b in boxes]
            clear = not any(box.overlaps(b) for b in placed + obstacles) and not any(
                leader.intersects_bbox(b, filled=False) for b in placed
            )
            if clear or (level == last and shift == LABEL_SHIFTS[-1]):
                while len(levels) <= level:
                    levels.append([])
                levels[level].append(box)
                obstacles.append(Bbox([np.minimum(foot, top) - 1, np.maximum(foot, top) + 1]))
                text.set_position((x, y))
                ax.plot(
                    [at, x],
                    [LEADER_FOOT, y],
                    color=style.MUTED,
                    linewidth=0.5,
                    zorder=3,
                    gid="leader",
                )
                return


def legend_and_source(
    fig: Figure,
    ax: plt.Axes,
    places: list[str],
    data: Dataset,
    anchor: tuple[float, float],
    source: str,
) -> None:
    """The controller and status legend under the axes, and the data source line."""
    ax.legend(
        handles=controller_handles(controllers_in(places, data), statuses_in(places, data)),
        loc="upper center",
        bbox_to_anchor=anchor,
        ncol=3,  # its widest labels in four columns ran past the page
        frameon=False,
        fontsize=style.SMALL_PT,
    )
    fig.text(
        0.01,
        0.01,
        f"Source: cityatlas dataset v{data.version}, {source}",
        fontsize=style.SMALL_PT,
        color=style.MUTED,
    )


KEY_ROW_IN = 0.17  # height of one line of the event key, inches
LEGEND_ROW_IN = 0.2  # height of one row of the controller legend, inches
LEGEND_COLUMNS = 4
CHART_IN = 1.45  # height of the date axis with the control band and the event numbers
CLUSTER_DAYS = 12  # events closer than this to the previous one share one label


def event_clusters(events: pd.DataFrame) -> list[list[int]]:
    """Runs of event numbers (1-based, in date order) close enough in time to share a label."""
    clusters: list[list[int]] = []
    previous = None
    for number, start in enumerate(events["date_start"], start=1):
        if previous is not None and (start - previous).days < CLUSTER_DAYS:
            clusters[-1].append(number)
        else:
            clusters.append([number])
        previous = start
    return clusters


def cluster_label(numbers: list[int]) -> str:
    """The label of a run of event numbers: "4", "4, 5" or "4–7"."""
    if len(numbers) == 1:
        return str(numbers[0])
    if len(numbers) == 2:
        return f"{numbers[0]}, {numbers[1]}"
    return f"{numbers[0]}–{numbers[-1]}"


def timeline_span(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates a place's timeline covers: the study period, widened to whole years so that
    every event of the place falls inside it."""
    start = min(AXIS_START, pd.Timestamp(f"{events['date_start'].min():%Y}-01-01"))
    end = max(AXIS_END, pd.Timestamp(f"{events['date_end'].max().year + 1}-01-01"))
    return start, end


def timeline_years(events: pd.DataFrame) -> str:
    """The years a place's timeline covers, as its title gives them: "2014–2017"."""
    start, end = timeline_span(events)
    return f"{start:%Y}–{end.year - 1}"


def city_timeline(place: str, data: Dataset | None = None) -> Figure:
    """A place's control band and numbered events on a date axis, with a key of the events.

    Each event is a dot on the band; its number stands above it (events a few days apart share
    one label, "9–12", and labels are stacked so none covers another). The key under the chart
    gives each number's date, as precise as it is known, and what happened, so the figure stays
    legible however many events a place has.
    """
    data = dataset(data)
    row = history.check_place(place, data, with_events=True)
    events = history.events_of(place, data)
    style.apply()
    columns = 2 if len(events) > 5 else 1
    rows = -(-len(events) // columns)
    handles = controller_handles(controllers_in([place], data), statuses_in([place], data))
    legend_rows = -(-len(handles) // LEGEND_COLUMNS)
    source_in, key_in, legend_in, ticks_in, title_in = (
        0.25,
        rows * KEY_ROW_IN + 0.05,
        legend_rows * LEGEND_ROW_IN + 0.1,
        0.25,
        0.35,
    )
    height = source_in + key_in + legend_in + ticks_in + CHART_IN + title_in

    def y(inches: float) -> float:
        return inches / height

    fig = plt.figure(figsize=(style.FULL_WIDTH_IN, height))
    chart_bottom = source_in + key_in + legend_in + ticks_in
    ax = fig.add_axes((0.02, y(chart_bottom), 0.96, y(CHART_IN)))
    span_start, span_end = timeline_span(events)
    draw_periods(ax, place, 0.0, 0.5, data, end=span_end, start=span_start)
    date_axis(ax, span_start, span_end)
    top = LABEL_BASE + LEVEL_STEP * MAX_LEVELS
    ax.set_ylim(-0.4, top)
    renderer = fig.canvas.get_renderer()
    mark_article(ax, label=False)
    note = ax.text(
        ARTICLE,
        top,
        f" AFP factbox, {ARTICLE_TEXT}",
        fontsize=style.SMALL_PT,
        ha="left",
        va="top",
        zorder=4,
        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"},
    )
    obstacles = [
        note.get_window_extent(renderer).expanded(1.05, 1.1),
        vertical_box(ax, ARTICLE, -0.4, top),
    ]
    levels: list[list] = []
    for event in events.itertuples():
        ax.plot(
            [event.date_start, event.date_end],
            [0.32, 0.32],
            color=style.INK,
            linewidth=2.0,
            solid_capstyle="round",
            zorder=3,
        )
        ax.plot([event.date_start], [0.32], marker="o", markersize=3, color=style.INK, zorder=3)
    for numbers in event_clusters(events):
        when = events.iloc[numbers[0] - 1]["date_start"]
        place_event_label(ax, renderer, when, cluster_label(numbers), levels, obstacles)
    for number, event in enumerate(events.itertuples(), start=1):
        column, line = divmod(number - 1, rows)
        date = history.date_text(event.date_start, event.date_end, event.date_precision, short=True)
        fig.text(
            0.02 + column * 0.49,
            y(source_in + key_in - (line + 0.5) * KEY_ROW_IN),
            f"{number}   {date}: {EVENT_LABELS.en[event.event_type]}",
            fontsize=style.SMALL_PT,
            va="center",
            gid="event-key",
        )
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    fig.text(
        0.02,
        y(height - title_in / 2),
        f"{row['name_en']}  {row['name_ar']}: events and control, {timeline_years(events)}",
        fontsize=9,
        va="center",
    )
    fig.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, y(source_in + key_in + legend_in)),
        ncol=LEGEND_COLUMNS,
        frameon=False,
        fontsize=style.SMALL_PT,
    )
    fig.text(
        0.01,
        y(0.08),
        f"Source: cityatlas dataset v{data.version}, events and control_periods "
        "tables; the events table of the chapter cites each event.",
        fontsize=style.SMALL_PT,
        color=style.MUTED,
    )
    return fig


def swimlane_places(data: Dataset) -> list[str]:
    """The places with a lane: every place with dated changes of control, subjects first."""
    with_periods = set(data.control_periods["place"])
    return [p for p in history.places_with_events(data) if p in with_periods]


def control_swimlane(data: Dataset | None = None) -> Figure:
    """One lane per place with events: who controlled it when, uncertainty and status drawn."""
    data = dataset(data)
    places = swimlane_places(data)
    names = data.places.set_index("id")
    style.apply()
    fig, ax = plt.subplots(figsize=(style.FULL_WIDTH_IN, 0.32 * len(places) + 1.6))
    fig.subplots_adjust(left=0.25, right=0.98, top=0.92, bottom=0.2)
    for i, place in enumerate(places):
        draw_periods(ax, place, -i, 0.62, data)
    ax.set_yticks([-i for i in range(len(places))])
    ax.set_yticklabels([f"{names.loc[p, 'name_en']}  {names.loc[p, 'name_ar']}" for p in places])
    ax.set_ylim(-len(places) + 0.4, 0.6)
    date_axis(ax)
    mark_article(ax)
    legend_and_source(
        fig, ax, places, data, (0.42, -0.07), "control_periods table (derived from the events)."
    )
    return fig


def held_bars(ax: plt.Axes, counts: pd.DataFrame, wholly: str, partly: str, scale: float) -> None:
    """Stacked monthly bars: wholly held by IS (solid), partly held on top (hatched)."""
    common = {"width": 27, "align": "edge", "zorder": 2}
    ax.bar(counts["month"], counts[wholly] * scale, color=style.controller_colour("is"), **common)
    ax.bar(
        counts["month"],
        counts[partly] * scale,
        bottom=counts[wholly] * scale,
        color="#FFFFFF",
        edgecolor=style.controller_colour("is"),
        hatch=style.STATUS_HATCHES["partly_held"],
        linewidth=0.5,
        **common,
    )
    date_axis(ax)
    mark_article(ax, label=False)


def places_held_over_time(data: Dataset | None = None) -> Figure:
    """How many of the dataset's towns IS held, wholly or partly, month by month, and the sum
    of their recorded populations (a lower bound of the people under IS, not an estimate)."""
    data = dataset(data)
    counts = history.held_by_is_monthly(data)
    towns = history.towns(data)
    with_population = int(data.places.set_index("id").loc[towns, "population"].notna().sum())
    style.apply()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(style.FULL_WIDTH_IN, 4.4), sharex=True)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.14, hspace=0.25)
    held_bars(top, counts, "held", "partly_held", 1.0)
    top.set_ylabel(f"towns (of {len(towns)})")
    top.yaxis.get_major_locator().set_params(integer=True)
    top.set_title("Towns held by IS", loc="left", fontsize=8)
    held_bars(bottom, counts, "people_held", "people_partly_held", 1e-6)
    bottom.set_ylabel("millions")
    bottom.set_title(
        f"Sum of those towns' pre-war populations ({with_population} of {len(towns)} have a "
        "figure): a lower bound, not an estimate of everyone under IS",
        loc="left",
        fontsize=style.SMALL_PT + 0.5,
    )
    fig.legend(
        handles=[
            Patch(facecolor=style.controller_colour("is"), label="held by IS"),
            Patch(
                facecolor="#FFFFFF",
                edgecolor=style.controller_colour("is"),
                hatch=style.STATUS_HATCHES["partly_held"],
                label="partly held by IS",
            ),
            Line2D(
                [],
                [],
                color=style.ARTICLE_LINE,
                linestyle=(0, (2, 1.5)),
                label="date of the AFP factbox",
            ),
        ],
        loc="upper right",
        ncol=3,
        frameon=False,
    )
    fig.text(
        0.01,
        0.01,
        f"Counted on the first day of each month. Source: cityatlas dataset v{data.version}, "
        "control_periods and places tables.",
        fontsize=style.SMALL_PT,
        color=style.MUTED,
    )
    return fig


#: Marker of each estimator on the territory figure: shape, not colour (colours mean controllers).
ESTIMATOR_MARKERS = {"IHS Conflict Monitor": "o", "RAND": "s", "US-led coalition": "^"}
ESTIMATE_PANELS = (
    ("area_held", "Area held, km²", 1.0),
    ("population_under_is", "People under IS, millions", 1e-6),
    ("territory_lost", "Territory lost since the peak, %", 1.0),
)


SCOPE_COLOURS = {"iraq_and_syria": style.INK, "iraq": style.MUTED, "syria": style.MUTED}


def draw_estimate(
    ax: plt.Axes, at: pd.Timestamp, row: pd.Series, scale: float, marker: str
) -> None:
    """One published estimate: its best value as a marker (hollow when it covers one country),
    a range as a vertical bar, a floor ("more than") as a marker with an arrow above it."""
    colour = SCOPE_COLOURS[row["scope"]]
    face = colour if row["scope"] == "iraq_and_syria" else "white"
    low, best, high = (None if pd.isna(row[k]) else row[k] * scale for k in ("low", "best", "high"))
    point = best if best is not None else (low if high is None else high)
    if low is not None and high is not None:
        ax.plot([at, at], [low, high], color=colour, linewidth=1.2, zorder=2)
    elif best is None and low is not None:
        above = transforms.offset_copy(ax.transData, fig=ax.figure, y=7, units="points")
        ax.plot(
            [at], [low], marker="$\\uparrow$", color=colour, markersize=6, transform=above, zorder=3
        )
    if best is not None or low is None or high is None:
        ax.plot(
            [at], [point], marker=marker, color=colour, markerfacecolor=face, markersize=5, zorder=3
        )


def territory_estimates(data: Dataset | None = None) -> Figure:
    """Published estimates of the group's territory, population and losses, 2014–2017.

    One panel per quantity on a shared date axis; each estimator has its own marker, each
    estimate is drawn at the middle of the period it refers to, a range as a vertical bar and
    a floor ("more than") as an upward arrow. Nothing is averaged or interpolated.
    """
    data = dataset(data)
    estimates = data.estimates
    style.apply()
    fig, axes = plt.subplots(
        len(ESTIMATE_PANELS), 1, figsize=(style.FULL_WIDTH_IN, 5.4), sharex=True
    )
    fig.subplots_adjust(left=0.1, right=0.98, top=0.88, bottom=0.2, hspace=0.28)
    counters = [c for c in ESTIMATOR_MARKERS if c in set(estimates["counted_by"])]
    for ax, (quantity, label, scale) in zip(axes, ESTIMATE_PANELS, strict=True):
        rows = estimates[estimates["quantity"] == quantity]
        for counter in counters:
            mine = rows[rows["counted_by"] == counter].sort_values("date_start")
            when = mine["date_start"] + (mine["date_end"] - mine["date_start"]) / 2
            marker = ESTIMATOR_MARKERS[counter]
            for (_, row), at in zip(mine.iterrows(), when, strict=True):
                draw_estimate(ax, at, row, scale, marker)
            series = mine[(mine["scope"] == "iraq_and_syria") & mine["best"].notna()]
            if len(series) >= 3:  # a series from one estimator: joined, to be read as one
                middle = series["date_start"] + (series["date_end"] - series["date_start"]) / 2
                ax.plot(
                    middle,
                    series["best"] * scale,
                    color=style.INK,
                    linewidth=0.7,
                    linestyle=(0, (3, 2)),
                    zorder=1,
                )
        ax.set_ylabel(label, fontsize=style.SMALL_PT)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#E5E5E5", linewidth=0.5)
        for side in ("right", "top"):
            ax.spines[side].set_visible(False)
        date_axis(ax)
        mark_article(ax, label=ax is axes[0])
    handles = [
        Line2D([], [], marker=ESTIMATOR_MARKERS[c], color=style.INK, linestyle="", label=c)
        for c in counters
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            color=style.MUTED,
            markerfacecolor="white",
            linestyle="",
            label="Iraq or Syria only (hollow)",
        ),
        Line2D([], [], color=style.INK, linewidth=1.2, label="range given"),
        Line2D([], [], color=style.INK, marker="$\\uparrow$", linestyle="", label="'more than'"),
        Line2D(
            [],
            [],
            color=style.INK,
            linewidth=0.7,
            linestyle=(0, (3, 2)),
            label="one estimator's series",
        ),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=4,
        frameon=False,
        fontsize=style.SMALL_PT,
        bbox_to_anchor=(0.5, 0.03),
    )
    fig.text(
        0.01,
        0.965,
        "Published estimates of the Islamic State group's territory, 2014–2017",
        fontsize=9,
    )
    fig.text(
        0.01,
        0.008,
        f"Source: cityatlas dataset v{data.version}, estimates table; each estimate is cited in the book.",
        fontsize=style.SMALL_PT,
        color=style.MUTED,
    )
    return fig
