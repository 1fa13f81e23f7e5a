"""Every figure has a landing page a researcher can cite: figure, words, files, data, citations.

The tests marked ``book`` read the built site (``make html``); the others check the citation
formats and the data selection straight from the package.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from test_browser import Visit

from cityatlas import cite, figure_files, figures, history, landing

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
PAGES = HTML / "figures"
SCREENSHOTS = HTML.parent / "screenshots"
HIGHWIRE = (
    "citation_title",
    "citation_author",
    "citation_publication_date",
    "citation_publisher",
    "citation_public_url",
)
DOWNLOAD_SUFFIXES = (".png", ".svg", ".pdf", ".csv", ".bib", ".ris", ".json")


def index_rows() -> list[dict[str, str]]:
    """The rows of figures/index.csv, at collection time (one test per figure)."""
    return landing.index_rows(ROOT / "figures")


class PageParts(HTMLParser):
    """The meta tags, JSON-LD blocks and links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self.links: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("name"):
            self.meta.setdefault(a["name"], []).append(a.get("content") or "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data


def parse_page(fig_id: str) -> PageParts:
    page = PAGES / f"{fig_id}.html"
    assert page.exists(), f"{page} is missing: run `make html`"
    parts = PageParts()
    parts.feed(page.read_text(encoding="utf-8"))
    return parts


@pytest.mark.book
@pytest.mark.parametrize("row", index_rows(), ids=lambda r: r["id"])
def test_landing_page_has_meta_tags_json_ld_and_every_download(row: dict[str, str]) -> None:
    fig_id = row["id"]
    parts = parse_page(fig_id)
    book = cite.book(ROOT)
    for name in HIGHWIRE:
        assert parts.meta.get(name, [""])[0], f"{fig_id}: no {name} meta tag"
    assert parts.meta["citation_title"] == [row["title"]]
    assert parts.meta["citation_public_url"] == [book.figure_url(fig_id)]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", parts.meta["citation_publication_date"][0])

    [ld] = [json.loads(block) for block in parts.json_ld]
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "ImageObject"
    assert ld["contentUrl"] == book.figure_url(fig_id, "png")
    assert ld["license"] == cite.LICENCE_URL and ld["creditText"] == row["citation"]
    assert ld["creator"]["name"] == book.author
    part_of = {p["@type"]: p for p in ld["isPartOf"]}
    assert part_of["Book"]["version"] == book.version
    assert part_of["Dataset"]["version"] == book.dataset_version

    local = {
        (PAGES / href.split("#")[0]).resolve()
        for href in parts.links
        if not href.startswith(("http:", "https:", "#", "mailto:"))
    }
    for path in local:
        assert path.exists(), f"{fig_id}: link to missing {path.relative_to(HTML)}"
    for suffix in DOWNLOAD_SUFFIXES:
        assert any(p.parent == PAGES and p.name.endswith(suffix) for p in local), (
            f"{fig_id}: no {suffix} download"
        )
    assert any(p.parent.name == "chapters" for p in local), f"{fig_id}: no link to its chapter"
    assert (PAGES / f"{fig_id}.png").read_bytes() == (ROOT / "figures" / row["png"]).read_bytes()


@pytest.mark.book
@pytest.mark.parametrize("row", index_rows(), ids=lambda r: r["id"])
def test_landing_page_citation_files_parse(row: dict[str, str]) -> None:
    from pybtex.database import parse_string

    fig_id = row["id"]
    key = landing.citation_key(fig_id)
    bib = parse_string((PAGES / f"{fig_id}.bib").read_text(encoding="utf-8"), "bibtex")
    entry = bib.entries[key]
    assert entry.type == "misc"
    assert entry.fields["title"].strip("{}") == landing.bibtex_text(row["title"])
    assert entry.fields["url"] == cite.book(ROOT).figure_url(fig_id)

    ris = (PAGES / f"{fig_id}.ris").read_bytes().decode("utf-8")
    lines = ris.split("\r\n")
    assert lines[0] == "TY  - FIGURE" and lines[-2].rstrip() == "ER  -" and lines[-1] == ""
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines[:-1])
    assert f"TI  - {row['title']}" in lines

    [item] = json.loads((PAGES / f"{fig_id}.json").read_text(encoding="utf-8"))
    assert item["id"] == key and item["type"] == "figure" and item["title"] == row["title"]
    for style in landing.CITATION_STYLES.values():
        text = landing.formatted_citation(item, style)
        assert row["title"].split(",")[0].split()[0] in text and "2026" in text

    page = (PAGES / f"{fig_id}.html").read_text(encoding="utf-8")
    for name in landing.CITATION_STYLES:
        assert f"<h3>{name}</h3>" in page
    assert html.escape(row["citation"], quote=False) in page


