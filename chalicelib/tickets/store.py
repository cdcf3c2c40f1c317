"""Ticket storage on DynamoDB. Conditional writes make every transition happen once;
failed conditions become domain errors (`Conflict`) or, for replayed messages, no-ops."""

from __future__ import annotations

import base64
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DoesNotExist,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from chalicelib.clock import now_iso
from chalicelib.errors import BadRequest, Conflict, NotFound
from chalicelib.tickets.models import (
    DecidedModel,
    HistoryModel,
    IdempotencyModel,
    NotificationModel,
    OutboxModel,
    TicketModel,
)
from chalicelib.workflow.definition import Outcome, Step

IDEMPOTENCY_DAYS = 30


@cache
def _connection() -> Connection:
    """One connection (and botocore client) per process: building one costs ~200 ms."""
    meta = TicketModel.Meta
    return Connection(region=meta.region, host=meta.host)


def condition_failed(error: Exception) -> bool:
    """A conditional write or transaction refused because its condition did not hold."""
    code = getattr(error, "cause_response_code", None)
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")


def search_text(*parts: str | None) -> str:
    """Lower-case words, each preceded by a space: `contains(" " + q)` is a word prefix."""
    words = re.findall(r"[^\W_]+", " ".join(p for p in parts if p).lower())
    return " " + " ".join(words)


def search_term(q: str | None) -> str | None:
    """The query in the same form as `search_text`; None when it holds no word."""
    term = search_text(q)
    return term if term.strip() else None


def inbox_key(role: str, region: str | None, region_scoped: bool) -> str:
    return f"{role}#{region}" if region_scoped else role


def get(ticket_no: str, consistent: bool = True) -> TicketModel:
    try:
        return TicketModel.get(ticket_no, consistent_read=consistent)
    except DoesNotExist:
        raise NotFound(f"Tiket {ticket_no} tidak ditemukan.", code="TICKET_NOT_FOUND") from None


def find(ticket_no: str) -> TicketModel | None:
    try:
        return TicketModel.get(ticket_no, consistent_read=True)
    except DoesNotExist:
        return None


def ticket_for_webhook(webhook_id: str) -> TicketModel | None:
    try:
        marker = IdempotencyModel.get(f"ptsp-webhook#{webhook_id}", consistent_read=True)
    except DoesNotExist:
        return None
    return find(marker.ticket_no)


# --- arrival --------------------------------------------------------------------------------


def create(
    ticket: TicketModel, webhook_id: str, owed: list[OutboxModel]
) -> tuple[TicketModel, bool]:
    """Store a new ticket, its arrival and what it owes (its workflow's start);
    `(existing, False)` if the ticket or webhook exists."""
    marker = IdempotencyModel(
        f"ptsp-webhook#{webhook_id}",
        ticket_no=ticket.ticket_no,
        expiration=int(time.time()) + IDEMPOTENCY_DAYS * 86400,
    )
    arrival = HistoryModel(
        ticket.ticket_no,
        f"{ticket.created_at}#ARRIVAL",
        kind="ARRIVAL",
        status=ticket.status,
        actor_name="PTSP",
        action="DITERIMA DARI PTSP",
        entered_at=ticket.created_at,
        decided_at=ticket.created_at,
    )
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(ticket, condition=TicketModel.ticket_no.does_not_exist())
            tx.save(marker, condition=IdempotencyModel.id.does_not_exist())
            tx.save(arrival)
            _save_all(tx, owed)
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        existing = ticket_for_webhook(webhook_id) or find(ticket.ticket_no)
        if existing is None:
            raise Conflict(
                "Pengajuan yang sama sedang diproses; kirim ulang sebentar lagi.",
                code="INTAKE_IN_PROGRESS",
            ) from None
        return existing, False
    return ticket, True


def _save_all(tx: TransactWrite, items: list[OutboxModel]) -> None:
    for item in items:
        tx.save(item)


def set_execution(ticket_no: str, execution_arn: str) -> None:
    TicketModel(ticket_no).update(
        actions=[TicketModel.execution_arn.set(execution_arn)],
        condition=TicketModel.ticket_no.exists(),
    )


# --- steps recorded from the workflow's messages -------------------------------------------


def pending_of(step: Step, message: dict[str, Any]) -> dict[str, Any]:
    """The pending step as the ticket keeps it (with the task token that completes it)."""
    return {
        "state": step.state,
        "step": step.step,
        "status": step.status,
        "role": step.role,
        "region_scoped": step.region_scoped,
        "options": [
            {"action": o.action, "requires": o.requires, "result": o.result} for o in step.options
        ],
        "task_token": message["task_token"],
        "entered_at": message["entered_at"],
    }


