"""Sphinx extension for the book: offline pages, Arabic marked as Arabic, valid ARIA.

- Jupyter Book 1 always loads sphinx-thebe, which adds a script naming a CDN (declared twice,
  a console error) and a thebe configuration block on notebook pages. The book runs no live
  kernels, so every trace of thebe is removed from every page.
- Text that Sphinx extensions generate (the bibliography, for instance) may contain Arabic
  outside an element marked ``lang="ar" dir="rtl"``; each such run is wrapped in one.
- sphinxcontrib-bibtex marks the reference list ``role="list"`` with entries that are not
  list items (an axe-core critical finding); those roles are dropped.
"""

from __future__ import annotations

import re
from typing import Any

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


def setup(app) -> dict:
    """Register the page hook."""
    app.connect("html-page-context", clean_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