def clean_rows(table: str, places: set[str]) -> list[dict[str, str]]:
    """The rows of a clean table about the given places, as data/clean holds them."""
    key = figure_files.data_key(table)
    with open(ROOT / "data" / "clean" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r[key] in places]


def spec_data(spec: figures.FigureSpec) -> dict[str, str]:
    return figure_files.figure_data(spec.tables, spec.shows)


def test_figure_data_is_the_rows_the_figure_draws(data) -> None:
    specs = {s.id: s for s in figures.figure_specs(data)}
    mosul = spec_data(specs["fig-mosul-timeline"])
    assert set(mosul) == {"places", "events", "control_periods"}
    events = list(csv.DictReader(io.StringIO(mosul["events"])))
    assert events == clean_rows("events", {"mosul"}) and events
    assert {e["id"] for e in events} == set(data.events.loc[data.events["place"] == "mosul", "id"])
    locator = list(csv.DictReader(io.StringIO(spec_data(specs["fig-kobani-locator"])["places"])))
    assert [r["id"] for r in locator] == sorted(["baghdad", "damascus", "kobani"])
    held = spec_data(specs["fig-overview-held"])
    periods = list(csv.DictReader(io.StringIO(held["control_periods"])))
    towns = set(history.towns(data))
    assert {p["place"] for p in periods} == towns
    assert periods == clean_rows("control_periods", towns)


@pytest.mark.book
@pytest.mark.parametrize("row", index_rows(), ids=lambda r: r["id"])
def test_landing_page_csv_holds_the_rows_the_figure_draws(row: dict[str, str], data) -> None:
    spec = figures.spec(row["id"], data)
    assert spec.tables
    assert figure_files.split(row["tables"]) == list(spec.tables), "the index names its tables"
    assert figure_files.split(row["shows"]) == list(spec.shows), "and the places it shows"
    for table in spec.tables:
        by_place = figure_files.data_key(table) is not None
        assert spec.shows or not by_place, f"{row['id']}: draws rows of {table} but names no place"
        path = PAGES / f"{row['id']}.{table}.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        with open(ROOT / "data" / "clean" / f"{table}.csv", encoding="utf-8") as handle:
            assert reader.fieldnames == next(csv.reader(handle)), f"{path.name}: columns"
        if not by_place:  # a table not kept by place: the figure draws every row
            with open(
                ROOT / "data" / "clean" / f"{table}.csv", encoding="utf-8", newline=""
            ) as handle:
                assert rows == list(csv.DictReader(handle)) and rows, path.name
            continue
        assert rows == clean_rows(table, set(spec.shows)) and rows, path.name
        assert {r[figure_files.data_key(table)] for r in rows} <= set(spec.shows)


def test_citation_formats_escape_and_render() -> None:
    book = cite.book(ROOT)
    row = {"id": "fig-x", "title": "Rates & 50% of {odd}_names – 2014", "caption": "c", "alt": "a"}
    from pybtex.database import parse_string

    entry = parse_string(landing.bibtex(row, book), "bibtex").entries["cityatlas-fig-x"]
    assert entry.fields["title"] == r"{Rates \& 50\% of \{odd\}\_names -- 2014}"
    ris = landing.ris(row | {"caption": "two\nlines"}, book)
    assert "AB  - two lines\r\n" in ris
    apa = landing.formatted_citation(landing.csl_item(row, book), "apa")
    assert apa.startswith(f"{book.author}. ({book.year}).") and "[Figure]" in apa
    chicago = landing.formatted_citation(landing.csl_item(row, book), "chicago-author-date")
    assert "<i>cityatlas: The Cities" in chicago, "the book's lower-case name is kept"
    assert "</script" not in landing.script_json({"x": "</script>"})


def test_file_metadata_names_title_licence_source_and_address() -> None:
    book = cite.book(ROOT)
    for fmt in figure_files.FORMATS:
        meta = cite.file_metadata(fmt, "fig-x", "A title", "the sources", book)
        text = " ".join(v for v in meta.values() if v)
        for fact in ("A title", cite.LICENCE, "the sources", book.url):
            assert fact in text, (fmt, fact)


