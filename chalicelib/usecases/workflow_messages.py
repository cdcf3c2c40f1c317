"""Messages the state machine sends to the workflow-tasks queue, handled once each.

`step`: a human step now waits (record it with its task token); `overdue`: a step timed
out (escalate); `final`: the ticket reached a final status (record it, tell PTSP).
Replays are harmless: each write is conditional on the message being new. The event a
message owes is written in the same transaction (the outbox), so it is never lost.
"""

from __future__ import annotations

from typing import Any

from chalicelib import declared
from chalicelib.core import events
from chalicelib.core.definition import Step
from chalicelib.core.events import TicketEvent
from chalicelib.ports import Entry, Ticket, ports
from chalicelib.usecases import effects
from chalicelib.usecases import tickets as service


def handle(message: dict[str, Any]) -> None:
    kind = message.get("type")
    if kind == "step":
        _step(message)
    elif kind == "overdue":
        _overdue(message)
    elif kind == "final":
        _final(message)
    else:
        raise ValueError(f"unknown workflow message type {kind!r}")


def _step(message: dict[str, Any]) -> None:
    step = Step.from_message(message)
    owed: list[Entry] = []

    def owed_for(ticket: Ticket) -> list[Entry]:
        owed.clear()
        if not ports().tickets.is_reopened(ticket, step):  # a reopened step was escalated already
            after = ports().tickets.with_step(ticket, step, message)
            owed.append(effects.event(events.STEP_ENTERED, _event(after, message)))
        return owed

    if ports().tickets.record_step(message["ticket_no"], step, message, owed_for):
        effects.carry_out(owed)


def _overdue(message: dict[str, Any]) -> None:
    owed: list[Entry] = []

    def owed_for(ticket: Ticket) -> list[Entry]:
        owed[:] = [effects.event(events.STEP_OVERDUE, _event(ticket, message))]
        return owed

    if ports().tickets.record_overdue(message["ticket_no"], message, owed_for):
        effects.carry_out(owed)


def _final(message: dict[str, Any]) -> None:
    owed: list[Entry] = []

    def owed_for(ticket: Ticket) -> list[Entry]:
        after = ports().tickets.copy(ticket)
        after.final, after.status = True, message["status"]
        after.decided_at = ports().tickets.final_decision_time(ticket, message)
        event = {**_event(after, message), "status": after.status}
        owed[:] = [effects.event(events.DECIDED, event)]
        return owed

    if ports().tickets.finalize(message["ticket_no"], message, owed_for):
        effects.carry_out(owed)


def _event(ticket: Ticket, message: dict[str, Any]) -> TicketEvent:
    workflow = declared.workflow_of(ticket)
    return {
        "ticket_no": ticket.ticket_no,
        "workflow": workflow.id,
        "agency": workflow.agency,
        "integrations": sorted(workflow.integrations),
        "step": message.get("step"),
        "role": message.get("role"),
        "region_scoped": bool(message.get("region_scoped")),
        "region": ticket.region,
        "at": message["entered_at"],
        "ticket": service.summary(ticket),
        "last_decision": ticket.last_decision,
    }
