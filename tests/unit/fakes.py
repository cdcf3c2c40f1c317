"""In-memory fakes of the ports (chalicelib/ports.py): the use cases run on them in
milliseconds, with no AWS, no moto and no network.

They keep the contracts the use cases rely on (a claim succeeds once per step, a webhook id
creates one ticket, a notification id is stored once) and record what went out (workflow
starts and completions, events, text messages, emails) for the tests to look at.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from chalicelib.auth.session import SessionChanged, SessionCheck
from chalicelib.core import policy
from chalicelib.core.catalog import Catalog
from chalicelib.core.definition import Outcome, Step, WorkflowDefinition
from chalicelib.core.records import Decision, enter_step
from chalicelib.errors import Conflict, NotFound, StepNoLongerWaiting
from chalicelib.ports import Ports

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "declarations"

TICKET_DEFAULTS: dict[str, Any] = {
    "workflow": None,
    "agency": None,
    "applicant": {},
    "location": None,
    "ptsp_documents": [],
    "documents": {},
    "forms": None,
    "last_decision": None,
    "state": None,
    "step": None,
    "role": None,
    "final": False,
    "pending": None,
    "entered_at": None,
    "overdue_count": 0,
    "overdue_since": None,
    "inbox_key": None,
    "inbox_at": None,
    "execution_arn": None,
    "webhook_id": None,
    "decided_at": None,
    "forwarding": None,
    "version": 0,
}


def history_entry(kind: str, status: str, at: str, **fields: Any) -> SimpleNamespace:
    """One item of a ticket's history, with every attribute the store's items have."""
    blank = dict.fromkeys(
        ("state", "step", "role", "actor_key", "actor_name", "action", "result", "note", "details")
    )
    return SimpleNamespace(
        kind=kind, status=status, entered_at=at, decided_at=at, **{**blank, **fields}
    )


class FakeTicket(SimpleNamespace):
    @property
    def applicant_email(self) -> str | None:
        return (self.applicant or {}).get("email")


@dataclass
class FakePage:
    tickets: list[Any]
    next_cursor: str | None
    total: int


class FakeTickets:
    """TicketRepository and NotificationStore."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.rows: dict[str, FakeTicket] = {}
        self.webhooks: dict[str, str] = {}
        self.logs: dict[str, list[Any]] = {}
        self.decided: dict[str, list[str]] = {}
        self.outbox: FakeOutbox | None = None  # where a delivered decision's entries are settled
        self.notes: dict[tuple[str, str], Any] = {}
        self.saved_owed: list[Any] = []
        # email -> when an administrator last changed the account (epoch seconds)
        self.account_changes: dict[str, float] = {}

    # --- tickets --------------------------------------------------------------------------

    def new_ticket(self, ticket_no: str, **attributes: Any) -> FakeTicket:
        return FakeTicket(ticket_no=ticket_no, **{**TICKET_DEFAULTS, **attributes})

    def copy(self, ticket: FakeTicket) -> FakeTicket:
        return copy.deepcopy(ticket)

    def get(self, ticket_no: str, consistent: bool = True) -> FakeTicket:
        found = self.find(ticket_no)
        if found is None:
            raise NotFound(f"Ticket {ticket_no} tidak ditemukan.", code="TICKET_NOT_FOUND")
        return found

    def find(self, ticket_no: str) -> FakeTicket | None:
        row = self.rows.get(ticket_no)
        return copy.deepcopy(row) if row else None

    def ticket_for_webhook(self, webhook_id: str) -> FakeTicket | None:
        no = self.webhooks.get(webhook_id)
        return self.find(no) if no else None

    def tickets(self, ticket_nos: set[str]) -> list[FakeTicket]:
        return [self.get(no) for no in ticket_nos if no in self.rows]

    def create(
        self, ticket: FakeTicket, webhook_id: str, owed: list[Any], source: str = "PTSP"
    ) -> tuple[FakeTicket, bool]:
        if webhook_id in self.webhooks or ticket.ticket_no in self.rows:
            return self.get(self.webhooks.get(webhook_id, ticket.ticket_no)), False
        self.rows[ticket.ticket_no] = copy.deepcopy(ticket)
        self.webhooks[webhook_id] = ticket.ticket_no
        self.logs[ticket.ticket_no] = [
            history_entry("ARRIVAL", ticket.status, at=ticket.created_at, actor_name=source)
        ]
        self.saved_owed += owed
        return self.get(ticket.ticket_no), True

    def set_execution(self, ticket_no: str, execution_arn: str) -> None:
        self.rows[ticket_no].execution_arn = execution_arn

    def search_text(self, *parts: str | None) -> str:
        return " ".join(p.lower() for p in parts if p)

    def history(self, ticket_no: str) -> list[Any]:
        return list(self.logs.get(ticket_no, []))

    def is_reopened(self, ticket: FakeTicket, step: Step) -> bool:
        return bool(ticket.pending) and ticket.pending.get("state") == step.state

    def with_step(self, ticket: FakeTicket, step: Step, message: dict[str, Any]) -> FakeTicket:
        return enter_step(self.copy(ticket), step, message)

    def record_step(
        self, ticket_no: str, step: Step, message: dict[str, Any], owed_for: Any
    ) -> bool:
        row = self.rows[ticket_no]
        if row.pending and row.pending["task_token"] == message["task_token"]:
            return False
        owed = owed_for(self.get(ticket_no))
        self._settle(row, step.state)
        workflow = row.workflow or ""
        enter_step(row, step, message)
        row.inbox_key = policy.inbox_key(workflow, step.role, row.region, step.region_scoped)
        row.entered_at = row.inbox_at = message["entered_at"]
        row.version += 1
        self.saved_owed += owed
        return True

    def record_overdue(self, ticket_no: str, message: dict[str, Any], owed_for: Any) -> bool:
        row = self.rows[ticket_no]
        owed = owed_for(self.get(ticket_no))
        row.overdue_since = row.overdue_since or row.entered_at
        row.overdue_count += 1
        row.version += 1
        self.saved_owed += owed
        return True

    def finalize(self, ticket_no: str, message: dict[str, Any], owed_for: Any) -> bool:
        row = self.rows[ticket_no]
        if row.final:
            return False
        owed = owed_for(self.get(ticket_no))
        self._settle(row, None)
        row.final, row.status = True, message["status"]
        row.decided_at = self.final_decision_time(row, message)
        row.version += 1
        self.logs.setdefault(ticket_no, []).append(
            history_entry("FINAL", message["status"], at=row.decided_at, action=message["status"])
        )
        self.saved_owed += owed
        return True

    def _settle(self, row: FakeTicket, state: str | None) -> None:
        """Recording another state (or the end) proves the claimed decision delivered."""
        if row.forwarding and row.forwarding["state"] != state and self.outbox:
            for item in row.forwarding["entries"]:
                self.outbox.done(item)
            row.forwarding = None

    def final_decision_time(self, ticket: FakeTicket, message: dict[str, Any]) -> str:
        return (ticket.last_decision or {}).get("decided_at") or message["entered_at"]

    def claim_record(self, ticket: FakeTicket, decision: Decision) -> dict[str, Any]:
        return {
            "ticket_no": ticket.ticket_no,
            "version": ticket.version + 1,
            "restore": copy.deepcopy(vars(ticket)),
            "actor_email": decision.actor_email,
            "marker_before": (
                ticket.ticket_no
                if ticket.ticket_no in self.decided.get(decision.actor_email, [])
                else None
            ),
        }

    def claim(
        self,
        ticket: FakeTicket,
        decision: Decision,
        outcome: Outcome,
        owed: list[Any],
        first_by_actor: bool,
        session: SessionCheck | None = None,
    ) -> FakeTicket:
        changed = self.account_changes.get(session.email) if session else None
        if session and changed is not None and not changed < session.issued_at:
            raise SessionChanged()
        row = self.rows[ticket.ticket_no]
        if row.version != ticket.version or not row.pending:
            raise Conflict("Langkah ini sudah diputuskan.", code="STEP_ALREADY_DECIDED")
        row.pending = row.inbox_key = row.inbox_at = row.overdue_since = None
        row.status = outcome.status
        if outcome.step:
            row.state, row.step, row.role = outcome.step.state, outcome.step.step, outcome.step.role
        else:
            row.role = None
        row.last_decision = decision.as_last()
        row.forwarding = {"entries": list(owed), "state": decision.step.state}
        if decision.forms:
            row.forms = {**(row.forms or {}), **decision.forms}
        for name in ("application", "location", "region") if decision.correction else ():
            setattr(row, name, decision.correction[name])
        row.version += 1
        entered_at = (ticket.pending or {}).get("entered_at")
        self.logs.setdefault(row.ticket_no, []).append(
            SimpleNamespace(entered_at=entered_at, **decision.as_history())
        )
        if first_by_actor:
            self.decided.setdefault(decision.actor_email, []).append(row.ticket_no)
        self.saved_owed += owed
        return self.get(row.ticket_no)

    def undo_claim(self, record: dict[str, Any]) -> bool:
        row = self.rows[record["ticket_no"]]
        if row.version != record["version"]:
            return False
        self.rows[record["ticket_no"]] = FakeTicket(**record["restore"])
        self.rows[record["ticket_no"]].version = row.version + 1
        if not record["marker_before"]:
            self.decided.get(record["actor_email"], []).remove(record["ticket_no"])
        return True

    def update_documents(self, ticket_no: str, change: Any) -> FakeTicket:
        row = self.rows[ticket_no]
        row.documents = change(row.documents or {})
        row.version += 1
        return self.get(ticket_no)

    # --- lists ----------------------------------------------------------------------------

    def _in(self, keys: Iterable[str]) -> list[FakeTicket]:
        wanted = set(keys)
        return [self.get(no) for no, row in self.rows.items() if row.inbox_key in wanted]

    def _filtered(self, rows: list[FakeTicket], permit_type: str | None, q: str | None) -> list:
        term = (q or "").lower()
        return [
            t
            for t in rows
            if (not permit_type or t.permit_type == permit_type)
            and (not term or term in t.search_text or term == t.ticket_no.lower())
        ]

    def pending_page(
        self, keys: list[str], permit_type: str | None, q: str | None, limit: int, cursor: Any
    ) -> FakePage:
        found = self._filtered(self._in(keys), permit_type, q)
        found.sort(key=lambda t: t.inbox_at or "")
        return FakePage(found[:limit], None, len(found))

    def decided_page(
        self, email: str, permit_type: str | None, q: str | None, limit: int, cursor: Any
    ) -> FakePage:
        found = self._filtered([self.get(no) for no in self.decided.get(email, [])], permit_type, q)
        return FakePage(found[:limit], None, len(found))

    def waiting_counts(self, inbox_key: str) -> dict[str, int]:
        return dict(Counter(t.permit_type for t in self._in([inbox_key])))

    def latest(self, inbox_key: str, limit: int) -> list[str]:
        rows = sorted(self._in([inbox_key]), key=lambda t: t.inbox_at or "", reverse=True)
        return [t.ticket_no for t in rows[:limit]]

    def overdue(self, inbox_key: str, limit: int) -> list[str]:
        return [t.ticket_no for t in self._in([inbox_key]) if t.overdue_since][:limit]

    def overdue_count(self, inbox_key: str) -> int:
        return len(self.overdue(inbox_key, 10**6))

    # --- notifications --------------------------------------------------------------------

    def new_notification(self, email: str, notification_id: str, **attributes: Any) -> Any:
        return SimpleNamespace(
            recipient=email, notification_id=notification_id, read=False, **attributes
        )

    def save_notification(self, item: Any, owed: list[Any]) -> bool:
        key = (item.recipient, item.notification_id)
        if key in self.notes:
            return False
        self.notes[key] = item
        self.saved_owed += owed
        return True

    def notification(self, email: str, notification_id: str) -> Any:
        return self.notes.get((email, notification_id))

    def notifications_page(
        self, email: str, limit: int, cursor: str | None, unread_only: bool
    ) -> tuple[list[Any], str | None]:
        mine = [n for (who, _), n in sorted(self.notes.items(), reverse=True) if who == email]
        return [n for n in mine if not (unread_only and n.read)][:limit], None

    def unread_notifications(self, email: str) -> list[Any]:
        return [n for (who, _), n in self.notes.items() if who == email and not n.read]

    def mark_read(self, item: Any) -> bool:
        if item.read:
            return False
        item.read = True
        return True

    def unread_count(self, email: str) -> int:
        return len(self.unread_notifications(email))


