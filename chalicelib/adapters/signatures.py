"""Standard Webhooks (standardwebhooks.com) signatures, both directions, with PTSP."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from standardwebhooks.webhooks import Webhook

from chalicelib.errors import Unauthorized


def verify(secret: str, body: bytes | str | None, headers: dict[str, str]) -> str:
    """Check signature and timestamp (±5 minutes); returns the webhook-id."""
    lowered = {k.lower(): v for k, v in (headers or {}).items()}
    if not all(lowered.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature")):
        raise Unauthorized(
            "Header webhook-id, webhook-timestamp dan webhook-signature wajib ada.",
            code="SIGNATURE_MISSING",
        )
    try:
        stamp = float(lowered["webhook-timestamp"])
    except ValueError:
        stamp = None
    if stamp is None or abs(time.time() - stamp) > 300:
        raise Unauthorized(
            "webhook-timestamp tidak valid atau berbeda lebih dari 5 menit dari waktu server.",
            code="SIGNATURE_EXPIRED",
        )
    try:
        data = body.decode("utf-8") if isinstance(body, bytes) else (body or "")
        Webhook(secret).verify(data, lowered, json_parse=False)
    except Exception:  # the library raises several types for malformed input
        raise Unauthorized(
            "Tanda tangan webhook tidak cocok dengan isi permintaan.", code="SIGNATURE_INVALID"
        ) from None
    return lowered["webhook-id"]


def sign(secret: str, webhook_id: str, body: str, at: float | None = None) -> dict[str, Any]:
    stamp = int(at if at is not None else time.time())
    signature = Webhook(secret).sign(webhook_id, datetime.fromtimestamp(stamp, tz=UTC), body)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signature,
        "Content-Type": "application/json",
    }
