"""Questions about the dataset that the figures and chapters ask: who held a place when.

Every function takes the loaded :class:`~cityatlas.data.Dataset` and a place id or date and
raises ``ValueError`` naming the argument and the allowed values when asked about something
the data does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cityatlas.data import Dataset, dataset
from cityatlas.schema import (
    CONTROL_EVENT_TYPES,
    CONTROLLERS,
    STATUSES,
    STUDY_END,
    STUDY_START,
    labels,
)

#: Kinds of place that count as towns (see :func:`towns`).
TOWN_KINDS = ("city", "town")


@dataclass(frozen=True)
class State:
    """Who controlled a place on a date, and how."""

    controller: str
    status: str
    rest_held_by: tuple[str, ...] = ()  # for a partly held place: who held the rest


def check_place(place: str, data: Dataset, with_events: bool = False) -> pd.Series:
    """The row of a place; ValueError naming the allowed ids if it is unknown."""
    places = data.places.set_index("id")
    known = data.events["place"] if with_events else places.index.to_series()
    if not (known == place).any():
        allowed = sorted(set(known))
        raise ValueError(f"place={place!r} is not in the dataset; allowed: {', '.join(allowed)}")
    return places.loc[place]


def check_date(date: str | pd.Timestamp) -> pd.Timestamp:
    """A date inside the study period; ValueError otherwise."""
    try:
        when = pd.Timestamp(date)
    except (ValueError, TypeError):
        raise ValueError(
            f"date={date!r} is not a date; use YYYY-MM-DD between {STUDY_START} and {STUDY_END}"
        ) from None
    if not pd.Timestamp(STUDY_START) <= when <= pd.Timestamp(STUDY_END):
        raise ValueError(
            f"date={date!r} is outside the data; allowed: {STUDY_START} to {STUDY_END}"
        )
    return when


def events_of(place: str, data: Dataset | None = None) -> pd.DataFrame:
    """A place's events in story order."""
    data = dataset(data)
    check_place(place, data, with_events=True)
    return (
        data.events[data.events["place"] == place]
        .sort_values(["date_start", "id"])
        .reset_index(drop=True)
    )


def periods_of(place: str, data: Dataset | None = None) -> pd.DataFrame:
    """A place's control periods in order."""
    data = dataset(data)
    check_place(place, data, with_events=True)
    return (
        data.control_periods[data.control_periods["place"] == place]
        .sort_values("start")
        .reset_index(drop=True)
    )


def state_at(place: str, date: str | pd.Timestamp, data: Dataset | None = None) -> State:
    """Who controlled ``place`` on ``date``; before its first event, the controller it had then."""
    data = dataset(data)
    when = check_date(date)
    check_place(place, data, with_events=True)
    row = states_on([when], [place], data).iloc[0]
    return State(row["controller"], row["status"], row["rest_held_by"])


def initial_state(place: str, data: Dataset | None = None) -> State:
    """Who held the place before its first change of control.

    When the place's first event changes nothing (a clash, a declaration), it says how the
    place was held then: its controller, status and who held the rest. Otherwise the first
    control event's ``controller_before`` held it wholly.
    """
    data = dataset(data)
    events = events_of(place, data)
    first = events.iloc[0]
    if str(first["event_type"]) not in CONTROL_EVENT_TYPES:
        return State(
            str(first["controller_after"]), str(first["status_after"]), first["rest_held_by"]
        )
    return State(str(first["controller_before"]), "held")


def subject_places(data: Dataset | None = None) -> list[str]:
    """The places the source article names, in the article's order."""
    data = dataset(data)
    subjects = data.places[data.places["role"] == "subject"].sort_values(["article_order", "id"])
    return list(subjects["id"])


def places_with_events(data: Dataset | None = None) -> list[str]:
    """Subject places first, then every other place that has events."""
    data = dataset(data)
    subjects = subject_places(data)
    return subjects + sorted(set(data.events["place"]) - set(subjects))


def mapped_places(data: Dataset | None = None) -> list[str]:
    """Every place whose control the data follows (it has control periods): the subject places
    in the article's order, then the others by id. These are the places the maps colour."""
    data = dataset(data)
    with_periods = set(data.control_periods["place"])
    return [p for p in places_with_events(data) if p in with_periods]


