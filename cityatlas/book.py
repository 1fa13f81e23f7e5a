"""What the chapters display: key facts, figures with citation lines, event and claim tables.

Chapters call these functions and nothing else; they return Markdown (rendered by MyST) or
HTML objects, so the notebooks never touch paths or raw files. Arabic text is wrapped in
``lang="ar" dir="rtl"`` elements.
"""

from __future__ import annotations

import html
import re

import pandas as pd
from IPython.display import HTML, Markdown

from cityatlas import figures, history, paths
from cityatlas.data import Dataset
from cityatlas.schema import ALL_TABLES, ARTICLE_DATE, DATASET_VERSION, codes

FIGURES_FROM_CHAPTER = "../figures"


def arabic(text: str, block: bool = False) -> str:
    """Arabic text in an element marked as Arabic, right to left."""
    tag = "p" if block else "span"
    return f'<{tag} lang="ar" dir="rtl">{html.escape(text)}</{tag}>'


ARABIC_RUN = re.compile(r"[\u0600-\u06FF]+(?:\s+[\u0600-\u06FF]+)*")


def mark_arabic(text: str) -> str:
    """Wrap every run of Arabic words in an element marked as Arabic, right to left."""
    return ARABIC_RUN.sub(lambda m: arabic(m.group(0)), text)


def figure(fig_id: str, data: Dataset | None = None) -> Markdown:
    """A numbered figure with caption, alt text, a 'cite this figure' line and file links."""
    spec = figures.spec(fig_id, data)
    base = f"{FIGURES_FROM_CHAPTER}/{fig_id}"
    links = " · ".join(f"{{download}}`{fmt.upper()} <{base}.{fmt}>`" for fmt in figures.FORMATS)
    text = f"""
```{{figure}} {base}.png
:name: {fig_id}
:alt: {spec.alt}
:width: 100%

{mark_arabic(spec.caption)} *Cite this figure:* {spec.citation()} Files: {links}.
```
"""
    return Markdown(text)


def _date_text(start: pd.Timestamp, end: pd.Timestamp, precision: str) -> str:
    if precision == "day":
        return f"{start:%-d %B %Y}"
    if precision in ("month",):
        return f"{start:%B %Y}"
    if precision == "year":
        return f"{start:%Y}"
    return f"{start:%-d %B} to {end:%-d %B %Y}"


def held_text(place: str, data: Dataset) -> str:
    """When IS held the place, in words."""
    periods = history.periods_of(place, data)
    spans = []
    for p in periods[periods["controller"] == "is"].itertuples():
        end = f"{p.end:%-d %B %Y}" if not pd.isna(p.end) else "the end of 2017"
        how = "" if p.status == "held" else f" ({p.status.replace('_', ' ')})"
        spans.append(f"{p.start:%-d %B %Y} to {end}{how}")
    return "; ".join(spans) if spans else "never wholly"