def is_reopened(ticket: TicketModel, step: Step) -> bool:
    """The same step waits again after a timeout (its escalation was sent already)."""
    return bool(ticket.pending) and ticket.pending.get("state") == step.state


def with_step(ticket: TicketModel, step: Step, message: dict[str, Any]) -> TicketModel:
    """A copy of the ticket as `record_step` will leave it (for the event it owes)."""
    after = TicketModel.from_raw_data(ticket.serialize())
    after.pending = pending_of(step, message)
    after.status, after.state, after.step, after.role = (
        step.status,
        step.state,
        step.step,
        step.role,
    )
    return after


def record_step(
    ticket: TicketModel, step: Step, message: dict[str, Any], owed: list[OutboxModel]
) -> bool:
    """Make the step the ticket's pending one, with what that owes; False for a stale replay."""
    entered_at = message["entered_at"]
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.update(
                ticket,
                actions=[
                    TicketModel.pending.set(pending_of(step, message)),
                    TicketModel.status.set(step.status),
                    TicketModel.state.set(step.state),
                    TicketModel.step.set(step.step),
                    TicketModel.role.set(step.role),
                    TicketModel.entered_at.set(entered_at),
                    TicketModel.inbox_key.set(
                        inbox_key(step.role, ticket.region, step.region_scoped)
                    ),
                    TicketModel.inbox_at.set(
                        f"{ticket.permit_type}#{entered_at}#{ticket.ticket_no}"
                    ),
                    TicketModel.updated_at.set(now_iso()),
                    TicketModel.version.add(1),
                ],
                condition=(TicketModel.final == False)  # noqa: E712 (a DynamoDB condition)
                & (TicketModel.entered_at.does_not_exist() | (TicketModel.entered_at < entered_at)),
            )
            _save_all(tx, owed)
    except TransactWriteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def record_overdue(ticket: TicketModel, message: dict[str, Any], owed: list[OutboxModel]) -> bool:
    """Log the escalation once per timeout (the message's time is its identity)."""
    overdue = HistoryModel(
        ticket.ticket_no,
        f"{message['entered_at']}#OVERDUE",
        kind="OVERDUE",
        state=message.get("state"),
        step=message["step"],
        status=message["status"],
        role=message["role"],
        action="MELEWATI BATAS WAKTU",
        note="Langkah tidak diputuskan dalam batas waktu; dieskalasi dan dibuka ulang.",
        entered_at=ticket.entered_at,
        decided_at=message["entered_at"],
    )
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(overdue, condition=HistoryModel.seq.does_not_exist())
            tx.update(ticket, actions=[TicketModel.overdue_count.add(1)])
            _save_all(tx, owed)
    except TransactWriteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def final_decision_time(ticket: TicketModel, message: dict[str, Any]) -> str:
    """One decision, one time: the final status is the consequence of the last decision."""
    return (ticket.last_decision or {}).get("decided_at") or message["entered_at"]


def finalize(ticket: TicketModel, message: dict[str, Any], owed: list[OutboxModel]) -> bool:
    """Write the final status once, with what it owes; False for a replay."""
    if ticket.final:
        return False
    decided_at = final_decision_time(ticket, message)
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.update(
                ticket,
                actions=[
                    TicketModel.final.set(True),
                    TicketModel.status.set(message["status"]),
                    TicketModel.decided_at.set(decided_at),
                    TicketModel.pending.remove(),
                    TicketModel.state.remove(),
                    TicketModel.step.remove(),
                    TicketModel.role.remove(),
                    TicketModel.inbox_key.remove(),
                    TicketModel.inbox_at.remove(),
                    TicketModel.updated_at.set(now_iso()),
                    TicketModel.version.add(1),
                ],
                condition=TicketModel.final == False,  # noqa: E712
            )
            tx.save(
                HistoryModel(
                    ticket.ticket_no,
                    f"{message['entered_at']}#FINAL",
                    kind="FINAL",
                    status=message["status"],
                    action=message["status"],
                    entered_at=decided_at,
                    decided_at=decided_at,
                )
            )
            _save_all(tx, owed)
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        return False
    return True


# --- decisions ------------------------------------------------------------------------------

# What a claim changes on the ticket, and so what undoing it puts back.
CLAIMED_ATTRIBUTES = (
    "pending",
    "status",
    "state",
    "step",
    "role",
    "inbox_key",
    "inbox_at",
    "last_decision",
    "rekomtek",
)


@dataclass(frozen=True)
class Decision:
    step: Step
    action: str
    actor_email: str
    actor_name: str
    actor_role: str
    result: str | None
    note: str | None
    rekomtek: dict[str, Any] | None
    document_ids: list[str]
    decided_at: str


