"""Ticket storage on DynamoDB. Conditional writes make every transition happen once;
failed conditions become domain errors (`Conflict`) or, for replayed messages, no-ops."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
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

from chalicelib import declared
from chalicelib.adapters import index, sessions
from chalicelib.adapters.models import (
    CounterModel,
    DecidedModel,
    HistoryModel,
    IdempotencyModel,
    IndexModel,
    NotificationModel,
    OutboxModel,
    RegistrationModel,
    TicketModel,
)
from chalicelib.auth.session import SessionChanged, SessionCheck
from chalicelib.clock import now_iso
from chalicelib.core import policy
from chalicelib.core.definition import Outcome, Step
from chalicelib.core.records import Decision, enter_step, pending_of
from chalicelib.errors import BadRequest, Conflict, NotFound, Unprocessable
from chalicelib.paging import decode_cursor, encode_cursor

IDEMPOTENCY_DAYS = 30


@cache
def _connection() -> Connection:
    """One connection (and botocore client) per process: building one costs ~200 ms."""
    meta = TicketModel.Meta
    return Connection(region=meta.region, host=meta.host)


def condition_failed(error: Exception) -> bool:
    """A conditional write or transaction refused because its condition did not hold (not
    because another transaction touched one of its items at the same moment)."""
    code = getattr(error, "cause_response_code", None)
    if code == "ConditionalCheckFailedException":
        return True
    if code != "TransactionCanceledException":
        return False
    reasons = [r for r in (getattr(error, "cancellation_reasons", None) or []) if r]
    return not reasons or any(r.code == "ConditionalCheckFailed" for r in reasons)


TRANSIENT_REASONS = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


def _transient(error: TransactWriteError) -> bool:
    """Cancelled only because other writes were busy with the same items: try again."""
    if error.cause_response_code in ("TransactionInProgressException", "ThrottlingException"):
        return True
    reasons = [r for r in (getattr(error, "cancellation_reasons", None) or []) if r]
    return bool(reasons) and all(r.code in TRANSIENT_REASONS for r in reasons)


def _commit(write: Callable[[TransactWrite], None], attempts: int = 5) -> None:
    """One transaction, tried again (with jitter) while it only collides with others."""
    for attempt in range(attempts):
        try:
            with TransactWrite(connection=_connection()) as tx:
                write(tx)
            return
        except TransactWriteError as error:
            if attempt == attempts - 1 or condition_failed(error) or not _transient(error):
                raise
            time.sleep(random.uniform(0.01, 0.04) * 2**attempt)


def _commit_or(write: Callable[[TransactWrite], None], conflict: Conflict) -> None:
    """Commit; `conflict` when a condition refused it (someone else changed the item)."""
    try:
        _commit(write)
    except TransactWriteError as error:
        if condition_failed(error):
            raise conflict from None
        raise


def _committed(write: Callable[[TransactWrite], None]) -> bool:
    """Commit; False when a condition refused it (done before), not a collision."""
    try:
        _commit(write)
    except TransactWriteError as error:
        if condition_failed(error):
            return False
        raise
    return True


def search_text(*parts: str | None) -> str:
    """Lower-case words, each preceded by a space: `contains(" " + q)` is a word prefix."""
    words = re.findall(r"[^\W_]+", " ".join(p for p in parts if p).lower())
    return " " + " ".join(words)


def search_term(q: str | None) -> str | None:
    """The query in the same form as `search_text`; None when it holds no word."""
    term = search_text(q)
    return term if term.strip() else None


def inbox_key(ticket: TicketModel, step: Step) -> str:
    workflow = declared.workflow_of(ticket).id
    return policy.inbox_key(workflow, step.role, ticket.region, step.region_scoped)


def get(ticket_no: str, consistent: bool = True) -> TicketModel:
    try:
        return TicketModel.get(ticket_no, consistent_read=consistent)
    except DoesNotExist:
        raise NotFound(f"Ticket {ticket_no} tidak ditemukan.", code="TICKET_NOT_FOUND") from None


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
    ticket: TicketModel, webhook_id: str, owed: list[OutboxModel], source: str = "PTSP"
) -> tuple[TicketModel, bool]:
    """Store a new ticket, its arrival from `source` and what it owes (its workflow's
    start); `(existing, False)` if the ticket or webhook exists."""
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
        actor_name=source,
        action=f"DITERIMA DARI {source.upper()}",
        entered_at=ticket.created_at,
        decided_at=ticket.created_at,
    )

    def write(tx: TransactWrite) -> None:
        tx.save(ticket, condition=TicketModel.ticket_no.does_not_exist())
        tx.save(marker, condition=IdempotencyModel.id.does_not_exist())
        tx.save(arrival)
        _save_all(tx, owed)

    try:
        _commit(write)
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


# --- applications: drafts until AJUKAN ------------------------------------------------------


def next_number(series: str) -> int:
    """The next number of a series (one counter item, added to atomically)."""
    counter = CounterModel(f"NUMBER#{series}", "n")
    counter.update(actions=[CounterModel.n.add(1)])
    return int(counter.n)


def own_key(email: str) -> str:
    return f"OWN#{email.strip().lower()}"


def create_draft(ticket: TicketModel) -> TicketModel:
    """Store a new draft and list it among its applicant's applications."""
    mine = IndexModel(
        own_key(ticket.applicant_email or ""),
        f"{ticket.created_at}#{ticket.ticket_no}",
        ticket_no=ticket.ticket_no,
        permit_type=ticket.permit_type,
    )

    def write(tx: TransactWrite) -> None:
        tx.save(ticket, condition=TicketModel.ticket_no.does_not_exist())
        tx.save(mine)

    _commit(write)
    return ticket


