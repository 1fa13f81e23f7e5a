"""Validation of the raw tables against the schema, reporting each problem in one line.

A problem names the file, the line, the column, the bad value and the rule it breaks, so a
curator can fix it without reading code. Nothing here raises for bad data: it collects.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

from cityatlas.schema import (
    AFTERMATH_EVENT_TYPE,
    ARABIC_LETTER,
    CONTROL_EVENT_TYPES,
    LIST_SEPARATOR,
    RAW_TABLES,
    STUDY_END,
    Column,
    Table,
    codes,
)

Row = dict[str, str]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a raw file."""

    file: str
    line: int
    column: str
    value: str
    rule: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        where = f"{self.file}:{self.line}" if self.line else self.file
        column = f" column '{self.column}'" if self.column else ""
        return f"{where}:{column} value {shown!r}: {self.rule}"


class InvalidData(Exception):
    """Raised by the pipeline when the raw data has problems; carries them all."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the raw data")
        self.problems = sorted(problems)


@dataclass
class RawTable:
    """A raw CSV file read as text: rows keyed by column, each with its line number."""

    table: Table
    path: Path
    rows: list[Row]
    lines: list[int]
    unreadable_ids: tuple[str, ...] = ()  # first fields of rows with the wrong number of fields


LATIN_LETTER = re.compile(r"[A-Za-z]")
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INTEGER_TEXT = re.compile(r"^-?\d+$")
NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")


def read_raw_table(table: Table, path: Path, problems: list[Problem]) -> RawTable | None:
    """Read one raw CSV file, checking encoding and header; None if unreadable."""
    name = str(path)
    if not path.exists():
        problems.append(Problem(name, 0, "", "", "file is missing"))
        return None
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(name, 1, "", "BOM", "file must be UTF-8 without a byte-order mark"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        bad = data[err.start : err.end].hex(" ")
        problems.append(Problem(name, line, "", f"bytes {bad}", "file must be valid UTF-8"))
        return None
    if not text.strip():
        problems.append(Problem(name, 1, "", "", "file is empty; it needs a header line"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as err:
        problems.append(Problem(name, reader.line_num, "", "", f"malformed CSV: {err}"))
        return None
    header = records[0]
    expected = list(table.column_names)
    for column in expected:
        if column not in header:
            problems.append(
                Problem(name, 1, column, "", "required column is missing from the header")
            )
    for column in header:
        if column not in expected:
            problems.append(
                Problem(name, 1, column, column, f"unknown column; allowed: {', '.join(expected)}")
            )
    if len(set(header)) != len(header):
        problems.append(
            Problem(name, 1, "", ",".join(header), "a column appears twice in the header")
        )
    if set(header) != set(expected):
        return None
    rows, lines, unreadable = [], [], []
    line = 1
    for record in records[1:]:
        line += 1
        if not record:
            continue
        if len(record) != len(header):
            problems.append(
                Problem(
                    name,
                    line,
                    "",
                    ",".join(record),
                    f"row has {len(record)} fields, header has {len(header)}",
                )
            )
            unreadable.append(record[0])  # its id, so that rows naming it are not reported too
            continue
        rows.append(dict(zip(header, record, strict=True)))
        lines.append(line)
    return RawTable(table, path, rows, lines, tuple(unreadable))


def split_list(text: str) -> list[str]:
    """The items of a ';'-separated list cell."""
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def parse_date(text: str) -> date | None:
    """A date from YYYY-MM-DD text, or None if it is not a real calendar date."""
    if not DATE_TEXT.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_cell(column: Column, value: str) -> str | None:
    """The rule a single cell breaks, or None if it is fine."""
    if value != value.strip():
        return "leading or trailing spaces"
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        return "control characters are not allowed"
    if value == "":
        return "required value is empty" if column.required else None
    if column.type == "date":
        parsed = parse_date(value)
        if parsed is None:
            return "not a valid date (YYYY-MM-DD)"
        if parsed > date.fromisoformat(STUDY_END) and column.within_study:
            return f"date after the end of the study period ({STUDY_END})"
    if column.type == "integer" and not INTEGER_TEXT.match(value):
        return "not a whole number"
    if column.type == "number" and not NUMBER_TEXT.match(value):
        return "not a decimal number"
    if column.type in ("integer", "number") and NUMBER_TEXT.match(value):
        number = float(value)
        below = column.minimum is not None and number < column.minimum
        above = column.maximum is not None and number > column.maximum
        if (below or above) and column.range_name:
            return f"outside {column.range_name} ({column.minimum:g} to {column.maximum:g})"
        if below:
            return f"below the minimum {column.minimum:g}"
        if above:
            return f"above the maximum {column.maximum:g}"
    if column.enum is not None and column.type == "list":
        unknown = [item for item in split_list(value) if item not in codes(column.enum)]
        if unknown:
            return f"{', '.join(unknown)}: not an allowed value; allowed: {', '.join(codes(column.enum))}"
    elif column.enum is not None and value not in codes(column.enum):
        return f"not an allowed value; allowed: {', '.join(codes(column.enum))}"
    if column.pattern and not re.match(column.pattern, value):
        return f"does not match the pattern {column.pattern}"
    if column.arabic:
        if not ARABIC_LETTER.search(value):
            return "must be written in Arabic script"
        if LATIN_LETTER.search(value):
            return "must be Arabic script only, without Latin letters"
    return None


def check_cells(raw: RawTable) -> Iterable[Problem]:
    """Problems with single cells: type, required, allowed values, pattern, script."""
    for row, line in zip(raw.rows, raw.lines, strict=True):
        for column in raw.table.columns:
            rule = check_cell(column, row[column.name])
            if rule:
                yield Problem(str(raw.path), line, column.name, row[column.name], rule)


def check_unique_ids(raw: RawTable) -> Iterable[Problem]:
    """Each primary key appears once."""
    key = raw.table.primary_key
    first_line: dict[str, int] = {}
    for row, line in zip(raw.rows, raw.lines, strict=True):
        value = row[key]
        if value in first_line:
            yield Problem(
                str(raw.path),
                line,
                key,
                value,
                f"duplicate id; first used on line {first_line[value]}",
            )
        else:
            first_line[value] = line


def check_foreign_keys(raw: RawTable, ids: dict[str, set[str]]) -> Iterable[Problem]:
    """Each reference to another table names an id that exists there."""
    for column in raw.table.columns:
        if not column.foreign_key or column.foreign_key not in ids:
            continue
        known = ids[column.foreign_key]
        for row, line in zip(raw.rows, raw.lines, strict=True):
            items = split_list(row[column.name]) if column.type == "list" else [row[column.name]]
            for item in items:
                if item and item not in known:
                    yield Problem(
                        str(raw.path),
                        line,
                        column.name,
                        item,
                        f"unknown {column.foreign_key[:-1]} id; not in {column.foreign_key}.csv",
                    )


def check_places(raw: RawTable) -> Iterable[Problem]:
    """A coordinate source for each place, and a population with its year and source."""
    for row, line in zip(raw.rows, raw.lines, strict=True):
        if not row["geonames_id"] and not row["coord_source"]:
            yield Problem(
                str(raw.path),
                line,
                "coord_source",
                "",
                "a place needs a geonames_id or a coord_source",
            )
        if row["population"] and not (row["population_year"] and row["population_source"]):
            yield Problem(
                str(raw.path),
                line,
                "population",
                row["population"],
                "a population needs its year and source",
            )


def check_sources(raw: RawTable) -> Iterable[Problem]:
    """Every source but the primary one has an address; each has a date, read after publication."""
    for row, line in zip(raw.rows, raw.lines, strict=True):
        if not row["published"] and not row["accessed"]:
            yield Problem(
                str(raw.path),
                line,
                "published",
                "",
                "a source needs its publication date, or for a living page the date it was read "
                "(accessed)",
            )
        published, accessed = parse_date(row["published"]), parse_date(row["accessed"])
        if published and accessed and accessed < published:
            yield Problem(
                str(raw.path),
                line,
                "accessed",
                row["accessed"],
                f"accessed is before the publication date {row['published']}",
            )
        if not row["url"] and row["kind"] != "primary":
            yield Problem(
                str(raw.path),
                line,
                "url",
                "",
                "a source needs its canonical url (only the primary source may lack one)",
            )


def check_date_range(raw: RawTable, row: Row, line: int) -> Problem | None:
    """The problem of a row whose date_end lies before its date_start, if it has one."""
    start, end = parse_date(row["date_start"]), parse_date(row["date_end"])
    if start is not None and end is not None and end < start:
        return Problem(
            str(raw.path),
            line,
            "date_end",
            row["date_end"],
            f"date_end is before date_start {row['date_start']}",
        )
    return None


def check_event_dates(raw: RawTable) -> Iterable[Problem]:
    """End not before start; precision 'day' means start equals end; only aftermath after the study."""
    study_end = date.fromisoformat(STUDY_END)
    for row, line in zip(raw.rows, raw.lines, strict=True):
        start, end = parse_date(row["date_start"]), parse_date(row["date_end"])
        if start is None or end is None:
            continue
        if row["event_type"] != AFTERMATH_EVENT_TYPE:
            for column, value in (("date_start", start), ("date_end", end)):
                if value > study_end:
                    yield Problem(
                        str(raw.path),
                        line,
                        column,
                        row[column],
                        f"date after the end of the study period ({STUDY_END}); "
                        f"only '{AFTERMATH_EVENT_TYPE}' events may be later",
                    )
        problem = check_date_range(raw, row, line)
        if problem:
            yield problem
        elif row["date_precision"] == "day" and end != start:
            yield Problem(
                str(raw.path),
                line,
                "date_end",
                row["date_end"],
                "precision 'day' needs date_end equal to date_start",
            )


def left_with(row: Row) -> str:
    """Who held the place after an event, as the next event must find it: an event that may not
    change control (and is reported if it does) leaves the controller it found."""
    return (
        row["controller_after"]
        if row["event_type"] in CONTROL_EVENT_TYPES
        else row["controller_before"]
    )


def check_control_sequences(raw: RawTable, skip: set[str] = frozenset()) -> Iterable[Problem]:
    """For each place, events in date order hand control on coherently.

    Only the event types in :data:`~cityatlas.schema.CONTROL_EVENT_TYPES` may change the
    controller or the status; any other event keeps the controller it found and repeats the
    status, and who held the rest, as the last control event left them. Places in ``skip``
    (those with a problem in a single row) are not checked: one mistake, one message.
    """
    by_place: dict[str, list[tuple[date, int, Row]]] = {}
    for row, line in zip(raw.rows, raw.lines, strict=True):
        start = parse_date(row["date_start"])
        if start is not None and row["place"] not in skip:
            by_place.setdefault(row["place"], []).append((start, line, row))
    for place, events in sorted(by_place.items()):
        events.sort(key=lambda e: (e[0], e[1]))
        for (_, prev_line, prev), (_, line, row) in pairwise(events):
            if row["controller_before"] != left_with(prev):
                yield Problem(
                    str(raw.path),
                    line,
                    "controller_before",
                    row["controller_before"],
                    f"contradicts the previous event of '{place}' (line {prev_line}), "
                    f"which left it with '{left_with(prev)}'",
                )
        last_control: tuple[int, Row] | None = None
        for _, line, row in events:
            kind = row["event_type"]
            if kind in CONTROL_EVENT_TYPES:
                last_control = (line, row)
                continue
            if row["controller_after"] != row["controller_before"]:
                yield Problem(
                    str(raw.path),
                    line,
                    "controller_after",
                    row["controller_after"],
                    f"an event of type '{kind}' does not change control; controller_after "
                    f"must equal controller_before '{row['controller_before']}'",
                )
            elif (
                last_control is not None and row["status_after"] != last_control[1]["status_after"]
            ):
                yield Problem(
                    str(raw.path),
                    line,
                    "status_after",
                    row["status_after"],
                    f"an event of type '{kind}' does not change control; status_after must be "
                    f"'{last_control[1]['status_after']}', as the control event on line "
                    f"{last_control[0]} left it",
                )
            elif (
                last_control is not None
                and rest_rule(row) is None
                and row["rest_held_by"] != last_control[1]["rest_held_by"]
            ):
                yield Problem(
                    str(raw.path),
                    line,
                    "rest_held_by",
                    row["rest_held_by"],
                    f"an event of type '{kind}' does not change control; rest_held_by must be "
                    f"'{last_control[1]['rest_held_by']}', as the control event on line "
                    f"{last_control[0]} left it",
                )


def rest_rule(row: Row) -> str | None:
    """The rule an event's ``rest_held_by`` breaks on its own row, or None: a partly held place
    names who held the rest, no other status does, and the rest is not the controller's."""
    rest, status = row["rest_held_by"], row["status_after"]
    if status == "partly_held" and not rest:
        return "required when status_after is 'partly_held': who held the rest of the place"
    if status != "partly_held" and rest:
        return f"must be empty: status_after is '{status}', not 'partly_held'"
    if row["controller_after"] in split_list(rest):
        return f"names controller_after '{row['controller_after']}', who holds the other part"
    return None


