"""Record handlers of the SQS queues (the Lambda handlers in app.py only batch them)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.usecases import notify as center
from chalicelib.usecases import ptsp_callbacks as callbacks
from chalicelib.usecases import workflow_messages as tasks

logger = Logger()


def workflow_task(record: SQSRecord) -> None:
    tasks.handle(json.loads(record.body))


def notification(record: SQSRecord) -> None:
    event = json.loads(record.body)
    sent = center.deliver(event)
    logger.info("notified", extra={"ticket_no": event.get("ticket_no"), "recipients": sent})


def ptsp_callback(record: SQSRecord) -> None:
    callbacks.handle_letter(
        callbacks.Letter(
            body=record.body,
            message_id=record.message_id,
            receipt_handle=record.receipt_handle,
            receive_count=int(record.attributes.approximate_receive_count or 1),
            first_sent_at=_sent_at(record),
        )
    )


async def ptsp_callback_async(record: SQSRecord) -> None:
    """ptsp_callback in a thread: the batch's deliveries run side by side, so a receiver
    that hangs holds only its own delivery (until its timeout), not the others."""
    await asyncio.to_thread(ptsp_callback, record)


def _sent_at(record: SQSRecord) -> str | None:
    """When SQS first received the letter (the same on every redelivery)."""
    stamp = record.attributes.sent_timestamp
    return datetime.fromtimestamp(int(stamp) / 1000, UTC).isoformat() if stamp else None
