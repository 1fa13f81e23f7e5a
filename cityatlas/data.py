"""The data pipeline: validate data/raw, derive control periods and distances, write data/clean.

Also the one loading function the chapters use, :func:`load`, which returns typed tables.
Output is deterministic (same input, same bytes) and written atomically: the new folder is
built beside the old one and swapped in only when complete.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from pyproj import Geod

from cityatlas import paths
from cityatlas.schema import (
    ALL_TABLES,
    CONTROL_EVENT_TYPES,
    CONTROL_PERIODS,
    DATASET_VERSION,
    DISTANCES,
    LIST_SEPARATOR,
    TABLES,
    Table,
    codes,
)
from cityatlas.validate import InvalidData, RawTable, split_list, validate

BAGHDAD = "baghdad"
WGS84 = Geod(ellps="WGS84")


def geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Geodesic distance on the WGS 84 ellipsoid, in kilometres."""
    _, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
    return metres / 1000.0


def frame(raw: RawTable) -> pd.DataFrame:
    """A raw table as a DataFrame of strings, in file order."""
    return pd.DataFrame(raw.rows, columns=list(raw.table.column_names), dtype="string").fillna("")


def sort_events(events: pd.DataFrame) -> pd.DataFrame:
    """Events in story order: by place, then start date, then id."""
    return events.sort_values(["place", "date_start", "id"], kind="stable").reset_index(drop=True)


def sort_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """Measures grouped by place and quantity, then by period and id."""
    return measures.sort_values(
        ["place", "quantity", "date_start", "date_end", "id"], kind="stable"
    ).reset_index(drop=True)


def derive_control_periods(events: pd.DataFrame) -> pd.DataFrame:
    """One row per unbroken period of (controller, status, who held the rest) per place.

    Only events of the types that change control (:data:`~cityatlas.schema.CONTROL_EVENT_TYPES`)
    are read; massacres, declarations, strikes and the other events never open a period.
    """
    rows = []
    control = events[events["event_type"].isin(CONTROL_EVENT_TYPES)]
    for place, group in sort_events(control).groupby("place", sort=True):
        current: dict[str, str] | None = None
        for event in group.to_dict("records"):
            state = (event["controller_after"], event["status_after"], event["rest_held_by"])
            if (
                current is not None
                and (
                    current["controller"],
                    current["status"],
                    current["rest_held_by"],
                )
                == state
            ):
                continue
            if current is not None:
                current.update(
                    end=event["date_start"],
                    end_precision=event["date_precision"],
                    end_event=event["id"],
                )
                rows.append(current)
            current = {
                "place": place,
                "controller": state[0],
                "status": state[1],
                "rest_held_by": state[2],
                "start": event["date_start"],
                "start_precision": event["date_precision"],
                "end": "",
                "end_precision": "",
                "start_event": event["id"],
                "end_event": "",
            }
        if current is not None:
            rows.append(current)
    return pd.DataFrame(rows, columns=list(CONTROL_PERIODS.column_names), dtype="string")


