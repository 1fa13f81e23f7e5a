"""The print edition (`make pdf`): page numbers that point at the right pages, running heads,
no half-empty pages, links that work on paper, metadata, and a PDF per chapter.

Every check reads the built PDF with poppler (`pdftotext`, `pdftoppm`, `pdfinfo`) or pypdf.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from cityatlas import printed

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "_build" / "pdf" / "book.pdf"
LEADER = re.compile(r"^\s*(?P<label>.+?)\s*\.{3,}\s*(?P<page>\d+)\s*$")


@cache
def pages() -> list[str]:
    """The text of each page of the book, as pdftotext lays it out."""
    assert PDF.exists(), "run `make pdf`"
    text = subprocess.run(
        ["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def lines(page: str) -> list[str]:
    return [" ".join(ln.split()) for ln in page.splitlines() if ln.strip()]


def entries(heading: str) -> list[tuple[str, int]]:
    """The (label, page) entries of the printed list headed ``heading``."""
    start = next(i for i, p in enumerate(pages()) if heading in lines(p)[:3])
    found: list[tuple[str, int]] = []
    for page in pages()[start : start + 3]:
        for line in lines(page):
            match = LEADER.match(line)
            if match:
                found.append((match["label"], int(match["page"])))
    return found


def running_head(page: str) -> str:
    return lines(page)[0] if lines(page) else ""


def toc_chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [c["file"] for part in toc["parts"] for c in part["chapters"]]


def test_contents_page_numbers_are_where_the_chapters_begin() -> None:
    contents = entries("Contents")
    assert len(contents) >= len(toc_chapters()), contents
    for title, number in contents:
        page = pages()[number - 1]
        body = lines(page)[1:]  # below the running head
        # a chapter opens its page; the root page's short notes share one page
        top = body[:3] if running_head(page) == title else body
        assert any(line.startswith(title) for line in top), (
            f"contents say {title!r} is on page {number}; it begins {body[:3]}"
        )
    city = dict(contents)
    assert city["Mosul"] < city["Tikrit"] < city["Kobani"] < city["References"]


def test_list_of_figures_page_numbers_are_where_the_figures_are() -> None:
    figures = entries("Figures")
    html = (ROOT / "_build" / "html" / "chapters" / "mosul.html").read_text(encoding="utf-8")
    assert len(figures) >= 38
    numbers = []
    for label, number in figures:
        fig = re.match(r"(Fig\. \d+)", label).group(1)
        numbers.append(int(fig.split()[1]))
        text = " ".join(pages()[number - 1].split())
        assert f"{fig} " in text, f"{fig} is not on page {number}"
    assert numbers == list(range(1, len(numbers) + 1))
    # numbered as in the HTML book
    mosul = dict((re.match(r"Fig\. \d+", label).group(0), label) for label, _ in figures)
    assert "Fig. 6" in html and "Mosul" in mosul["Fig. 7"]


def test_running_heads_and_page_numbers_on_every_page_but_the_title_page() -> None:
    total = len(pages())
    assert running_head(pages()[0]) != "Contents" and f"1 / {total}" not in pages()[0]
    contents = entries("Contents")
    chapters = dict(contents[[t for t, _ in contents].index("The source article") :])
    for index, page in enumerate(pages()[1:], start=2):
        assert lines(page)[-1] == f"{index} / {total}", f"page {index}: {lines(page)[-1:]}"
    for title, number in chapters.items():
        assert running_head(pages()[number - 1]) == title


def test_no_blank_pages_and_few_short_ones() -> None:
    fills = printed.page_fill(PDF)
    assert len(fills) == len(pages())
    short = Counter()
    for index, fill in enumerate(fills):
        assert fill > 0.02, f"page {index + 1} is blank"
        if fill < 0.55 and index > 0:
            short[running_head(pages()[index])] += 1
    assert all(n <= 1 for n in short.values()), short


def test_links_point_at_the_published_site_or_inside_the_book() -> None:
    from pypdf import PdfReader

    baseurl = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["baseurl"]
    reader = PdfReader(PDF)
    uris: list[str] = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                uris.append(str(action["/URI"]))
    assert uris, "the PDF has no web links"
    assert not [u for u in uris if u.startswith("file:")], "file:// links in the PDF"
    assert all(u.startswith(("http://", "https://", "mailto:")) for u in uris)
    assert any(u.startswith(baseurl + "figures/fig-") for u in uris)


def test_metadata_fonts_and_bookmarks() -> None:
    from pypdf import PdfReader

    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    assert "Title:           cityatlas" in info
    assert re.search(r"Author:\s+The cityatlas project", info)
    assert re.search(r"Subject:\s+\S", info) and re.search(r"Keywords:\s+Islamic State", info)
    assert "Tagged:          yes" in info
    reader = PdfReader(PDF)
    assert f"Dataset version {printed.dataset_version(ROOT)}." in reader.metadata["/Subject"]
    assert reader.metadata.get("/datasetversion") == printed.dataset_version(ROOT)
    assert reader.trailer["/Root"].get("/Lang") == "en"
    fonts = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(" yes " in row.split("  ", 1)[-1] for row in rows), fonts.stdout
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Mosul" in titles and "References" in titles


def test_back_matter_in_contents_order_and_code_wrapped() -> None:
    titles = [t for t, _ in entries("Contents")]
    assert titles.index("The names") < titles.index("The source article")
    assert titles[-1] == "References"
    numbers = [n for _, n in entries("Contents")]
    assert numbers == sorted(numbers)
    cite = pages()[dict(entries("Contents"))["How to cite"] - 1]
    assert "@" in cite  # the BibTeX is printed, wrapped within the page


def test_a_pdf_per_chapter_linked_from_its_page() -> None:
    for doc in toc_chapters():
        stem = doc.rsplit("/", 1)[-1]
        pdf = ROOT / "_build" / "pdf" / f"{stem}.pdf"
        assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", stem
        assert (ROOT / "_build" / "html" / "pdf" / f"{stem}.pdf").exists()
        page = (ROOT / "_build" / "html" / f"{doc}.html").read_text(encoding="utf-8")
        up = "../" * doc.count("/")
        assert f'href="{up}pdf/{stem}.pdf"' in page, doc
    mosul = subprocess.run(
        ["pdftotext", str(ROOT / "_build" / "pdf" / "mosul.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Mosul" in mosul and "Tikrit\n" not in mosul.split("\f")[0]


def test_the_atlas_prints_its_static_snapshots_not_the_slider() -> None:
    atlas = [p for p in pages() if running_head(p) == "Atlas: every town, day by day"]
    assert atlas, "the atlas chapter is missing from the PDF"
    text = "\n".join(atlas)
    assert "Previous change" not in text and "Who held each of the" not in text
    assert re.search(r"Fig\. \d+\s+Control of the \d+ places", text), "the snapshots figure"
