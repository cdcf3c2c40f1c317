"""Declarations a route carries: public or which roles, and its body schema.

The middleware enforces them and the OpenAPI document describes them, so a route states
its rules once, next to its handler.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from chalice.app import Request

from chalicelib import paging
from chalicelib.auth.principal import Principal
from chalicelib.auth.session import CallerSession

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    """No login needed (health, login itself, webhooks that carry their own signature)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def roles(*allowed: str) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.roles_allowed = tuple(allowed)  # type: ignore[attr-defined]
        return view

    return mark


def confirms_session(view: F) -> F:
    """A state-changing route whose use case confirms the caller's session itself
    (`caller_session`): read right before its first write, or carried in that write."""
    view.confirms_session = True  # type: ignore[attr-defined]
    return view


def caller_session(request: Request) -> CallerSession:
    """The caller's session of a `confirms_session` route; the middleware confirms what the
    route left unconfirmed before answering."""
    return request.context["caller_session"]


def accepts(schema: str) -> Callable[[F], F]:
    """The JSON body must validate against `chalicelib/schemas/<schema>.json`."""

    def mark(view: F) -> F:
        view.request_schema = schema  # type: ignore[attr-defined]
        return view

    return mark


def signed_webhook(schema: str) -> Callable[[F], F]:
    """Public, but signed per Standard Webhooks; the handler checks the signature first and
    then validates the body against `schema` (so an unsigned body is a 401, not a 400)."""

    def mark(view: F) -> F:
        view.is_public = True  # type: ignore[attr-defined]
        view.webhook_schema = schema  # type: ignore[attr-defined]
        return view

    return mark


def body(request: Request) -> dict[str, Any]:
    return request.context["validated_body"]


def principal(request: Request) -> Principal:
    return request.context["principal"]


def query(request: Request, name: str, default: str | None = None) -> str | None:
    params = request.query_params or {}
    value = params.get(name)
    return value if value not in (None, "") else default


def page_size(request: Request, default: int = 20, most: int = 100) -> int:
    """The `limit` query parameter of a paged list: ASCII digits 1–`most`, else a 400."""
    return paging.parse_limit(query(request, "limit"), default, most)


def list_scope(request: Request) -> str:
    """What a paging cursor is bound to: route, its path values, caller and filters.

    `limit` is left out (a client may change the page size between pages) and so is the
    cursor itself.
    """
    who = request.context.get("principal")
    filters = sorted(
        (k, v) for k, v in (request.query_params or {}).items() if k not in ("cursor", "limit")
    )
    path_values = sorted((request.uri_params or {}).items())
    return json.dumps([request.method, request.path, path_values, who and who.email, filters])


def caller(request: Request) -> str:
    """Where a public request comes from, for throttling: API Gateway's source address (a
    header the client could write itself is not believed)."""
    return (request.context.get("identity") or {}).get("sourceIp") or "-"
