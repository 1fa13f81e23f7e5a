"""Write the city chapter notebooks from one template, so every chapter has the same shape.

The story of each city is prose (below, with citations); everything else comes from the
dataset through ``cityatlas.book``. Run ``python scripts/make_chapters.py`` after editing a
story, then ``make chapters`` to execute the notebooks.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cityatlas.data import load  # noqa: E402
from cityatlas.history import subject_places  # noqa: E402

STORIES: dict[str, tuple[str, str]] = {
    "mosul": (
        "Iraq's second city was the largest the Islamic State group ever held. Its fall in June 2014, "
        "after six days in which an army many times larger than the attacking force dissolved, opened "
        "the group's sweep through northern Iraq {cite:p}`wiki-fall-of-mosul`.",
        "The assault began on 4 June 2014 and the city fell in the night of 9 to 10 June "
        "{cite:p}`vice-2014-mosul`. In August the group briefly took the Mosul Dam upstream, which "
        "Kurdish and Iraqi forces retook on 18 August {cite:p}`upi-2014-mosul-dam,inquirer-2014-mosul-dam`. "
        "The offensive to retake the city was announced on 17 October 2016 "
        "{cite:p}`guardian-2016-mosul-offensive`, and Prime Minister Haider al-Abadi formally declared "
        "victory on 10 July 2017, a day after he had first announced it in the city "
        "{cite:p}`rferl-2017-mosul-victory,zee-2017-mosul-victory`.",
    ),
    "tikrit": (
        "The capital of Salahuddin province fell the day after Mosul. When the source article was "
        "written, the largest Iraqi offensive yet was under way to take it back.",
        "The group seized Tikrit on 11 June 2014 {cite:p}`yme-2015-fallen`. On Monday 2 March 2015 "
        "government forces and militias, about 30,000 men, opened their offensive "
        "{cite:p}`yme-2015-fallen`. The prime minister announced the recapture on 31 March and toured the "
        "city on 1 April {cite:p}`wsj-2015-tikrit,reuters-2015-tikrit`.",
    ),
    "tal-afar": (
        "Tal Afar, on the road from Mosul to the Syrian border, fell within a week of Mosul and was "
        "among the last Iraqi cities the group lost.",
        "Reports at the time date its fall to 16 June 2014 {cite:p}`ibt-2014-tal-afar,upi-2014-tal-afar`; "
        "the source article's 23 June is a week late. Kurdish forces cut its road to Mosul in January "
        "2015 {cite:p}`warisboring-2015-kiske`. The offensive to retake it began on 20 August 2017 "
        "{cite:p}`globaltimes-2017-tal-afar`, the army reported its neighbourhoods retaken on 27 August "
        "{cite:p}`stripes-2017-tal-afar`, and the prime minister declared it fully liberated on 31 August "
        "{cite:p}`primedia-2017-tal-afar`.",
    ),
    "fallujah": (
        "Fallujah was the first Iraqi city to fall, six months before the group's June 2014 offensive, "
        "and it stayed in its hands for two and a half years.",
        "After the army withdrew, the group and allied fighters seized parts of the town on 2 January "
        "2014 and controlled it by 4 January {cite:p}`wiki-fall-of-fallujah`. Iraqi forces began the "
        "operation to retake it in late May 2016; the commander of the operation declared the city "
        "fully liberated on 26 June 2016 {cite:p}`deccan-2016-fallujah`.",
    ),
    "raqqa": (
        "Raqqa, on the Euphrates, became the group's de facto capital in Syria after it drove out rival "
        "factions in January 2014.",
        "The group took over the city in January 2014 {cite:p}`itv-2017-raqqa,franspat-2017-raqqa`. The "
        "Syrian Democratic Forces began the battle for the city on 6 June 2017 "
        "{cite:p}`wiki-battle-of-raqqa-2017`, declared operations over on 17 October and the city's "
        "'total liberation' on 20 October {cite:p}`theweek-2017-raqqa`.",
    ),
    "deir-ez-zor": (
        "Deir ez-Zor was never wholly the group's: for more than three years the city was divided, with "
        "a government enclave and its airport under siege.",
        "The group controlled substantial parts of the city from July 2014 {cite:p}`yahoo-2017-deir-ez-zor`. "
        "When the siege of the government districts began is disputed (2014 or 2015) "
        "{cite:p}`metro-2017-deir-ez-zor,reuters-2017-deir-ez-zor-siege`. Syrian forces broke it on 5 "
        "September 2017 and announced full control of the city on 3 November 2017 "
        "{cite:p}`reuters-2017-deir-ez-zor-siege,midday-2017-deir-ez-zor`.",
    ),
    "hasakah": (
        "Hasakah city was held by the Syrian government and Kurdish forces. The group never took it, but "
        "in the summer of 2015 it held several of its districts for a month.",
        "The attack began on 25 June 2015, taking two large districts in the south within hours "
        "{cite:p}`kurdwatch-2015-hasakah,newarab-2015-hasakah-kobani`. The YPG and the Syrian army "
        "expelled the group from most of the city on 28 July and from its last pockets by 1 August "
        "{cite:p}`commons-2015-hasakah-map`. The oil and gas fields the article mentions could not be "
        "verified from the sources read.",
    ),
    "baiji": (
        "Baiji and its refinery, Iraq's largest, changed hands more often than any other place in this "
        "book.",
        "The group took the town in June 2014 and besieged the refinery {cite:p}`wiki-battle-of-baiji`. "
        "Iraqi forces retook the town on 14 November 2014 {cite:p}`rferl-2014-baiji`, but the group took "
        "it back on 21 December, before the source article said it had been lost "
        "{cite:p}`wiki-battle-of-baiji`. Iraqi forces retook the refinery and the town between 15 and 22 "
        "October 2015 {cite:p}`reuters-2015-baiji`.",
    ),
    "diyala": (
        "Diyala, the province between Baghdad and Iran, was the first the Iraqi government declared free "
        "of the group.",
        "The towns of Jalawla and Saadiya were overrun in August 2014 {cite:p}`latimes-2014-diyala` and "
        "retaken on 23 November 2014 {cite:p}`latimes-2014-diyala,rudaw-2014-jalawla`. After a last "
        "battle near Muqdadiyah the army declared the province liberated on 26 January 2015 "
        "{cite:p}`japantimes-2015-diyala`.",
    ),
    "al-baghdadi": (
        "The small Euphrates town of al-Baghdadi, next to the Al-Asad air base, was the group's newest "
        "gain when the source article was written, and one of its shortest-held.",
        "The group overran the town on 12 and 13 February 2015 and attacked the air base "
        "{cite:p}`cnn-2015-baghdadi,aljazeera-2015-baghdadi`. Iraqi forces and Anbar tribal fighters "
        "retook it on 6 March 2015 {cite:p}`globalnews-2015-baghdadi`.",
    ),
    "kobani": (
        "Kobani, a Kurdish town on the Turkish border, withstood a four-month siege; the group held part "
        "of it but never all.",
        "The offensive began on 13 September 2014 {cite:p}`wiki-siege-of-kobani`; by 13 October the group "
        "held about half the city {cite:p}`militaryhistory-kobani`. Kurdish forces took full control on "
        "26 January 2015 {cite:p}`kurdpress-2015-kobani`. On 25 June 2015 the group's fighters got into "
        "the town again for the first time in six months {cite:p}`newarab-2015-hasakah-kobani`.",
    ),
}


def md(text: str) -> nbformat.NotebookNode:
    """A markdown cell."""
    return nbformat.v4.new_markdown_cell(text)


def code(text: str) -> nbformat.NotebookNode:
    """A code cell."""
    return nbformat.v4.new_code_cell(text)


def city_chapter(place: str, name_en: str, name_ar: str) -> nbformat.NotebookNode:
    """The notebook of one city chapter."""
    lead, story = STORIES[place]
    cells = [
        md(f'# {name_en}\n\n<p class="arabic-title" lang="ar" dir="rtl">{name_ar}</p>\n\n{lead}'),
        code(f'from cityatlas import book\n\nPLACE = "{place}"'),
        code("book.key_facts(PLACE)"),
        md(
            f"## Where it is\n\n{{numref}}`fig-{place}-locator` places {name_en} in the region; "
            f"{{numref}}`fig-{place}-city` shows its surroundings."
        ),
        code(f'book.figure("fig-{place}-locator")'),
        code(f'book.figure("fig-{place}-city")'),
        md(
            f"## From capture to recapture\n\n{story}\n\n{{numref}}`fig-{place}-timeline` draws every "
            "dated event and who held the place; the table lists each event with its sources."
        ),
        code(f'book.figure("fig-{place}-timeline")'),
        code("book.events_table(PLACE)"),
        md(
            "## What the article said\n\nEach claim the AFP factbox makes about this place, with the "
            "verdict of the sources ({doc}`methods` explains the verdicts)."
        ),
        code("book.claims_table(PLACE)"),
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


def main() -> None:
    """Write every city chapter that has a story."""
    data = load()
    places = data.places.set_index("id")
    for place in subject_places(data):
        path = ROOT / "chapters" / f"{place}.ipynb"
        nbformat.write(
            city_chapter(place, places.loc[place, "name_en"], places.loc[place, "name_ar"]), path
        )
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