def _still(counter: Any, value: int) -> Any:
    """The condition that a counter attribute still holds `value` (0: never written)."""
    return counter == value if value else counter.does_not_exist() | (counter == 0)


def update_draft(
    ticket: TicketModel, changes: dict[str, Any], revision: int | None = None
) -> TicketModel:
    """Change a draft's data or applicant: only while it is a draft and, from a screen that
    names the revision it shows, only at that revision (a save from another device since is
    refused, not overwritten). A document confirmed meanwhile changes neither: no conflict."""
    for _ in range(5):
        current = ticket.revision or 0
        if not ticket.draft:
            raise Unprocessable(
                "Permohonan ini sudah diajukan; data tidak dapat diubah lagi.",
                code="ALREADY_SUBMITTED",
            )
        if revision is not None and revision != current:
            raise Conflict(
                "Draf ini sudah diubah di perangkat atau tab lain. Muat ulang halaman untuk "
                "melihat isian terbaru; perubahan terakhir di layar ini belum tersimpan.",
                code="DRAFT_CHANGED_ELSEWHERE",
            )
        written = {**changes, "updated_at": now_iso(), "revision": current + 1}
        unchanged = _still(TicketModel.revision, current)
        try:
            ticket.update(
                actions=[
                    *(_action(getattr(TicketModel, n), v) for n, v in written.items()),
                    TicketModel.version.add(1),
                ],
                condition=(TicketModel.draft == True) & unchanged,  # noqa: E712
            )
            return ticket
        except UpdateError as error:
            if not condition_failed(error):
                raise
            ticket = get(ticket.ticket_no)
    raise Conflict("Draf sedang diperbarui; coba lagi.", code="TICKET_BUSY")


def renew_access(ticket: TicketModel) -> TicketModel:
    """The next generation of the access code of a submitted application: the codes before it
    stop tracking it at once. Not a change of the ticket's decisions: its `version` (what a
    claim, a signing or an undo waits on) stays, so no official's decision is disturbed."""
    generation = ticket.access_generation or 0
    unchanged = _still(TicketModel.access_generation, generation)
    try:
        ticket.update(
            actions=[TicketModel.access_generation.set(generation + 1)],
            condition=(TicketModel.draft == False) & unchanged,  # noqa: E712
        )
    except UpdateError as error:
        if condition_failed(error):
            raise Conflict(
                "Kode akses baru saja diganti di tempat lain; muat ulang halaman.",
                code="ACCESS_CODE_CHANGED",
            ) from None
        raise
    return ticket


def submit_draft(
    ticket: TicketModel, changes: dict[str, Any], source: str, owed: list[OutboxModel]
) -> TicketModel:
    """AJUKAN: the draft becomes an application whose workflow starts (owed), once."""
    changes = {**changes, "draft": False, "version": ticket.version + 1}
    arrival = HistoryModel(
        ticket.ticket_no,
        f"{changes['submitted_at']}#ARRIVAL",
        kind="ARRIVAL",
        status=changes["status"],
        actor_name=source,
        action="DIAJUKAN",
        entered_at=changes["submitted_at"],
        decided_at=changes["submitted_at"],
    )

    def write(tx: TransactWrite) -> None:
        tx.update(
            ticket,
            actions=[_action(getattr(TicketModel, n), v) for n, v in changes.items()],
            condition=(TicketModel.version == ticket.version) & (TicketModel.draft == True),  # noqa: E712
        )
        tx.save(arrival)
        _save_all(tx, owed)

    _commit_or(
        write,
        Conflict(
            "Permohonan ini sudah diajukan atau sedang berubah; muat ulang halaman.",
            code="APPLICATION_CHANGED",
        ),
    )
    return _with(ticket, changes)


def own_page(email: str, limit: int, cursor: str | None) -> Page:
    """An applicant's applications, newest first."""
    kwargs: dict[str, Any] = {"scan_index_forward": False, "limit": limit}
    start = _own_start(cursor, email)
    if start:
        kwargs["last_evaluated_key"] = start
    query = IndexModel.query(own_key(email), **kwargs)
    found = [item.ticket_no for item in query]
    last = query.last_evaluated_key
    next_cursor = encode_cursor({"own": last["term_sort"]["S"]}) if last else None
    return Page(_in_order(found), next_cursor, len(found))


