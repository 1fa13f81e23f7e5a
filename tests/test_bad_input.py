"""Bad raw data: one clear line per problem naming file, line, column, value and rule;
no traceback; the output folder left exactly as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest


def edit(name: str, change: Callable[[str], str]) -> Callable[[Path], None]:
    """A mutation of one raw file's text."""

    def apply(raw: Path) -> None:
        path = raw / name
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def replace_line(name: str, starts: str, old: str, new: str) -> Callable[[Path], None]:
    """Replace text on the line of ``name`` that starts with ``starts``."""

    def change(text: str) -> str:
        lines = text.split("\n")
        index = next(i for i, line in enumerate(lines) if line.startswith(starts))
        assert old in lines[index]
        lines[index] = lines[index].replace(old, new, 1)
        return "\n".join(lines)

    return edit(name, change)


def append_row(name: str, row: str) -> Callable[[Path], None]:
    """Add one CSV line at the end of ``name``."""
    return edit(name, lambda t: t + ("" if t.endswith("\n") else "\n") + row + "\n")


# A valid measure, on which each measure case changes one thing. Its line is the last of the file.
MEASURE = {
    "id": "test-mosul-population",
    "place": "mosul",
    "quantity": "population_before",
    "date_start": "2014-06-01",
    "date_end": "2014-06-01",
    "low": "1500000",
    "best": "1700000",
    "high": "2500000",
    "unit": "people",
    "counted_by": "Reuters",
    "sources": "reuters-2014-mosul-dam-photo",
    "quote": "a city of some two million",
    "note": "",
}


def measure(**changes: str) -> Callable[[Path], None]:
    """Append :data:`MEASURE` to measures.csv with some of its cells changed."""
    row = {**MEASURE, **changes}
    cells = [f'"{v}"' if "," in v or " " in v else v for v in row.values()]
    return append_row("measures.csv", ",".join(cells))


# A valid aftermath event after the study period: only aftermath events may be dated so late.
AFTERMATH = (
    "test-mosul-aftermath,mosul,2019-01-15,2019-01-15,day,announced,aftermath,"
    "iraqi_government,iraqi_government,held,,Iraqi government,"
    "A test event after the study period.,vice-2014-mosul,A test quote of the event.,"
)


