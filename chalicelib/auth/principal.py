"""The verified caller of a request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.errors import Forbidden


@dataclass(frozen=True)
class Principal:
    email: str
    subject: str
    roles: frozenset[str]
    region: str | None
    agency: str | None
    name: str = ""

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        email = claims.get("email") or claims.get("cognito:username") or ""
        return cls(
            email=email.lower(),
            subject=claims["sub"],
            roles=frozenset(claims.get("cognito:groups") or ()),
            region=claims.get("custom:region") or None,
            agency=claims.get("custom:agency") or None,
            name=claims.get("name") or "",
        )

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def require(self, *roles: str) -> None:
        if not self.has_any(*roles):
            raise Forbidden(
                "Peran Anda tidak berwenang untuk tindakan ini.", code="ROLE_NOT_ALLOWED"
            )
