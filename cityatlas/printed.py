"""The print edition: the single-page build turned into a book laid out by WeasyPrint.

Jupyter Book's single-page build (``_build/singlehtml/intro.html``) holds every chapter in
contents order. This module keeps its article only, drops the theme (its stylesheets made
WeasyPrint run for over eleven minutes, ``docs/design.md`` §12), and writes a plain document
with a title page, a contents list and a list of figures whose page numbers come from
``target-counter()``, running heads, and links that point at the published site. WeasyPrint
lays it out once; the whole book and one PDF per chapter are written from that one layout.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup, Tag

from cityatlas.figure_files import read_index

STYLESHEET = Path(__file__).parent / "templates" / "print.css"
#: What the print edition drops: permalinks, hidden cells, scripts, and the interactive atlas
#: (whose static snapshots, under their own figure id, stand in its place on the page).
DROPPED = (
    "a.headerlink, details.hide, .cell_input, script, style, .toctree-wrapper > p.caption, "
    ".cityatlas-atlas"
)
#: The part of the contents where the list of figures replaces the gallery of the HTML book.
GALLERY_DOC = "gallery"


@dataclass
class Chapter:
    """One chapter of the printed book: its docname, anchor, title and part."""

    doc: str
    anchor: str
    title: str
    part: str
    figures: list[str] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """The file name of the chapter's own PDF: ``mosul`` for ``chapters/mosul``."""
        return self.doc.rsplit("/", 1)[-1]


@dataclass
class PrintBook:
    """The printable document and what the PDF writer and the tests need to know about it."""

    html: str
    chapters: list[Chapter]
    figures: list[tuple[str, str, str]]  # (anchor, "Fig. 6", title)


def config(root: Path) -> dict:
    """The book's ``_config.yml``."""
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))


def figure_titles(root: Path) -> dict[str, str]:
    """Each figure's title from ``figures/index.csv`` (the list of figures prints them)."""
    return {fig_id: row["title"] for fig_id, row in read_index(root / "figures").items()}


def keywords(root: Path) -> list[str]:
    """The keywords of ``CITATION.cff``."""
    record = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    return [str(k) for k in record.get("keywords", [])]


