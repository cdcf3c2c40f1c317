"""The SK's data: Indonesian dates and numbers as a decree prints them, whatever the
machine's locale, and the data refused with a message an official can act on."""

from __future__ import annotations

import base64
import json
import locale
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.sk import (
    SIGNATURE_BOX,
    Reference,
    SkData,
    SkDataInvalid,
    add_years,
    area_m2,
    coordinate,
    indonesian_date,
    indonesian_number,
)

HERE = Path(__file__).parent
CASES = json.loads((HERE / "sk_cases.json").read_text(encoding="utf-8"))
SAMPLE = json.loads((HERE / "sk_sample.json").read_text(encoding="utf-8"))


def sample_sk(**changes: Any) -> SkData:
    """The sample SK of sk_sample.json, with `changes` in the same JSON form."""
    raw = {**SAMPLE, **changes}
    refs = {
        k: Reference(raw[k]["number"], date.fromisoformat(raw[k]["dated"]))
        for k in ("krk", "pertek", "rekomendasi")
    }
    image = raw.get("map_image")
    return SkData(
        **{
            **raw,
            **refs,
            "issued_on": date.fromisoformat(raw["issued_on"]),
            "requested_area_m2": Decimal(raw["requested_area_m2"]),
            "approved_area_m2": Decimal(raw["approved_area_m2"]),
            "coordinates": tuple(tuple(point) for point in raw["coordinates"]),
            "map_image": base64.b64decode(image) if isinstance(image, str) else image,
        }
    )


@pytest.mark.parametrize(("iso", "written"), CASES["dates"])
def test_dates_are_written_the_indonesian_long_way(iso: str, written: str) -> None:
    assert indonesian_date(date.fromisoformat(iso)) == written


def test_dates_do_not_follow_the_machine_locale() -> None:
    # GIVEN a process whose locale is English (if the machine has one)
    before = locale.setlocale(locale.LC_TIME)
    try:
        for name in ("en_US.UTF-8", "C.UTF-8", "C"):
            try:
                locale.setlocale(locale.LC_TIME, name)
                break
            except locale.Error:
                continue
        # THEN the month is still Indonesian
        assert indonesian_date(date(2026, 8, 17)) == "17 Agustus 2026"
    finally:
        locale.setlocale(locale.LC_TIME, before)


@pytest.mark.parametrize(("value", "written"), CASES["numbers"])
def test_numbers_group_thousands_with_dots_and_decimals_with_a_comma(
    value: str, written: str
) -> None:
    assert indonesian_number(Decimal(value)) == written


def test_floats_are_written_without_binary_noise() -> None:
    assert indonesian_number(0.1 + 0.2) == "0,3"
    assert indonesian_number(1234.5) == "1.234,5"


@pytest.mark.parametrize(("value", "written"), CASES["areas"])
def test_areas_carry_square_metres(value: str, written: str) -> None:
    assert area_m2(Decimal(value)) == written


@pytest.mark.parametrize(("value", "written"), CASES["coordinates"])
def test_coordinates_have_at_most_six_decimals(value: float, written: str) -> None:
    assert coordinate(value) == written


@pytest.mark.parametrize(("issued", "years", "until"), CASES["validity"])
def test_validity_ends_on_the_same_calendar_day(issued: str, years: int, until: str) -> None:
    assert add_years(date.fromisoformat(issued), years) == date.fromisoformat(until)
    sk = sample_sk(
        issued_on=issued,
        validity_years=years,
        krk={"number": "1", "dated": issued},
        pertek={"number": "2", "dated": issued},
        rekomendasi={"number": "3", "dated": issued},
    )
    assert sk.valid_until == date.fromisoformat(until)


def test_the_sample_is_valid_and_its_validity_is_three_years() -> None:
    sk = sample_sk()
    assert sk.validity_years == 3
    assert indonesian_date(sk.valid_until) == "26 November 2029"


@pytest.mark.parametrize("case", CASES["invalid"], ids=lambda c: f"{c['field']}:{c['says'][:20]}")
def test_unusable_data_are_refused_naming_the_field(case: dict[str, Any]) -> None:
    with pytest.raises(SkDataInvalid) as refused:
        sample_sk(**case["change"])
    assert refused.value.field == case["field"]
    assert case["says"] in refused.value.message


def test_the_data_cannot_change_once_built() -> None:
    sk = sample_sk()
    with pytest.raises(AttributeError):
        sk.sk_number = "lain"  # type: ignore[misc]


def test_the_signature_box_lies_on_the_first_a4_page() -> None:
    x1, y1, x2, y2 = SIGNATURE_BOX.rect()
    assert SIGNATURE_BOX.page == 1
    assert 0 < x1 < x2 <= 595 and 0 < y1 < y2 <= 842
    assert (x2 - x1, y2 - y1) == (200, 70)
