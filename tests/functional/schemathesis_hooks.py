"""Schemathesis hooks for tests/functional/test_schemathesis.py (loaded via SCHEMATHESIS_HOOKS).

PTSP signs every application per Standard Webhooks. A generated request that carries the
three webhook headers is signed for real, over the exact bytes `requests` sends, so the
fuzzer reaches the body validation and the ticket intake behind the signature. A request
missing one of the headers (schemathesis' missing-header scenario) stays unsigned and must
get its 401.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import requests
import schemathesis

from chalicelib.adapters.signatures import sign

WEBHOOK_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class _SignBody(requests.auth.AuthBase):
    """requests calls this with the prepared request: the body is final bytes by then."""

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:
        raw = prepared.body or b""
        try:
            body = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError:
            return prepared  # not text: PTSP signs text, so this one goes unsigned (a 401)
        secret = os.environ["PTSP_WEBHOOK_SECRET"]
        for name, value in sign(secret, f"msg_{uuid.uuid4().hex}", body).items():
            if name.lower() in WEBHOOK_HEADERS:
                prepared.headers[name] = value
        return prepared


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = {k.lower() for k in (case.headers or {})}
    if case.path == "/ptsp/applications" and all(h in headers for h in WEBHOOK_HEADERS):
        kwargs["auth"] = _SignBody()