def claim_record(ticket: TicketModel, decision: Decision) -> dict[str, Any]:
    """What undoing this claim needs, should its task token turn out dead."""
    marker = decided_marker(decision.actor_email, ticket.ticket_no)
    return {
        "ticket_no": ticket.ticket_no,
        "version": ticket.version + 1,
        "state": decision.step.state,
        "decided_at": decision.decided_at,
        "actor_email": decision.actor_email,
        "restore": {name: getattr(ticket, name) for name in CLAIMED_ATTRIBUTES},
        "marker_before": marker.serialize() if marker else None,
    }


def claim(
    ticket: TicketModel, decision: Decision, outcome: Outcome, owed: list[OutboxModel]
) -> TicketModel:
    """Take the pending step for this decision, with what it owes (the `SendTaskSuccess`):
    exactly one claim per step succeeds."""
    pending = ticket.pending or {}
    last = {
        "step": decision.step.step,
        "state": decision.step.state,
        "action": decision.action,
        "result": decision.result,
        "note": decision.note,
        "role": decision.actor_role,
        "actor": decision.actor_email,
        "actor_name": decision.actor_name,
        "decided_at": decision.decided_at,
    }
    actions = [
        TicketModel.pending.remove(),
        TicketModel.inbox_key.remove(),
        TicketModel.inbox_at.remove(),
        TicketModel.status.set(outcome.status),
        TicketModel.last_decision.set(last),
        TicketModel.updated_at.set(decision.decided_at),
        TicketModel.version.add(1),
    ]
    if outcome.step:
        actions += [
            TicketModel.state.set(outcome.step.state),
            TicketModel.step.set(outcome.step.step),
            TicketModel.role.set(outcome.step.role),
        ]
    else:
        actions += [TicketModel.role.remove()]
    if decision.rekomtek:
        actions.append(TicketModel.rekomtek.set(decision.rekomtek))
    history = HistoryModel(
        ticket.ticket_no,
        f"{decision.decided_at}#DECISION",
        kind="DECISION",
        state=decision.step.state,
        step=decision.step.step,
        status=decision.step.status,
        role=decision.actor_role,
        actor_key=decision.actor_email,
        actor_name=decision.actor_name,
        action=decision.action,
        note=decision.note,
        entered_at=pending.get("entered_at"),
        decided_at=decision.decided_at,
        details={
            k: v
            for k, v in (("rekomtek", decision.rekomtek), ("document_ids", decision.document_ids))
            if v
        }
        or None,
    )
    marker = DecidedModel(
        f"DECIDED#{decision.actor_email}",
        ticket.ticket_no,
        permit_type=ticket.permit_type,
        search_text=ticket.search_text,
        decided_at=decision.decided_at,
        action=decision.action,
    )
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.update(
                ticket,
                actions=actions,
                # The version changes with every write, so an unchanged version means the
                # pending step (and its task token) is the one this decision was made on.
                condition=(TicketModel.version == ticket.version) & TicketModel.pending.exists(),
            )
            tx.save(history, condition=HistoryModel.seq.does_not_exist())
            tx.save(marker)
            _save_all(tx, owed)
    except TransactWriteError as error:
        if condition_failed(error):
            raise Conflict(
                "Langkah ini sudah diputuskan oleh pengguna lain atau data sudah berubah. "
                "Muat ulang halaman untuk melihat status terbaru.",
                code="STEP_ALREADY_DECIDED",
            ) from None
        raise
    return get(ticket.ticket_no)


def decided_marker(email: str, ticket_no: str) -> DecidedModel | None:
    try:
        return DecidedModel.get(f"DECIDED#{email}", ticket_no, consistent_read=True)
    except DoesNotExist:
        return None