class FakeRuntime:
    """The workflows' state machines: definitions read from their ASL files."""

    def __init__(self, catalog: Catalog) -> None:
        self.definitions = {
            w.id: WorkflowDefinition.from_json(w.asl_path.read_text(encoding="utf-8"))
            for w in catalog.workflows.values()
        }
        self.started: list[tuple[str, str, dict[str, Any]]] = []
        self.completed: list[tuple[str, dict[str, Any]]] = []
        self.dead_tokens: set[str] = set()

    def definition(self, workflow: str) -> WorkflowDefinition:
        return self.definitions[workflow]

    def start(self, workflow: str, ticket_no: str, payload: dict[str, Any]) -> str:
        self.started.append((workflow, ticket_no, payload))
        return f"arn:aws:states:::execution:etracking-{workflow}:{ticket_no}"

    def complete(self, task_token: str, decision: dict[str, Any]) -> None:
        if task_token in self.dead_tokens:
            raise StepNoLongerWaiting("Langkah ini sudah tidak menunggu keputusan.")
        self.dead_tokens.add(task_token)  # a token works once
        self.completed.append((task_token, decision))

    def was_delivered(self, execution_arn: str, decision: dict[str, Any]) -> bool:
        return any(done == decision for _, done in self.completed)


class FakeOutbox:
    def __init__(self) -> None:
        self.pending: list[Any] = []

    def entry(self, kind: str, payload: dict[str, Any]) -> Any:
        item = SimpleNamespace(kind=kind, payload=payload)
        self.pending.append(item)
        return item

    def done(self, item: Any) -> None:
        if item in self.pending:
            self.pending.remove(item)

    def carry_out(self, items: Iterable[Any], effects: dict[str, Any]) -> None:
        for item in items:
            effects[item.kind](item.payload)
            self.done(item)

    def sweep(self, effects: dict[str, Any], limit: int = 100) -> int:
        due = list(self.pending)[:limit]
        self.carry_out(due, effects)
        return len(due)


