"""A cache of drawn figures: a chapter re-executed for another reason draws no figure whose
inputs are unchanged.

A book figure's key is a hash of everything its drawing and its files are made from: its id,
the clean tables its drawing reads (``FigureSpec.reads``) without the words of the story,
which no figure draws (:data:`UNDRAWN`), the metadata written into its files, the package's code and
templates, the versions of the drawing libraries and the font files. For each figure, the
cache (``_build/.cache/figures/``) keeps the key, the hashes of the three files written and
the image the cell showed. When a cell asks for a figure whose key is unchanged and whose
files are still those written, the cell shows the cached image (the same bytes a drawing
gives) and draws nothing.

``python -m cityatlas execute --force`` and ``make clean`` empty the cache;
``CITYATLAS_FIGURE_CACHE=0`` turns it off.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from cityatlas import fingerprint, paths
from cityatlas.figure_files import write_atomically

if TYPE_CHECKING:  # the data module imports pandas; the build's quick checks do without it
    from cityatlas.data import Dataset

FOLDER_IN_REPOSITORY = Path("_build", ".cache", "figures")
FOLDER = paths.ROOT / FOLDER_IN_REPOSITORY
#: Clean tables a figure may draw; the others (sources, claims, measures) no figure draws.
DRAWN_TABLES = ("places", "events", "control_periods", "distances", "estimates")
#: Columns of the drawn tables that hold the words of the story: no figure draws them, so
#: rewording a summary or a quote redraws nothing (tests/test_figure_cache.py checks this).
UNDRAWN = {"events": ("summary", "quote", "dispute", "actors", "sources")}
LIBRARIES = ("matplotlib", "cartopy", "numpy", "shapely", "pyproj", "pillow", "basemap-data")


def enabled() -> bool:
    """Whether the cache is used (``CITYATLAS_FIGURE_CACHE=0`` turns it off)."""
    return os.environ.get("CITYATLAS_FIGURE_CACHE", "1") != "0"


def drawn_data(data: Dataset, tables: tuple[str, ...] = DRAWN_TABLES) -> str:
    """A hash of the data in ``tables`` a figure can draw (the words of the story left out)."""
    parts = []
    for table in tables:
        frame = getattr(data, table)
        kept = frame.drop(columns=[c for c in UNDRAWN.get(table, ()) if c in frame.columns])
        parts.append(kept.to_csv(index=False, lineterminator="\n"))
    return fingerprint.combine(*parts)


def drawn_files(clean_dir: Path = paths.DATA_CLEAN) -> str:
    """A hash of what figures can draw, read straight from the clean CSV files (the words of
    the story left out), for build steps that do not load the dataset."""
    parts = []
    for table in DRAWN_TABLES:
        with open(clean_dir / f"{table}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        keep = [i for i, name in enumerate(rows[0]) if name not in UNDRAWN.get(table, ())]
        parts.append(json.dumps([[row[i] for i in keep] for row in rows]))
    return fingerprint.combine(*parts)


@cache
def tools() -> str:
    """A hash of the package's code and templates, the drawing libraries and the fonts."""
    from matplotlib import font_manager

    from cityatlas import style

    package = Path(__file__).parent
    code = fingerprint.files_hash(
        [*package.glob("*.py"), *fingerprint.tree(package / "templates")], package.parent
    )
    versions = [f"{name}=={metadata.version(name)}" for name in LIBRARIES]
    fonts = [
        font_manager.findfont(font_manager.FontProperties(family=family))
        for family in style.FONT_FAMILY
    ]
    font_bytes = [hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in fonts]
    return fingerprint.combine(code, json.dumps([versions, fonts, font_bytes]))


def key(
    fig_id: str,
    file_metadata: dict[str, dict],
    data: Dataset,
    reads: tuple[str, ...] = DRAWN_TABLES,
) -> str:
    """The key of a book figure drawn from the tables ``reads`` of ``data``."""
    return fingerprint.combine(
        fig_id, json.dumps(file_metadata, sort_keys=True), drawn_data(data, reads), tools()
    )


def file_hashes(fig_id: str, out_dir: Path, formats: tuple[str, ...]) -> dict[str, str] | None:
    """The hashes of a figure's files in ``out_dir`` (None if one is missing)."""
    files = {fmt: out_dir / f"{fig_id}.{fmt}" for fmt in formats}
    if not all(p.is_file() for p in files.values()):
        return None
    return {fmt: hashlib.sha256(p.read_bytes()).hexdigest() for fmt, p in files.items()}


def keyed_path(name: str, figure_key: str, suffix: str) -> Path:
    """Where the cache keeps what was drawn for ``name`` under a key (named by the key, so an
    entry can never point at the drawing of another key)."""
    return FOLDER / f"{name}-{figure_key[:24]}{suffix}"


def keep(name: str, figure_key: str, suffix: str, content: bytes) -> None:
    """Keep what was drawn for ``name`` under a key, dropping its drawings under other keys."""
    path = keyed_path(name, figure_key, suffix)
    FOLDER.mkdir(parents=True, exist_ok=True)
    pattern = rf"{re.escape(name)}-[0-9a-f]{{24}}{re.escape(suffix)}"
    for old in FOLDER.glob(f"{name}-*{suffix}"):
        if old != path and re.fullmatch(pattern, old.name):
            old.unlink(missing_ok=True)
    write_atomically(path, content)


def lookup(fig_id: str, figure_key: str, out_dir: Path, formats: tuple[str, ...]) -> bytes | None:
    """The image the cell showed last time, if the key and the files on disk are unchanged."""
    entry_path, image = FOLDER / f"{fig_id}.json", keyed_path(fig_id, figure_key, ".png")
    if not (enabled() and entry_path.is_file() and image.is_file()):
        return None
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    if entry.get("key") != figure_key or entry.get("files") != file_hashes(
        fig_id, out_dir, formats
    ):
        return None
    return image.read_bytes()


def store(
    fig_id: str, figure_key: str, out_dir: Path, formats: tuple[str, ...], shown: bytes
) -> None:
    """Remember a figure just drawn: its key, its files' hashes and the image the cell shows."""
    if not enabled():
        return
    keep(fig_id, figure_key, ".png", shown)
    entry = {"key": figure_key, "files": file_hashes(fig_id, out_dir, formats)}
    write_atomically(FOLDER / f"{fig_id}.json", (json.dumps(entry, indent=1) + "\n").encode())


def clear(root: Path = paths.ROOT) -> None:
    """Empty the cache of the repository at ``root`` (a forced build draws every figure)."""
    folder = root / FOLDER_IN_REPOSITORY
    for path in folder.glob("*") if folder.exists() else []:
        path.unlink(missing_ok=True)


def remembered(name: str, data: Dataset, make: Callable[[], bytes]) -> bytes:
    """What ``make()`` drew from the drawn data of ``data``, drawn only once per key (for a
    drawing that is not a book figure with files, such as the atlas's map)."""
    drawing_key = key(name, {}, data)
    kept = keyed_path(name, drawing_key, ".bin")
    if enabled() and kept.is_file():
        return kept.read_bytes()
    made = make()
    if enabled():
        keep(name, drawing_key, ".bin", made)
    return made
