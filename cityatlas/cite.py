"""How a figure is cited: the book's record, each figure's address, citation line and file metadata.

The book's title, authors, version, licence and release date come from ``CITATION.cff``; the
address where the book is published from ``html.baseurl`` in ``_config.yml``. A figure's
citation line (in ``figures/index.csv`` and under the figure), the metadata written into its
PNG, SVG and PDF files, and its landing page (``cityatlas.landing``) are all derived from this
record and the figure's row, so nothing is typed twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from cityatlas import paths
from cityatlas.schema import DATASET_VERSION

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
#: Where the landing pages and their files live inside the built site.
FIGURE_PAGES = "figures"


@dataclass(frozen=True)
class Book:
    """The book as a citable work."""

    title: str
    author: str
    version: str
    date: str  # YYYY-MM-DD, the release date in CITATION.cff
    url: str  # where the book is published, ending in "/"
    dataset_version: str = DATASET_VERSION

    @property
    def year(self) -> str:
        """The year of the release."""
        return self.date[:4]

    def figure_url(self, fig_id: str, suffix: str = "html") -> str:
        """The public address of a figure's landing page (or of one of its files)."""
        return f"{self.url}{FIGURE_PAGES}/{fig_id}.{suffix}"


@cache
def book(root: Path = paths.ROOT) -> Book:
    """The book's record, from ``CITATION.cff`` and ``html.baseurl`` in ``_config.yml``."""
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = str(config.get("html", {}).get("baseurl", ""))
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{root / '_config.yml'}: html.baseurl must be an http(s) address")
    return Book(
        title=str(cff["title"]),
        author=str(cff["authors"][0]["name"]),
        version=str(cff["version"]),
        date=str(cff["date-released"]),
        url=url.rstrip("/") + "/",
    )


def record_inputs(root: Path) -> list[str]:
    """What the book's record is read from (CITATION.cff and the base URL), as text."""
    cff, config = root / "CITATION.cff", root / "_config.yml"
    settings = yaml.safe_load(config.read_text(encoding="utf-8")) if config.exists() else {}
    return [
        cff.read_text(encoding="utf-8") if cff.exists() else "",
        str((settings or {}).get("html", {}).get("baseurl", "")),
    ]


def citation_line(fig_id: str, title: str, b: Book | None = None) -> str:
    """The suggested citation of a figure, as one line of plain text."""
    b = b or book()
    return (
        f"{b.author} ({b.year}). {title}. Figure {fig_id} in {b.title}, version {b.version}, "
        f"dataset v{b.dataset_version}. {LICENCE}. {b.figure_url(fig_id)}"
    )


def file_metadata(
    fmt: str, fig_id: str, title: str, sources: str, b: Book | None = None
) -> dict[str, str | None]:
    """Metadata written into a figure file: title, author, licence, sources and addresses.

    PNG text chunks, the SVG ``<metadata>`` block (Dublin Core) and the PDF information
    dictionary each get the same facts under their own keys. Keys set to None suppress
    matplotlib's defaults (dates, software versions) so files stay byte-identical.
    """
    b = b or book()
    licence = f"{LICENCE} ({LICENCE_URL})"
    work = f"Figure {fig_id} in {b.title}, {b.url}"
    if fmt == "png":
        return {
            "Software": None,
            "Title": title,
            "Author": b.author,
            "Description": work,
            "Copyright": licence,
            "Source": sources,
            "URL": b.figure_url(fig_id),
        }
    if fmt == "svg":
        return {
            "Date": None,
            "Creator": b.author,
            "Title": title,
            "Description": work,
            "Rights": licence,
            "Source": sources,
            "Identifier": b.figure_url(fig_id),
            "Relation": b.url,
        }
    if fmt == "pdf":
        return {
            "CreationDate": None,
            "ModDate": None,
            "Producer": None,
            "Creator": None,
            "Title": title,
            "Author": b.author,
            "Subject": f"{work}. Licence: {licence}. Source: {sources}. {b.figure_url(fig_id)}",
        }
    raise ValueError(f"fmt={fmt!r} is not a figure format; allowed: png, svg, pdf")
