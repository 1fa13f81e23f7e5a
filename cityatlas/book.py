"""What the chapters display: key facts, figures with citation lines, event and claim tables.

Chapters call these functions and nothing else; they return Markdown (rendered by MyST) or
HTML objects, so the notebooks never touch paths or raw files. Arabic text is wrapped in
``lang="ar" dir="rtl"`` elements.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
import markupsafe
import pandas as pd
from IPython.display import HTML, Markdown

from cityatlas import history, paths
from cityatlas.data import Dataset, dataset
from cityatlas.schema import (
    ALL_TABLES,
    ARABIC_RUN,
    ARTICLE_DATE,
    DATASET_VERSION,
    EVENT_TYPES,
    QUANTITIES,
    STUDY_END,
    STUDY_START,
    VERDICTS,
    codes,
    labels,
)


def arabic(text: str, block: bool = False) -> str:
    """Arabic text in an element marked as Arabic, right to left."""
    tag = "p" if block else "span"
    return f'<{tag} lang="ar" dir="rtl">{html.escape(text)}</{tag}>'


def mark_arabic(text: str) -> str:
    """Wrap every run of Arabic words in an element marked as Arabic, right to left."""
    return ARABIC_RUN.sub(lambda m: arabic(m.group(0)), text)


def key_facts(place: str, data: Dataset | None = None) -> HTML:
    """The key-facts box of a city chapter."""
    data = dataset(data)
    row = history.check_place(place, data)
    distances = data.distances.set_index("place")
    safe = markupsafe.Markup
    facts: list[tuple[str, str]] = [
        ("Name", safe("{} · {}").format(row["name_en"], safe(arabic(row["name_ar"]))))
    ]
    if row["name_variants"]:
        facts.append(("Also written", ", ".join(row["name_variants"])))
    facts.append(
        (
            "Country, province",
            safe("{}, {} · {}").format(
                row["country"], row["province_en"], safe(arabic(row["province_ar"]))
            ),
        )
    )
    if not pd.isna(row["population"]):
        count = int(row["population"])
        about = "about " if count % 1000 == 0 else ""  # a census count is exact, an estimate round
        population = safe(about + "{:,} ({}; {})").format(
            count,
            int(row["population_year"]),
            safe(source_links((row["population_source"],), data)),
        )
        facts.append(("Population before the war", population))
    else:
        facts.append(
            ("Population before the war", "no figure from a reliable source in the places table")
        )
    if place in distances.index:
        d = distances.loc[place]
        claimed = (
            f"{float(d['claimed_km']):.0f} km claimed by the article; "
            if not pd.isna(d["claimed_km"])
            else ""
        )
        facts.append(
            (
                "Distance from Baghdad",
                f"{claimed}{float(d['geodesic_km']):.0f} km geodesic, computed from the coordinates",
            )
        )
    facts.append(("Held by the Islamic State group", history.held_text(place, data)))
    days = history.days_held(place, data)
    if days:
        facts.append(("Days held, wholly or partly", f"{days:,}"))
    return HTML(templates().get_template("key_facts.html").render(facts=facts))


def source_links(ids: tuple[str, ...], data: Dataset) -> str:
    """Links to the sources, by id, pointing at their canonical addresses."""
    sources = data.sources.set_index("id")
    rows = []
    for sid in ids:
        s = sources.loc[sid]
        dated = "" if pd.isna(s["published"]) else f", {s['published']:%-d %b %Y}"
        url = s["url"] if pd.notna(s["url"]) else ""
        rows.append({"url": url, "title": s["title"], "label": f"{s['publisher']}{dated}"})
    return templates().get_template("source_links.html").render(sources=rows).strip()


ID_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def note_reader(data: Dataset) -> Callable[[object], markupsafe.Markup]:
    """A function showing a note or dispute as readers see it: the ids that tie it to other
    rows become words. Made once per table, so its lookups are built once.

    The data refers to its own rows by id ("(reuters-2014-mosul)", "see tal-afar-2014-captured");
    a source id becomes the source's link, an event id the event's date.
    """
    sources = set(data.sources["id"])
    events = data.events.set_index("id")

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in sources:
            return source_links((token,), data)
        if token in events.index:
            e = events.loc[token]
            return "the event of " + history.date_text(
                e["date_start"], e["date_end"], e["date_precision"]
            )
        return token  # a hyphenated word, not an id

    def readable(text: object) -> markupsafe.Markup:
        if not isinstance(text, str):
            return markupsafe.Markup("")
        return markupsafe.Markup(ID_TOKEN.sub(word, str(markupsafe.escape(text))))

    return readable


def events_table(place: str, data: Dataset | None = None) -> HTML:
    """The events of the place and its related places: dates, what happened, sources, disputes."""
    data = dataset(data)
    names = data.places.set_index("id")["name_en"]
    readable = note_reader(data)
    rows = [
        {
            "date": history.date_text(e.date_start, e.date_end, e.date_precision),
            "kind": EVENT_WORDS[e.event_type],
            "place_name": names[e.place] if e.place != place else "",
            "summary": e.summary,
            "quote": e.quote,
            "dispute": readable(e.dispute),
            "sources": source_links(e.sources, data),
        }
        for e in history.story_events(place, data).itertuples()
    ]
    return HTML(
        templates().get_template("events_table.html").render(rows=rows, version=data.version)
    )


def claims_table(place: str | None = None, data: Dataset | None = None) -> HTML:
    """The article's claims (about one place, or all) with verdicts and evidence."""
    data = dataset(data)
    claims = data.claims if place is None else data.claims[data.claims["place"] == place]
    distances = data.distances.set_index("claim") if len(data.distances) else pd.DataFrame()
    readable = note_reader(data)
    rows = [
        {
            "text_ar": c.text_ar,
            "text_en": c.text_en,
            "verdict_code": c.verdict,
            "verdict": VERDICT_WORDS[c.verdict],
            "note": readable(c.note),
            "computed": (
                f"Geodesic distance from the coordinates: {float(distances.loc[c.id, 'geodesic_km']):.0f} km."
                if c.id in distances.index
                else ""
            ),
            "quote": c.quote,
            "sources": source_links(c.sources, data),
        }
        for c in claims.itertuples()
    ]
    return HTML(templates().get_template("claims_table.html").render(rows=rows))