@dataclass
class FakeEvents:
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def publish(self, event_type: str, payload: dict[str, Any]) -> None:
        self.published.append((event_type, payload))


@dataclass
class FakeChannels:
    sms: list[tuple[str, str]] = field(default_factory=list)
    emails: list[tuple[str, str, str]] = field(default_factory=list)
    whatsapp: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def send_sms(self, phone: str, text: str) -> None:
        self.sms.append((phone, text))

    def send_email(self, address: str, subject: str, text: str) -> None:
        self.emails.append((address, subject, text))

    def send_whatsapp(self, phone: str, template: str, parameters: list[str], language: str) -> str:
        self.whatsapp.append((phone, template, parameters))
        return f"wamid.{len(self.whatsapp)}"


@dataclass
class FakeUsers:
    people: list[Any] = field(default_factory=list)

    def add(
        self,
        email: str,
        roles: list[str],
        agency: str | None,
        region: str | None = None,
        phone: str | None = None,
        name: str = "",
    ) -> Any:
        person = SimpleNamespace(
            email=email,
            roles=roles,
            agency=agency,
            region=region,
            phone=phone,
            name=name or email,
            enabled=True,
        )
        self.people.append(person)
        return person

    def members(self, role: str, region: str | None = None, agency: str | None = None) -> list:
        return [
            p
            for p in self.people
            if role in p.roles
            and p.enabled
            and (not region or p.region == region)
            and (not agency or p.agency == agency)
        ]

    def get(self, email: str) -> Any:
        found = next((p for p in self.people if p.email == email), None)
        if found is None:
            raise NotFound(f"Pengguna {email} tidak ditemukan.", code="USER_NOT_FOUND")
        return found

    def list(self, role: str | None = None) -> list[Any]:
        return [p for p in self.people if not role or role in p.roles]

    def create(self, email: str, name: str, roles: list[str], **kwargs: Any) -> tuple[Any, None]:
        return self.add(email, roles, kwargs.get("agency"), kwargs.get("region"), name=name), None

    def update(self, email: str, changes: dict[str, Any]) -> Any:
        person = self.get(email)
        for key, value in changes.items():
            setattr(person, key, value)
        return person


