"""GeoJSON geometry checks (RFC 7946, WGS84) for permit locations, plus helpers for the map.

Clients draw the location on a map and send the geometry as-is; we check it here so that a
broken shape is refused with a message naming the exact coordinate, instead of failing later
in the map endpoint or in a GIS export.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NoReturn

from chalicelib.errors import Unprocessable

ERROR_CODE = "INVALID_LOCATION"
TOO_DETAILED_CODE = "LOCATION_TOO_DETAILED"

# Most vertices a location may have. A permit area is drawn by hand or exported from a GIS
# at survey precision: a few hundred points. 5,000 positions of three 17-digit numbers stay
# far below DynamoDB's 400 KB item limit; more is refused rather than failing at storage.
MAX_VERTICES = 5000

SUPPORTED_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)

_TYPE_LIST = ", ".join(SUPPORTED_TYPES[:-1]) + f", atau {SUPPORTED_TYPES[-1]}"

# How deep the position arrays are nested under `coordinates` for each type (0 = a position).
_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def validate_geometry(geometry: Any, field: str = "location") -> dict:
    """Return the geometry's `type` and `coordinates` if it is a supported, well-formed WGS84
    GeoJSON geometry of at most MAX_VERTICES positions.

    Foreign members (RFC 7946 §6.1: any other member, e.g. `properties`, `crs`) are dropped:
    nothing reads them, and storing them unbounded could make the ticket unstorable.
    Raises Unprocessable(code="INVALID_LOCATION", field=<JSON path>) on the first problem;
    the path points at the offending value, e.g. "location.coordinates[0][3][1]" for a latitude.
    Too many vertices is code "LOCATION_TOO_DETAILED", naming the limit.
    """
    if not isinstance(geometry, dict):
        _fail(field, "Lokasi harus berupa objek geometri GeoJSON (RFC 7946).")
    kind = geometry.get("type")
    type_field = f"{field}.type"
    if kind is None:
        _fail(type_field, "Lokasi: atribut 'type' wajib diisi.")
    if kind in ("Feature", "FeatureCollection"):
        _fail(
            type_field,
            f"Lokasi: kirim objek geometri, bukan {kind}; gunakan isi atribut 'geometry'.",
        )
    if kind == "GeometryCollection":
        _fail(type_field, f"Lokasi: GeometryCollection tidak didukung; gunakan {_TYPE_LIST}.")
    if not isinstance(kind, str) or kind not in SUPPORTED_TYPES:
        shown = kind if isinstance(kind, str) else type(kind).__name__
        _fail(type_field, f"Lokasi: tipe geometri '{shown}' tidak didukung; gunakan {_TYPE_LIST}.")
    coords_field = f"{field}.coordinates"
    if "coordinates" not in geometry or geometry["coordinates"] is None:
        _fail(coords_field, "Lokasi: atribut 'coordinates' wajib diisi.")
    coords = geometry["coordinates"]
    _check_vertex_count(coords, _DEPTH[kind], coords_field)
    if kind == "Point":
        _check_position(coords, coords_field)
    elif kind == "MultiPoint":
        for i, position in enumerate(_items(coords, coords_field)):
            _check_position(position, f"{coords_field}[{i}]")
    elif kind == "LineString":
        _check_line(coords, coords_field)
    elif kind == "MultiLineString":
        for i, line in enumerate(_items(coords, coords_field)):
            _check_line(line, f"{coords_field}[{i}]")
    elif kind == "Polygon":
        _check_polygon(coords, coords_field)
    else:  # MultiPolygon
        for i, polygon in enumerate(_items(coords, coords_field)):
            _check_polygon(polygon, f"{coords_field}[{i}]")
    return {"type": kind, "coordinates": coords}


def centroid(geometry: dict) -> tuple[float, float]:
    """(lon, lat) to place a marker: the plain mean of the vertices, not an area centroid.

    Polygons use their outer rings only, without the closing duplicate of the first vertex.
    Expects a geometry that passed validate_geometry (stored numbers may be Decimal).
    """
    positions = list(_marker_positions(geometry))
    lon = sum(float(p[0]) for p in positions) / len(positions)
    lat = sum(float(p[1]) for p in positions) / len(positions)
    return lon, lat


def bbox(geometry: dict) -> list[float]:
    """[minLon, minLat, maxLon, maxLat] over every position, for fitting the map view.

    Does not handle shapes crossing the antimeridian (not expected for Indonesia).
    Expects a geometry that passed validate_geometry.
    """
    positions = list(_positions(geometry["coordinates"], _DEPTH[geometry["type"]]))
    lons = [float(p[0]) for p in positions]
    lats = [float(p[1]) for p in positions]
    return [min(lons), min(lats), max(lons), max(lats)]


EARTH_RADIUS_M = 6_371_008.8


def parcel(geometry: Any, field: str) -> tuple[dict, float]:
    """A land parcel drawn by an applicant or an official: one simple polygon (no crossing
    edges), with its area in m². The area is taken on a plane tangent at the parcel's
    latitude: for parcels of a few km the error is far below a surveyor's."""
    checked = validate_geometry(geometry, field)
    if checked["type"] != "Polygon":
        _fail(field, "Lokasi harus berupa satu poligon bidang tanah.")
    from shapely.geometry import Polygon

    rings = [[(float(x), float(y)) for x, y, *_ in ring] for ring in checked["coordinates"]]
    latitude = math.radians(sum(y for _, y in rings[0]) / len(rings[0]))
    scale_x = math.radians(1) * EARTH_RADIUS_M * math.cos(latitude)
    scale_y = math.radians(1) * EARTH_RADIUS_M
    shape = Polygon(*[[(x * scale_x, y * scale_y) for x, y in ring] for ring in rings[:1]])
    if not shape.is_valid:
        _fail(field, "Poligon lokasi tidak valid: sisi-sisinya tidak boleh saling berpotongan.")
    return checked, round(shape.area, 1)


