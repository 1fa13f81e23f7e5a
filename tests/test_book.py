"""The book: table of contents, fresh chapters, strict builds, offline HTML and the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
import yaml

from cityatlas import book, build, history


def test_toc_has_a_chapter_per_subject_place_in_article_order(root: Path, data) -> None:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    cities = next(p for p in toc["parts"] if p["caption"] == "Cities")
    assert [c["file"] for c in cities["chapters"]] == [
        f"chapters/{p}" for p in history.subject_places(data)
    ]


def test_committed_chapters_hold_outputs_of_todays_inputs(root: Path) -> None:
    for notebook in build.chapter_notebooks(root):
        assert not build.is_stale(notebook, root), f"{notebook.name} is stale: run `make chapters`"
        nb = nbformat.read(notebook, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count is not None for c in code), notebook.name


NEW_CHAPTER = Path(__file__).resolve().parent.parent / "scripts" / "new_chapter.py"


def skeleton_module():
    """scripts/new_chapter.py, which defines the shape of a city chapter."""
    import runpy

    return runpy.run_path(str(NEW_CHAPTER))


def shape(nb) -> list[tuple[str, str]]:
    """A chapter's shape: each cell's type, and for code cells the code itself."""
    return [(c.cell_type, c.source if c.cell_type == "code" else "") for c in nb.cells]


def test_city_chapters_share_one_shape(root: Path, data) -> None:
    module = skeleton_module()
    places = data.places.set_index("id")
    for place in history.subject_places(data):
        nb = nbformat.read(root / "chapters" / f"{place}.ipynb", as_version=4)
        skeleton = module["city_chapter"](
            place, places.loc[place, "name_en"], places.loc[place, "name_ar"]
        )
        assert shape(nb) == shape(skeleton), place
        headings = [c.source.split("\n", 1)[0] for c in nb.cells if c.cell_type == "markdown"]
        assert headings == [
            c.source.split("\n", 1)[0] for c in skeleton.cells if c.cell_type == "markdown"
        ]
        assert nb.metadata["cityatlas"]["place"] == place


def test_the_prose_of_each_city_chapter_points_the_reader_at_each_of_its_figures(
    root: Path, data
) -> None:
    """Every figure is introduced by the text ({numref}), and a figure sentence restates no
    figure of its own: numbers and dates in it come from the data through glue."""
    for place in history.subject_places(data):
        nb = nbformat.read(root / "chapters" / f"{place}.ipynb", as_version=4)
        prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        for kind in ("locator", "city", "timeline"):
            figure = f"{{numref}}`fig-{place}-{kind}`"
            assert figure in prose, (place, kind)
            sentence = re.split(r"\.(?:\s|$)", prose[prose.index(figure) :])[0]
            assert not re.search(r"\d", re.sub(r"\{[^}]+\}`[^`]+`", "", sentence)), sentence


def test_no_chapter_holds_text_still_to_write(root: Path) -> None:
    marker = skeleton_module()["TO_WRITE"]
    for path in build.chapter_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        assert not any(marker in c.source for c in nb.cells), path.name


GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`]+)`")


def test_every_number_glued_into_the_prose_comes_from_the_data(root: Path, data) -> None:
    from cityatlas import book

    for place in history.subject_places(data):
        nb = nbformat.read(root / "chapters" / f"{place}.ipynb", as_version=4)
        prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        keys = set(book.glue_keys(place, data))
        used = GLUE_ROLE.findall(prose)
        assert used, f"{place}: the prose quotes no number from the data"
        missing = sorted(set(used) - keys)
        assert not missing, f"{place}: glued keys missing from the data: {missing}"


def test_new_chapter_writes_the_shared_skeleton_and_never_overwrites(
    root: Path, tmp_path: Path
) -> None:
    run = [sys.executable, str(NEW_CHAPTER)]
    kept = (root / "chapters" / "mosul.ipynb").read_bytes()
    refused = subprocess.run([*run, "mosul"], capture_output=True, text=True, check=False)
    assert refused.returncode == 1 and "exists" in refused.stderr
    assert (root / "chapters" / "mosul.ipynb").read_bytes() == kept
    written = subprocess.run(
        [*run, "samarra", "--chapters", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert written.returncode == 0, written.stderr
    nb = nbformat.read(tmp_path / "samarra.ipynb", as_version=4)
    assert (
        nb.metadata["cityatlas"]["place"] == "samarra" and 'PLACE = "samarra"' in nb.cells[1].source
    )
    unknown = subprocess.run(
        [*run, "atlantis", "--chapters", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert (
        unknown.returncode == 2
        and "atlantis" in unknown.stderr
        and "Traceback" not in unknown.stderr
    )


RAW_MYST = re.compile(r"\{(cite|numref|download|doc|ref|glue)[:}]|```\{figure\}")


def image_outputs(nb) -> list[dict]:
    """The image outputs of a notebook's code cells."""
    return [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if "image/png" in o.get("data", {})
    ]


