"""Phone numbers: every usual way of writing one gives the same E.164 number; anything else
is refused with a message saying how to write it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.errors import Unprocessable
from chalicelib.phones import MESSAGE, is_mobile, normalize_phone, whatsapp_to

CASES = json.loads(Path(__file__).with_name("phone_cases.json").read_text(encoding="utf-8"))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["id"] for case in cases]


@pytest.mark.parametrize("case", CASES["valid"], ids=_ids(CASES["valid"]))
def test_a_written_number_becomes_e164(case: dict[str, Any]) -> None:
    assert normalize_phone(case["written"]) == case["e164"]


@pytest.mark.parametrize("case", CASES["valid"], ids=_ids(CASES["valid"]))
def test_normalising_twice_changes_nothing(case: dict[str, Any]) -> None:
    # GIVEN a number already stored in E.164 (as it will be read back from the database)
    # THEN normalising it again gives the same number
    assert normalize_phone(case["e164"]) == case["e164"]


@pytest.mark.parametrize("case", CASES["invalid"], ids=_ids(CASES["invalid"]))
def test_anything_else_is_refused_with_how_to_write_it(case: dict[str, Any]) -> None:
    with pytest.raises(Unprocessable) as caught:
        normalize_phone(case["written"])

    assert caught.value.status == 422
    assert caught.value.body() == {"code": "INVALID_PHONE", "message": MESSAGE}
    assert "0812-3456-7890" in MESSAGE


def test_the_refusal_names_the_field_when_told() -> None:
    with pytest.raises(Unprocessable) as caught:
        normalize_phone("0812-345", field="whatsapp")

    assert caught.value.body()["field"] == "whatsapp"


@pytest.mark.parametrize("value", [None, 81234567890, b"081234567890"])
def test_a_value_that_is_not_text_is_refused(value: Any) -> None:
    with pytest.raises(Unprocessable):
        normalize_phone(value)


@pytest.mark.parametrize("case", CASES["valid"], ids=_ids(CASES["valid"]))
def test_only_a_number_that_can_be_a_mobile_can_receive_whatsapp(case: dict[str, Any]) -> None:
    # A landline ("(0342) 123456") is a valid number, but not a WhatsApp one. A US number
    # cannot be told from a mobile by its digits, so it may be one.
    assert is_mobile(case["e164"]) is case["mobile"]


@pytest.mark.parametrize("value", ["", "0812-345", "+999 1234 5678", "bukan nomor"])
def test_what_is_not_a_number_is_not_a_mobile(value: str) -> None:
    assert is_mobile(value) is False


def test_whatsapp_wants_the_digits_without_the_plus() -> None:
    assert whatsapp_to("+6281234567890") == "6281234567890"
    assert whatsapp_to("0812-3456-7890") == "6281234567890"


def test_whatsapp_to_refuses_what_is_not_a_number() -> None:
    with pytest.raises(Unprocessable):
        whatsapp_to("0812-ABCD-7890")
