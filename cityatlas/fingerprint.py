"""Content fingerprints of build inputs, so each build step can skip work it has already done.

A step records the hash of its inputs (and of its outputs) in a stamp file; when both still
match, the step does nothing. Content, not modification times: a fresh clone, where every
file is new, rebuilds nothing that is already committed up to date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from cityatlas import paths

DATA_MODULES = ("schema", "validate", "data")
#: The modules the figures' landing pages are made with (with the templates).
LANDING_MODULES = ("landing", "cite", "figure_files")


def files_hash(files: Iterable[Path], root: Path = paths.ROOT) -> str:
    """A hash of the names and contents of ``files`` (missing files count as absent)."""
    digest = hashlib.sha256()
    for path in sorted({Path(f).resolve() for f in files}):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def combine(*parts: str) -> str:
    """One hash of several texts (file hashes, code, data rows), each hashed in turn."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part.encode()).digest())
    return digest.hexdigest()


def tree(folder: Path, pattern: str = "*") -> list[Path]:
    """Every file below ``folder`` matching ``pattern``."""
    return [p for p in folder.rglob(pattern) if p.is_file()] if folder.exists() else []


def modules(names: Iterable[str], root: Path = paths.ROOT) -> list[Path]:
    """The source files of the named package modules."""
    return [root / "cityatlas" / f"{name}.py" for name in names]


def figure_index_inputs(root: Path = paths.ROOT) -> list[Path]:
    """The files figures/index.csv is written from besides the data: the package (captions
    included) and the book's citation record and configuration. Of the data, the index
    reads what figures draw (``figure_cache.drawn_data``): the words of the story are not
    in it."""
    files = tree(root / "cityatlas", "*.py") + tree(root / "cityatlas" / "templates")
    return [*files, root / "CITATION.cff", root / "_config.yml"]


def landing_code(root: Path = paths.ROOT) -> list[Path]:
    """The code and templates the figures' landing pages are made with."""
    return modules(LANDING_MODULES, root) + tree(root / "cityatlas" / "templates")


def book_sources(root: Path = paths.ROOT) -> list[Path]:
    """Every file the HTML book is built from."""
    names = ("_config.yml", "_toc.yml", "intro.md", "gallery.md", "references.bib", "CITATION.cff")
    files = [root / name for name in names]
    files += tree(root / "chapters") + tree(root / "_static") + tree(root / "_extra")
    files += tree(root / "figures") + tree(root / "data" / "clean")
    # the Sphinx extension and the code the figures' landing pages are made with
    files += landing_code(root) + modules(("sphinxext",), root)
    return [f for f in files if ".ipynb_checkpoints" not in f.parts]


def is_current(name: str, digest: str, root: Path = paths.ROOT) -> bool:
    """Whether the build step ``name`` last ran on inputs with this digest."""
    stamp = root / "_build" / ".stamps" / name
    return stamp.exists() and stamp.read_text().strip() == digest


def record(name: str, digest: str, root: Path = paths.ROOT) -> None:
    """Note that the build step ``name`` has run on inputs with this digest."""
    folder = root / "_build" / ".stamps"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(digest + "\n")