def check_rest_held_by(raw: RawTable) -> Iterable[Problem]:
    """Problems with the ``rest_held_by`` of single events (:func:`rest_rule`); that an event
    which does not change control keeps it is checked with the control sequences."""
    for row, line in zip(raw.rows, raw.lines, strict=True):
        rule = rest_rule(row)
        if rule:
            yield Problem(str(raw.path), line, "rest_held_by", row["rest_held_by"], rule)


def check_counts(raw: RawTable) -> Iterable[Problem]:
    """Measures and estimates: periods in order, low <= best <= high, a best value or a range
    (or a floor or ceiling explained in the note), a note for 'other'."""
    for row, line in zip(raw.rows, raw.lines, strict=True):
        problem = check_date_range(raw, row, line)
        if problem:
            yield problem
        values = {
            name: float(row[name])
            for name in ("low", "best", "high")
            if NUMBER_TEXT.match(row[name])
        }
        bound_explained = bool(row.get("note")) and raw.table.name == "estimates"
        if (
            "best" not in values
            and not ("low" in values and "high" in values)
            and not (bound_explained and ("low" in values or "high" in values))
        ):
            yield Problem(
                str(raw.path),
                line,
                "best",
                row["best"],
                "a measure needs its best value, or both low and high",
            )
        for smaller, larger in (("low", "best"), ("best", "high"), ("low", "high")):
            if smaller in values and larger in values and values[smaller] > values[larger]:
                yield Problem(
                    str(raw.path),
                    line,
                    larger,
                    row[larger],
                    f"{larger} is below {smaller} {row[smaller]}; need low <= best <= high",
                )
                break
        if row["quantity"] == "other" and not row["note"]:
            yield Problem(
                str(raw.path),
                line,
                "note",
                "",
                "a measure of quantity 'other' needs a note saying what was counted",
            )


