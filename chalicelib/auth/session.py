"""The caller's session on a state-changing route, confirmed once before anything changes.

Confirming means comparing the token's issue time with the last change of the account (see
`adapters/sessions.py`). A route can do it two ways: read that change first (`confirm`), or
let its one transaction carry the comparison as a condition (`check`), so that the check
and the write are one and cost no round trip of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SessionCheck:
    """A write carrying this succeeds only while the account has not changed since the
    second before its token was issued; anything closer is for `CallerSession.confirm`."""

    email: str
    issued_at: int


class SessionChanged(Exception):
    """The account changed at or after the token's issue second: a write carrying its
    `SessionCheck` was refused, and only `confirm` can tell a revoked session."""


class CallerSession:
    def __init__(self, check: SessionCheck, confirm: Callable[[], None]) -> None:
        self.check = check
        self._confirm = confirm
        self.confirmed = False
        self._refused: Exception | None = None

    @classmethod
    def confirmed_before(cls, email: str) -> CallerSession:
        """The session of a route the middleware confirmed before it ran."""
        session = cls(SessionCheck(email, 0), lambda: None)
        session.confirmed = True
        return session

    def confirm(self) -> None:
        """Raise 401 SESSION_REVOKED when the account changed since the token (one read,
        whatever asks again)."""
        if self._refused:
            raise self._refused
        if not self.confirmed:
            try:
                self._confirm()
            except Exception as error:
                self._refused = error
                raise
            self.confirmed = True

    def written(self) -> None:
        """A write carrying `check` succeeded: the session stood when it was made."""
        self.confirmed = True
