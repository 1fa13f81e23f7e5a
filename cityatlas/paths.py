"""Where the project's files live. Notebooks and commands ask here, never build paths."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_RAW = ROOT / "data" / "raw"
DATA_CLEAN = ROOT / "data" / "clean"
#: Where figure files are written; CITYATLAS_FIGURES redirects them (tests use a scratch folder).
FIGURES = Path(os.environ.get("CITYATLAS_FIGURES", ROOT / "figures"))
CHAPTERS = ROOT / "chapters"
BUILD = ROOT / "_build"
REFERENCES_BIB = ROOT / "references.bib"
FIGURE_INDEX = FIGURES / "index.csv"