def toc_parts(root: Path) -> dict[str, str]:
    """The part (``_toc.yml`` caption) of each chapter: ``{"chapters/mosul": "Cities"}``."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return {
        str(c["file"]): str(part.get("caption", ""))
        for part in toc.get("parts", [])
        for c in part.get("chapters", [])
    }


def published_href(href: str, root: Path, baseurl: str) -> str | None:
    """Where a link of the single-page build points in print: ``#anchor``, the published
    site, or nowhere (None) for files that exist only on the build machine."""
    if href.startswith(("http://", "https://", "mailto:")):
        return href
    if href.startswith("#"):
        return href
    if href.startswith("intro.html#"):
        return href[len("intro.html") :]
    match = re.fullmatch(r"_downloads/([0-9a-f]+)/([^/?#]+)", href)
    if match:
        digest, name = match.groups()
        site = root / "_build" / "html"
        if (site / "figures" / name).exists():
            return f"{baseurl}figures/{name}"
        if (site / "_downloads" / digest / name).exists():
            return f"{baseurl}_downloads/{digest}/{name}"
    return None


def shift_headings(section: Tag, by: int) -> None:
    """Raise every heading in a section by ``by`` levels (h3 -> h1 for ``by=2``)."""
    for heading in section.find_all(re.compile(r"^h[1-6]$")):
        level = max(1, int(heading.name[1]) - by)
        heading.name = f"h{level}"


def pair_maps(section: Tag) -> None:
    """Put a chapter's locator map and city map side by side, in one row that stays together:
    alone, each left half a page blank."""
    for locator in section.find_all("figure", id=re.compile(r"-locator$")):
        cell = locator.find_parent("div", class_="cell")
        after = cell.find_next_sibling("div", class_="cell") if cell else None
        city = after.find("figure", id=re.compile(r"-city$")) if after else None
        if city is None:
            continue
        row = cell.wrap(BeautifulSoup('<div class="figure-pair"></div>', "html.parser").div)
        row.append(after.extract())


def text_of(tag: Tag) -> str:
    """The visible text of a heading, without its permalink sign."""
    return " ".join(tag.get_text(" ", strip=True).replace("#", "").split())


def build_document(page: Path, root: Path) -> PrintBook:
    """The printable HTML document made from the single-page build ``page``."""
    cfg = config(root)
    baseurl = cfg["html"]["baseurl"].rstrip("/") + "/"
    titles = figure_titles(root)
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
    article = soup.find("article", class_="bd-article")
    for junk in article.select(DROPPED):
        junk.decompose()
    front = article.find("section")  # section#<root>: title, title block, contents, notes
    book_title = cfg["title"]
    heading = front.find("h1")
    block = front.find(class_="title-block")
    contents = front.find("section", id="contents")
    notes = [s for s in front.find_all("section", recursive=False) if s is not contents]

    chapters: list[Chapter] = []
    bodies: list[Tag] = []
    parts = toc_parts(root)
    for wrapper in contents.select(".toctree-wrapper"):
        for section in wrapper.find_all("section", recursive=False):
            marker = section.find_previous_sibling("span")
            doc = marker["id"].removeprefix("document-") if marker and marker.get("id") else ""
            shift_headings(section, 2)
            title = text_of(section.find("h1"))
            chapter = Chapter(doc, section["id"], title, parts.get(doc, ""))
            chapters.append(chapter)
            bodies.append(section)

    ids = {tag["id"] for tag in article.find_all(id=True)}
    figures: list[tuple[str, str, str]] = []
    for chapter, section in zip(chapters, bodies, strict=True):
        section["class"] = ["chapter", f"chapter-{chapter.stem}"]
        section["data-title"] = chapter.title
        for figure in section.find_all("figure", id=True):
            number = figure.find(class_="caption-number")
            label = number.get_text(strip=True) if number else ""
            figures.append((figure["id"], label, titles.get(figure["id"], label)))
            chapter.figures.append(figure["id"])
            figure["class"] = [*figure.get("class", []), "print-figure"]
            if figure["id"].endswith(("-city", "-snapshots", "-map")):
                figure["class"].append("map")
        pair_maps(section)
    for link in article.find_all("a", href=True):
        target = published_href(link["href"], root, baseurl)
        if target is None or (target.startswith("#") and target[1:] not in ids):
            link.unwrap()
        else:
            link["href"] = target
    for img in article.find_all("img"):
        img.attrs.pop("style", None)

    out: list[str] = []
    out.append('<section class="title-page">')
    out.append(f"<h1 class='book-title'>{html.escape(text_of(heading))}</h1>")
    if block is not None:
        out.append(str(block))
    out.append("</section>")
    out.append('<nav class="contents" id="print-contents"><h1>Contents</h1>')
    current = None
    if notes:
        # the root page's notes (names, actors, how to read the maps) come before chapter one
        current = chapters[0].part if chapters else ""
        out.append(f"<h2>{html.escape(current)}</h2><ul>")
        for note in notes:
            title = html.escape(text_of(note.find(re.compile(r"^h[1-6]$"))))
            out.append(f'<li><a href="#{note["id"]}">{title}</a></li>')
    for chapter in chapters:
        if chapter.part != current:
            if current is not None:
                out.append("</ul>")
            current = chapter.part
            out.append(f"<h2>{html.escape(current)}</h2><ul>")
        out.append(f'<li><a href="#{chapter.anchor}">{html.escape(chapter.title)}</a></li>')
    out.append("</ul></nav>")
    if notes:
        out.append('<section class="chapter notes" data-title="cityatlas" id="reading-notes">')
        out.extend(str(n) for n in notes)
        out.append("</section>")
    figure_list = ['<ol class="list-of-figures">']
    for anchor, label, title in figures:
        figure_list.append(
            f'<li><a href="#{anchor}"><span class="number">{html.escape(label)}</span> '
            f"{html.escape(title)}</a></li>"
        )
    figure_list.append("</ol>")
    for chapter, section in zip(chapters, bodies, strict=True):
        if chapter.stem == GALLERY_DOC:
            # On paper the gallery of thumbnails becomes the list of figures with page numbers.
            title = section.find("h1")
            for child in list(section.children):
                if child is not title:
                    child.extract()
            section["class"].append("figures-list")
            section.append(BeautifulSoup("".join(figure_list), "html.parser"))
        out.append(str(section))

    version = dataset_version(root)
    subject = block.find("p").get_text(" ", strip=True) if block is not None else book_title
    subject = f"{subject} Dataset version {version}."
    head = [
        '<meta charset="utf-8">',
        f"<title>{html.escape(book_title)}</title>",
        f'<meta name="author" content="{html.escape(cfg.get("author", ""))}">',
        f'<meta name="description" content="{html.escape(subject)}">',
        f'<meta name="keywords" content="{html.escape(", ".join(keywords(root)))}">',
        '<meta name="generator" content="cityatlas (Jupyter Book, WeasyPrint)">',
        f'<meta name="datasetversion" content="{html.escape(version)}">',
        f'<meta name="dcterms.created" content="{created()}">',
        f'<meta name="dcterms.modified" content="{created()}">',
    ]
    document = (
        '<!DOCTYPE html>\n<html lang="en"><head>'
        + "".join(head)
        + "</head><body>"
        + "\n".join(out)
        + "</body></html>"
    )
    return PrintBook(document, chapters, figures)


def dataset_version(root: Path) -> str:
    """The dataset version (from ``data/clean/datapackage.json``)."""
    from cityatlas.build import dataset_version as version

    return version(root)


def created() -> str:
    """The one date written into built files: SOURCE_DATE_EPOCH, as ISO 8601."""
    import datetime
    import os

    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_pdfs(page: Path, root: Path, out: Path) -> dict[str, Path]:
    """Lay the book out once with WeasyPrint; write ``book.pdf`` and one PDF per chapter
    into ``out``. Returns the written files by name (``book``, ``mosul``, ...)."""
    from weasyprint import CSS, HTML

    book = build_document(page, root)
    (out).mkdir(parents=True, exist_ok=True)
    (out / "book.html").write_text(book.html, encoding="utf-8")
    document = HTML(string=book.html, base_url=str(page.parent) + "/").render(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_tags=True, custom_metadata=True
    )
    options = {"pdf_tags": True, "custom_metadata": True, "pdf_identifier": b"cityatlas"}
    written: dict[str, Path] = {}
    partial = out / "book.pdf.partial"
    document.write_pdf(partial, **options)
    partial.replace(out / "book.pdf")
    written["book"] = out / "book.pdf"
    starts = chapter_pages(document, book.chapters)
    for index, chapter in enumerate(book.chapters):
        first = starts[chapter.anchor]
        last = starts[book.chapters[index + 1].anchor] if index + 1 < len(book.chapters) else None
        part = document.copy(document.pages[first:last])
        part.metadata = copy.copy(document.metadata)
        part.metadata.title = f"{chapter.title} · {document.metadata.title}"
        target = out / f"{chapter.stem}.pdf"
        part.write_pdf(target.with_suffix(".pdf.partial"), **options)
        target.with_suffix(".pdf.partial").replace(target)
        written[chapter.stem] = target
    return written


def chapter_pages(document, chapters: list[Chapter]) -> dict[str, int]:
    """The index of the page on which each chapter starts, from the laid-out anchors."""
    starts: dict[str, int] = {}
    wanted = {c.anchor for c in chapters}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor in wanted and anchor not in starts:
                starts[anchor] = number
    return starts


def page_fill(pdf: Path, dpi: int = 20) -> list[float]:
    """How far down each page of ``pdf`` its content reaches, as a share of the text block
    (between the running head and the page number): 1.0 is a full page, 0.3 a page whose
    last ink is a third of the way down. Rendered with poppler's ``pdftoppm``."""
    import subprocess
    import tempfile

    from PIL import Image

    fills: list[float] = []
    with tempfile.TemporaryDirectory(prefix="cityatlas-fill-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True)
        for image in sorted(Path(tmp).glob("p-*.pgm")):
            page = Image.open(image)
            width, height = page.size
            top, bottom = round(height * 20 / 297), round(height * (297 - 18) / 297)
            pixels = page.load()
            inked = [y for y in range(top, bottom) if any(pixels[x, y] < 200 for x in range(width))]
            fills.append((inked[-1] - top + 1) / (bottom - top) if inked else 0.0)
    return fills
