"""Sphinx extension for the book: offline pages, Arabic marked as Arabic, valid ARIA.

- Jupyter Book 1 always loads sphinx-thebe, which adds a script naming a CDN (declared twice,
  a console error) and a thebe configuration block on notebook pages. The book runs no live
  kernels, so every trace of thebe is removed from every page.
- Text that Sphinx extensions generate (the bibliography, for instance) may contain Arabic
  outside an element marked ``lang="ar" dir="rtl"``; each such run is wrapped in one.
- A chapter's figure is the image output of the cell that draws it; the output's metadata
  names the figure (``{"cityatlas": {"figure": id}}``). Before a notebook is parsed, each
  such cell gets myst-nb's figure metadata (name, caption, alt text) from
  ``figures/index.csv``, so ``{numref}`` works and every figure carries its caption, a
  "Cite this figure" line and links to its files. The words live in one place.
- sphinxcontrib-bibtex marks the reference list ``role="list"`` with entries that are not
  list items (an axe-core critical finding); those roles are dropped.
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any

from cityatlas import paths

THEBE_CONFIG_BLOCK = re.compile(r'\s*<script type="text/x-thebe-config">.*?</script>', re.S)
TAG_OR_TEXT = re.compile(r"(<[^>]+>)")
ARABIC_RUN = re.compile(r"[\u0600-\u06FF]+(?:[\s\u060C]+[\u0600-\u06FF]+)*")
MARKED_ARABIC = re.compile(r'<[a-z0-9]+[^>]*\blang="ar"[^>]*>$')
RAW_TEXT_ELEMENTS = ("script", "style", "textarea", "title")


def is_thebe(asset: Any) -> bool:
    """Whether a script or stylesheet entry belongs to thebe."""
    body = getattr(asset, "attributes", {}).get("body", "") or ""
    return "thebe" in str(asset) or "THEBE" in body


def mark_arabic(body: str) -> str:
    """Wrap each run of Arabic text not directly inside a lang="ar" element in a span that is."""
    pieces = TAG_OR_TEXT.split(body)
    previous_tag = ""
    raw_until = ""
    for i, piece in enumerate(pieces):
        if piece.startswith("<"):
            previous_tag = piece
            name = piece[1:].split(None, 1)[0].rstrip(">/").lower() if len(piece) > 2 else ""
            if not raw_until and name in RAW_TEXT_ELEMENTS:
                raw_until = f"</{name}"
            elif raw_until and piece.lower().startswith(raw_until):
                raw_until = ""
            continue
        if raw_until or not ARABIC_RUN.search(piece) or MARKED_ARABIC.search(previous_tag):
            continue
        pieces[i] = ARABIC_RUN.sub(
            lambda m: f'<span lang="ar" dir="rtl">{m.group(0)}</span>', piece
        )
    return "".join(pieces)


def fix_bibliography_roles(body: str) -> str:
    """Drop ARIA roles whose required structure the bibliography markup does not have."""
    body = body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')
    return body.replace(' role="doc-biblioentry"', "")


def clean_page(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Apply every fix to one page before it is written."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if not is_thebe(asset)]
    if "body" in context:
        body = THEBE_CONFIG_BLOCK.sub("", context["body"])
        context["body"] = fix_bibliography_roles(mark_arabic(body))


FIGURE_FORMATS = ("png", "svg", "pdf")


def figure_index() -> dict[str, dict[str, str]]:
    """The rows of figures/index.csv, by figure id."""
    with open(paths.FIGURE_INDEX, encoding="utf-8", newline="") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def figure_caption(row: dict[str, str]) -> str:
    """A figure's caption in MyST: the caption, its citation and links to its files."""
    links = " · ".join(
        f"{{download}}`{fmt.upper()} <../figures/{row[fmt]}>`" for fmt in FIGURE_FORMATS
    )
    return f"{row['caption']} *Cite this figure:* {row['citation']} Files: {links}."


def shown_figure(cell: dict) -> str | None:
    """The id of the book figure a code cell's outputs show, if any."""
    for output in cell.get("outputs", []):
        fig_id = output.get("metadata", {}).get("cityatlas", {}).get("figure")
        if fig_id:
            return str(fig_id)
    return None


def caption_figures(notebook: dict, index: dict[str, dict[str, str]], docname: str) -> int:
    """Give every cell that shows a book figure myst-nb's figure metadata; returns how many."""
    count = 0
    for cell in notebook.get("cells", []):
        fig_id = shown_figure(cell) if cell.get("cell_type") == "code" else None
        if not fig_id:
            continue
        if fig_id not in index:
            raise ValueError(f"{docname}: figure {fig_id!r} is not in {paths.FIGURE_INDEX.name}")
        row = index[fig_id]
        mystnb = cell.setdefault("metadata", {}).setdefault("mystnb", {})
        mystnb["figure"] = {"name": fig_id, "caption": figure_caption(row)}
        mystnb["image"] = {"alt": row["alt"], "width": "100%"}
        count += 1
    return count


def add_figure_metadata(app, docname: str, source: list[str]) -> None:
    """Sphinx ``source-read`` hook: caption the figures of a notebook chapter."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    notebook = json.loads(source[0])
    if caption_figures(notebook, figure_index(), docname):
        source[0] = json.dumps(notebook, ensure_ascii=False)
        app.env.note_dependency(str(paths.FIGURE_INDEX))  # re-read the page when a caption changes


def setup(app) -> dict:
    """Register the hooks."""
    app.connect("source-read", add_figure_metadata)
    app.connect("html-page-context", clean_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
