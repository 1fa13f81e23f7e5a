"""Where the project's files live. Notebooks and commands ask here, never build paths."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_RAW = ROOT / "data" / "raw"
DATA_CLEAN = ROOT / "data" / "clean"
FIGURES = ROOT / "figures"
CHAPTERS = ROOT / "chapters"
BUILD = ROOT / "_build"
REFERENCES_BIB = ROOT / "references.bib"