def verdict_counts(data: Dataset | None = None) -> HTML:
    """How many of the article's claims got each verdict, with what the verdict means."""
    data = dataset(data)
    counts = data.claims["verdict"].astype(str).value_counts()
    rows = [
        {"code": v.code, "label": v.en, "count": int(counts[v.code]), "meaning": v.meaning}
        for v in VERDICTS
        if v.code in counts.index
    ]
    return HTML(
        templates()
        .get_template("verdict_counts.html")
        .render(rows=rows, total=len(data.claims), version=data.version)
    )


def source_article() -> HTML:
    """The Arabic source article, paragraph by paragraph, beside the project's translation."""
    arabic_text = (paths.DATA_RAW / "source-article.ar.txt").read_text(encoding="utf-8")
    english = (paths.DATA_RAW / "source-article.en.txt").read_text(encoding="utf-8")
    ar_parts = [p.strip() for p in arabic_text.replace("\n", " ").split(".,") if p.strip()]
    en_parts = [p.strip() for p in english.split("\n") if p.strip()]
    rows = [(a.strip("., "), e) for a, e in zip(ar_parts, en_parts, strict=True)]
    return HTML(templates().get_template("article_table.html").render(rows=rows))


def codebook() -> Markdown:
    """The codebook of every table, generated from the schema."""
    parts = [
        f"Dataset version **{DATASET_VERSION}**. Article date used in the figures: {ARTICLE_DATE}.\n"
    ]
    for table in ALL_TABLES:
        kind = "curated by hand in `data/raw`" if table.raw else "derived by the pipeline"
        parts.append(
            f"\n### `{table.name}.csv`\n\n{table.description} ({kind}.)\n\n| column | type | required | meaning | allowed values |\n|---|---|---|---|---|"
        )
        for c in table.columns:
            allowed = ", ".join(f"`{v}`" for v in codes(c.enum)) if c.enum else ""
            if c.foreign_key:
                allowed = f"an id in `{c.foreign_key}`"
            parts.append(
                f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | {c.description} | {allowed} |"
            )
    return Markdown("\n".join(parts))


