"""The book's figure files and their index, without drawing anything.

Names and formats of the files, ``figures/index.csv`` (its columns, reading and writing it
safely while chapters run in parallel), and the rows of ``data/clean`` a figure draws. This
module imports no plotting library, so the Sphinx build, the landing pages and the print
edition read the index cheaply; :mod:`cityatlas.figures` draws and uses it.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cityatlas import paths
from cityatlas.schema import LIST_SEPARATOR

FORMATS = ("png", "svg", "pdf")
#: Resolution of the image a cell shows (the citable PNG file has style.DPI).
DISPLAY_DPI = 150
INDEX = paths.FIGURE_INDEX.name
#: The columns of figures/index.csv: a figure's words, sources, files and citation, and the
#: clean tables and places whose rows it draws (its data on the landing page).
INDEX_COLUMNS = (
    "id",
    "title",
    "caption",
    "alt",
    "sources",
    "png",
    "svg",
    "pdf",
    "citation",
    "tables",
    "shows",
)


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file through a temporary file in the same folder, then rename; unchanged files are left alone."""
    if path.exists() and path.read_bytes() == content:
        return
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def data_key(table: str) -> str | None:
    """The column of a clean table that holds a place id (None: the table is not by place)."""
    if table == "estimates":
        return None
    return "id" if table == "places" else "place"


def figure_data(
    tables: tuple[str, ...] | list[str],
    shows: tuple[str, ...] | list[str],
    clean_dir: Path = paths.DATA_CLEAN,
) -> dict[str, str]:
    """The rows a figure draws (of ``tables``, for the places it ``shows``), as CSV text by
    table, with the columns of ``data/clean``."""
    out = {}
    for table in tables:
        with open(clean_dir / f"{table}.csv", encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            column = data_key(table)
            key = header.index(column) if column else None
            rows = [row for row in reader if key is None or row[key] in shows]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
        out[table] = buffer.getvalue()
    return out


def row_data(row: dict[str, str], clean_dir: Path = paths.DATA_CLEAN) -> dict[str, str]:
    """The rows the figure of an index row draws, as :func:`figure_data` gives them."""
    return figure_data(split(row["tables"]), split(row["shows"]), clean_dir)


def split(cell: str) -> list[str]:
    """The items of a ';'-separated cell of the index."""
    return [item for item in cell.split(LIST_SEPARATOR) if item]


def csv_bytes(rows: list[list[str]]) -> bytes:
    """Index rows as CSV bytes, header first, newline-terminated."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([list(INDEX_COLUMNS), *rows])
    return buffer.getvalue().encode("utf-8")


@contextmanager
def index_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on the index while chapters run in parallel."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".index.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def read_index(out_dir: Path = paths.FIGURES) -> dict[str, dict[str, str]]:
    """The rows of figures/index.csv, by figure id, in book order."""
    with open(out_dir / INDEX, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}
