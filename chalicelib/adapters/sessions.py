"""A change of a user's state (disabled, roles, region) takes effect at once.

An ID token carries roles and region for its whole life (hours), so on its own it lets a
disabled or re-scoped official keep acting until it expires. The administrator's update
therefore records *when* the user last changed (one DynamoDB item per user); every
state-changing request compares that with the token's issue time (`iat`) — one GetItem —
and refuses a token issued before the change. Reading routes keep trusting the token until
it expires (what it shows was readable when it was issued).

`iat` has one-second resolution: a token issued in the very second of the change may
predate it or not, so only then the caller's current Cognito state is compared with the
token's claims (rare, and exact).
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.auth.principal import Principal
from chalicelib.auth.session import SessionCheck
from chalicelib.errors import Unauthorized

SESSION_REVOKED = "Sesi Anda tidak berlaku lagi karena akun Anda diubah; silakan masuk kembali."


class UserStateModel(Model):
    """When a user's account last changed; kept beside the search items (same table)."""

    class Meta:
        table_name = os.environ.get("SEARCH_TABLE", "etracking-search")
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        host = os.environ.get("AWS_ENDPOINT_URL") or None
        connect_timeout_seconds = 5
        read_timeout_seconds = 30
        max_retry_attempts = 3

    term_key = UnicodeAttribute(hash_key=True)  # USER#<email>
    term_sort = UnicodeAttribute(range_key=True)  # STATE
    changed_at = NumberAttribute()  # epoch seconds, fractional


def _key(email: str) -> str:
    return f"USER#{email.strip().lower()}"


def mark_changed(email: str, at: float | None = None) -> None:
    """Every token of `email` issued before now stops working on state-changing routes."""
    UserStateModel(_key(email), "STATE", changed_at=time.time() if at is None else at).save()


def changed_at(email: str) -> float | None:
    try:
        item = UserStateModel.get(_key(email), "STATE", consistent_read=True)
    except UserStateModel.DoesNotExist:
        return None
    return float(item.changed_at)


def carry(tx: TransactWrite, check: SessionCheck) -> None:
    """Make `tx` conditional on the account not having changed since the second before the
    token was issued (the case `ensure_current` accepts without asking Cognito). It must
    be the transaction's first condition check: see `refused`."""
    tx.condition_check(
        UserStateModel,
        _key(check.email),
        "STATE",
        condition=UserStateModel.changed_at.does_not_exist()
        | (UserStateModel.changed_at < check.issued_at),
    )


def refused(error: TransactWriteError) -> bool:
    """Whether the carried check refused the transaction (condition checks come first)."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return bool(reasons) and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed"


def ensure_current(
    who: Principal,
    claims: dict[str, Any],
    current: Callable[[str], Principal | None],
    last_change: Callable[[str], float | None] = changed_at,
) -> None:
    """401 SESSION_REVOKED when the token predates the last change of its user.

    `current(email)` gives the user's principal as Cognito knows it now (None when gone
    or disabled); it is only consulted when the change and the token share one second.
    """
    changed = last_change(who.email)
    if changed is None:
        return
    issued = int(claims.get("iat", 0))
    if issued > math.floor(changed):
        return
    if issued == math.floor(changed) and _same_state(who, current(who.email)):
        return
    raise Unauthorized(SESSION_REVOKED, code="SESSION_REVOKED")


def _same_state(token: Principal, now: Principal | None) -> bool:
    return now is not None and (token.roles, token.region) == (now.roles, now.region)