def downloads() -> Markdown:
    """Links to the clean data files."""
    files = sorted(p.name for p in paths.DATA_CLEAN.iterdir() if p.is_file())
    return Markdown("\n".join(f"- {{download}}`{name} <../data/clean/{name}>`" for name in files))


TEMPLATES = Path(__file__).with_name("templates")
QUANTITY_WORDS = labels(QUANTITIES).en
EVENT_WORDS = labels(EVENT_TYPES).en


@cache
def templates() -> jinja2.Environment:
    """The HTML templates of the book's tables (autoescaped)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined
    )


def number_text(value: float, unit: str = "") -> str:
    """A count as the book prints it: thousands separated, percent signs where meant."""
    if pd.isna(value):
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}%" if unit == "percent" else text


def sentence_case(words: str) -> str:
    """Words with their first letter capitalised and the rest as written ("IS" stays "IS")."""
    return words[:1].upper() + words[1:]


NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def count_text(count: int, noun: str = "") -> str:
    """A count as prose writes it: a word up to ten, figures above; the noun made plural."""
    number = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else f"{count:,}"
    if not noun:
        return number
    return f"{number} {noun}" if count == 1 else f"{number} {noun}s"


def prose_number_text(value: float, unit: str = "") -> str:
    """A count as a sentence writes it: "80 percent", "2 million", "1.5 million", "44,821"."""
    if pd.isna(value):
        return ""
    if unit == "percent":
        return f"{value:g} percent"
    if value >= 1_000_000 and value % 100_000 == 0:
        return f"{value / 1_000_000:g} million"
    return number_text(value, unit)


def measure_text(measure: pd.Series, prose: bool = False) -> str:
    """A measure in words: its best value, its range, or both, never an invented midpoint;
    ``prose`` writes the numbers as a sentence does (:func:`prose_number_text`)."""
    text = prose_number_text if prose else number_text
    low, best, high = (text(measure[k], measure["unit"]) for k in ("low", "best", "high"))
    span = f"{low}–{high}" if low and high else ""
    if best and span:
        return f"{best} ({span})"
    return best or span


def glue_keys(place: str, data: Dataset | None = None) -> dict[str, str]:
    """The facts a city chapter's prose may quote, by glue key, as text.

    ``<event id>__date``: an event's date, as precise as it is known;
    ``<measure id>__value``: a measure's best value or range;
    ``<place>__days_held``: days the group held the place wholly or partly;
    ``<place>__held``: when it held it, in words;
    ``<place>__population``: the population the key facts give;
    ``<place>__distance_km``: the straight-line distance from Baghdad, in km;
    ``<place>__claims``, ``<place>__verdicts``: the factbox's claims about it and their verdicts.
    """
    data = dataset(data)
    facts: dict[str, str] = {}
    for e in history.story_events(place, data).itertuples():
        facts[f"{e.id}__date"] = history.date_text(e.date_start, e.date_end, e.date_precision)
    for _, m in history.story_measures(place, data).iterrows():
        facts[f"{m['id']}__value"] = measure_text(m, prose=True)
    for p in history.story_places(place, data):
        if p in set(data.events["place"]):
            facts[f"{p}__days_held"] = f"{history.days_held(p, data):,}"
            facts[f"{p}__held"] = history.held_text(p, data)
    distance = history.distance_km(place, data)
    if distance is not None:
        facts[f"{place}__distance_km"] = f"{distance:,}"
    population = history.check_place(place, data)["population"]
    if pd.notna(population):
        facts[f"{place}__population"] = prose_number_text(population)
    claims = data.claims[data.claims["place"] == place]
    facts[f"{place}__claims"] = count_text(len(claims), "claim")
    facts[f"{place}__verdicts"] = verdict_text(claims["verdict"])
    return facts


def verdict_text(verdicts: pd.Series) -> str:
    """How many claims got each verdict, in words: "three corroborated, one contradicted", or
    just the verdict when there is one claim ("corroborated")."""
    counts = verdicts.astype(str).value_counts()
    order = [v for v in codes(VERDICTS) if v in counts.index]
    if len(verdicts) == 1:
        return VERDICT_WORDS[order[0]]
    return ", ".join(f"{count_text(counts[v])} {VERDICT_WORDS[v]}" for v in order) or "none"


VERDICT_WORDS = labels(VERDICTS).en


def overview_glue_keys(data: Dataset | None = None) -> dict[str, str]:
    """The facts the overview's prose may quote: every event's date and every estimate."""
    data = dataset(data)
    facts = {
        f"{e.id}__date": history.date_text(e.date_start, e.date_end, e.date_precision)
        for e in data.events.itertuples()
    }
    for _, row in data.estimates.iterrows():
        facts[f"{row['id']}__value"] = measure_text(row, prose=True)
    counts = history.held_by_is_monthly(data)
    total = counts["held"] + counts["partly_held"]
    people = counts["people_held"] + counts["people_partly_held"]
    facts["overview__towns"] = str(len(history.towns(data)))
    facts["overview__peak_towns"] = str(int(total.max()))
    facts["overview__peak_towns_month"] = f"{counts.loc[total.idxmax(), 'month']:%B %Y}"
    facts["overview__peak_people"] = f"{int(people.max()):,}"
    facts["overview__peak_people_month"] = f"{counts.loc[people.idxmax(), 'month']:%B %Y}"
    return facts


def atlas_glue_keys(data: Dataset | None = None) -> dict[str, str]:
    """The facts the atlas chapter's prose quotes: how many places and changes it maps."""
    data = dataset(data)
    return {
        "atlas__towns": str(len(history.mapped_places(data))),
        "atlas__changes": str(len(data.control_periods)),
        "atlas__from": history.date_text(STUDY_START),
        "atlas__to": history.date_text(STUDY_END),
    }


