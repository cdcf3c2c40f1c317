"""The transactional outbox: what a state change owes is written with the change itself.

A decision owes Step Functions its `SendTaskSuccess`; a recorded step owes the event that
tells the next role; a notification owes its text message and email. Each debt is an
outbox entry written in the same DynamoDB transaction as the change, so a process that dies
at any line leaves either neither or both. The writer carries its entries out at once (the
fast path) and deletes them; an entry still there when its lease has run out is carried out
by the sweeper (`sweep`, run every minute), again and again until it succeeds. Every effect
is safe to repeat: the consumers of events and deliveries are idempotent, and a task token
works once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.adapters.models import OutboxModel
from chalicelib.clock import now_iso, parse_iso
from chalicelib.errors import PermanentFailure
from chalicelib.settings import settings

logger = Logger(child=True)

Effect = Callable[[dict[str, Any]], None]
MAX_BACKOFF_SECONDS = 3600


def lease_seconds() -> int:
    return int(settings().outbox_lease_seconds or 30)


def _later(seconds: float) -> str:
    return (parse_iso(now_iso()) + timedelta(seconds=seconds)).isoformat()


def entry(kind: str, payload: dict[str, Any]) -> OutboxModel:
    """A new entry, leased to its writer: the sweeper leaves it alone until the lease ends."""
    return OutboxModel(
        uuid.uuid4().hex,
        kind=kind,
        payload=payload,
        due_at=_later(lease_seconds()),
        created_at=now_iso(),
    )


def done(item: OutboxModel) -> None:
    try:
        item.delete()
    except DeleteError:
        logger.warning("outbox entry left; the sweeper will repeat it", extra={"id": item.id})


def _perform(item: OutboxModel, effects: dict[str, Effect]) -> bool:
    """Run the entry's effect; True when it is settled (done, or dropped for good)."""
    try:
        effects[item.kind](item.payload)
    except PermanentFailure as error:
        logger.error("outbox effect dropped", extra={"kind": item.kind, "error": str(error)})
    except Exception as error:
        logger.warning(
            "outbox effect not done yet",
            extra={"kind": item.kind, "attempts": item.attempts, "error": repr(error)},
        )
        return False
    return True


def carry_out(items: Iterable[OutboxModel], effects: dict[str, Effect]) -> None:
    """The fast path, right after the transaction: what fails stays for the sweeper."""
    for item in items:
        if _perform(item, effects):
            done(item)


def _lease(item: OutboxModel) -> bool:
    """Take a due entry for this run; False when another run took it first."""
    backoff = min(lease_seconds() * 2 ** min(item.attempts, 12), MAX_BACKOFF_SECONDS)
    try:
        item.update(
            actions=[OutboxModel.due_at.set(_later(backoff)), OutboxModel.attempts.add(1)],
            condition=OutboxModel.due_at == item.due_at,
        )
    except UpdateError:
        return False
    return True


def sweep(effects: dict[str, Effect], limit: int = 100) -> int:
    """Carry out every entry whose lease has run out; returns how many were done."""
    finished = 0
    for item in OutboxModel.by_due.query("due", OutboxModel.due_at <= now_iso(), limit=limit):
        if _lease(item) and _perform(item, effects):
            done(item)
            finished += 1
    return finished