class FakeClock:
    def __init__(self, start: str = "2026-11-26T02:00:00+00:00") -> None:
        self.now = datetime.fromisoformat(start)

    def now_iso(self) -> str:
        self.now += timedelta(microseconds=1)  # every call a distinct instant, like a clock
        return self.now.astimezone(UTC).isoformat()


class FakeThrottle:
    """Failures per key (every window is the same window here)."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def failures(self, key: str, window_seconds: int) -> int:
        return self.counts.get(key, 0)

    def fail(self, key: str, window_seconds: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1


class Unused:
    """A port these tests never reach: touching it is a failure of the test's premise."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attribute: str) -> Any:
        raise AssertionError(f"the {self.name} port was not expected to be used ({attribute})")


@dataclass
class World:
    """The fakes behind one test's ports, to arrange and to look at."""

    catalog: Catalog
    tickets: FakeTickets
    runtime: FakeRuntime
    outbox: FakeOutbox
    events: FakeEvents
    channels: FakeChannels
    users: FakeUsers
    clock: FakeClock
    throttle: FakeThrottle = field(default_factory=lambda: FakeThrottle())

    def ports(self) -> Ports:
        return Ports(
            tickets=self.tickets,
            notifications=self.tickets,
            runtime=self.runtime,
            outbox=self.outbox,
            events=self.events,
            channels=self.channels,
            users=self.users,
            clock=self.clock,
            files=Unused("files"),  # type: ignore[arg-type]
            uploads=Unused("uploads"),  # type: ignore[arg-type]
            ptsp=Unused("ptsp"),  # type: ignore[arg-type]
            throttle=self.throttle,
            decrees=Unused("decrees"),  # type: ignore[arg-type]
        )


def world(catalog: Catalog) -> World:
    tickets, outbox = FakeTickets(catalog), FakeOutbox()
    tickets.outbox = outbox
    return World(
        catalog=catalog,
        tickets=tickets,
        runtime=FakeRuntime(catalog),
        outbox=outbox,
        events=FakeEvents(),
        channels=FakeChannels(),
        users=FakeUsers(),
        clock=FakeClock(),
    )
