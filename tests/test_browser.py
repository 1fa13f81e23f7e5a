"""The built book in a real browser (Debian's Chromium driven by Playwright), page by page:
offline, no console errors, every image loaded, Arabic marked, navigable, searchable,
accessible (axe-core), and every download link working."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.book

HTML = Path(__file__).resolve().parent.parent / "_build" / "html"
SCREENSHOTS = HTML.parent / "screenshots"


def book_pages() -> list[str]:
    """Every page of the built HTML book, relative to its root."""
    if not (HTML / "index.html").exists():
        return []
    skip = {"genindex.html", "search.html"}
    return sorted(
        p.relative_to(HTML).as_posix()
        for p in HTML.rglob("*.html")
        if not {"_static", "_sources", "_images", "_downloads"} & set(p.parts)
        and p.name not in skip
    )


class Visit:
    """A page load with everything the page asked for and everything that went wrong."""

    def __init__(self, browser, url: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} {r.status}")
        )
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        self.page.close()


@pytest.mark.parametrize("path", book_pages())
def test_page_loads_offline_cleanly_with_images_and_marked_arabic(
    path: str, server: str, browser
) -> None:
    visit = Visit(browser, f"{server}/{path}")
    try:
        foreign = [
            u
            for u in visit.requests
            if urlparse(u).netloc not in ("", urlparse(server).netloc) and not u.startswith("data:")
        ]
        assert foreign == [], "requests to other hosts"
        assert visit.failed == [], "failed requests"
        assert visit.errors == [], "console errors"
        broken = visit.page.evaluate(
            "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
        )
        assert broken == []
        missing_alt = visit.page.evaluate(
            "[...document.querySelectorAll('figure img, .figure img')].filter(i => !i.alt).map(i => i.src)"
        )
        assert missing_alt == []
        unmarked = visit.page.evaluate(
            """() => {
              const arabic = /[\\u0600-\\u06FF]/; const out = [];
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              while (walker.nextNode()) {
                const node = walker.currentNode;
                if (!arabic.test(node.textContent)) continue;
                const el = node.parentElement;
                if (el.closest('script, style, pre, code, .highlight, .visually-hidden, [aria-hidden="true"]')) continue;
                const marked = el.closest('[lang="ar"]');
                if (!marked || marked.getAttribute('dir') !== 'rtl') out.push(node.textContent.trim().slice(0, 40));
              }
              return out;
            }"""
        )
        assert unmarked == [], "Arabic text outside lang=ar dir=rtl elements"
        levels = visit.page.evaluate(
            "[...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1])"
        )
        assert levels and levels[0] == 1
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (
            f"heading levels skip: {levels}"
        )
    finally:
        visit.close()


@pytest.mark.parametrize("path", book_pages())
def test_page_has_no_serious_accessibility_findings(path: str, server: str, browser) -> None:
    from axe_playwright_python.sync_playwright import Axe

    visit = Visit(browser, f"{server}/{path}")
    try:
        results = Axe().run(visit.page)
        serious = [
            (v["id"], v["impact"], len(v["nodes"]))
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
    finally:
        visit.close()


def test_next_previous_and_contents_navigation(server: str, browser) -> None:
    visit = Visit(browser, f"{server}/intro.html")
    page = visit.page
    try:
        page.click("a.right-next")
        page.wait_for_load_state("load")
        assert page.url.endswith("chapters/article.html")
        page.click("a.left-prev")
        page.wait_for_load_state("load")
        assert page.url.endswith("intro.html")
        page.click("nav.bd-links a[href$='chapters/kobani.html']")
        page.wait_for_load_state("load")
        assert page.url.endswith("chapters/kobani.html")
        assert page.locator("h1").first.inner_text().startswith("Kobani")
    finally:
        visit.close()


def test_search_finds_mosul(server: str, browser) -> None:
    visit = Visit(browser, f"{server}/search.html?q=Mosul")
    try:
        visit.page.wait_for_selector("ul.search li", timeout=20_000)
        results = visit.page.locator("ul.search li").all_inner_texts()
        assert any("Mosul" in r for r in results)
        assert visit.errors == []
    finally:
        visit.close()


def test_downloads_link_notebooks_figure_files_and_data(server: str, browser) -> None:
    pages = {p: (HTML / p).read_text(encoding="utf-8") for p in book_pages()}
    for path, text in pages.items():
        if (
            path.startswith("chapters/")
            and (HTML.parent.parent / path.replace(".html", ".ipynb")).exists()
        ):
            assert re.search(r'href="[^"]*_sources/chapters/[^"]+\.ipynb"', text), (
                f"{path} does not link its notebook"
            )
    mosul = pages["chapters/mosul.html"]
    for fmt in ("png", "svg", "pdf"):
        assert f"fig-mosul-locator.{fmt}" in mosul
    dataset = pages["chapters/dataset.html"]
    for name in ("events.csv", "places.csv", "places.geojson", "datapackage.json"):
        assert name in dataset
    links = set()
    for path, text in pages.items():
        for href in re.findall(r'href="([^"#?]+)"', text):
            if not href.startswith(("http:", "https:", "mailto:")):
                links.add(((HTML / path).parent / href).resolve())
    missing = sorted(str(p.relative_to(HTML)) for p in links if not p.exists())
    assert missing == [], "links to files missing from the built site"


def test_screenshots_for_review(server: str, browser) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in (
        ("home", "intro.html"),
        ("mosul", "chapters/mosul.html"),
        ("overview", "chapters/overview.html"),
    ):
        visit = Visit(browser, f"{server}/{path}")
        try:
            visit.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        finally:
            visit.close()
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000


@pytest.mark.book
@pytest.mark.parametrize("path", ["chapters/mosul.html", "chapters/overview.html"])
def test_figure_text_is_at_least_11_css_px_where_the_page_shows_it(
    path: str, server: str, browser
) -> None:
    """A figure's smallest text (style.SMALL_PT, 7 pt as printed) is at least 11 CSS px at the
    width the page shows the figure in a 1280-px window: wide figures take the theme's full
    width, the others their own printed width or more."""
    from cityatlas import figure_files, style

    visit = Visit(browser, f"{server}/{path}")
    try:
        sizes = visit.page.eval_on_selector_all(
            "figure img",
            "els => els.map(e => [e.getAttribute('alt'), e.clientWidth, e.naturalWidth])",
        )
    finally:
        visit.close()
    assert sizes, f"{path} shows no figure"
    for alt, shown_px, natural_px in sizes:
        printed_in = natural_px / figure_files.DISPLAY_DPI
        smallest = style.SMALL_PT / 72 * shown_px / printed_in
        assert smallest >= 11, f"{path}: {alt[:40]!r}: smallest text {smallest:.1f} CSS px"