def key_facts(place: str, data: Dataset | None = None) -> HTML:
    """The key-facts box of a city chapter."""
    data = history.dataset(data)
    row = history.check_place(place, data)
    distances = data.distances.set_index("place")
    facts = [("Name", f"{html.escape(row['name_en'])} · {arabic(row['name_ar'])}")]
    if row["name_variants"]:
        facts.append(("Also written", html.escape(", ".join(row["name_variants"]))))
    facts.append(
        (
            "Country, province",
            f"{row['country']}, {html.escape(row['province_en'])} · {arabic(row['province_ar'])}",
        )
    )
    if not pd.isna(row["population"]):
        facts.append(
            (
                "Population before the war",
                f"about {int(row['population']):,} ({int(row['population_year'])}; source: {row['population_source']})",
            )
        )
    else:
        facts.append(
            ("Population before the war", "no figure from a reliable source; see the claims below")
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
    facts.append(("Held by the Islamic State group", html.escape(held_text(place, data))))
    rows = "".join(f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in facts)
    return HTML(
        f"<table class='key-facts'><caption>Key facts</caption><tbody>{rows}</tbody></table>"
    )


def source_links(ids: tuple[str, ...], data: Dataset) -> str:
    """Links to the sources, by id, pointing at their canonical addresses."""
    sources = data.sources.set_index("id")
    links = []
    for sid in ids:
        s = sources.loc[sid]
        dated = "" if pd.isna(s["published"]) else f", {s['published']:%-d %b %Y}"
        title = html.escape(f"{s['publisher']}{dated}")
        links.append(
            f"<a href='{html.escape(s['url'])}' title='{html.escape(s['title'])}'>{title}</a>"
            if s["url"]
            else title
        )
    return "; ".join(links)


def events_table(place: str, data: Dataset | None = None) -> HTML:
    """The place's events with dates, what happened, sources (linked) and disputes."""
    data = history.dataset(data)
    events = history.events_of(place, data)
    body = []
    for e in events.itertuples():
        date = _date_text(e.date_start, e.date_end, e.date_precision)
        dispute = f"<br><em>Sources differ:</em> {html.escape(e.dispute)}" if e.dispute else ""
        body.append(
            f"<tr><td>{date}</td><td>{html.escape(str(e.event_type).replace('_', ' '))}</td>"
            f"<td>{html.escape(e.summary)}<br><q>{html.escape(e.quote)}</q>{dispute}</td>"
            f"<td>{source_links(e.sources, data)}</td></tr>"
        )
    head = "<tr><th scope='col'>Date</th><th scope='col'>Event</th><th scope='col'>What happened</th><th scope='col'>Sources</th></tr>"
    return HTML(
        f"<table class='events'><caption>Events in the dataset (v{data.version})</caption><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
    )


def claims_table(place: str | None = None, data: Dataset | None = None) -> HTML:
    """The article's claims (about one place, or all) with verdicts and evidence."""
    data = history.dataset(data)
    claims = data.claims if place is None else data.claims[data.claims["place"] == place]
    distances = data.distances.set_index("claim") if len(data.distances) else pd.DataFrame()
    body = []
    for c in claims.itertuples():
        computed = ""
        if c.id in distances.index:
            computed = f"Geodesic distance from the coordinates: {float(distances.loc[c.id, 'geodesic_km']):.0f} km.<br>"
        note = html.escape(c.note) + "<br>" if isinstance(c.note, str) and c.note else ""
        body.append(
            f"<tr><td>{arabic(c.text_ar)}<br>{html.escape(c.text_en)}</td><td class='verdict verdict-{c.verdict}'>{html.escape(str(c.verdict).replace('_', ' '))}</td>"
            f"<td>{note}{computed}<q>{html.escape(c.quote)}</q></td><td>{source_links(c.sources, data)}</td></tr>"
        )
    head = "<tr><th scope='col'>The article says</th><th scope='col'>Verdict</th><th scope='col'>Evidence</th><th scope='col'>Sources</th></tr>"
    return HTML(
        f"<table class='claims'><caption>Claims of the AFP factbox and how they check out</caption><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
    )


def verdict_counts(data: Dataset | None = None) -> pd.Series:
    """How many claims got each verdict."""
    data = history.dataset(data)
    return data.claims["verdict"].value_counts().sort_index()


def source_article() -> HTML:
    """The Arabic source article, paragraph by paragraph, beside the project's translation."""
    arabic_text = (paths.DATA_RAW / "source-article.ar.txt").read_text(encoding="utf-8")
    english = (paths.DATA_RAW / "source-article.en.txt").read_text(encoding="utf-8")
    ar_parts = [p.strip() for p in arabic_text.replace("\n", " ").split(".,") if p.strip()]
    en_parts = [p.strip() for p in english.split("\n") if p.strip()]
    rows = "".join(
        f"<tr><td>{arabic(a.strip('., '))}</td><td>{html.escape(e)}</td></tr>"
        for a, e in zip(ar_parts, en_parts, strict=True)
    )
    return HTML(
        f"<table class='article'><thead><tr><th scope='col' lang='ar' dir='rtl'>النص الأصلي</th><th scope='col'>The project's English translation</th></tr></thead><tbody>{rows}</tbody></table>"
    )


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