def towns(data: Dataset | None = None) -> list[str]:
    """The mapped places that are towns or cities (not provinces, dams or bases): what the
    held-over-time chart counts and whose populations it sums."""
    data = dataset(data)
    kinds = data.places.set_index("id")["kind"]
    return [p for p in mapped_places(data) if kinds[p] in TOWN_KINDS]


def states_on(dates: list[pd.Timestamp], places: list[str], data: Dataset) -> pd.DataFrame:
    """Who held each place on each date, as :func:`state_at` answers, for many at once.

    One row per (date, place) with columns date, place, controller, status and rest_held_by.
    """
    periods = data.control_periods.sort_values(["place", "start"])
    rows = []
    for place in places:
        own = periods[periods["place"] == place]
        starts = own["start"].to_numpy()
        first = initial_state(place, data)
        for when in dates:
            i = int(starts.searchsorted(when.to_datetime64(), side="right")) - 1
            if i < 0:
                state = (first.controller, first.status, first.rest_held_by)
            else:
                row = own.iloc[i]
                state = (row["controller"], row["status"], row["rest_held_by"])
            rows.append((when, place, str(state[0]), str(state[1]), tuple(state[2])))
    return pd.DataFrame(rows, columns=["date", "place", "controller", "status", "rest_held_by"])


def held_by_is_monthly(data: Dataset | None = None) -> pd.DataFrame:
    """For the first day of each month: how many towns IS held wholly and partly, and the sum of
    their recorded populations (a lower bound of the people under IS, not an estimate).

    A town counts as partly held when IS held it other than wholly (in part, besieged, with a
    front line inside) or held the rest of a town another side partly held."""
    data = dataset(data)
    months = list(pd.date_range(STUDY_START, STUDY_END, freq="MS"))
    states = states_on(months, towns(data), data)
    population = data.places.set_index("id")["population"]
    states["people"] = states["place"].map(population).fillna(0)
    by_is = states["controller"] == "is"
    holds_the_rest = states["rest_held_by"].map(lambda rest: "is" in rest)
    wholly = states[by_is & (states["status"] == "held")].groupby("date")
    partly = states[(by_is & (states["status"] != "held")) | holds_the_rest].groupby("date")
    counts = pd.DataFrame({"month": months}).set_index("month")
    counts["held"] = wholly.size()
    counts["partly_held"] = partly.size()
    counts["people_held"] = wholly["people"].sum()
    counts["people_partly_held"] = partly["people"].sum()
    return counts.fillna(0).astype(int).reset_index()


def date_text(
    start: pd.Timestamp | str,
    end: pd.Timestamp | str | None = None,
    precision: str = "day",
    short: bool = False,
) -> str:
    """A date or date range in words, exactly as precise as it is known.

    ``precision`` is a date precision of the schema: day, days, week, month or year. A range
    (days, week) runs from ``start`` to ``end``; month and year print no day.
    """
    start = pd.Timestamp(start)
    end = start if end is None or pd.isna(end) else pd.Timestamp(end)
    month = "%b" if short else "%B"
    if precision == "year":
        return f"{start:%Y}"
    if precision == "month":
        return start.strftime(f"{month} %Y")
    if precision == "range":  # known only to lie between two months
        return f"{start.strftime(f'{month} %Y')} to {end.strftime(f'{month} %Y')}"
    if precision == "day" or start == end:
        return start.strftime(f"%-d {month} %Y")
    if start.year != end.year:
        return f"{start.strftime(f'%-d {month} %Y')}–{end.strftime(f'%-d {month} %Y')}"
    if start.month != end.month:
        return f"{start.strftime(f'%-d {month}')}–{end.strftime(f'%-d {month} %Y')}"
    return f"{start:%-d}–{end.strftime(f'%-d {month} %Y')}"


def distance_km(place: str, data: Dataset | None = None) -> int | None:
    """The derived straight-line (geodesic) distance from Baghdad, rounded, if the place has one."""
    distances = dataset(data).distances.set_index("place")
    return round(float(distances.loc[place, "geodesic_km"])) if place in distances.index else None


