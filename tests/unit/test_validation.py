"""Request bodies: JSON parsing and schema validation with Indonesian, field-naming messages."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from chalicelib import validation
from chalicelib.errors import AppError, BadRequest, ValidationFailed
from chalicelib.validation import load_schema, parse_json, schema_names, validate

CASES = json.loads((Path(__file__).with_name("validation_cases.json")).read_text(encoding="utf-8"))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [case["id"] for case in cases]


# --- the schema files ----------------------------------------------------------------------


def test_schema_names_lists_every_file_in_the_schema_directory() -> None:
    on_disk = sorted(p.stem for p in validation.SCHEMA_DIR.glob("*.json"))
    assert schema_names() == on_disk
    assert {"login", "password_change", "profile_update", "user_create", "user_update"} <= set(
        schema_names()
    )


@pytest.mark.parametrize("name", schema_names())
def test_schema_file_is_a_valid_draft_2020_12_schema(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # Every body is a JSON object that rejects fields the handlers would silently ignore.
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False


def test_fixture_cases_cover_every_schema() -> None:
    covered = {case["schema"] for case in CASES["invalid"]} & {c["schema"] for c in CASES["valid"]}
    assert covered == set(schema_names())


# --- invalid bodies ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["invalid"], ids=_ids(CASES["invalid"]))
def test_invalid_body_is_rejected_naming_the_field(case: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate(case["schema"], copy.deepcopy(case["body"]))

    error = caught.value
    assert error.status == 400
    assert error.code == "VALIDATION_ERROR"
    assert error.extra["field"] == case["field"]
    if "message" in case:
        assert error.message == case["message"]
    else:
        assert case["message_contains"] in error.message
        assert f"'{case['field']}'" in error.message


def test_unknown_role_message_lists_every_allowed_role() -> None:
    allowed = load_schema("user_create")["$defs"]["role"]["enum"]
    body = {"email": "siti@dpmptsp.go.id", "name": "Siti", "roles": ["SUPERUSER"]}

    with pytest.raises(ValidationFailed) as caught:
        validate("user_create", body)

    assert caught.value.extra["field"] == "roles.0"
    assert caught.value.message == (f"Kolom 'roles.0' harus salah satu dari: {', '.join(allowed)}.")


def test_validation_error_body_carries_code_message_and_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate("password_change", {"old_password": "lama"})

    assert caught.value.body() == {
        "code": "VALIDATION_ERROR",
        "message": "Kolom 'new_password' wajib diisi.",
        "field": "new_password",
    }


def test_validation_failed_is_a_bad_request_app_error() -> None:
    # The middleware turns AppError into a response; BadRequest handlers also catch it.
    assert issubclass(ValidationFailed, BadRequest)
    assert issubclass(BadRequest, AppError)
    assert ValidationFailed.status == 400


# --- valid bodies --------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES["valid"], ids=_ids(CASES["valid"]))
def test_valid_body_passes_and_is_returned_unchanged(case: dict[str, Any]) -> None:
    body = copy.deepcopy(case["body"])

    result = validate(case["schema"], body)

    assert result is body
    assert result == case["body"]


# --- parse_json ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, b"", ""], ids=["none", "empty-bytes", "empty-str"])
def test_empty_body_is_a_bad_request(raw: bytes | str | None) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_json(raw)

    assert caught.value.status == 400
    assert caught.value.code == "EMPTY_BODY"
    assert caught.value.body() == {
        "code": "EMPTY_BODY",
        "message": "Badan permintaan kosong; kirim data JSON.",
    }


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"email=budi&password=x",
        "{'email': 'budi'}",
        b"   ",
        b'{"email": "budi"} trailing',
        b"\x80\x81\x82 not utf-8",
        b'{"name": "Budi \xe9"}',
    ],
    ids=[
        "truncated",
        "form-encoded",
        "single-quotes",
        "whitespace-only",
        "trailing-garbage",
        "invalid-utf8-start",
        "invalid-utf8-inside-string",
    ],
)
def test_malformed_body_is_invalid_json(raw: bytes | str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_json(raw)

    assert type(caught.value) is BadRequest
    assert caught.value.status == 400
    assert caught.value.code == "INVALID_JSON"
    assert caught.value.body()["message"] == "Badan permintaan bukan JSON yang valid."


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "Budi Śantoso", "phone": null}'.encode(),
        '{"name": "Budi Śantoso", "phone": null}',
    ],
    ids=["utf8-bytes", "str"],
)
def test_well_formed_body_is_parsed(raw: bytes | str) -> None:
    assert parse_json(raw) == {"name": "Budi Śantoso", "phone": None}


def test_deeply_nested_body_is_a_bad_request_not_a_crash() -> None:
    raw = b"[" * 10_000 + b"]" * 10_000

    with pytest.raises(BadRequest) as caught:
        parse_json(raw)

    assert caught.value.status == 400


@pytest.mark.parametrize("raw", [b'{"name": NaN}', b'{"name": Infinity}', b'{"name": -Infinity}'])
def test_non_json_number_constants_are_a_bad_request(raw: bytes) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_json(raw)

    assert caught.value.code == "INVALID_JSON"


def test_patterns_read_white_space_as_the_published_schema_means_it() -> None:
    # GIVEN a character Python's `re` calls white space and ECMA-262 (JSON Schema) does not
    from chalicelib.validation import validate

    # WHEN it stands in a name and an email THEN the server accepts what the schema allows …
    assert validate("profile_update", {"name": "\x1cNama"})["name"] == "\x1cNama"
    assert validate("login", {"email": "\x1c@a.bc", "password": "x"})
    # … and still refuses what it forbids: a name of spaces, an email with one
    for body in ({"name": " \u3000\t"},):
        with pytest.raises(ValidationFailed):
            validate("profile_update", body)
    with pytest.raises(ValidationFailed):
        validate("login", {"email": "a b@c.de", "password": "x"})
