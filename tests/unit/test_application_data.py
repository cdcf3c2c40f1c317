"""What an applicant's correction reads as in Track: each changed field by its title."""

from __future__ import annotations

from chalicelib import declared
from chalicelib.usecases import application_data

PKKPR = declared.catalog().workflows["pkkpr-non-berusaha"]
PARCEL = {
    "type": "Polygon",
    "coordinates": [[[112.2201, -8.1102], [112.22025, -8.1102], [112.22025, -8.11034],
                     [112.2201, -8.1102]]],
}  # fmt: skip
BEFORE = {
    "nama_kegiatan": "Rumah",
    "luas_dimohon": 240,
    "nomor_alas_hak": "SHM 1",
    "poligon": PARCEL,
}


def test_the_same_number_written_otherwise_and_an_untouched_parcel_are_no_change() -> None:
    after = {**BEFORE, "luas_dimohon": 240.0}

    assert application_data.changes(PKKPR, BEFORE, after) == []


def test_each_changed_field_is_named_by_its_title_in_the_forms_order() -> None:
    redrawn = {**PARCEL, "coordinates": [[[112.2201, -8.1102], [112.2203, -8.1102],
                                          [112.2203, -8.1104], [112.2201, -8.1102]]]}  # fmt: skip
    after = {"nama_kegiatan": "Rumah Tinggal", "luas_dimohon": 235.5, "poligon": redrawn}

    assert application_data.changes(PKKPR, BEFORE, after) == [
        {"title": "Nama Kegiatan", "before": "Rumah", "after": "Rumah Tinggal"},
        {"title": "Luas Dimohon (m²)", "before": 240, "after": 235.5},
        {"title": "Nomor Alas Hak", "before": "SHM 1", "after": None},
        {"title": "Koordinat Lokasi / Poligon"},  # redrawn: named, not listed
    ]


def test_texts_are_trimmed_before_they_are_checked_or_compared() -> None:
    data, _ = application_data.parsed(PKKPR, {"nama_kegiatan": "  Rumah "}, whole=False)

    assert data == {"nama_kegiatan": "Rumah"}
