"""The events a ticket publishes, as typed contracts: what the notifications and the PTSP
callbacks consumers may rely on (published on SNS, JSON on the wire)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

STEP_ENTERED = "ticket.step"
STEP_OVERDUE = "ticket.overdue"
DECIDED = "ticket.decided"

EventType = Literal["ticket.step", "ticket.overdue", "ticket.decided"]


class TicketEvent(TypedDict):
    """A step waits (`ticket.step`), a step is past its time (`ticket.overdue`) or the
    ticket is decided for good (`ticket.decided`, with its final `status`)."""

    type: NotRequired[EventType]  # added by the publisher
    ticket_no: str
    workflow: str
    agency: str
    integrations: list[str]  # what the workflow declares, e.g. ["ptsp_callback"]
    step: str | None
    role: str | None
    region_scoped: bool
    region: str
    at: str
    ticket: dict[str, Any]  # the ticket's summary, as a list row shows it
    last_decision: dict[str, Any] | None
    status: NotRequired[str]
