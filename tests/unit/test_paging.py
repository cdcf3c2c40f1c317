"""Paging input: ASCII limits and cursors that only the issuing list accepts."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from chalicelib import paging
from chalicelib.errors import AppError, BadRequest
from chalicelib.settings import settings

SECRET = "a-key-of-at-least-thirty-two-characters"


@pytest.fixture(autouse=True)
def cursor_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CURSOR_SECRET", SECRET)
    settings.cache_clear()
    paging.bind("GET /tickets kadis@esdm.demo box=pending")
    yield
    settings.cache_clear()


@pytest.mark.parametrize("raw, expected", [(None, 20), ("", 20), ("1", 1), ("100", 100)])
def test_limits_in_ascii_digits_are_read(raw: str | None, expected: int) -> None:
    assert paging.parse_limit(raw) == expected


@pytest.mark.parametrize(
    "raw", ["¹", "²", "١", "１", "٣٠", "0", "101", "0100", "-1", "+5", " 5", "5\n", "1e2", "٥"]
)
def test_other_limits_are_a_400_naming_limit(raw: str) -> None:
    with pytest.raises(BadRequest) as refused:
        paging.parse_limit(raw)
    assert (refused.value.code, refused.value.extra["field"]) == ("INVALID_LIMIT", "limit")


def test_a_cursor_round_trips_in_its_own_list() -> None:
    position = {"i": 1, "k": {"inbox_key": {"S": "KEPALA_DINAS"}}}

    cursor = paging.encode_cursor(position)

    assert cursor and cursor.isascii() and "=" not in cursor
    assert paging.decode_cursor(cursor) == position
    assert paging.encode_cursor(None) is None and paging.decode_cursor(None) is None


def test_a_cursor_of_another_list_or_caller_is_refused() -> None:
    cursor = paging.encode_cursor({"i": 0, "k": None})
    paging.bind("GET /tickets kabid@esdm.demo box=pending")

    with pytest.raises(BadRequest) as refused:
        paging.decode_cursor(cursor)
    assert refused.value.code == "INVALID_CURSOR"


def test_a_cursor_with_one_changed_byte_is_refused() -> None:
    cursor = paging.encode_cursor({"i": 0, "k": None}) or ""
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[-2] ^= 1
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")

    with pytest.raises(BadRequest):
        paging.decode_cursor(tampered)


def test_a_missing_or_short_key_is_a_configuration_error_not_a_forgeable_cursor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CURSOR_SECRET", "kurang")
    settings.cache_clear()

    with pytest.raises(AppError) as failed:
        paging.encode_cursor({"i": 0})
    assert failed.value.status == 500
