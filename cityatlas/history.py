"""Questions about the dataset that the figures and chapters ask: who held a place when.

Every function takes the loaded :class:`~cityatlas.data.Dataset` and a place id or date and
raises ``ValueError`` naming the argument and the allowed values when asked about something
the data does not have.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from cityatlas.data import Dataset, load
from cityatlas.schema import STUDY_END, STUDY_START


@dataclass(frozen=True)
class State:
    """Who controlled a place on a date, and how."""

    controller: str
    status: str


def dataset(data: Dataset | None = None) -> Dataset:
    """The given dataset, or the clean dataset of the repository."""
    return data if data is not None else load()


def check_place(place: str, data: Dataset, with_events: bool = False) -> pd.Series:
    """The row of a place; ValueError naming the allowed ids if it is unknown."""
    places = data.places.set_index("id")
    allowed = sorted(set(data.events["place"])) if with_events else sorted(places.index)
    if place not in allowed:
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
    periods = periods_of(place, data)
    current = periods[periods["start"] <= when]
    if current.empty:
        first = events_of(place, data).iloc[0]
        return State(str(first["controller_before"]), "held")
    row = current.iloc[-1]
    return State(str(row["controller"]), str(row["status"]))


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


def held_by_is_monthly(data: Dataset | None = None) -> pd.DataFrame:
    """For the first day of each month: how many subject places IS held wholly and partly."""
    data = dataset(data)
    months = pd.date_range(STUDY_START, STUDY_END, freq="MS")
    rows = []
    for month in months:
        states = [state_at(p, month, data) for p in subject_places(data)]
        held = sum(s.controller == "is" and s.status == "held" for s in states)
        partly = sum(s.controller == "is" and s.status != "held" for s in states)
        rows.append({"month": month, "held": held, "partly_held": partly})
    return pd.DataFrame(rows)