def _own_start(cursor: str | None, email: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    position = decode_cursor(cursor)
    sort = position.get("own") if isinstance(position, dict) else None
    if not isinstance(sort, str) or len(sort) > 200:
        raise BadRequest("Kursor halaman tidak valid.", code="INVALID_CURSOR", field="cursor")
    return {"term_key": {"S": own_key(email)}, "term_sort": {"S": sort}}


# --- an SK's verification token -------------------------------------------------------------


def save_verification(token: str, ticket_no: str) -> None:
    IndexModel(f"VERIFY#{token}", "sk", ticket_no=ticket_no).save()


def verification(token: str) -> str | None:
    """The ticket whose SK was drawn with this token (None: no such token)."""
    try:
        return IndexModel.get(f"VERIFY#{token}", "sk", consistent_read=True).ticket_no
    except DoesNotExist:
        return None


# --- signing an SK: one signer at a time ---------------------------------------------------


def lease_signing(ticket: TicketModel, until: str, now: str) -> bool:
    """Hold the pending step for one signature until `until`: False when it changed since it
    was read or someone else is signing it. The version stays, so the claim that follows
    the signature still finds the step as it was read."""
    try:
        ticket.update(
            actions=[TicketModel.signing_until.set(until)],
            condition=(TicketModel.version == ticket.version)
            & TicketModel.pending.exists()
            & (TicketModel.signing_until.does_not_exist() | (TicketModel.signing_until < now)),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def release_signing(ticket_no: str) -> None:
    TicketModel(ticket_no).update(
        actions=[TicketModel.signing_until.remove()], condition=TicketModel.ticket_no.exists()
    )


# --- applicants' registration codes -------------------------------------------------------


def _registration_key(email: str) -> str:
    return f"REGISTER#{email}"


def save_registration(email: str, code_hash: str, expires_at: str, owed: list[OutboxModel]) -> None:
    """The code's hash (a new one replaces the old, and its wrong tries start again) with
    the message that carries the code."""
    item = RegistrationModel(
        _registration_key(email), "code", code_hash=code_hash, expires_at=expires_at
    )
    tries = CounterModel(_registration_key(email), "tries", n=0)

    def write(tx: TransactWrite) -> None:
        tx.save(item)
        tx.save(tries)
        _save_all(tx, owed)

    _commit(write)


def registration(email: str) -> dict[str, Any] | None:
    try:
        item = RegistrationModel.get(_registration_key(email), "code", consistent_read=True)
    except DoesNotExist:
        return None
    return {"hash": item.code_hash, "expires_at": item.expires_at}


def registration_failed(email: str) -> int:
    """One more wrong code (counted atomically): how many so far."""
    counter = CounterModel(_registration_key(email), "tries")
    counter.update(actions=[CounterModel.n.add(1)])
    return int(counter.n)


def registration_failures(email: str) -> int:
    try:
        return int(CounterModel.get(_registration_key(email), "tries", consistent_read=True).n)
    except DoesNotExist:
        return 0


def registration_done(email: str) -> None:
    def write(tx: TransactWrite) -> None:
        tx.delete(RegistrationModel(_registration_key(email), "code"))
        tx.delete(CounterModel(_registration_key(email), "tries"))

    _commit(write)


# --- steps recorded from the workflow's messages -------------------------------------------


def is_reopened(ticket: TicketModel, step: Step) -> bool:
    """The same step waits again after a timeout (its escalation was sent already)."""
    return bool(ticket.pending) and ticket.pending.get("state") == step.state


def with_step(ticket: TicketModel, step: Step, message: dict[str, Any]) -> TicketModel:
    """A copy of the ticket as `record_step` will leave it (for the event it owes)."""
    return enter_step(TicketModel.from_raw_data(ticket.serialize()), step, message)


Owed = Callable[[TicketModel], list[OutboxModel]]
Write = Callable[[TransactWrite], None]


def _transact(ticket_no: str, build: Callable[[TicketModel], Write | None]) -> bool:
    """Read the ticket, build a write conditional on its version, commit; read again and
    rebuild if another write came in between. False when `build` finds nothing to do."""
    for _ in range(5):
        ticket = get(ticket_no)
        write = build(ticket)
        if write is None:
            return False
        try:
            _commit(write)
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            continue
        return True
    raise Conflict("Ticket sedang diperbarui; pesan akan diulang.", code="TICKET_BUSY")


def _unchanged(ticket: TicketModel) -> Any:
    return TicketModel.version == ticket.version


def _inbox_ops(ticket: TicketModel, new_key: str | None, new_since: str | None) -> list[index.Op]:
    """The index items and counters of a move from the ticket's inbox to `new_key`."""
    old_key, old_since = ticket.inbox_key, ticket.entered_at
    if old_key and old_key == new_key:
        if old_since == new_since:
            return []
        return index.retimed(old_key, ticket, old_since, new_since)
    ops = index.leave(old_key, ticket, old_since) if old_key else []
    return ops + (index.enter(new_key, ticket, new_since) if new_key else [])


def _delivered(ticket: TicketModel, state: str | None, actions: list[Any]) -> list[str]:
    """The outbox entries of the decision this recording proves delivered (adding their
    settling to `actions`). The workflow leaves a claimed step only through its decision
    (a timeout re-enters the same state), so any other state, or the end, is that proof."""
    forwarding = ticket.forwarding
    if not forwarding or state == forwarding["state"]:
        return []
    actions.append(TicketModel.forwarding.remove())
    return list(forwarding["entries"])


def _settle(tx: TransactWrite, entries: list[str]) -> None:
    for entry_id in entries:
        tx.delete(OutboxModel(entry_id))


def record_step(ticket_no: str, step: Step, message: dict[str, Any], owed_for: Owed) -> bool:
    """Make the step the ticket's pending one, with what that owes; False for a stale replay."""
    entered_at = message["entered_at"]

    def build(ticket: TicketModel) -> Write | None:
        if ticket.final or (ticket.entered_at and ticket.entered_at >= entered_at):
            return None
        new_key = inbox_key(ticket, step)
        moved = ticket.inbox_key != new_key
        actions = [
            TicketModel.pending.set(pending_of(step, message)),
            TicketModel.status.set(step.status),
            TicketModel.state.set(step.state),
            TicketModel.step.set(step.step),
            TicketModel.role.set(step.role),
            TicketModel.entered_at.set(entered_at),
            TicketModel.inbox_key.set(new_key),
            TicketModel.inbox_at.set(f"{ticket.permit_type}#{entered_at}#{ticket.ticket_no}"),
            TicketModel.updated_at.set(now_iso()),
            TicketModel.version.add(1),
        ]
        if moved and ticket.overdue_since:
            actions.append(TicketModel.overdue_since.remove())
        ops = _inbox_ops(ticket, new_key, entered_at)
        owed = owed_for(ticket)
        delivered = _delivered(ticket, step.state, actions)

        def write(tx: TransactWrite) -> None:
            tx.update(ticket, actions=actions, condition=_unchanged(ticket))
            index.apply(tx, ops)
            _save_all(tx, owed)
            _settle(tx, delivered)

        return write

    return _transact(ticket_no, build)


def record_overdue(ticket_no: str, message: dict[str, Any], owed_for: Owed) -> bool:
    """Log the escalation once per timeout (the message's time is its identity), and put
    the ticket among the overdue of its inbox until it leaves it."""

    def build(ticket: TicketModel) -> Write | None:
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
        if _logged(overdue):
            return None
        actions = [TicketModel.overdue_count.add(1), TicketModel.version.add(1)]
        ops: list[index.Op] = []
        pending = ticket.pending or {}
        waiting_there = (pending.get("step"), pending.get("status")) == (
            message["step"],
            message["status"],
        )
        if waiting_there and ticket.inbox_key and not ticket.overdue_since and ticket.entered_at:
            actions.append(TicketModel.overdue_since.set(ticket.entered_at))
            ops.append(index.put_overdue(ticket.inbox_key, ticket, ticket.entered_at))
        owed = owed_for(ticket)

        def write(tx: TransactWrite) -> None:
            tx.save(overdue, condition=HistoryModel.seq.does_not_exist())
            tx.update(ticket, actions=actions, condition=_unchanged(ticket))
            index.apply(tx, ops)
            _save_all(tx, owed)

        return write

    return _transact(ticket_no, build)


def _logged(item: HistoryModel) -> bool:
    try:
        HistoryModel.get(item.ticket_no, item.seq, consistent_read=True)
    except DoesNotExist:
        return False
    return True


def final_decision_time(ticket: TicketModel, message: dict[str, Any]) -> str:
    """One decision, one time: the final status is the consequence of the last decision."""
    return (ticket.last_decision or {}).get("decided_at") or message["entered_at"]


def finalize(ticket_no: str, message: dict[str, Any], owed_for: Owed) -> bool:
    """Write the final status once, with what it owes; False for a replay."""

    def build(ticket: TicketModel) -> Write | None:
        if ticket.final:
            return None
        decided_at = final_decision_time(ticket, message)
        actions = [
            TicketModel.final.set(True),
            TicketModel.status.set(message["status"]),
            TicketModel.decided_at.set(decided_at),
            TicketModel.pending.remove(),
            TicketModel.state.remove(),
            TicketModel.step.remove(),
            TicketModel.role.remove(),
            TicketModel.inbox_key.remove(),
            TicketModel.inbox_at.remove(),
            TicketModel.overdue_since.remove(),
            TicketModel.updated_at.set(now_iso()),
            TicketModel.version.add(1),
        ]
        history = HistoryModel(
            ticket.ticket_no,
            f"{message['entered_at']}#FINAL",
            kind="FINAL",
            status=message["status"],
            action=message["status"],
            entered_at=decided_at,
            decided_at=decided_at,
        )
        ops = _inbox_ops(ticket, None, None)
        owed = owed_for(ticket)
        delivered = _delivered(ticket, None, actions)

        def write(tx: TransactWrite) -> None:
            tx.update(ticket, actions=actions, condition=_unchanged(ticket))
            tx.save(history)
            index.apply(tx, ops)
            _save_all(tx, owed)
            _settle(tx, delivered)

        return write

    return _transact(ticket_no, build)


# --- decisions ------------------------------------------------------------------------------

# What a claim changes on the ticket, and so what undoing it puts back.
CLAIMED_ATTRIBUTES = (
    "overdue_since",
    "pending",
    "status",
    "state",
    "step",
    "role",
    "inbox_key",
    "inbox_at",
    "last_decision",
    "forms",
    "deciders",
    "forwarding",
)


# What an applicant's correction (AJUKAN ULANG) changes besides (the location too: it is the
# application's parcel); kept for undoing it only when the decision made one.
CORRECTED_ATTRIBUTES = ("application", "region")


def claim_record(ticket: TicketModel, decision: Decision) -> dict[str, Any]:
    """What undoing this claim needs, should its task token turn out dead."""
    corrected = CORRECTED_ATTRIBUTES if decision.correction else ()
    return {
        "ticket_no": ticket.ticket_no,
        "version": ticket.version + 1,
        "state": decision.step.state,
        "decided_at": decision.decided_at,
        "actor_email": decision.actor_email,
        "restore": {name: getattr(ticket, name) for name in CLAIMED_ATTRIBUTES + corrected},
        "marker_before": _marker_before(ticket, decision.actor_email),
    }


def _marker_before(ticket: TicketModel, email: str) -> dict[str, Any] | None:
    """The official's DECIDED marker of this ticket as it stands before this decision."""
    if ticket.deciders is None:  # a ticket from before `deciders`: read the marker
        marker = decided_marker(email, ticket.ticket_no)
        return marker.serialize() if marker else None
    earlier = ticket.deciders.get(email)
    if not earlier:
        return None
    return _marker(ticket, email, earlier["decided_at"], earlier["action"]).serialize()


def _marker(ticket: TicketModel, email: str, decided_at: str, action: str) -> DecidedModel:
    return DecidedModel(
        f"DECIDED#{email}",
        ticket.ticket_no,
        permit_type=ticket.permit_type,
        search_text=ticket.search_text,
        decided_at=decided_at,
        action=action,
    )


def claim(
    ticket: TicketModel,
    decision: Decision,
    outcome: Outcome,
    owed: list[OutboxModel],
    first_by_actor: bool,
    session: SessionCheck | None = None,
) -> TicketModel:
    """Take the pending step for this decision, with what it owes (the `SendTaskSuccess`):
    exactly one claim per step succeeds. With `session`, only while the decider's account
    stands as its token says (`SessionChanged` otherwise)."""
    pending = ticket.pending or {}
    changes = _claim_changes(ticket, decision, outcome)
    changes["forwarding"] = {"entries": [o.id for o in owed], "state": decision.step.state}
    actions = [_action(getattr(TicketModel, name), value) for name, value in changes.items()]
    history = HistoryModel(
        ticket.ticket_no,
        f"{decision.decided_at}#DECISION",
        entered_at=pending.get("entered_at"),
        **decision.as_history(),
    )
    marker = _marker(ticket, decision.actor_email, decision.decided_at, decision.action)
    ops = _inbox_ops(ticket, None, None)
    if first_by_actor:
        ops += index.enter(index.decided_scope(decision.actor_email), ticket)

    def write(tx: TransactWrite) -> None:
        if session:
            sessions.carry(tx, session)
        tx.update(
            ticket,
            actions=actions,
            # The version changes with every write, so an unchanged version means the
            # pending step (and its task token) is the one this decision was made on.
            condition=(TicketModel.version == ticket.version) & TicketModel.pending.exists(),
        )
        tx.save(history, condition=HistoryModel.seq.does_not_exist())
        tx.save(marker)
        index.apply(tx, ops)
        _save_all(tx, owed)

    try:
        _commit(write)
    except TransactWriteError as error:
        if session and sessions.refused(error):
            raise SessionChanged() from None
        if condition_failed(error):
            raise Conflict(
                "Langkah ini sudah diputuskan oleh pengguna lain atau data sudah berubah. "
                "Muat ulang halaman untuk melihat status terbaru.",
                code="STEP_ALREADY_DECIDED",
            ) from None
        raise
    return _with(ticket, changes)


def _claim_changes(ticket: TicketModel, decision: Decision, outcome: Outcome) -> dict[str, Any]:
    """Attribute → new value (None: removed). The condition on `version` makes the new
    version exactly one more, so the claimed ticket is known without reading it back."""
    changes: dict[str, Any] = {
        "pending": None,
        "inbox_key": None,
        "inbox_at": None,
        "overdue_since": None,
        "status": outcome.status,
        "last_decision": decision.as_last(),
        "updated_at": decision.decided_at,
        "version": ticket.version + 1,
    }
    if outcome.step:
        changes |= {
            "state": outcome.step.state,
            "step": outcome.step.step,
            "role": outcome.step.role,
        }
    else:
        changes["role"] = None
    if decision.forms:
        changes["forms"] = {**(ticket.forms or {}), **decision.forms}
    if decision.correction:
        changes |= {name: decision.correction[name] for name in (*CORRECTED_ATTRIBUTES, "location")}
    if ticket.deciders is not None:
        mine = {"decided_at": decision.decided_at, "action": decision.action}
        changes["deciders"] = {**ticket.deciders, decision.actor_email: mine}
    return changes


def _action(attribute: Any, value: Any) -> Any:
    return attribute.remove() if value is None else attribute.set(value)


def _with(ticket: TicketModel, changes: dict[str, Any]) -> TicketModel:
    """A copy of `ticket` as the transaction left it."""
    copy = TicketModel.from_raw_data(ticket.serialize())
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def decided_marker(email: str, ticket_no: str) -> DecidedModel | None:
    try:
        return DecidedModel.get(f"DECIDED#{email}", ticket_no, consistent_read=True)
    except DoesNotExist:
        return None


def undo_claim(record: dict[str, Any]) -> bool:
    """Undo a claim whose decision never reached the workflow (its token died first).

    Untouched since the claim: the ticket as it was, back in its inbox. Changed since (the
    step reopened after a timeout, an escalation logged, a document confirmed) but the
    claim's decision still the last one: only the decision's own traces, and the overdue
    mark it had. Anything else: a later decision stands; nothing to undo.
    """
    restore = record["restore"]

    def build(ticket: TicketModel) -> Write | None:
        corrected = tuple(name for name in CORRECTED_ATTRIBUTES if name in restore)
        if ticket.version == record["version"]:
            names: tuple[str, ...] = CLAIMED_ATTRIBUTES + corrected
            ops = _back_in_inbox(ticket, restore)
        elif not ticket.final and _still_last(ticket, record):
            names, ops = ("last_decision", "forms", "deciders", "forwarding", *corrected), []
            if ticket.inbox_key and restore.get("overdue_since") and not ticket.overdue_since:
                names += ("overdue_since",)
                ops.append(index.put_overdue(ticket.inbox_key, ticket, restore["overdue_since"]))
        else:
            return None
        actions = [
            getattr(TicketModel, name).set(restore[name])
            if restore.get(name) is not None
            else getattr(TicketModel, name).remove()
            for name in names
        ]
        if "application" in names:  # the parcel is the application's, kept once
            parcel = (restore["application"] or {}).get("poligon")
            actions.append(_action(TicketModel.location, parcel))
        if not record.get("marker_before"):
            ops += index.leave(index.decided_scope(record["actor_email"]), ticket)

        def write(tx: TransactWrite) -> None:
            tx.update(
                ticket,
                actions=[*actions, TicketModel.version.add(1)],
                condition=_unchanged(ticket),
            )
            tx.delete(HistoryModel(ticket.ticket_no, f"{record['decided_at']}#DECISION"))
            if record.get("marker_before"):
                tx.save(DecidedModel.from_raw_data(record["marker_before"]))
            else:
                tx.delete(DecidedModel(f"DECIDED#{record['actor_email']}", ticket.ticket_no))
            index.apply(tx, ops)

        return write

    return _transact(record["ticket_no"], build)


def _still_last(ticket: TicketModel, record: dict[str, Any]) -> bool:
    return (ticket.last_decision or {}).get("decided_at") == record["decided_at"]


def _back_in_inbox(ticket: TicketModel, restore: dict[str, Any]) -> list[index.Op]:
    key, since = restore.get("inbox_key"), (restore.get("pending") or {}).get("entered_at")
    if not key:
        return []
    ops = index.enter(key, ticket, since)
    if restore.get("overdue_since"):
        ops.append(index.put_overdue(key, ticket, restore["overdue_since"]))
    return ops


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
    raise Conflict("Ticket sedang diperbarui oleh pengguna lain; coba lagi.", code="TICKET_BUSY")


# --- reading --------------------------------------------------------------------------------


def history(ticket_no: str) -> list[HistoryModel]:
    """In order of time; the final event last, whatever clock stamped it (its key carries the
    workflow's time of the end, the decision before it the API's)."""
    items = list(HistoryModel.query(ticket_no, consistent_read=True))
    return sorted(items, key=lambda item: item.kind == "FINAL")


@dataclass(frozen=True)
class Page:
    tickets: list[TicketModel]
    next_cursor: str | None
    total: int


def pending_page(
    keys: list[str], permit_type: str | None, q: str | None, limit: int, cursor: str | None
) -> Page:
    """Tickets waiting in the given inboxes (one per role the caller holds): oldest first,
    or the matches of a search."""
    term = search_term(q)
    if term:
        found, next_cursor = _walk(
            keys, cursor, limit, lambda k, n, s: index.search(k, term, permit_type, n, s)
        )
        total = sum(index.search_count(key, term, permit_type) for key in keys)
        return Page(_in_order(found), next_cursor, total)
    counted = [index.counts(key) for key in keys]
    total = sum(c.get(permit_type, 0) if permit_type else sum(c.values()) for c in counted)
    if permit_type:
        return _inbox_page(keys, permit_type, limit, cursor, total)
    found, next_cursor = _walk(keys, cursor, limit, lambda k, n, s: index.by_time(k, n, s))
    return Page(_in_order(found), next_cursor, total)


def _walk(
    keys: list[str],
    cursor: str | None,
    limit: int,
    query: Callable[[str, int, dict[str, Any] | None], tuple[list[str], dict[str, Any] | None]],
) -> tuple[list[str], str | None]:
    """Page through several partitions in turn; the cursor says which one and where."""
    position = decode_cursor(cursor) or {"i": 0, "k": None}
    index_no, last_key = _position(position, len(keys))
    found: list[str] = []
    while index_no < len(keys) and len(found) < limit:
        page, last_key = query(keys[index_no], limit - len(found), last_key)
        found.extend(page)
        if last_key is None:
            index_no += 1
    more = index_no < len(keys)
    return found, encode_cursor({"i": index_no, "k": last_key}) if more else None


def _position(position: dict[str, Any], count: int) -> tuple[int, dict[str, Any] | None]:
    at, last_key = position.get("i", 0), position.get("k")
    if not isinstance(at, int) or isinstance(at, bool) or not 0 <= at <= count:
        raise BadRequest("Parameter cursor tidak valid.", code="INVALID_CURSOR", field="cursor")
    if last_key is not None and not isinstance(last_key, dict):
        raise BadRequest("Parameter cursor tidak valid.", code="INVALID_CURSOR", field="cursor")
    return at, last_key


def _inbox_page(
    keys: list[str], permit_type: str, limit: int, cursor: str | None, total: int
) -> Page:
    """One permit type: the inbox index itself, ordered by waiting time within the type."""
    items: list[TicketModel] = []

    def query(key: str, n: int, start: dict[str, Any] | None) -> tuple[list[str], Any]:
        results = TicketModel.inbox.query(
            key,
            range_key_condition=TicketModel.inbox_at.startswith(f"{permit_type}#"),
            limit=n,
            last_evaluated_key=start,
            page_size=n,
        )
        page = list(results)
        items.extend(page)
        return [t.ticket_no for t in page], results.last_evaluated_key

    _, next_cursor = _walk(keys, cursor, limit, query)
    return Page(items, next_cursor, total)


def _in_order(ticket_nos: list[str]) -> list[TicketModel]:
    """The tickets, once each, in the order found (one batch read)."""
    unique = list(dict.fromkeys(ticket_nos))
    found = {t.ticket_no: t for t in _batch_get(unique)}
    return [found[no] for no in unique if no in found]


def decided_page(
    email: str, permit_type: str | None, q: str | None, limit: int, cursor: str | None
) -> Page:
    """Tickets the caller has decided: newest ticket number first, or a search's matches."""
    scope = index.decided_scope(email)
    term = search_term(q)
    if term:
        found, next_cursor = _walk(
            [scope], cursor, limit, lambda k, n, s: index.search(k, term, permit_type, n, s)
        )
        return Page(_in_order(found), next_cursor, index.search_count(scope, term, permit_type))
    counted = index.counts(scope)
    total = counted.get(permit_type, 0) if permit_type else sum(counted.values())
    results = DecidedModel.query(
        f"DECIDED#{email}",
        filter_condition=(DecidedModel.permit_type == permit_type) if permit_type else None,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=_decided_start(cursor),
        page_size=100,
    )
    markers = list(results)
    return Page(
        _in_order([m.term_sort for m in markers]),
        encode_cursor(results.last_evaluated_key),
        total,
    )


def _decided_start(cursor: str | None) -> dict[str, Any] | None:
    start = decode_cursor(cursor)
    if start is not None and not all(isinstance(v, dict) for v in start.values()):
        raise BadRequest("Parameter cursor tidak valid.", code="INVALID_CURSOR", field="cursor")
    return start


def _unread(email: str) -> CounterModel:
    return CounterModel(f"UNREAD#{email}", "-")


def unread_count(email: str) -> int:
    try:
        return max(int(CounterModel.get(f"UNREAD#{email}", "-").n), 0)
    except DoesNotExist:
        return 0


def save_notification(item: NotificationModel, owed: list[OutboxModel]) -> bool:
    """A new unread notification with what it owes (text message, email) and one more in
    the recipient's unread count; False if it was stored before."""
    item.unread_at = item.notification_id

    def write(tx: TransactWrite) -> None:
        tx.save(item, condition=NotificationModel.notification_id.does_not_exist())
        tx.update(_unread(item.recipient), actions=[CounterModel.n.add(1)])
        _save_all(tx, owed)

    return _committed(write)


def mark_read(item: NotificationModel) -> bool:
    """Read once: the flag and the unread count change together; False if read before."""

    def write(tx: TransactWrite) -> None:
        tx.update(
            item,
            actions=[NotificationModel.read.set(True), NotificationModel.unread_at.remove()],
            condition=NotificationModel.unread_at.exists(),
        )
        tx.update(_unread(item.recipient), actions=[CounterModel.n.add(-1)])

    return _committed(write)


def tickets(ticket_nos: set[str]) -> list[TicketModel]:
    """Several tickets in one batch read (missing ones are left out)."""
    return list(_batch_get(sorted(ticket_nos)))


def _batch_get(ticket_nos: list[str]) -> Iterator[TicketModel]:
    if not ticket_nos:
        return iter(())
    return TicketModel.batch_get(ticket_nos)


# --- what the use cases read and write through the ports (chalicelib/ports.py) -------------


def new_ticket(ticket_no: str, **attributes: Any) -> TicketModel:
    return TicketModel(ticket_no, deciders={}, **attributes)


def waiting_counts(inbox_key: str) -> dict[str, int]:
    """Tickets waiting in an inbox, per permit type (counters, not a scan)."""
    return index.counts(inbox_key)


def latest(inbox_key: str, limit: int) -> list[str]:
    return index.by_time(inbox_key, limit, None, True)[0]


def overdue(inbox_key: str, limit: int) -> list[str]:
    return index.overdue(inbox_key, limit)


def overdue_count(inbox_key: str) -> int:
    return index.overdue_count(inbox_key)


def new_notification(email: str, notification_id: str, **attributes: Any) -> NotificationModel:
    return NotificationModel(email, notification_id, **attributes)


def notification(email: str, notification_id: str) -> NotificationModel | None:
    try:
        return NotificationModel.get(email, notification_id)
    except DoesNotExist:
        return None


def notifications_page(
    email: str, limit: int, cursor: str | None, unread_only: bool
) -> tuple[list[NotificationModel], str | None]:
    """Newest first; `unread_only` reads the sparse index of unread ones."""
    source = NotificationModel.unread if unread_only else NotificationModel
    results = source.query(
        email,
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(cursor),
        page_size=limit,
    )
    found = list(results)
    return found, encode_cursor(results.last_evaluated_key)


def unread_notifications(email: str) -> Iterator[NotificationModel]:
    return iter(NotificationModel.unread.query(email))


def copy(ticket: TicketModel) -> TicketModel:
    """A detached copy, to show what a write will leave (the event it owes)."""
    return TicketModel.from_raw_data(ticket.serialize())


# --- tickets stored before workflows were declared ------------------------------------------

LEGACY_FORM = "rekomtek"  # the only form a ticket could carry then (Andesit's)


def adopt_declarations(ticket_no: str) -> bool:
    """Bring a ticket stored before workflows were declared up to date, once: its workflow
    and agency, its form under `forms`, and its inbox (items and counters) under the
    workflow's key. True when something changed."""

    def build(ticket: TicketModel) -> Write | None:
        try:
            workflow = declared.workflow_of(ticket)
        except KeyError:  # a workflow this deployment does not declare: not ours to change
            return None
        actions: list[Any] = []
        if not ticket.workflow or not ticket.agency:
            actions += [
                TicketModel.workflow.set(workflow.id),
                TicketModel.agency.set(workflow.agency),
            ]
        if ticket.legacy_form is not None:
            forms = {LEGACY_FORM: ticket.legacy_form, **(ticket.forms or {})}
            actions += [TicketModel.forms.set(forms), TicketModel.legacy_form.remove()]
        ops: list[index.Op] = []
        if ticket.inbox_key and ticket.pending:
            step = Step.from_message(ticket.pending)
            key = policy.inbox_key(workflow.id, step.role, ticket.region, step.region_scoped)
            if key != ticket.inbox_key:
                ops = _inbox_ops(ticket, key, ticket.entered_at)
                if ticket.overdue_since:
                    ops.append(index.put_overdue(key, ticket, ticket.overdue_since))
                actions.append(TicketModel.inbox_key.set(key))
        if not actions:
            return None

        def write(tx: TransactWrite) -> None:
            tx.update(
                ticket,
                actions=[*actions, TicketModel.version.add(1)],
                condition=_unchanged(ticket),
            )
            index.apply(tx, ops)

        return write

    return _transact(ticket_no, build)


def ticket_numbers() -> Iterator[str]:
    """Every ticket's number (a scan: for one-off maintenance, never for a request)."""
    for ticket in TicketModel.scan(attributes_to_get=["ticket_no"]):
        yield ticket.ticket_no
