"""Write the skeleton of a new city chapter: ``python scripts/new_chapter.py PLACE``.

The skeleton has the shape every city chapter shares (the tests check that all chapters
keep it): a title and lead, the sections of a city's story in Markdown cells, and short
code cells that glue the dataset's facts and draw the figures and tables. It never
overwrites a chapter: once written, the chapter file is where its story lives and is
edited. Afterwards add the chapter to ``_toc.yml``, write each section (every fact cited,
every number from the dataset through ``{glue:text}``), then ``make chapters``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Marks text still to be written; a test fails while any chapter contains it.
TO_WRITE = "TO WRITE:"
HIDE = {"tags": ["hide-input"]}
REMOVE = {"tags": ["remove-cell"]}


def md(text: str) -> nbformat.NotebookNode:
    """A markdown cell."""
    return nbformat.v4.new_markdown_cell(text)


def code(text: str, metadata: dict | None = None) -> nbformat.NotebookNode:
    """A code cell."""
    return nbformat.v4.new_code_cell(text, metadata=dict(metadata or {}))


def city_chapter(place: str, name_en: str, name_ar: str) -> nbformat.NotebookNode:
    """The skeleton notebook of one city chapter."""
    cells = [
        md(
            f'# {name_en}\n\n<p class="arabic-title" lang="ar" dir="rtl">{name_ar}</p>\n\n'
            f"{TO_WRITE} a lead paragraph: why {name_en} matters in this story."
        ),
        code(f'from cityatlas import book, figures\n\nPLACE = "{place}"'),
        code("book.glue_facts(PLACE)", REMOVE),
        code("book.key_facts(PLACE)", HIDE),
        md(f"## The city before\n\n{TO_WRITE} people, economy and significance."),
        code("figures.locator_map(PLACE)", HIDE),
        code("figures.city_map(PLACE)", HIDE),
        md(f"## The fall\n\n{TO_WRITE} how the group took the city."),
        md(
            f"## Under the Islamic State\n\n{TO_WRITE} rule, atrocities, heritage, economy, resistance."
        ),
        md(f"## The battle to retake it\n\n{TO_WRITE} phases, forces, duration."),
        code("figures.city_timeline(PLACE)", HIDE),
        code("book.events_table(PLACE)", HIDE),
        md(
            f"## Aftermath and cost\n\n{TO_WRITE} deaths, displacement, destruction and return, from the measures table."
        ),
        code("book.measures_table(PLACE)", HIDE),
        md(
            "## What the article said\n\n"
            f"The AFP factbox makes {{glue:text}}`{place}__claims` claims about {name_en}: "
            f"{{glue:text}}`{place}__verdicts`. Each is listed below with the evidence; "
            "{doc}`methods` explains the verdicts."
        ),
        code("book.claims_table(PLACE)", HIDE),
        md(
            f"## Where the sources differ\n\n{TO_WRITE} each disagreement, and which version the book uses and why."
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.metadata["cityatlas"] = {"place": place}
    return notebook


def main(argv: list[str] | None = None) -> int:
    """Write chapters/PLACE.ipynb for a place of the dataset, unless it exists."""
    from cityatlas.data import load

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("place", help="a place id from data/raw/places.csv")
    parser.add_argument("--chapters", default=str(ROOT / "chapters"), help="folder of the chapters")
    args = parser.parse_args(argv)
    places = load().places.set_index("id")
    if args.place not in places.index:
        print(f"new_chapter: place={args.place!r} is not in data/raw/places.csv", file=sys.stderr)
        return 2
    path = Path(args.chapters) / f"{args.place}.ipynb"
    if path.exists():
        print(f"new_chapter: {path} exists; edit it instead (nothing was written)", file=sys.stderr)
        return 1
    row = places.loc[args.place]
    nbformat.write(city_chapter(args.place, row["name_en"], row["name_ar"]), path)
    print(f"wrote {path}; add it to _toc.yml, write its sections, then run `make chapters`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
