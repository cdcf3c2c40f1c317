"""Permit locations: GeoJSON geometry checks and the map helpers (centroid, bbox)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chalicelib.errors import Unprocessable
from chalicelib.geo import MAX_VERTICES, bbox, centroid, validate_geometry

CASES = json.loads(Path(__file__).with_name("geometry_cases.json").read_text(encoding="utf-8"))
SEMARANG = next(c["geometry"] for c in CASES["valid"] if c["id"] == "polygon-semarang")


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["id"] for case in cases]


def _rejection(geometry: Any, field: str = "location") -> Unprocessable:
    with pytest.raises(Unprocessable) as caught:
        validate_geometry(geometry, field)
    return caught.value


# --- validate_geometry ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["valid"], ids=_ids(CASES["valid"]))
def test_valid_geometry_is_returned_unchanged(case: dict[str, Any]) -> None:
    geometry = case["geometry"]
    before = copy.deepcopy(geometry)
    assert validate_geometry(geometry) == {k: v for k, v in before.items() if k != "bbox"}
    assert geometry == before


def test_foreign_members_are_dropped() -> None:
    # GIVEN a point with a 450 KB foreign member and a `properties` object
    geometry = {
        "type": "Point",
        "coordinates": [110.4, -7.0],
        "catatan": "x" * 450_000,
        "properties": {"a": 1},
    }

    # THEN only what a geometry is remains
    assert validate_geometry(geometry) == {"type": "Point", "coordinates": [110.4, -7.0]}


def _ring(vertices: int) -> dict[str, Any]:
    ring = [[110.0 + (i % 2) / 10, -7.0] for i in range(vertices - 1)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def test_the_vertex_limit_itself_is_accepted() -> None:
    assert validate_geometry(_ring(MAX_VERTICES))["type"] == "Polygon"


@pytest.mark.parametrize("vertices", [MAX_VERTICES + 1, 100_000])
def test_more_vertices_than_the_limit_is_a_422_naming_it(vertices: int) -> None:
    error = _rejection(_ring(vertices))
    assert error.status == 422
    assert error.code == "LOCATION_TOO_DETAILED"
    assert error.extra["field"] == "location.coordinates"
    assert "paling banyak 5.000 titik" in error.message


def test_vertices_of_every_polygon_of_a_multipolygon_count_together() -> None:
    half = _ring(MAX_VERTICES // 2 + 1)["coordinates"]
    error = _rejection({"type": "MultiPolygon", "coordinates": [half, half]})
    assert error.code == "LOCATION_TOO_DETAILED"


@pytest.mark.parametrize("case", CASES["invalid"], ids=_ids(CASES["invalid"]))
def test_invalid_geometry_is_a_422_naming_the_bad_value(case: dict[str, Any]) -> None:
    error = _rejection(case["geometry"])
    assert error.status == 422
    body = error.body()
    assert body["code"] == "INVALID_LOCATION"
    assert body["field"] == case["field"]
    assert case["message"] in body["message"]
    assert body["message"].startswith("Lokasi")


def test_open_ring_message_is_the_documented_sentence() -> None:
    ring = [[110.38, -7.02], [110.45, -7.02], [110.45, -6.96], [110.38, -6.96]]
    error = _rejection({"type": "Polygon", "coordinates": [ring]})
    assert error.message == (
        "Lokasi: cincin poligon harus tertutup (titik pertama sama dengan titik terakhir)."
    )


def test_latitude_message_is_the_documented_sentence() -> None:
    error = _rejection({"type": "Point", "coordinates": [110.4, 91]})
    assert error.message == "Lokasi: lintang harus di antara -90 dan 90 (WGS84)."


def test_field_path_starts_with_the_given_field_name() -> None:
    error = _rejection({"type": "Point", "coordinates": [110.4, 91]}, field="area.geometry")
    assert error.body()["field"] == "area.geometry.coordinates[1]"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), Decimal("NaN")])
def test_non_finite_numbers_are_refused(value: Any) -> None:
    error = _rejection({"type": "Point", "coordinates": [value, -7.0]})
    assert error.body()["field"] == "location.coordinates[0]"
    assert "harus berupa angka" in error.message


def test_decimal_coordinates_from_dynamodb_are_accepted() -> None:
    point = {"type": "Point", "coordinates": [Decimal("110.4203"), Decimal("-6.9932")]}
    assert validate_geometry(point) == point


def test_tuples_are_accepted_as_arrays() -> None:
    line = {"type": "LineString", "coordinates": ((110.4, -7.0), (110.5, -7.1))}
    assert validate_geometry(line) == line


def test_first_problem_is_reported() -> None:
    # Both positions are bad; the first one is named.
    error = _rejection({"type": "MultiPoint", "coordinates": [[200, 0], [0, 100]]})
    assert error.body()["field"] == "location.coordinates[0][0]"


# --- centroid and bbox ---------------------------------------------------------------------


def test_centroid_of_a_point_is_the_point() -> None:
    assert centroid({"type": "Point", "coordinates": [110.42, -6.99, 5]}) == (110.42, -6.99)


def test_centroid_of_polygon_ignores_the_closing_vertex() -> None:
    lon, lat = centroid(SEMARANG)
    assert lon == pytest.approx(110.415)
    assert lat == pytest.approx(-6.99)


def test_centroid_of_polygon_uses_the_outer_ring_only() -> None:
    hole = [[110.38, -7.02], [110.39, -7.02], [110.39, -7.01], [110.38, -7.02]]
    with_hole = {"type": "Polygon", "coordinates": [*SEMARANG["coordinates"], hole]}
    assert centroid(with_hole) == pytest.approx(centroid(SEMARANG))


def test_centroid_of_multipolygon_averages_outer_ring_vertices() -> None:
    square = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]
    far = [[10.0, 10.0], [12.0, 10.0], [12.0, 12.0], [10.0, 12.0], [10.0, 10.0]]
    assert centroid({"type": "MultiPolygon", "coordinates": [[square], [far]]}) == (6.0, 6.0)


def test_centroid_of_line_averages_all_positions() -> None:
    line = {"type": "LineString", "coordinates": [[110.0, -7.0], [111.0, -6.0], [112.0, -8.0]]}
    assert centroid(line) == pytest.approx((111.0, -7.0))


def test_centroid_returns_floats_for_decimal_input() -> None:
    lon, lat = centroid({"type": "Point", "coordinates": [Decimal("110.5"), Decimal("-7")]})
    assert (lon, lat) == (110.5, -7.0)
    assert isinstance(lon, float)
    assert isinstance(lat, float)


def test_bbox_of_polygon() -> None:
    assert bbox(SEMARANG) == [110.38, -7.02, 110.45, -6.96]


def test_bbox_of_point_is_degenerate() -> None:
    assert bbox({"type": "Point", "coordinates": [110.4, -7.0]}) == [110.4, -7.0, 110.4, -7.0]


def test_bbox_covers_every_member_of_a_multi_geometry() -> None:
    lines = {
        "type": "MultiLineString",
        "coordinates": [[[106.8, -6.2], [107.0, -6.9]], [[110.4, -7.0], [112.7, -7.25]]],
    }
    assert bbox(lines) == [106.8, -7.25, 112.7, -6.2]


@pytest.mark.parametrize("case", CASES["valid"], ids=_ids(CASES["valid"]))
def test_centroid_lies_inside_bbox_for_every_valid_case(case: dict[str, Any]) -> None:
    min_lon, min_lat, max_lon, max_lat = bbox(case["geometry"])
    lon, lat = centroid(case["geometry"])
    assert min_lon <= lon <= max_lon
    assert min_lat <= lat <= max_lat
