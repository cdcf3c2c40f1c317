"""Who may call what: every route × every role × own/other-region/unknown ticket × bad tokens.

The cases are generated from the routes themselves (`app.routes` and the `public` /
`roles(...)` / `accepts(...)` marks of chalicelib/api/routing.py), so a new route is in the
matrix the moment it exists. Nothing changes state: a route with a body schema gets an
invalid body (allowed callers: 400; everyone else must be refused *before* validation),
path values name tickets, documents, notifications and users that cannot be acted on.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import moto
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app import app
from chalicelib.auth.roles import REGION_SCOPED, ROLES
from chalicelib.declared import catalog
from tests.stack import RunningStack

PASSWORD = "Rahasia#2026a"
OWN_REGION, OTHER_REGION = "SEMARANG DEMAK", "KENDENG MURIA"
# Demo tickets (local/demo_tickets.json) of each region, and one that does not exist.
TICKETS = {"own-region": "27422", "other-region": "27423", "unknown": "99999999"}
TICKET_REGION = {"27422": OWN_REGION, "27423": OTHER_REGION}
PATH_VALUES = {
    "document_id": "0" * 32,
    "notification_id": "tidak-ada",
    "email": "tidak-ada@contoh.go.id",
    "workflow_id": "pkkpr-non-berusaha",
    "token": "tidak-ada",
}
# The demo tickets are Andesit's (Dinas ESDM): a caller whose roles are another agency's,
# or an applicant's (who sees only their own), gets the same 404 as for an unknown ticket.
ANDESIT_ROLES = frozenset(catalog().workflow("andesit").roles)
INVALID_BODY = {"__bukan_kolom__": True}
# Allowed callers are not sent here: the call would change shared state (it re-sends every
# dead letter to PTSP); test_ptsp_callbacks covers it. Refusals are still checked.
NOT_REPLAYED = {("POST", "/admin/ptsp/dead-letters/redrive")}
BAD_TOKEN_CODES = {"LOGIN_REQUIRED", "INVALID_TOKEN", "TOKEN_EXPIRED"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    public: bool
    roles: tuple[str, ...] | None
    schema: str | None
    signed: bool

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, ticket_no: str) -> str:
        values = {"ticket_no": ticket_no, **PATH_VALUES}
        return self.path.format(**values)

    @property
    def per_ticket(self) -> bool:
        return "{ticket_no}" in self.path


def _routes() -> list[Route]:
    found = []
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            view = entry.view_function
            found.append(
                Route(
                    method=method,
                    path=path,
                    public=getattr(view, "is_public", False),
                    roles=getattr(view, "roles_allowed", None),
                    schema=getattr(view, "request_schema", None),
                    signed=hasattr(view, "webhook_schema"),
                )
            )
    return found


ROUTES = _routes()
PROTECTED = [r for r in ROUTES if not r.public]


@dataclass(frozen=True)
class Caller:
    name: str
    roles: frozenset[str]
    region: str | None
    token: str | None


@pytest.fixture(scope="module")
def callers(stack: RunningStack) -> list[Caller]:
    """A fresh account per role (Cabang Dinas of two regions), and nobody at all."""
    wanted: list[tuple[str, str, str | None]] = [
        (role, role, OWN_REGION if role in REGION_SCOPED else None) for role in ROLES
    ]
    wanted += [(f"{role}-other-region", role, OTHER_REGION) for role in sorted(REGION_SCOPED)]
    found = [Caller("anonymous", frozenset(), None, None)]
    for name, role, region in wanted:
        email = stack.new_user([role], region=region, password=PASSWORD)
        found.append(Caller(name, frozenset({role}), region, stack.login(email, PASSWORD)))
    return found


def _call(stack: RunningStack, route: Route, ticket_no: str, token: str | None) -> Any:
    kwargs: dict[str, Any] = {"json": INVALID_BODY} if route.schema or route.signed else {}
    return stack.api(route.method, route.url(ticket_no), token, **kwargs)


def _expected(route: Route, caller: Caller, ticket_no: str) -> Callable[[int, str], bool]:
    """What this caller must get: a predicate on (status, code)."""
    if caller.token is None:
        return lambda status, code: status == 401 and code == "LOGIN_REQUIRED"
    if route.roles and not caller.roles & set(route.roles):
        return lambda status, code: status == 403 and code == "ROLE_NOT_ALLOWED"
    if route.schema:
        return lambda status, code: status == 400 and code == "VALIDATION_ERROR"
    if route.per_ticket and (ticket_no not in TICKET_REGION or not caller.roles & ANDESIT_ROLES):
        return lambda status, code: status == 404 and code == "TICKET_NOT_FOUND"
    scoped_only = caller.roles <= REGION_SCOPED
    if route.per_ticket and scoped_only and TICKET_REGION[ticket_no] != caller.region:
        return lambda status, code: status == 403 and code == "REGION_NOT_ALLOWED"
    # Allowed: success, a 422 the domain answers past every check of who (AJUKAN on an
    # application submitted long ago), or 404 for a document/notification/user the path
    # names on purpose.
    return lambda status, code: (
        status < 300 or status == 422 or (status == 404 and code != "TICKET_NOT_FOUND")
    )


@pytest.mark.parametrize("route", PROTECTED, ids=[r.id for r in PROTECTED])
def test_only_the_declared_roles_may_call_the_route(
    stack: RunningStack, callers: list[Caller], route: Route
) -> None:
    tickets = TICKETS if route.per_ticket else {"-": TICKETS["own-region"]}
    wrong = {}
    for caller in callers:
        allowed = _expected(route, caller, TICKETS["own-region"])
        if (route.method, route.path) in NOT_REPLAYED and allowed(200, ""):
            continue
        for which, ticket_no in tickets.items():
            response = _call(stack, route, ticket_no, caller.token)
            code = response.json().get("code", "") if response.content else ""
            if not _expected(route, caller, ticket_no)(response.status_code, code):
                wrong[f"{caller.name} / {which}"] = (response.status_code, code)

    assert wrong == {}


PUBLIC = [r for r in ROUTES if r.public]


@pytest.mark.parametrize("route", PUBLIC, ids=[r.id for r in PUBLIC])
def test_public_routes_answer_without_a_token(stack: RunningStack, route: Route) -> None:
    response = _call(stack, route, TICKETS["own-region"], None)

    if route.signed:  # its own signature is checked first
        assert response.status_code == 401
    elif route.schema:
        assert response.status_code == 400
    elif "{token}" in route.path:  # a verification code that names no SK
        assert (response.status_code, response.json()["code"]) == (404, "NOT_AUTHENTIC")
    else:
        assert response.status_code == 200


# --- tokens that must not be believed --------------------------------------------------------


def _moto_key() -> Any:
    """moto signs every pool's tokens with this key, shipped in the package."""
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    return jwt.algorithms.RSAAlgorithm.from_jwk(gzip.decompress(path.read_bytes()).decode())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    head = _b64(json.dumps(header).encode())
    body = _b64(json.dumps(claims).encode())
    return f"{head}.{body}.{_b64(signature)}"


