"""The effects an outbox entry can owe, by kind, and the two ways they are carried out:
at once by the writer (`carry_out`), or later by the sweeper (`sweep`)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib import declared, events, outbox
from chalicelib.aws import client
from chalicelib.notifications import email
from chalicelib.settings import settings
from chalicelib.tickets import store
from chalicelib.tickets.models import OutboxModel
from chalicelib.workflow import engine

COMPLETE_STEP = "workflow.complete"
START_WORKFLOW = "workflow.start"
PUBLISH_EVENT = "event.publish"
SEND_SMS = "sms"
SEND_EMAIL = "email"
# SNS refuses these for good (a malformed number, an opted-out phone): retrying cannot help.
PERMANENT_SNS_ERRORS = {"InvalidParameter", "InvalidParameterValue", "OptedOut"}


def complete_step(payload: dict[str, Any]) -> None:
    """Send the decision to the waiting step. A dead token is settled at once: if the
    execution has the decision (an earlier send whose reply was lost), it stands; if not,
    the claim it came from is undone and `StepNoLongerWaiting` raised."""
    try:
        engine.complete(payload["task_token"], payload["output"])
    except engine.StepNoLongerWaiting:
        execution = payload.get("execution")
        if execution and engine.was_delivered(execution, payload["output"]):
            return
        store.undo_claim(payload["claim"])
        raise


def _complete_step_later(payload: dict[str, Any]) -> None:
    try:
        complete_step(payload)
    except engine.StepNoLongerWaiting as error:
        raise outbox.Permanent(str(error)) from error


def start_workflow(payload: dict[str, Any]) -> None:
    arn = engine.start(_workflow(payload), payload["ticket_no"], payload["input"])
    store.set_execution(payload["ticket_no"], arn)


def _workflow(payload: dict[str, Any]) -> str:
    """Entries owed before workflows were declared do not name theirs: the ticket does."""
    return payload.get("workflow") or declared.workflow_of(store.get(payload["ticket_no"])).id


def publish_event(payload: dict[str, Any]) -> None:
    events.publish(payload["type"], payload["event"])


def _sns(call: Any, **kwargs: Any) -> None:
    try:
        call(**kwargs)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in PERMANENT_SNS_ERRORS:
            raise outbox.Permanent(str(error)) from error
        raise


def send_sms(payload: dict[str, Any]) -> None:
    _sns(client("sns").publish, PhoneNumber=payload["phone"], Message=payload["text"])


def send_email(payload: dict[str, Any]) -> None:
    _sns(
        email.send,
        sns=client("sns"),
        topic_arn=settings().official_alerts_topic_arn,
        email=payload["address"],
        subject=payload["title"],
        text=payload["text"],
    )


EFFECTS = {
    COMPLETE_STEP: _complete_step_later,
    START_WORKFLOW: start_workflow,
    PUBLISH_EVENT: publish_event,
    SEND_SMS: send_sms,
    SEND_EMAIL: send_email,
}


def owe(kind: str, payload: dict[str, Any]) -> OutboxModel:
    if kind not in EFFECTS:
        raise KeyError(kind)
    return outbox.entry(kind, payload)


def event(event_type: str, payload: dict[str, Any]) -> OutboxModel:
    return owe(PUBLISH_EVENT, {"type": event_type, "event": payload})


def carry_out(items: list[OutboxModel]) -> None:
    outbox.carry_out(items, EFFECTS)


def sweep() -> int:
    return outbox.sweep(EFFECTS)
