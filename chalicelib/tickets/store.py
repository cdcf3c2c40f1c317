"""Ticket storage on DynamoDB. Conditional writes make every transition happen once;
failed conditions become domain errors (`Conflict`) or, for replayed messages, no-ops."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import (
    DoesNotExist,
    PutError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.transactions import TransactWrite

from chalicelib.clock import now_iso
from chalicelib.errors import Conflict, NotFound
from chalicelib.paging import decode_cursor, encode_cursor
from chalicelib.tickets.models import (
    DecidedModel,
    HistoryModel,
    IdempotencyModel,
    TicketModel,
)
from chalicelib.workflow.definition import Outcome, Step

IDEMPOTENCY_DAYS = 30


def _connection() -> Connection:
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


def create(ticket: TicketModel, webhook_id: str) -> tuple[TicketModel, bool]:
    """Store a new ticket and its arrival; `(existing, False)` if the ticket or webhook exists."""
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


def set_execution(ticket: TicketModel, execution_arn: str) -> None:
    ticket.update(actions=[TicketModel.execution_arn.set(execution_arn)])


# --- steps recorded from the workflow's messages -------------------------------------------


def record_step(message: dict[str, Any]) -> tuple[TicketModel, bool] | None:
    """Make the step the ticket's pending one: `(ticket, reopened)`, None for a stale replay.

    `reopened`: the same step is waiting again after a timeout (its escalation was sent).
    """
    step = Step.from_message(message)
    ticket = get(message["ticket_no"])
    reopened = bool(ticket.pending) and ticket.pending.get("state") == step.state
    entered_at = message["entered_at"]
    pending = {
        "state": step.state,
        "step": step.step,
        "status": step.status,
        "role": step.role,
        "region_scoped": step.region_scoped,
        "options": [{"action": o.action, "requires": o.requires} for o in step.options],
        "task_token": message["task_token"],
        "entered_at": entered_at,
    }
    try:
        ticket.update(
            actions=[
                TicketModel.pending.set(pending),
                TicketModel.status.set(step.status),
                TicketModel.state.set(step.state),
                TicketModel.step.set(step.step),
                TicketModel.role.set(step.role),
                TicketModel.entered_at.set(entered_at),
                TicketModel.inbox_key.set(inbox_key(step.role, ticket.region, step.region_scoped)),
                TicketModel.inbox_at.set(f"{ticket.permit_type}#{entered_at}#{ticket.ticket_no}"),
                TicketModel.updated_at.set(now_iso()),
                TicketModel.version.add(1),
            ],
            condition=(TicketModel.final == False)  # noqa: E712 (a DynamoDB condition)
            & (TicketModel.entered_at.does_not_exist() | (TicketModel.entered_at < entered_at)),
        )
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return ticket, reopened


def record_overdue(message: dict[str, Any]) -> TicketModel | None:
    """Log the escalation once per timeout (the message's time is its identity)."""
    ticket = get(message["ticket_no"])
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
        overdue.save(condition=HistoryModel.seq.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return None
        raise
    ticket.update(actions=[TicketModel.overdue_count.add(1)])
    return ticket


def finalize(message: dict[str, Any]) -> TicketModel:
    """Write the final status once; a replay returns the already-final ticket."""
    ticket = get(message["ticket_no"])
    if ticket.final:
        return ticket
    at = message["entered_at"]
    try:
        with TransactWrite(connection=_connection()) as tx:
            tx.update(
                ticket,
                actions=[
                    TicketModel.final.set(True),
                    TicketModel.status.set(message["status"]),
                    TicketModel.decided_at.set(at),
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
                    f"{at}#FINAL",
                    kind="FINAL",
                    status=message["status"],
                    action=message["status"],
                    entered_at=at,
                    decided_at=at,
                )
            )
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
    return get(ticket.ticket_no)


# --- decisions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    step: Step
    action: str
    actor_email: str
    actor_name: str
    actor_role: str
    note: str | None
    rekomtek: dict[str, Any] | None
    document_ids: list[str]
    decided_at: str


def claim(ticket: TicketModel, decision: Decision, outcome: Outcome) -> TicketModel:
    """Take the pending step for this decision: exactly one claim per step succeeds."""
    pending = ticket.pending or {}
    last = {
        "step": decision.step.step,
        "state": decision.step.state,
        "action": decision.action,
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


def release(before: TicketModel, decision: Decision, marker: DecidedModel | None) -> None:
    """Undo a claim whose task token turned out dead, unless the workflow moved on since:
    the ticket as it was, no history item, the official's "decided" entry as it was."""
    try:
        before.save(condition=TicketModel.version == before.version + 1)
    except PutError as error:
        if not condition_failed(error):
            raise
    HistoryModel(before.ticket_no, f"{decision.decided_at}#DECISION").delete()
    if marker is not None:
        marker.save()
    else:
        DecidedModel(f"DECIDED#{decision.actor_email}", before.ticket_no).delete()


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


def _batch_get(ticket_nos: list[str]) -> Iterator[TicketModel]:
    if not ticket_nos:
        return iter(())
    return TicketModel.batch_get(ticket_nos)


def count_pending(key: str) -> Counter[str]:
    """Tickets waiting in one inbox, per permit type (the sort key starts with it)."""
    waiting = TicketModel.inbox.query(key, attributes_to_get=["inbox_at"], page_size=1000)
    return Counter(item.inbox_at.split("#", 1)[0] for item in waiting)