# --- checks --------------------------------------------------------------------------------


def _fail(field: str, message: str) -> NoReturn:
    raise Unprocessable(message, code=ERROR_CODE, field=field)


def _check_vertex_count(coords: Any, depth: int, field: str) -> None:
    count = _count_positions(coords, depth)
    if count > MAX_VERTICES:
        raise Unprocessable(
            f"Lokasi terlalu rinci: {_number(count)} titik, paling banyak {_number(MAX_VERTICES)} "
            "titik. Sederhanakan bentuk lokasi lalu kirim ulang.",
            code=TOO_DETAILED_CODE,
            field=field,
            limit=MAX_VERTICES,
        )


def _count_positions(coords: Any, depth: int) -> int:
    """Positions under `coords`, counted before any other check (cheap; malformed parts are 0
    here and reported by the checks that follow)."""
    if depth == 0:
        return 1
    if not isinstance(coords, list | tuple):
        return 0
    if depth == 1:
        return len(coords)
    return sum(_count_positions(item, depth - 1) for item in coords)


def _number(value: int) -> str:
    """As Indonesians write it: 5.000."""
    return f"{value:,}".replace(",", ".")


def _items(value: Any, field: str) -> list:
    if not isinstance(value, list | tuple):
        _fail(field, "Lokasi: koordinat harus berupa daftar (array).")
    if not value:
        _fail(field, "Lokasi: daftar koordinat tidak boleh kosong.")
    return list(value)


def _check_position(position: Any, field: str) -> None:
    if not isinstance(position, list | tuple) or not 2 <= len(position) <= 3:
        _fail(
            field,
            "Lokasi: setiap titik harus berupa [bujur, lintang] atau [bujur, lintang, ketinggian].",
        )
    for i, value in enumerate(position):
        if not _is_finite_number(value):
            _fail(
                f"{field}[{i}]",
                "Lokasi: koordinat harus berupa angka (bukan teks, true/false, NaN, "
                "atau tak hingga).",
            )
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180:
        _fail(f"{field}[0]", "Lokasi: bujur harus di antara -180 dan 180 (WGS84).")
    if not -90 <= lat <= 90:
        _fail(f"{field}[1]", "Lokasi: lintang harus di antara -90 dan 90 (WGS84).")


def _is_finite_number(value: Any) -> bool:
    # bool is an int subclass, but `true` is not a coordinate.
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _check_line(line: Any, field: str) -> None:
    positions = _items(line, field)
    for i, position in enumerate(positions):
        _check_position(position, f"{field}[{i}]")
    if len(positions) < 2:
        _fail(field, "Lokasi: garis harus terdiri dari paling sedikit 2 titik.")


def _check_polygon(rings: Any, field: str) -> None:
    for i, ring in enumerate(_items(rings, field)):
        ring_field = f"{field}[{i}]"
        positions = _items(ring, ring_field)
        for j, position in enumerate(positions):
            _check_position(position, f"{ring_field}[{j}]")
        if len(positions) < 4:
            _fail(
                ring_field,
                "Lokasi: cincin poligon harus terdiri dari paling sedikit 4 titik "
                "(titik pertama diulang di akhir).",
            )
        if list(positions[0]) != list(positions[-1]):
            _fail(
                ring_field,
                "Lokasi: cincin poligon harus tertutup (titik pertama sama dengan titik terakhir).",
            )


# --- traversal -----------------------------------------------------------------------------


def _positions(coords: Any, depth: int) -> Iterator[Any]:
    if depth == 0:
        yield coords
        return
    for item in coords:
        yield from _positions(item, depth - 1)


def _marker_positions(geometry: dict) -> Iterator[Any]:
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        yield from coords[0][:-1]
    elif kind == "MultiPolygon":
        for polygon in coords:
            yield from polygon[0][:-1]
    else:
        yield from _positions(coords, _DEPTH[kind])
