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
- Every figure gets a landing page, ``figures/<id>.html`` (``cityatlas.landing``), written
  with its files when the HTML book is finished; each caption links to it (the
  ``{figure-page}`` role) and the ``{figure-gallery}`` directive shows every figure. Both
  resolve when a page is written: relative links in the HTML site, the published address
  (``html.baseurl``) in the single-page build that is printed to PDF.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import split_explicit_title
from sphinx.util.osutil import relative_uri

from cityatlas import cite, figure_files, fingerprint, paths
from cityatlas.schema import ARABIC_RUN

THEBE_CONFIG_BLOCK = re.compile(r'\s*<script type="text/x-thebe-config">.*?</script>', re.S)
TAG_OR_TEXT = re.compile(r"(<[^>]+>)")
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
        context["body"] = link_chapter_pdf(app, pagename, fix_bibliography_roles(mark_arabic(body)))


FIRST_HEADING_END = re.compile(r"</h1>")


def link_chapter_pdf(app, pagename: str, body: str) -> str:
    """Under a chapter's title in the HTML book, links to its own PDF and to the whole book
    (``pdf/<chapter>.pdf``, written by ``python -m cityatlas pdf``)."""
    if app.builder.name != "html" or pagename == app.config.root_doc:
        return body
    if pagename not in chapter_docs(app):
        return body
    up = "../" * pagename.count("/")
    stem = pagename.rsplit("/", 1)[-1]
    links = (
        f'<p class="cityatlas-chapter-pdf">Print: <a href="{up}pdf/{stem}.pdf">'
        f'this chapter as PDF</a> · <a href="{up}pdf/book.pdf">the whole book as PDF</a></p>'
    )
    return FIRST_HEADING_END.sub(lambda m: m.group(0) + links, body, count=1)


def chapter_docs(app) -> set[str]:
    """Every document the root's toctree includes, at any depth: the book's chapters."""
    found: set[str] = set()
    todo = [app.config.root_doc]
    while todo:
        for child in app.env.toctree_includes.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def figure_index() -> dict[str, dict[str, str]]:
    """The rows of figures/index.csv, by figure id."""
    return figure_files.read_index(paths.FIGURES)


def figure_caption(row: dict[str, str]) -> str:
    """A figure's caption in MyST: the caption, its citation and links to its files."""
    links = " · ".join(
        f"{{download}}`{fmt.upper()} <../figures/{row[fmt]}>`" for fmt in figure_files.FORMATS
    )
    page = f"{{figure-page}}`Figure page <{row['id']}>`"
    return (
        f"{row['caption']} *Cite this figure:* {row['citation']} Files: {links}. "
        f"{page}: the data it draws and its citation as BibTeX, RIS and CSL-JSON."
    )


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
        metadata = cell.setdefault("metadata", {})
        mystnb = metadata.setdefault("mystnb", {})
        mystnb["figure"] = {"name": fig_id, "caption": figure_caption(row)}
        mystnb["image"] = {"alt": row["alt"], "width": "100%"}
        tags = metadata.setdefault("tags", [])
        if shown_width_in(cell) >= WIDE_FIGURE_IN and WIDE_TAG not in tags:
            tags.append(WIDE_TAG)
        count += 1
    return count


#: A figure at least this wide (inches, as printed) is shown wider than the text column, with
#: the book theme's full-width cell tag: in the 672-px column of a 1280-px window a 7-inch
#: figure's 7-pt text came out at 9.3 CSS px; at the theme's full width (136 %) it is 12.7 px.
WIDE_FIGURE_IN = 6.0
WIDE_TAG = "full-width"


def shown_width_in(cell: dict) -> float:
    """The printed width, in inches, of the image a cell shows (0 if it shows none)."""
    for output in cell.get("outputs", []):
        encoded = output.get("data", {}).get("image/png")
        if encoded:
            head = base64.b64decode("".join(encoded)[:44])
            return int.from_bytes(head[16:20], "big") / figure_files.DISPLAY_DPI
    return 0.0


def add_figure_metadata(app, docname: str, source: list[str]) -> None:
    """Sphinx ``source-read`` hook: caption the figures of a notebook chapter."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    notebook = json.loads(source[0])
    if caption_figures(notebook, figure_index(), docname):
        source[0] = json.dumps(notebook, ensure_ascii=False)
        app.env.note_dependency(str(paths.FIGURE_INDEX))  # re-read the page when a caption changes


class figure_page_link(nodes.Inline, nodes.TextElement):
    """A link to a figure's landing page, resolved when the page is written."""


class figure_gallery(nodes.General, nodes.Element):
    """The place of the figure gallery, filled in when the page is written."""


def figure_page_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{figure-page}`text <fig-id>```: a link to a figure's landing page."""
    _, title, fig_id = split_explicit_title(text)
    return [figure_page_link(rawtext, title, figure=fig_id)], []


def landing_inputs(root: Path) -> list[Path]:
    """Every file the landing pages are made from, so a change to any rebuilds them."""
    files = [root / "CITATION.cff", *sorted((root / "figures").glob("*"))]
    files += sorted((root / "data" / "clean").glob("*.csv"))
    return files + fingerprint.landing_code(root)