def text_outputs(nb) -> list[str]:
    """Every text an output of the notebook shows (plain, Markdown, HTML, streams)."""
    texts = []
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            texts.append(o.get("text", ""))
            for mime in ("text/plain", "text/markdown", "text/html"):
                texts.append(o.get("data", {}).get(mime, ""))
    return texts


def test_city_chapters_store_their_figures_as_images_and_no_raw_markup(root: Path, data) -> None:
    for place in history.subject_places(data):
        nb = nbformat.read(root / "chapters" / f"{place}.ipynb", as_version=4)
        assert len(image_outputs(nb)) >= 3, place
        for text in text_outputs(nb):
            assert not RAW_MYST.search(text), f"{place}: raw MyST in an output: {text[:80]}"
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        assert not any(o.get("output_type") == "error" for o in outputs), place


def test_every_book_figure_is_drawn_by_exactly_one_chapter_cell(root: Path, data) -> None:
    from cityatlas import figures

    shown = []
    for path in build.chapter_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        for output in image_outputs(nb):
            fig_id = output.get("metadata", {}).get("cityatlas", {}).get("figure")
            if fig_id:
                shown.append(fig_id)
    assert sorted(shown) == sorted(figures.figure_ids(data))


@pytest.mark.slow
def test_a_city_chapter_reruns_outside_the_book_build(
    root: Path, tmp_path: Path, monkeypatch
) -> None:
    """As a reader reruns it: a copy of the chapter, executed by nbclient, draws its figures."""
    chapter = tmp_path / "chapters" / "kobani.ipynb"
    chapter.parent.mkdir()
    nb = nbformat.read(root / "chapters" / "kobani.ipynb", as_version=4)
    sentence = "A sentence a reader added to the chapter."
    nb.cells[0].source += "\n\n" + sentence
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, chapter)
    out = tmp_path / "figures"
    monkeypatch.setenv("CITYATLAS_FIGURES", str(out))
    build.execute_notebook(chapter, root)
    rerun = nbformat.read(chapter, as_version=4)
    assert sentence in rerun.cells[0].source
    assert len(image_outputs(rerun)) >= 3
    assert not any(RAW_MYST.search(t) for t in text_outputs(rerun))
    written = sorted(p.name for p in out.glob("fig-*"))
    assert written == sorted(
        f"fig-kobani-{k}.{f}"
        for k in ("locator", "city", "timeline")
        for f in ("pdf", "png", "svg")
    )
    for name in written:
        assert (out / name).read_bytes() == (root / "figures" / name).read_bytes(), name


def html_pages(root: Path) -> list[Path]:
    html = root / "_build" / "html"
    if not (html / "index.html").exists():
        pytest.fail("the HTML book is missing: run `make html`")
    return [
        p for p in html.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts
    ]


@pytest.mark.book
def test_every_city_page_shows_three_figures_and_the_events_table(root: Path, data) -> None:
    for place in history.subject_places(data):
        page = (root / "_build" / "html" / "chapters" / f"{place}.html").read_text(encoding="utf-8")
        assert re.search(r"""class=["']events["']""", page) and "Key facts" in page
        for kind in ("locator", "city", "timeline"):
            figure = re.search(rf'<figure[^>]+id="fig-{place}-{kind}">(.*?)</figure>', page, re.S)
            assert figure, f"fig-{place}-{kind}"
            assert "<img" in figure.group(1) and "Cite this figure" in figure.group(1)


@pytest.mark.book
def test_arabic_is_marked_as_arabic_right_to_left(root: Path) -> None:
    page = (root / "_build" / "html" / "chapters" / "mosul.html").read_text(encoding="utf-8")
    assert '<span lang="ar" dir="rtl">الموصل</span>' in page


@pytest.mark.book
def test_pages_request_nothing_from_other_hosts(root: Path) -> None:
    # <link rel="canonical"> names the published address (html.baseurl); browsers load nothing from it
    pattern = re.compile(
        r"""<(?:script|link(?![^>]*rel="canonical")|img|iframe)[^>]+(?:src|href)=["'](https?:)?//""",
        re.I,
    )
    for page in html_pages(root):
        found = pattern.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page.name} loads a third-party resource"