def glue_atlas(data: Dataset | None = None) -> None:
    """Glue every fact of :func:`atlas_glue_keys` into the atlas notebook."""
    glue_all(atlas_glue_keys(data))


def glue_all(facts: dict[str, str]) -> None:
    """Glue each fact under its key, for a chapter's prose to quote with ``{glue:text}``."""
    from myst_nb import glue

    for key, text in facts.items():
        glue(key, text, display=False)


def glue_overview(data: Dataset | None = None) -> None:
    """Glue every fact of :func:`overview_glue_keys` into the overview notebook."""
    glue_all(overview_glue_keys(data))


def glue_facts(place: str, data: Dataset | None = None) -> None:
    """Glue every fact of :func:`glue_keys` into the notebook, for the prose to quote."""
    glue_all(glue_keys(place, data))


def measures_table(place: str, data: Dataset | None = None) -> HTML:
    """The place's counts and estimates: low, best and high as counted, who counted, the source."""
    data = dataset(data)
    names = data.places.set_index("id")["name_en"]
    readable = note_reader(data)
    rows = []
    for _, m in history.story_measures(place, data).iterrows():
        rows.append(
            {
                "quantity": sentence_case(QUANTITY_WORDS[m["quantity"]]),
                "place_name": names[m["place"]] if m["place"] != place else "",
                "note": readable(m["note"]),
                "when": history.span_text(m["date_start"], m["date_end"]),
                **{k: number_text(m[k], m["unit"]) for k in ("low", "best", "high")},
                "counted_by": m["counted_by"],
                "sources": source_links(m["sources"], data),
                "quote": m["quote"],
            }
        )
    if not rows:
        return HTML(
            "<p class='no-measures'>No count or estimate from a reliable source is in the dataset for this place.</p>"
        )
    return HTML(
        templates().get_template("measures_table.html").render(rows=rows, version=data.version)
    )
