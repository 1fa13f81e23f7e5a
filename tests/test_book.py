"""The book: table of contents, fresh chapters, strict builds, offline HTML and the PDF."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from cityatlas import build, history


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


def test_city_chapters_share_one_shape(root: Path, data) -> None:
    shapes = set()
    for place in history.subject_places(data):
        nb = nbformat.read(root / "chapters" / f"{place}.ipynb", as_version=4)
        shapes.add(tuple(c.cell_type for c in nb.cells))
        assert nb.cells[1].source.startswith("from cityatlas import book")
    assert len(shapes) == 1


def html_pages(root: Path) -> list[Path]:
    html = root / "_build" / "html"
    if not (html / "index.html").exists():
        pytest.fail("the HTML book is missing: run `make html`")
    return [
        p for p in html.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts
    ]


def test_every_city_page_shows_three_figures_and_the_events_table(root: Path, data) -> None:
    for place in history.subject_places(data):
        page = (root / "_build" / "html" / "chapters" / f"{place}.html").read_text(encoding="utf-8")
        assert len(re.findall(r"<img[^>]+fig-" + place, page)) >= 3, place
        assert "class='events'" in page and "Key facts" in page
        for kind in ("locator", "city", "timeline"):
            assert f'id="fig-{place}-{kind}"' in page


def test_arabic_is_marked_as_arabic_right_to_left(root: Path) -> None:
    page = (root / "_build" / "html" / "chapters" / "mosul.html").read_text(encoding="utf-8")
    assert '<span lang="ar" dir="rtl">الموصل</span>' in page


def test_pages_request_nothing_from_other_hosts(root: Path) -> None:
    pattern = re.compile(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["'](https?:)?//""", re.I)
    for page in html_pages(root):
        found = pattern.findall(page.read_text(encoding="utf-8"))
        assert not found, f"{page.name} loads a third-party resource"


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
    for target in ("book", "test", "html", "pdf", "data", "figures", "clean", "help", "lab"):
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


def test_a_cell_that_raises_fails_the_build(tmp_path: Path) -> None:
    book = tiny_book(tmp_path / "book", "# Intro\n", notebook_code="raise RuntimeError('boom')")
    with pytest.raises(build.BuildError, match="boom"):
        build.execute_stale(book, jobs=1)


def test_a_broken_cross_reference_fails_the_build(tmp_path: Path) -> None:
    book = tiny_book(tmp_path / "book", "# Intro\n\nSee {ref}`no-such-label`.\n")
    build.execute_stale(book, jobs=1)
    with pytest.raises(build.BuildError, match="no-such-label"):
        build.build_html(book)


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