@pytest.mark.book
def test_pdf_holds_every_chapter_and_arabic(root: Path, data) -> None:
    pdf = root / "_build" / "pdf" / "book.pdf"
    assert pdf.exists(), "run `make pdf`"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    names = data.places.set_index("id")
    for place in history.subject_places(data):
        assert names.loc[place, "name_en"] in text
    assert "References" in text and "Methods and limitations" in text
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) > 20


def test_make_help_lists_the_targets(root: Path) -> None:
    out = subprocess.run(
        ["make", "-s", "-C", str(root), "help"], capture_output=True, text=True, check=True
    ).stdout
    for target in (
        "book",
        "test",
        "check",
        "html",
        "pdf",
        "data",
        "figures",
        "clean",
        "help",
        "lab",
    ):
        assert re.search(rf"make {target}\s", out), target


# A tiny book in a temporary folder proves that the strict build fails where it must.
FIXTURE_CONFIG = (Path(__file__).resolve().parent.parent / "_config.yml").read_text()


def tiny_book(folder: Path, page: str, notebook_code: str = "1 + 1") -> Path:
    (folder / "chapters").mkdir(parents=True)
    (folder / "cityatlas").mkdir()
    (folder / "data" / "clean").mkdir(parents=True)
    (folder / "_config.yml").write_text(FIXTURE_CONFIG)
    (folder / "references.bib").write_text("")
    for assets in ("_static", "_extra"):
        shutil.copytree(Path(__file__).resolve().parent.parent / assets, folder / assets)
    (folder / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapters/one\n"
    )
    (folder / "intro.md").write_text(page)
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# One"), nbformat.v4.new_code_cell(notebook_code)]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, folder / "chapters" / "one.ipynb")
    return folder


@pytest.mark.slow
def test_a_cell_that_raises_fails_the_build(tmp_path: Path) -> None:
    book = tiny_book(tmp_path / "book", "# Intro\n", notebook_code="raise RuntimeError('boom')")
    with pytest.raises(build.BuildError, match="boom"):
        build.execute_stale(book, jobs=1)


@pytest.mark.slow
def test_a_broken_cross_reference_fails_the_build(tmp_path: Path) -> None:
    book = tiny_book(tmp_path / "book", "# Intro\n\nSee {ref}`no-such-label`.\n")
    build.execute_stale(book, jobs=1)
    with pytest.raises(build.BuildError, match="no-such-label"):
        build.build_html(book)


@pytest.mark.slow
def test_a_clean_tiny_book_builds(tmp_path: Path) -> None:
    book = tiny_book(tmp_path / "book", "# Intro\n\nSee {doc}`chapters/one`.\n")
    assert build.execute_stale(book, jobs=1) == ["one.ipynb"]
    assert build.execute_stale(book, jobs=1) == [], "an unchanged chapter is not executed again"
    assert build.build_html(book).exists()