def span_text(start: pd.Timestamp | str, end: pd.Timestamp | str) -> str:
    """A span of dates in words, printing whole years and whole months without their days.

    A count for "2004" is stored as 1 January to 31 December 2004, and one for "May or June
    2015" as 1 May to 30 June 2015; they read "2004" and "May–June 2015", never as exact days.
    """
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start == end:
        return date_text(start)
    if start.is_year_start and end.is_year_end:
        return f"{start:%Y}" if start.year == end.year else f"{start:%Y}–{end:%Y}"
    if start.is_month_start and end.is_month_end:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%B %Y}"
        first = f"{start:%B}" if start.year == end.year else f"{start:%B %Y}"
        return f"{first}–{end:%B %Y}"
    return date_text(start, end, "days")


def event_date_text(event_id: str, data: Dataset | None = None, short: bool = False) -> str:
    """The date of an event, by id, as precise as it is known."""
    data = dataset(data)
    events = data.events.set_index("id")
    if event_id not in events.index:
        raise ValueError(f"event={event_id!r} is not in the dataset")
    e = events.loc[event_id]
    return date_text(e["date_start"], e["date_end"], e["date_precision"], short=short)


def held_text(place: str, data: Dataset | None = None) -> str:
    """When IS held the place (or part of it), in words, each period from its starting to its
    ending event, saying who held the rest of a divided place."""
    data = dataset(data)
    periods = periods_of(place, data)
    spans = []
    for p in periods.itertuples():
        rest = [side_words(c) for c in p.rest_held_by if c != "is"]
        if p.controller == "is":
            how = "" if p.status == "held" else f" ({STATUS_WORDS[p.status]})"
            if rest:
                how = f" ({STATUS_WORDS[p.status]}; the rest: {' and '.join(rest)})"
        elif "is" in p.rest_held_by:
            holders = [side_words(str(p.controller)), *rest]
            how = f" (part of it; the rest: {' and '.join(holders)})"
        else:
            continue
        begin = event_date_text(p.start_event, data)
        end = (
            event_date_text(p.end_event, data)
            if isinstance(p.end_event, str) and p.end_event
            else "the end of 2017"
        )
        spans.append(f"{begin} to {end}{how}")
    return "; ".join(spans) if spans else "never"


STATUS_WORDS = labels(STATUSES).en
CONTROLLER_WORDS = labels(CONTROLLERS).en


def side_words(controller: str) -> str:
    """A side of a divided place in words ("unknown": the sources name no one)."""
    return (
        "a side the sources do not name"
        if controller == "unknown"
        else CONTROLLER_WORDS[controller]
    )


def story_places(place: str, data: Dataset | None = None) -> list[str]:
    """A place and the related places whose story its chapter tells (their ``parent``)."""
    data = dataset(data)
    check_place(place, data)
    children = data.places[data.places["parent"] == place]["id"]
    return [place, *sorted(children)]


def story_events(place: str, data: Dataset | None = None) -> pd.DataFrame:
    """The events of a place and of its related places, in date order."""
    data = dataset(data)
    places = story_places(place, data)
    events = data.events[data.events["place"].isin(places)]
    return events.sort_values(["date_start", "id"]).reset_index(drop=True)


def story_measures(place: str, data: Dataset | None = None) -> pd.DataFrame:
    """The measures of a place and of its related places, by quantity and date."""
    data = dataset(data)
    places = story_places(place, data)
    measures = data.measures[data.measures["place"].isin(places)]
    return measures.sort_values(["quantity", "date_start", "id"]).reset_index(drop=True)


def is_holds_some(controller: str, rest_held_by: tuple[str, ...]) -> bool:
    """Whether the Islamic State group held all or part of a place: as its controller, or in
    the rest of a place another side partly held."""
    return controller == "is" or "is" in rest_held_by


def days_held(place: str, data: Dataset | None = None) -> int:
    """Days the Islamic State group held the place wholly or partly, to the end of 2017."""
    data = dataset(data)
    periods = periods_of(place, data)
    held = periods[
        [
            is_holds_some(c, rest)
            for c, rest in zip(periods["controller"], periods["rest_held_by"], strict=True)
        ]
    ]
    end_of_study = pd.Timestamp(STUDY_END) + pd.Timedelta(days=1)
    return int(
        sum(
            ((p.end if not pd.isna(p.end) else end_of_study) - p.start).days
            for p in held.itertuples()
        )
    )