def undo_claim(record: dict[str, Any]) -> bool:
    """Undo a claim whose task token turned out dead, unless the workflow moved on past it.

    Untouched since the claim: the ticket as it was. Reopened at the same step after a
    timeout (the workflow's new step message already restored the waiting state): only the
    decision's own traces. Anywhere else: the decision went through; nothing to undo.
    """
    ticket = get(record["ticket_no"])
    restore = record["restore"]
    if ticket.version == record["version"]:
        names = CLAIMED_ATTRIBUTES
    elif _reopened_since(ticket, record):
        names = ("last_decision", "rekomtek")
    else:
        return False
    actions = [
        getattr(TicketModel, name).set(restore[name])
        if restore.get(name) is not None
        else getattr(TicketModel, name).remove()
        for name in names
    ]
    try:
        ticket.update(
            actions=[*actions, TicketModel.version.add(1)],
            condition=TicketModel.version == ticket.version,
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    HistoryModel(ticket.ticket_no, f"{record['decided_at']}#DECISION").delete()
    if record.get("marker_before"):
        DecidedModel.from_raw_data(record["marker_before"]).save()
    else:
        DecidedModel(f"DECIDED#{record['actor_email']}", ticket.ticket_no).delete()
    return True


def _reopened_since(ticket: TicketModel, record: dict[str, Any]) -> bool:
    pending = ticket.pending or {}
    return (
        pending.get("state") == record["state"] and (ticket.entered_at or "") > record["decided_at"]
    )


def update_documents(ticket_no: str, change: Any) -> TicketModel:
    """Apply `change(documents) -> documents` with optimistic locking (a few retries)."""
    for _ in range(5):
        ticket = get(ticket_no)
        documents = change(dict(ticket.documents or {}))
        try:
            ticket.update(
                actions=[
                    TicketModel.documents.set(documents),
                    TicketModel.version.add(1),
                    TicketModel.updated_at.set(now_iso()),
                ],
                condition=TicketModel.version == ticket.version,
            )
            return ticket
        except UpdateError as error:
            if not condition_failed(error):
                raise
    raise Conflict("Tiket sedang diperbarui oleh pengguna lain; coba lagi.", code="TICKET_BUSY")


# --- reading --------------------------------------------------------------------------------


def history(ticket_no: str) -> list[HistoryModel]:
    return list(HistoryModel.query(ticket_no, consistent_read=True))


def encode_cursor(value: dict[str, Any] | None) -> str | None:
    if not value:
        return None
    return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BadRequest("Parameter cursor tidak valid.", code="INVALID_CURSOR", field="cursor")
    return value


def pending_page(
    keys: list[str], permit_type: str | None, q: str | None, limit: int, cursor: str | None
) -> tuple[list[TicketModel], str | None]:
    """Tickets waiting in the given inboxes (one per role the caller holds), oldest first."""
    position = decode_cursor(cursor) or {"i": 0, "k": None}
    term = search_term(q)
    items: list[TicketModel] = []
    index = int(position.get("i", 0))
    last_key = position.get("k")
    while index < len(keys) and len(items) < limit:
        condition = TicketModel.inbox_at.startswith(f"{permit_type}#") if permit_type else None
        results = TicketModel.inbox.query(
            keys[index],
            range_key_condition=condition,
            filter_condition=TicketModel.search_text.contains(term) if term else None,
            limit=limit - len(items),
            last_evaluated_key=last_key,
            page_size=100,
        )
        items.extend(results)
        last_key = results.last_evaluated_key
        if last_key is None:
            index, last_key = index + 1, None
    more = index < len(keys)
    return items, encode_cursor({"i": index, "k": last_key}) if more else None


def decided_page(
    email: str, permit_type: str | None, q: str | None, limit: int, cursor: str | None
) -> tuple[list[TicketModel], str | None]:
    """Tickets the caller has decided, newest ticket number first."""
    term = search_term(q)
    condition = None
    if permit_type:
        condition = DecidedModel.permit_type == permit_type
    if term:
        text = DecidedModel.search_text.contains(term)
        condition = text if condition is None else condition & text
    results = DecidedModel.query(
        f"DECIDED#{email}",
        filter_condition=condition,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor),
        page_size=100,
    )
    markers = list(results)
    tickets = {t.ticket_no: t for t in _batch_get([m.term_sort for m in markers])}
    return [tickets[m.term_sort] for m in markers if m.term_sort in tickets], encode_cursor(
        results.last_evaluated_key
    )


def save_notification(item: NotificationModel, owed: list[OutboxModel]) -> bool:
    """A new notification with what it owes (text message, email); False if sent before."""
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.save(item, condition=NotificationModel.notification_id.does_not_exist())
            _save_all(tx, owed)
    except TransactWriteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def tickets(ticket_nos: set[str]) -> list[TicketModel]:
    """Several tickets in one batch read (missing ones are left out)."""
    return list(_batch_get(sorted(ticket_nos)))


def _batch_get(ticket_nos: list[str]) -> Iterator[TicketModel]:
    if not ticket_nos:
        return iter(())
    return TicketModel.batch_get(ticket_nos)


def count_pending(key: str) -> Counter[str]:
    """Tickets waiting in one inbox, per permit type (the sort key starts with it)."""
    waiting = TicketModel.inbox.query(key, attributes_to_get=["inbox_at"], page_size=1000)
    return Counter(item.inbox_at.split("#", 1)[0] for item in waiting)