def _hs256_with_public_key(claims: dict[str, Any]) -> str:
    public = (
        _moto_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "dummy"}).encode())
    body = _b64(json.dumps(claims).encode())
    signature = hmac.new(public, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def _tampered(token: str, claims: dict[str, Any]) -> str:
    head, _, signature = token.split(".")
    return f"{head}.{_b64(json.dumps(claims).encode())}.{signature}"


def _rs256(claims: dict[str, Any], key: Any = None, kid: str = "dummy") -> str:
    return jwt.encode(claims, key or _moto_key(), algorithm="RS256", headers={"kid": kid})


FORGERIES: dict[str, Callable[[dict[str, Any], str], str | None]] = {
    "missing": lambda claims, real: None,
    "alg-none": lambda claims, real: _unsigned({"alg": "none", "typ": "JWT"}, claims),
    "hs256-signed-with-the-public-key": lambda claims, real: _hs256_with_public_key(claims),
    "wrong-issuer": lambda claims, real: _rs256(
        {**claims, "iss": "https://cognito-idp.ap-southeast-3.amazonaws.com/lain"}
    ),
    "wrong-audience": lambda claims, real: _rs256({**claims, "aud": "klien-lain"}),
    "access-token": lambda claims, real: _rs256({**claims, "token_use": "access"}),
    "expired": lambda claims, real: _rs256({**claims, "exp": int(time.time()) - 3600}),
    "tampered-payload": lambda claims, real: _tampered(real, claims),
    "unknown-kid": lambda claims, real: _rs256(claims, kid="kunci-tidak-dikenal"),
    "another-key": lambda claims, real: _rs256(
        claims, rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ),
}


@pytest.fixture(scope="module")
def real_token(callers: list[Caller]) -> str:
    return next(c.token for c in callers if c.name == "KEPALA_BIDANG" and c.token)


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_bad_token_gets_401_on_every_protected_route(
    stack: RunningStack, real_token: str, forgery: str
) -> None:
    # Each forged token claims every role and a region, so only its signature stops it.
    claims = {
        **jwt.decode(real_token, options={"verify_signature": False}),
        "cognito:groups": list(ROLES),
        "custom:region": OWN_REGION,
    }
    token = FORGERIES[forgery](claims, real_token)
    wrong = {}
    for route in PROTECTED:
        response = _call(stack, route, TICKETS["own-region"], token)
        code = response.json().get("code")
        if response.status_code != 401 or code not in BAD_TOKEN_CODES:
            wrong[route.id] = (response.status_code, code)

    assert wrong == {}