class FigureGallery(SphinxDirective):
    """``{figure-gallery}``: every figure as a thumbnail with id and title, linking to its page."""

    def run(self) -> list[nodes.Node]:
        for path in landing_inputs(Path(self.env.srcdir)):
            if path.is_file():
                self.env.note_dependency(str(path))
        return [figure_gallery()]


def gallery_list(rows: list[dict[str, str]], book: cite.Book) -> nodes.bullet_list:
    """The gallery as a list of titles linking to the published pages (for the printed book)."""
    items = nodes.bullet_list(classes=["cityatlas-gallery-list"])
    for row in rows:
        link = nodes.reference("", row["title"], refuri=book.figure_url(row["id"]))
        paragraph = nodes.paragraph("", "", link, nodes.Text(" "), nodes.literal("", row["id"]))
        items += nodes.list_item("", paragraph)
    return items


class ResolveFigureLinks(SphinxPostTransform):
    """Point figure-page links and the gallery at the landing pages, per builder."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        builder = self.app.builder
        on_site = builder.name == "html"
        root = Path(self.env.srcdir)
        book = cite.book(root) if (root / "CITATION.cff").exists() else None
        for node in list(self.document.findall(figure_page_link)):
            fig_id = node["figure"]
            if on_site:
                uri = builder.get_relative_uri(self.env.docname, f"{cite.FIGURE_PAGES}/{fig_id}")
            else:
                uri = book.figure_url(fig_id) if book else ""
            node.replace_self(nodes.reference("", node.astext(), refuri=uri, internal=on_site))
        for node in list(self.document.findall(figure_gallery)):
            rows = list(figure_index().values())
            if on_site:
                from cityatlas import landing

                base = relative_uri(
                    builder.get_target_uri(self.env.docname), f"{cite.FIGURE_PAGES}/"
                )
                node.replace_self(nodes.raw("", landing.gallery_html(rows, base), format="html"))
            else:
                node.replace_self(gallery_list(rows, book) if book else [])


def landing_stamp(app) -> Path:
    """Where the digests of the landing pages as last written are kept."""
    return Path(app.srcdir) / "_build" / ".stamps" / "landing-pages.json"


def site_layout(app, root: Path) -> str:
    """What every landing page shares besides its own figure: the code and templates pages
    are made with, the book's configuration and stylesheets, and the titles in its
    navigation. (Computed without importing the page code, which loads matplotlib.)"""
    titles = {name: title.astext() for name, title in sorted(app.env.titles.items())}
    site = [root / "_toc.yml", root / "_config.yml", *fingerprint.tree(root / "_static")]
    site += fingerprint.landing_code(root)
    return fingerprint.combine(fingerprint.files_hash(site, root), json.dumps(titles))


def collect_figure_pages(app) -> list[tuple[str, dict, str]]:
    """Sphinx ``html-collect-pages`` hook: write every figure's files and landing page.

    Pages (and files) are made again only when what they are made from changed: nothing at
    all when the data, the figures, the book's record and the site are as last built, and
    otherwise only the pages whose own digest changed. Digests are recorded once the build
    has finished without error.
    """
    root = Path(app.srcdir)
    if app.builder.name != "html" or not (root / "figures" / paths.FIGURE_INDEX.name).exists():
        return []
    labels = app.env.domaindata["std"]["labels"]  # name: (docname, anchor, section title)

    def chapter_of(fig_id: str) -> Any:
        from cityatlas import landing

        if fig_id not in labels:
            return None
        docname, anchor, _ = labels[fig_id]
        href = app.builder.get_relative_uri(f"{cite.FIGURE_PAGES}/{fig_id}", docname)
        return landing.Chapter(app.env.titles[docname].astext(), f"{href}#{anchor}")

    out = Path(app.outdir) / cite.FIGURE_PAGES
    layout = site_layout(app, root)
    everything = fingerprint.combine(layout, fingerprint.files_hash(landing_inputs(root), root))
    stamp = landing_stamp(app)
    last = json.loads(stamp.read_text(encoding="utf-8")) if stamp.exists() else {}
    pages_exist = all((out / f"{fig_id}.html").exists() for fig_id in last.get("pages", {}))
    if last.get("inputs") == everything and last.get("pages") and pages_exist:
        return []
    from cityatlas import landing

    pages, digests = landing.build_pages(root, out, chapter_of, layout, last.get("pages"))
    app.cityatlas_landing = {"inputs": everything, "pages": digests}
    return [(name, parts, "page.html") for name, parts in pages]


def record_landing_pages(app, exception: Exception | None) -> None:
    """Sphinx ``build-finished`` hook: note the digests of the landing pages just written."""
    written = getattr(app, "cityatlas_landing", None)
    if exception is None and written:
        stamp = landing_stamp(app)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(json.dumps(written, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def source_version() -> int:
    """A number that changes with this module's code, so Sphinx re-reads every page after an edit."""
    return int(hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12], 16)


def setup(app) -> dict:
    """Register the hooks, the ``{figure-page}`` role and the ``{figure-gallery}`` directive."""
    app.connect("source-read", add_figure_metadata)
    app.connect("html-page-context", clean_page, priority=900)
    app.connect("html-collect-pages", collect_figure_pages)
    app.connect("build-finished", record_landing_pages)
    app.add_role("figure-page", figure_page_role)
    app.add_directive("figure-gallery", FigureGallery)
    app.add_post_transform(ResolveFigureLinks)
    return {
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": source_version(),
    }
