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
            "mosul-dam-2014-captured",
            "2014-08-03,2014-08-07",
            "2014-08-07,2014-08-03",
        ),
        "column 'date_end' value '2014-08-03'",
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


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_reported_in_one_line_and_output_is_untouched(
    case: str, workspace: tuple[Path, Path]
) -> None:
    raw, out = workspace
    mutate, where, rule = CASES[case]
    before = snapshot(out)
    mutate(raw)
    result = subprocess.run(
        [sys.executable, "-m", "cityatlas", "data", "--raw", str(raw), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].endswith("left unchanged")
    matching = [line for line in lines if where in line and rule in line]
    assert matching, result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["clean", "raw"], (
        "no staging folder may be left behind"
    )