def write_bytes(name: str, data: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(raw: Path) -> None:
        path = raw / name
        path.write_bytes(data(path.read_bytes()))

    return apply


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "empty file": (write_bytes("claims.csv", lambda b: b""), "claims.csv:1", "file is empty"),
    "missing column": (
        edit("places.csv", lambda t: t.replace(",population_source", "", 1)),
        "places.csv:1",
        "required column is missing",
    ),
    "extra column": (
        edit("sources.csv", lambda t: t.replace("note\n", "note,rating\n", 1)),
        "sources.csv:1",
        "unknown column",
    ),
    "bad date": (
        replace_line(
            "events.csv", "mosul-2014-captured", "2014-06-10,2014-06-10", "2014-06-31,2014-06-31"
        ),
        "column 'date_start' value '2014-06-31'",
        "not a valid date",
    ),
    "reversed range": (
        replace_line(
            "events.csv",
            "baiji-2014-captured",
            "2014-06-11,2014-06-12",
            "2014-06-12,2014-06-11",
        ),
        "column 'date_end' value '2014-06-11'",
        "before date_start",
    ),
    "unknown place": (
        replace_line(
            "events.csv",
            "tikrit-2014-captured",
            "tikrit-2014-captured,tikrit,",
            "tikrit-2014-captured,tikritt,",
        ),
        "column 'place' value 'tikritt'",
        "unknown place id",
    ),
    "unknown source": (
        replace_line(
            "events.csv",
            "raqqa-2017-offensive",
            "wiki-battle-of-raqqa-2017",
            "wiki-battle-of-raqqa-2018",
        ),
        "value 'wiki-battle-of-raqqa-2018'",
        "unknown source id",
    ),
    "duplicate id": (
        replace_line("places.csv", "erbil,", "erbil,", "aleppo,"),
        "column 'id' value 'aleppo'",
        "duplicate id",
    ),
    "coordinates outside the region": (
        replace_line("places.csv", "damascus,", "33.51020,36.29128", "33.51020,26.29128"),
        "column 'lon' value '26.29128'",
        "outside the region",
    ),
    "non-UTF-8 bytes": (
        write_bytes("claims.csv", lambda b: b.replace("الموصل".encode(), b"\xe1\xff", 1)),
        "claims.csv:",
        "valid UTF-8",
    ),
    "byte-order mark": (
        write_bytes("sources.csv", lambda b: b"\xef\xbb\xbf" + b),
        "sources.csv:1",
        "byte-order mark",
    ),
    "value outside an enumeration": (
        replace_line("claims.csv", "c33-kobani", ",corroborated,", ",confirmed,"),
        "column 'verdict' value 'confirmed'",
        "not an allowed value",
    ),
    "missing quote": (
        replace_line(
            "events.csv",
            "kobani-2015-attack",
            "an activist group said 10 people died in fighting Thursday — the first time in six months the IS had managed to enter the town",
            "",
        ),
        "column 'quote' value ''",
        "required value is empty",
    ),
    "Latin text where Arabic is required": (
        replace_line("places.csv", "mosul,", "الموصل", "Mosul"),
        "column 'name_ar' value 'Mosul'",
        "Arabic script",
    ),
    "control sequence that contradicts itself": (
        replace_line(
            "events.csv",
            "mosul-2017-liberated",
            ",is,iraqi_government,",
            ",kurdish_forces,iraqi_government,",
        ),
        "column 'controller_before' value 'kurdish_forces'",
        "contradicts the previous event",
    ),
    "unterminated quote": (
        edit("sources.csv", lambda t: t + 'broken,"no end\n'),
        "sources.csv",
        "malformed CSV",
    ),
    "not a number": (
        replace_line("places.csv", "hit,", "33.63664", "33,6"),
        "places.csv",
        "fields",
    ),
    "missing file": (lambda raw: (raw / "events.csv").unlink(), "events.csv", "file is missing"),
    "control character": (
        replace_line("places.csv", "hit,", "Heet", "He\x07et"),
        "column 'name_variants'",
        "control characters",
    ),
    "event that does not change control changes the controller": (
        replace_line(
            "events.csv",
            "mosul-2016-offensive",
            ",offensive_begins,is,is,held,",
            ",offensive_begins,is,iraqi_government,held,",
        ),
        "column 'controller_after' value 'iraqi_government'",
        "does not change control; controller_after must equal controller_before 'is'",
    ),
    "event that does not change control changes the status": (
        replace_line(
            "events.csv",
            "mosul-2016-offensive",
            ",offensive_begins,is,is,held,",
            ",offensive_begins,is,is,contested,",
        ),
        "column 'status_after' value 'contested'",
        "does not change control; status_after must be 'held'",
    ),
    "partly held place that does not say who held the rest": (
        replace_line(
            "events.csv",
            "mosul-2017-east-liberated",
            ",partly_held,iraqi_government,",
            ",partly_held,,",
        ),
        "column 'rest_held_by' value ''",
        "required when status_after is 'partly_held': who held the rest of the place",
    ),
    "who held the rest of a place held wholly": (
        replace_line("events.csv", "mosul-2016-offensive", ",is,is,held,,", ",is,is,held,sdf,"),
        "column 'rest_held_by' value 'sdf'",
        "must be empty: status_after is 'held', not 'partly_held'",
    ),
    "who held the rest is not a controller": (
        replace_line(
            "events.csv",
            "mosul-2017-east-liberated",
            ",partly_held,iraqi_government,",
            ",partly_held,iraqi_government;peshmerga,",
        ),
        "column 'rest_held_by' value 'iraqi_government;peshmerga'",
        "peshmerga: not an allowed value",
    ),
    "the holder also holds the rest": (
        replace_line(
            "events.csv",
            "mosul-2017-east-liberated",
            ",partly_held,iraqi_government,",
            ",partly_held,is,",
        ),
        "column 'rest_held_by' value 'is'",
        "names controller_after 'is', who holds the other part",
    ),
    "event that does not change control changes who held the rest": (
        replace_line(
            "events.csv",
            "mosul-2017-west-offensive",
            ",partly_held,iraqi_government,",
            ",partly_held,sdf,",
        ),
        "column 'rest_held_by' value 'sdf'",
        "does not change control; rest_held_by must be 'iraqi_government'",
    ),
    "event after the study period that is not aftermath": (
        append_row("events.csv", AFTERMATH.replace(",aftermath,", ",declaration,")),
        "column 'date_start' value '2019-01-15'",
        "only 'aftermath' events may be later",
    ),
    "measures file missing": (
        lambda raw: (raw / "measures.csv").unlink(),
        "measures.csv",
        "file is missing",
    ),
    "measure missing a column": (
        edit("measures.csv", lambda t: t.replace(",counted_by", "", 1)),
        "measures.csv:1",
        "required column is missing",
    ),
    "measure of an unknown quantity": (
        measure(quantity="population_after"),
        "column 'quantity' value 'population_after'",
        "not an allowed value",
    ),
    "measure in an unknown unit": (
        measure(unit="persons"),
        "column 'unit' value 'persons'",
        "not an allowed value",
    ),
    "measure of an unknown place": (
        measure(place="mosull"),
        "column 'place' value 'mosull'",
        "unknown place id",
    ),
    "measure citing an unknown source": (
        measure(sources="vice-2014-mosul;no-such-source"),
        "column 'sources' value 'no-such-source'",
        "unknown source id",
    ),
    "measure without a source": (
        measure(sources=""),
        "column 'sources' value ''",
        "required value is empty",
    ),
    "measure without a quote": (
        measure(quote=""),
        "column 'quote' value ''",
        "required value is empty",
    ),
    "measure without a counter": (
        measure(counted_by=""),
        "column 'counted_by' value ''",
        "required value is empty",
    ),
    "measure value that is not a number": (
        measure(best="1.7 million"),
        "column 'best' value '1.7 million'",
        "not a decimal number",
    ),
    "negative measure": (
        measure(low="-5"),
        "column 'low' value '-5'",
        "below the minimum 0",
    ),
    "measure with low above best": (
        measure(low="1800000"),
        "column 'best' value '1700000'",
        "best is below low 1800000; need low <= best <= high",
    ),
    "measure with best above high": (
        measure(high="1600000"),
        "column 'high' value '1600000'",
        "high is below best 1700000; need low <= best <= high",
    ),
    "measure with low above high and no best": (
        measure(best="", low="3000000"),
        "column 'high' value '2500000'",
        "high is below low 3000000",
    ),
    "measure with neither best nor both bounds": (
        measure(best="", high=""),
        "column 'best' value ''",
        "needs its best value, or both low and high",
    ),
    "measure period that ends before it starts": (
        measure(date_end="2014-05-01"),
        "column 'date_end' value '2014-05-01'",
        "before date_start 2014-06-01",
    ),
    "measure with a bad date": (
        measure(date_start="2014-02-30"),
        "column 'date_start' value '2014-02-30'",
        "not a valid date",
    ),
    "measure of 'other' without a note": (
        measure(quantity="other"),
        "column 'note' value ''",
        "quantity 'other' needs a note",
    ),
    "duplicate measure id": (
        lambda raw: (measure()(raw), measure()(raw)),
        "column 'id' value 'test-mosul-population'",
        "duplicate id",
    ),
    "source without any date": (
        replace_line("sources.csv", "geonames,", ",,2026-11-23,https://", ",,,https://"),
        "column 'published' value ''",
        "a source needs its publication date, or for a living page the date it was read",
    ),
    "source read before it was published": (
        replace_line("sources.csv", "vice-2014-mosul,", ",2014-06-10,,", ",2014-06-10,2014-06-01,"),
        "column 'accessed' value '2014-06-01'",
        "accessed is before the publication date 2014-06-10",
    ),
    "source without an address": (
        replace_line("sources.csv", "geonames,", "https://www.geonames.org/", ""),
        "column 'url' value ''",
        "canonical url",
    ),
}