def derive_distances(places: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Claimed and geodesic distance from Baghdad for every place in Iraq."""
    by_id = places.set_index("id")
    if BAGHDAD not in by_id.index:
        return pd.DataFrame(columns=list(DISTANCES.column_names), dtype="string")
    home = by_id.loc[BAGHDAD]
    claimed = claims[(claims["topic"] == "distance") & (claims["claimed_km"] != "")].set_index(
        "place"
    )
    rows = []
    for place_id, place in by_id.iterrows():
        if place["country"] != "Iraq" or place_id == BAGHDAD or place["kind"] == "province":
            continue
        km = geodesic_km(
            float(home["lon"]), float(home["lat"]), float(place["lon"]), float(place["lat"])
        )
        row = {
            "place": place_id,
            "claimed_km": "",
            "geodesic_km": f"{km:.1f}",
            "difference_pct": "",
            "claim": "",
        }
        if place_id in claimed.index:
            claim = claimed.loc[[place_id]].iloc[0]
            value = float(claim["claimed_km"])
            row.update(
                claimed_km=f"{value:g}",
                difference_pct=f"{(value - km) / km * 100:.1f}",
                claim=claim["id"],
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=list(DISTANCES.column_names), dtype="string")


def places_geojson(places: pd.DataFrame) -> dict:
    """The places as a GeoJSON FeatureCollection of points."""
    features = []
    for place in places.to_dict("records"):
        properties = {k: v for k, v in place.items() if k not in ("lat", "lon")}
        features.append(
            {
                "type": "Feature",
                "id": place["id"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(place["lon"]), float(place["lat"])],
                },
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


FRICTIONLESS_TYPES = {
    "list": "string",
    "string": "string",
    "integer": "integer",
    "number": "number",
    "date": "date",
}


def table_schema(table: Table) -> dict:
    """A Frictionless Table Schema for one table, generated from the project schema."""
    fields = []
    for column in table.columns:
        constraints: dict = {"required": column.required}
        if column.enum is not None and column.type == "list":  # each item one of the codes
            item = "(" + "|".join(re.escape(c) for c in codes(column.enum)) + ")"
            constraints["pattern"] = f"{item}({re.escape(LIST_SEPARATOR)}{item})*"
        elif column.enum is not None:
            constraints["enum"] = list(codes(column.enum))
        if column.pattern:
            constraints["pattern"] = column.pattern.strip("^$")
        if column.minimum is not None:
            constraints["minimum"] = column.minimum
        if column.maximum is not None:
            constraints["maximum"] = column.maximum
        fields.append(
            {
                "name": column.name,
                "type": FRICTIONLESS_TYPES[column.type],
                "description": column.description,
                "constraints": constraints,
            }
        )
    schema: dict = {"fields": fields, "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = [table.primary_key]
    foreign = [
        {
            "fields": [c.name],
            "reference": {
                "resource": "" if c.foreign_key == table.name else c.foreign_key,
                "fields": [TABLES[c.foreign_key].primary_key],
            },
        }
        for c in table.columns
        if c.foreign_key and c.type != "list"
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def datapackage(tables: list[Table]) -> dict:
    """The Frictionless Data Package descriptor of data/clean."""
    resources = [
        {
            "name": t.name,
            "path": f"{t.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": t.description,
            "schema": table_schema(t),
        }
        for t in tables
    ]
    return {
        "profile": "data-package",
        "name": "cityatlas",
        "title": "cityatlas: cities held by the Islamic State group in Iraq and Syria, 2014-2017",
        "version": DATASET_VERSION,
        "description": "Places, dated events, measures (population, displacement, deaths, destruction), control periods and checked claims, each row traced to a cited source. The places are also given as GeoJSON points in places.geojson beside this file.",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "resources": resources,
    }


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write a table as UTF-8 CSV with '\\n' line ends, byte-for-byte reproducible."""
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_json(obj: dict, path: Path) -> None:
    """Write JSON sorted and indented, byte-for-byte reproducible."""
    path.write_text(
        json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def build_clean(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """Validate the raw tables and derive every clean table; raises InvalidData."""
    raw_tables, problems = validate(raw_dir)
    if problems:
        raise InvalidData(problems)
    clean = {name: frame(raw) for name, raw in raw_tables.items()}
    clean["events"] = sort_events(clean["events"])
    clean["places"] = clean["places"].sort_values("id", kind="stable").reset_index(drop=True)
    clean["sources"] = clean["sources"].sort_values("id", kind="stable").reset_index(drop=True)
    clean["claims"] = clean["claims"].sort_values("id", kind="stable").reset_index(drop=True)
    clean["measures"] = sort_measures(clean["measures"])
    clean["estimates"] = (
        clean["estimates"]
        .sort_values(["quantity", "scope", "date_start", "id"], kind="stable")
        .reset_index(drop=True)
    )
    clean["control_periods"] = derive_control_periods(clean["events"])
    clean["distances"] = derive_distances(clean["places"], clean["claims"])
    return clean


def write_clean(clean: dict[str, pd.DataFrame], out_dir: Path) -> None:
    """Write the clean tables, GeoJSON and datapackage.json into ``out_dir`` atomically."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-new-", dir=out_dir.parent))
    try:
        for table in ALL_TABLES:
            write_csv(clean[table.name], staging / f"{table.name}.csv")
        write_json(places_geojson(clean["places"]), staging / "places.geojson")
        write_json(datapackage(list(ALL_TABLES)), staging / "datapackage.json")
        swap_in(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def swap_in(staging: Path, target: Path) -> None:
    """Replace ``target`` by ``staging`` with two renames, never leaving it half-written."""
    old = target.parent / f".{target.name}-old"
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)


def run_pipeline(
    raw_dir: Path = paths.DATA_RAW, out_dir: Path = paths.DATA_CLEAN
) -> dict[str, pd.DataFrame]:
    """Validate ``raw_dir`` and write ``out_dir``; raises InvalidData and writes nothing on bad input."""
    clean = build_clean(Path(raw_dir))
    write_clean(clean, Path(out_dir))
    return clean


@dataclass(frozen=True)
class Dataset:
    """The clean dataset as typed DataFrames."""

    sources: pd.DataFrame
    places: pd.DataFrame
    events: pd.DataFrame
    measures: pd.DataFrame
    estimates: pd.DataFrame
    claims: pd.DataFrame
    control_periods: pd.DataFrame
    distances: pd.DataFrame
    version: str


def typed(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Give each column its schema type: dates, numbers, categoricals, lists."""
    df = df.copy()
    for column in table.columns:
        values = df[column.name].fillna("").astype(str)
        if column.type == "date":
            df[column.name] = pd.to_datetime(values.replace("", None), format="%Y-%m-%d")
        elif column.type == "integer":
            df[column.name] = pd.to_numeric(values.replace("", None)).astype("Int64")
        elif column.type == "number":
            df[column.name] = pd.to_numeric(values.replace("", None)).astype("Float64")
        elif column.type == "list":
            df[column.name] = [tuple(split_list(v)) for v in values]
        elif column.enum is not None:
            df[column.name] = pd.Categorical(
                values.replace("", None), categories=list(codes(column.enum))
            )
        else:
            df[column.name] = values.astype("string")
    return df


@cache
def load(clean_dir: Path = paths.DATA_CLEAN) -> Dataset:
    """Load data/clean as typed DataFrames (dates as dates, enumerations as categoricals)."""
    clean_dir = Path(clean_dir)
    frames = {
        t.name: typed(pd.read_csv(clean_dir / f"{t.name}.csv", dtype=str, keep_default_na=False), t)
        for t in ALL_TABLES
    }
    version = json.loads((clean_dir / "datapackage.json").read_text(encoding="utf-8"))["version"]
    return Dataset(version=version, **frames)


__all__ = ["LIST_SEPARATOR", "Dataset", "InvalidData", "geodesic_km", "load", "run_pipeline"]


def dataset(data: Dataset | None = None) -> Dataset:
    """The given dataset, or the clean dataset of the repository (loaded once)."""
    return data if data is not None else load()
