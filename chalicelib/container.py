"""The composition root: the one place that builds adapters and wires them into the ports.

Every entry point wires once per process (app.py at import, the CLI at start); the use cases
then reach the world only through `chalicelib.ports.ports()`.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib import clock, ports
from chalicelib.settings import settings

if TYPE_CHECKING:
    from chalicelib.adapters.tokens import TokenVerifier
    from chalicelib.adapters.users import UserDirectory


@cache
def users() -> UserDirectory:
    from chalicelib.adapters import email, sessions
    from chalicelib.adapters.aws import client
    from chalicelib.adapters.users import UserDirectory

    s = settings()
    return UserDirectory(
        client("cognito-idp"),
        s.user_pool_id,
        s.user_pool_client_id,
        on_created=lambda profile: email.subscribe(
            client("sns"), s.official_alerts_topic_arn, profile.email
        ),
        on_changed=sessions.mark_changed,
    )


@cache
def token_verifier() -> TokenVerifier:
    from chalicelib.adapters.tokens import TokenVerifier

    return TokenVerifier(settings())


class _Lazy:
    """An adapter loaded at its first use: a cold start imports only what its request
    needs (PynamoDB for a ticket, not pypdf or the PTSP transport)."""

    def __init__(self, load: Any) -> None:
        self._load = load

    def __getattr__(self, name: str) -> Any:
        return getattr(self._load(), name)


def _module(name: str) -> _Lazy:
    return _Lazy(lambda: importlib.import_module(f"chalicelib.adapters.{name}"))


def wire() -> ports.Ports:
    """The AWS adapters behind the ports (an adapter module's functions are the port's
    methods)."""
    wired = ports.Ports(
        tickets=_module("store"),  # type: ignore[arg-type]
        notifications=_module("store"),  # type: ignore[arg-type]
        runtime=_module("engine"),  # type: ignore[arg-type]
        outbox=_module("outbox"),  # type: ignore[arg-type]
        events=_module("events"),  # type: ignore[arg-type]
        channels=_module("channels"),  # type: ignore[arg-type]
        users=_Lazy(users),  # type: ignore[arg-type]
        clock=clock,  # type: ignore[arg-type]
        files=_module("files"),  # type: ignore[arg-type]
        uploads=_module("pending"),  # type: ignore[arg-type]
        ptsp=_module("ptsp"),  # type: ignore[arg-type]
        throttle=_module("throttle"),  # type: ignore[arg-type]
        decrees=_module("decrees"),  # type: ignore[arg-type]
    )
    ports.use(wired)
    return wired


# --- what the API's edges need (authentication, webhook signatures, readiness) -------------


def verified_claims(authorization: str | None) -> dict[str, Any]:
    """The claims of the bearer token in an Authorization header, verified (or a 401)."""
    from chalicelib.adapters.tokens import bearer_token

    return token_verifier().verify(bearer_token(authorization))


def ensure_current_session(who: Any, claims: dict[str, Any], current: Any) -> None:
    """Refuse a token issued before the account last changed (roles, region, disabled)."""
    from chalicelib.adapters import sessions

    sessions.ensure_current(who, claims, current)


def verified_ptsp_webhook(raw_body: bytes | str | None, headers: Any) -> str:
    """The webhook id of a body signed with PTSP's secret (or a 401)."""
    from chalicelib.adapters.signatures import verify

    return verify(settings().ptsp_webhook_secret, raw_body, headers)


def readiness() -> dict[str, str]:
    from chalicelib.adapters.aws import client
    from chalicelib.adapters.health import readiness as check

    return check(settings(), client)
