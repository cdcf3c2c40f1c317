"""Paging input: the `limit` of a page and opaque, signed cursors.

A cursor is the position a list stopped at (a DynamoDB key, an inbox index). Handing that
position to the client as plain base64 JSON let anyone craft one — wrong types, negative or
huge positions, another table's key — and each crafted value reached DynamoDB and came back
as a 500. So a cursor is signed (HMAC-SHA256, key from the `CURSOR_SECRET` setting) and
bound to the list that issued it (route, caller and filters, see `bind`): a cursor the
server did not issue for this very list is a 400, before anything reads it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from contextvars import ContextVar
from typing import Any

from chalicelib.errors import AppError, BadRequest
from chalicelib.settings import settings

_LIMIT = re.compile(r"[0-9]{1,3}")
_SIGNATURE_BYTES = 16
_MAX_CURSOR_CHARS = 2048

# The list a request pages through; set once per request by the HTTP middleware.
_scope: ContextVar[str] = ContextVar("paging_scope", default="")


def bind(scope: str) -> None:
    """Cursors issued or accepted from now on (in this request) belong to `scope`."""
    _scope.set(scope)


def parse_limit(raw: str | None, default: int = 20, most: int = 100) -> int:
    """The page size: ASCII digits only (`¹`, `١`, `１` are refused), 1–`most`."""
    if raw is None or raw == "":
        return default
    if not _LIMIT.fullmatch(raw) or not 1 <= int(raw) <= most:
        raise BadRequest(
            f"Parameter limit harus berupa angka 1–{most}.", code="INVALID_LIMIT", field="limit"
        )
    return int(raw)


def encode_cursor(value: dict[str, Any] | None) -> str | None:
    """The opaque cursor of a position, or None when there is no next page."""
    if not value:
        return None
    payload = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
    token = _signature(payload) + payload
    return base64.urlsafe_b64encode(token).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The position a cursor of this list stands for; anything else is a 400."""
    if not cursor:
        return None
    value = _verified(cursor)
    if value is None:
        raise BadRequest(
            "Parameter cursor tidak valid; muat ulang daftar dari halaman pertama.",
            code="INVALID_CURSOR",
            field="cursor",
        )
    return value


def _verified(cursor: str) -> dict[str, Any] | None:
    if len(cursor) > _MAX_CURSOR_CHARS or not cursor.isascii():
        return None
    try:
        token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        return None
    signature, payload = token[:_SIGNATURE_BYTES], token[_SIGNATURE_BYTES:]
    if not hmac.compare_digest(signature, _signature(payload)):
        return None
    value = json.loads(payload)
    return value if isinstance(value, dict) else None


def _signature(payload: bytes) -> bytes:
    key = settings().cursor_secret.encode()
    if len(key) < 32:  # a short or missing key would make cursors forgeable
        raise AppError("CURSOR_SECRET belum diatur dengan benar.", code="CONFIGURATION_ERROR")
    message = _scope.get().encode() + b"\0" + payload
    return hmac.new(key, message, hashlib.sha256).digest()[:_SIGNATURE_BYTES]