@pytest.fixture
def workspace(root: Path, tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    shutil.copytree(root / "data" / "raw", raw)
    out = tmp_path / "clean"
    shutil.copytree(root / "data" / "clean", out)
    return raw, out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def run_data(raw: Path, out: Path) -> subprocess.CompletedProcess:
    """Run ``python -m cityatlas data`` from ``raw`` into ``out``."""
    return subprocess.run(
        [sys.executable, "-m", "cityatlas", "data", "--raw", str(raw), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_base_rows_of_the_cases_are_valid(workspace: tuple[Path, Path]) -> None:
    """The measure and the late aftermath event the cases start from pass on their own."""
    raw, out = workspace
    measure()(raw)
    append_row("events.csv", AFTERMATH)(raw)
    result = run_data(raw, out)
    assert result.returncode == 0, result.stderr
    assert "test-mosul-population" in (out / "measures.csv").read_text(encoding="utf-8")
    assert "test-mosul-aftermath" in (out / "events.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_in_one_line_and_output_is_untouched(
    case: str, workspace: tuple[Path, Path]
) -> None:
    raw, out = workspace
    mutate, where, rule = CASES[case]
    before = snapshot(out)
    mutate(raw)
    result = run_data(raw, out)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].endswith("left unchanged")
    matching = [line for line in lines if where in line and rule in line]
    assert matching, result.stderr
    where_found = matching[0].split(": ", 1)[0]  # file:line of the mistake
    assert all(line.startswith(where_found + ":") for line in lines[:-1]), (
        "one mistake, reported where it is and nowhere else:\n" + result.stderr
    )
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["clean", "raw"], (
        "no staging folder may be left behind"
    )
