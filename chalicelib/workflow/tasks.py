"""Messages the state machine sends to the workflow-tasks queue, handled once each.

`step`: a human step now waits (record it with its task token); `overdue`: a step timed
out (escalate); `final`: the ticket reached a final status (record it, tell PTSP).
Replays are harmless: each write is conditional on the message being new.
"""

from __future__ import annotations

from typing import Any

from chalicelib import events
from chalicelib.tickets import service, store


def handle(message: dict[str, Any]) -> None:
    kind = message.get("type")
    if kind == "step":
        recorded = store.record_step(message)
        if recorded is not None and not recorded[1]:  # a reopened step was escalated already
            events.publish(events.STEP_ENTERED, _event(recorded[0], message))
    elif kind == "overdue":
        ticket = store.record_overdue(message)
        if ticket is not None:
            events.publish(events.STEP_OVERDUE, _event(ticket, message))
    elif kind == "final":
        ticket = store.finalize(message)
        # Published on every replay too: PTSP deliveries share one webhook-id per ticket.
        events.publish(events.DECIDED, {**_event(ticket, message), "status": ticket.status})
    else:
        raise ValueError(f"unknown workflow message type {kind!r}")


def _event(ticket: Any, message: dict[str, Any]) -> dict[str, Any]:
    return {
        "ticket_no": ticket.ticket_no,
        "step": message.get("step"),
        "role": message.get("role"),
        "region_scoped": bool(message.get("region_scoped")),
        "region": ticket.region,
        "at": message["entered_at"],
        "ticket": service.summary(ticket),
        "last_decision": ticket.last_decision,
    }
