"""Ticket events on the SNS topic; SQS queues (notifications, PTSP callbacks) subscribe."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.settings import settings


def publish(event_type: str, payload: dict[str, Any]) -> None:
    """Publish with attributes subscriptions filter on: the type, the workflow and agency,
    and the integrations the workflow declares (PTSP hears only of workflows declaring it)."""
    attributes = {"event_type": {"DataType": "String", "StringValue": event_type}}
    for name in ("workflow", "agency"):
        if payload.get(name):
            attributes[name] = {"DataType": "String", "StringValue": payload[name]}
    attributes["integrations"] = {
        "DataType": "String.Array",
        "StringValue": json.dumps(sorted(payload.get("integrations") or [])),
    }
    client("sns").publish(
        TopicArn=settings().ticket_events_topic_arn,
        Message=json.dumps({"type": event_type, **payload}, default=str),
        MessageAttributes=attributes,
    )
