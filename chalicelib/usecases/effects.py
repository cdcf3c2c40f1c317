"""The effects an outbox entry can owe, by kind, and the two ways they are carried out:
at once by the writer (`carry_out`), or later by the sweeper (`sweep`)."""

from __future__ import annotations

from typing import Any

from chalicelib import declared
from chalicelib.errors import PermanentFailure, StepNoLongerWaiting
from chalicelib.ports import Entry, ports

COMPLETE_STEP = "workflow.complete"
START_WORKFLOW = "workflow.start"
PUBLISH_EVENT = "event.publish"
SEND_SMS = "sms"
SEND_EMAIL = "email"
SEND_WHATSAPP = "whatsapp"


def complete_step(payload: dict[str, Any]) -> None:
    """Send the decision to the waiting step. A dead token is settled at once: if the
    execution has the decision (an earlier send whose reply was lost), it stands; if not,
    the claim it came from is undone and `StepNoLongerWaiting` raised."""
    runtime = ports().runtime
    try:
        runtime.complete(payload["task_token"], payload["output"])
    except StepNoLongerWaiting:
        execution = payload.get("execution")
        if execution and runtime.was_delivered(execution, payload["output"]):
            return
        ports().tickets.undo_claim(payload["claim"])
        raise


def _complete_step_later(payload: dict[str, Any]) -> None:
    try:
        complete_step(payload)
    except StepNoLongerWaiting as error:
        raise PermanentFailure(str(error)) from error


def start_workflow(payload: dict[str, Any]) -> None:
    arn = ports().runtime.start(_workflow(payload), payload["ticket_no"], payload["input"])
    ports().tickets.set_execution(payload["ticket_no"], arn)


def _workflow(payload: dict[str, Any]) -> str:
    """Entries owed before workflows were declared do not name theirs: the ticket does."""
    if payload.get("workflow"):
        return payload["workflow"]
    return declared.workflow_of(ports().tickets.get(payload["ticket_no"])).id


def publish_event(payload: dict[str, Any]) -> None:
    event = payload["event"]
    if "integrations" not in event:  # owed before events named their workflow
        workflow = declared.workflow_of(ports().tickets.get(event["ticket_no"]))
        event = {
            **event,
            "workflow": workflow.id,
            "agency": workflow.agency,
            "integrations": sorted(workflow.integrations),
        }
    ports().events.publish(payload["type"], event)


def send_sms(payload: dict[str, Any]) -> None:
    ports().channels.send_sms(payload["phone"], payload["text"])


def send_email(payload: dict[str, Any]) -> None:
    ports().channels.send_email(payload["address"], payload["title"], payload["text"])


def send_whatsapp(payload: dict[str, Any]) -> None:
    ports().channels.send_whatsapp(
        payload["phone"], payload["template"], payload["parameters"], payload.get("language", "id")
    )


EFFECTS = {
    COMPLETE_STEP: _complete_step_later,
    START_WORKFLOW: start_workflow,
    PUBLISH_EVENT: publish_event,
    SEND_SMS: send_sms,
    SEND_EMAIL: send_email,
    SEND_WHATSAPP: send_whatsapp,
}


def owe(kind: str, payload: dict[str, Any]) -> Entry:
    if kind not in EFFECTS:
        raise KeyError(kind)
    return ports().outbox.entry(kind, payload)


def event(event_type: str, payload: dict[str, Any]) -> Entry:
    return owe(PUBLISH_EVENT, {"type": event_type, "event": payload})


def carry_out(items: list[Entry]) -> None:
    ports().outbox.carry_out(items, EFFECTS)


def sweep() -> int:
    return ports().outbox.sweep(EFFECTS)


def done(item: Entry) -> None:
    ports().outbox.done(item)
