"""Ticket events on the SNS topic; SQS queues (notifications, PTSP callbacks) subscribe."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.aws import client
from chalicelib.settings import settings

STEP_ENTERED = "ticket.step"
STEP_OVERDUE = "ticket.overdue"
DECIDED = "ticket.decided"


def publish(event_type: str, payload: dict[str, Any]) -> None:
    client("sns").publish(
        TopicArn=settings().ticket_events_topic_arn,
        Message=json.dumps({"type": event_type, **payload}, default=str),
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": event_type}},
    )