def test_lint_failure_fails_make_test(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n")
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [ruff, "check", "--config", str(root / "pyproject.toml"), str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "F401" in result.stdout


class ProseCounter(HTMLParser):
    """Words of a page's prose (paragraphs outside tables, figures and code cells) and the
    bibliography entries its citations point at."""

    SKIP = frozenset({"table", "figure", "pre", "script", "style", "nav", "header", "footer"})

    def __init__(self) -> None:
        super().__init__()
        self.skip_depth = 0
        self.in_article = False
        self.stack: list[str] = []
        self.in_paragraph = 0
        self.words = 0
        self.cited: set[str] = set()
        self.headings: list[str] = []
        self.heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag in ("br", "img", "meta", "link", "hr", "input"):
            return
        classes = (attributes.get("class") or "").split()
        if tag == "article" and "bd-article" in classes:
            self.in_article = True
        skip = tag in self.SKIP or "cell" in classes
        self.stack.append("skip" if skip else tag)
        if skip:
            self.skip_depth += 1
        if not self.in_article or self.skip_depth:
            return
        if tag == "p":
            self.in_paragraph += 1
        if tag == "h2":
            self.heading = []
        href = attributes.get("href") or ""
        if tag == "a" and "references.html#" in href:  # a citation: counted as a work, not as prose
            self.cited.add(href.split("#", 1)[1])
            self.stack[-1] = "skip"
            self.skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "meta", "link", "hr", "input") or not self.stack:
            return
        top = self.stack.pop()
        if top == "skip":
            self.skip_depth -= 1
        if tag == "article":
            self.in_article = False
        if tag == "p" and self.in_paragraph and not self.skip_depth:
            self.in_paragraph -= 1
        if tag == "h2" and self.heading is not None:
            self.headings.append("".join(self.heading).replace("#", "").strip())
            self.heading = None

    def handle_data(self, data: str) -> None:
        if self.skip_depth or not self.in_article:
            return
        if self.heading is not None:
            self.heading.append(data)
        if self.in_paragraph:
            self.words += sum(1 for word in data.split() if any(ch.isalnum() for ch in word))


SECTIONS = [
    "The city before",
    "The fall",
    "Under the Islamic State",
    "The battle to retake it",
    "Aftermath and cost",
    "What the article said",
    "Where the sources differ",
]


@pytest.mark.book
def test_every_city_page_tells_the_whole_story_with_ten_works_cited(root: Path, data) -> None:
    for place in history.subject_places(data):
        page = root / "_build" / "html" / "chapters" / f"{place}.html"
        counter = ProseCounter()
        counter.feed(page.read_text(encoding="utf-8"))
        assert counter.headings == SECTIONS, place
        assert counter.words >= 1200, f"{place}: {counter.words} words of prose"
        assert len(counter.cited) >= 10, f"{place}: {len(counter.cited)} works cited"
        assert "Name: count, dtype" not in page.read_text(encoding="utf-8")


@pytest.mark.book
def test_the_overview_tells_the_arc(root: Path) -> None:
    counter = ProseCounter()
    page = (root / "_build" / "html" / "chapters" / "overview.html").read_text(encoding="utf-8")
    counter.feed(page)
    assert counter.words >= 800, counter.words
    assert 'id="fig-overview-territory"' in page


def test_every_author_year_label_names_one_work(root: Path) -> None:
    """Works that share an author (or publisher) and a year get a, b, c... after the year."""
    import csv

    from cityatlas import references

    with open(root / "data" / "clean" / "sources.csv", encoding="utf-8") as handle:
        sources = list(csv.DictReader(handle))
    letters = references.year_suffixes(sources)
    labels = [
        (references.label_author(s), references.when(s)[:4] + letters.get(s["id"], ""))
        for s in sources
    ]
    assert len(set(labels)) == len(labels)
    assert references.suffix(0) == "a" and references.suffix(26) == "aa"
    bib = (root / "references.bib").read_text(encoding="utf-8")
    assert bib == references.bibtex_text(sources), "references.bib is stale: run `make data`"


@pytest.mark.book
def test_every_citation_links_to_its_own_entry_and_no_label_names_two_works(root: Path) -> None:
    """Each citation's link lands on the reference-list entry of the work it names (the entries
    are numbered when the list is written, so pages built earlier must be rewritten), and no
    author-year label stands for two works."""
    import html as html_lib

    html_dir = root / "_build" / "html" / "chapters"
    references = (html_dir / "references.html").read_text(encoding="utf-8")
    entries = {
        anchor: " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())
        for anchor, body in re.findall(
            r'<div class="citation" id="([^"]+)"[^>]*>(.*?)</div>', references, re.S
        )
    }
    labels: dict[str, set[str]] = {}
    for page in html_dir.glob("*.html"):
        for target, title, label in re.findall(
            r'href="references\.html#([^"]+)" title="([^"]*)">([^<]+, \d{4}[a-z]*)</a>',
            page.read_text(encoding="utf-8"),
        ):
            labels.setdefault(label, set()).add(target)
            start = " ".join(html_lib.unescape(title).split())[:40]
            assert start in entries.get(target, ""), (page.name, label, target)
    assert labels and {k: v for k, v in labels.items() if len(v) > 1} == {}


def test_tables_show_readers_no_row_ids_and_no_file_names(data) -> None:
    """Notes and disputes refer to other rows by id in the data; readers see a source's link
    or an event's date instead, and never a file name such as places.csv."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, text: str) -> None:
            self.parts.append(text)

    ids = {
        i for table in (data.sources, data.events, data.measures, data.claims) for i in table["id"]
    }
    ids = {i for i in ids if "-" in i}
    for place in history.subject_places(data):
        for table in (book.events_table, book.measures_table, book.claims_table):
            parser = Text()
            parser.feed(table(place, data).data)
            text = " ".join(parser.parts)
            shown = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
            assert not shown, (place, table.__name__, sorted(shown)[:5])
            assert ".csv" not in text, (place, table.__name__)