def test_committed_figure_files_carry_their_metadata(root: Path) -> None:
    from PIL import Image

    rows = {r["id"]: r for r in index_rows()}
    row = rows["fig-mosul-city"]
    url = cite.book(root).figure_url("fig-mosul-city")
    with Image.open(root / "figures" / row["png"]) as image:
        assert image.text["Title"] == row["title"] and image.text["URL"] == url
        assert cite.LICENCE in image.text["Copyright"] and image.text["Source"] == row["sources"]
    svg = (root / "figures" / row["svg"]).read_text(encoding="utf-8")
    assert f"<dc:title>{row['title']}</dc:title>" in svg and f"<dc:identifier>{url}<" in svg
    assert "<text" not in svg, "SVG text is drawn as outlines (svg.fonttype: path)"
    info = subprocess.run(
        ["pdfinfo", str(root / "figures" / row["pdf"])], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(rf"^Title:\s+{row['title']}$", info, re.M) and url in info
    assert cite.LICENCE in info and row["sources"] in info


@pytest.mark.book
def test_gallery_links_every_figure_page_with_thumbnail_and_title() -> None:
    gallery = (HTML / "gallery.html").read_text(encoding="utf-8")
    for row in index_rows():
        assert f'href="figures/{row["id"]}.html"' in gallery
        assert f'src="figures/thumbs/{row["id"]}.png"' in gallery
        assert (PAGES / "thumbs" / f"{row['id']}.png").exists()
        assert row["title"] in html.unescape(gallery)
    intro = (HTML / "intro.html").read_text(encoding="utf-8")
    assert 'href="gallery.html"' in intro, "the front matter links the gallery"


@pytest.mark.book
def test_chapter_captions_link_their_landing_pages() -> None:
    pages = [p.read_text(encoding="utf-8") for p in (HTML / "chapters").glob("*.html")]
    for row in index_rows():
        fig_id = row["id"]
        found = [
            f
            for page in pages
            if (f := re.search(rf'<figure[^>]+id="{fig_id}">(.*?)</figure>', page, re.S))
        ]
        assert len(found) == 1, f"{fig_id} appears in {len(found)} chapters, not one"
        assert f'href="../figures/{fig_id}.html"' in found[0].group(1), fig_id


@pytest.mark.book
def test_landing_page_in_a_browser(browser, server: str) -> None:
    """One landing page loads offline with no console errors or axe findings; screenshot."""
    from axe_playwright_python.sync_playwright import Axe

    visit = Visit(browser, f"{server}/figures/fig-mosul-timeline.html")
    try:
        host = server.split("//", 1)[1]
        assert [u for u in visit.requests if host not in u and not u.startswith("data:")] == []
        assert visit.failed == [] and visit.errors == []
        assert visit.page.evaluate(
            "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
        )
        serious = [
            v["id"]
            for v in Axe().run(visit.page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / "landing-fig-mosul-timeline.png"
        visit.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    finally:
        visit.close()


def test_only_landing_pages_whose_inputs_changed_are_made_again(tmp_path: Path) -> None:
    """A rebuild makes no page whose digest is unchanged and whose file exists; a page whose
    chapter, row or the site around it changed is made again."""

    def chapter_of(fig_id: str) -> landing.Chapter:
        return landing.Chapter("A chapter", f"../chapters/x.html#{fig_id}")

    out = tmp_path / "figures"
    pages, digests = landing.build_pages(ROOT, out, chapter_of, layout="site 1")
    assert len(pages) == len(digests) == len(index_rows())
    for name, _ in pages:  # as Sphinx would write them
        (out.parent / f"{name}.html").write_text("page", encoding="utf-8")

    again, same = landing.build_pages(ROOT, out, chapter_of, "site 1", digests)
    assert again == [] and same == digests

    (out / "fig-mosul-city.html").unlink()
    moved = {**digests, "fig-tikrit-timeline": "another digest"}
    redone, _ = landing.build_pages(ROOT, out, chapter_of, "site 1", moved)
    assert sorted(name for name, _ in redone) == [
        "figures/fig-mosul-city",
        "figures/fig-tikrit-timeline",
    ]

    relaid, _ = landing.build_pages(ROOT, out, chapter_of, "site 2", digests)
    assert len(relaid) == len(digests), "a change to the site around the pages remakes them all"