def validate(raw_dir: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read and check every raw table; returns the tables and all problems found."""
    problems: list[Problem] = []
    tables: dict[str, RawTable] = {}
    for table in RAW_TABLES:
        raw = read_raw_table(table, raw_dir / f"{table.name}.csv", problems)
        if raw is not None:
            tables[table.name] = raw
    ids = {
        name: {row[raw.table.primary_key] for row in raw.rows} | set(raw.unreadable_ids)
        for name, raw in tables.items()
    }
    for raw in tables.values():
        problems.extend(check_cells(raw))
        problems.extend(check_unique_ids(raw))
        problems.extend(check_foreign_keys(raw, ids))
    if "sources" in tables:
        problems.extend(check_sources(tables["sources"]))
    if "places" in tables:
        problems.extend(check_places(tables["places"]))
    if "events" in tables:
        events = tables["events"]
        problems.extend(check_event_dates(events))
        problems.extend(check_rest_held_by(events))
        row_problems = {p.line for p in problems if p.file == str(events.path)}
        places_with_problems = {
            row["place"]
            for row, line in zip(events.rows, events.lines, strict=True)
            if line in row_problems
        }
        problems.extend(check_control_sequences(events, skip=places_with_problems))
    for name in ("measures", "estimates"):
        if name in tables:
            problems.extend(check_counts(tables[name]))
    return tables, sorted(set(problems))
