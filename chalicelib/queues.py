"""Record handlers of the SQS queues (the Lambda handlers in app.py only batch them)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.notifications import center
from chalicelib.ptsp import alerts, callbacks
from chalicelib.workflow import tasks

logger = Logger()


def workflow_task(record: SQSRecord) -> None:
    tasks.handle(json.loads(record.body))


def notification(record: SQSRecord) -> None:
    event = json.loads(record.body)
    sent = center.deliver(event)
    logger.info("notified", extra={"ticket_no": event.get("ticket_no"), "recipients": sent})


def ptsp_callback(record: SQSRecord) -> None:
    """Deliver one decision; on failure hide it until its next try, or after the last try
    park it in the DLQ and tell the administrators (then it leaves the queue as handled)."""
    event = json.loads(record.body)
    if not callbacks.owed_to_ptsp(event):
        logger.warning("not a PTSP workflow: not sent", extra={"ticket_no": event.get("ticket_no")})
        return
    try:
        status = callbacks.deliver(event)
    except callbacks.DeliveryFailed as error:
        count = int(record.attributes.approximate_receive_count or 1)
        context = {"ticket_no": event.get("ticket_no"), "attempt": count, "error": str(error)}
        if callbacks.is_last_try(count):
            _park(record, event, count, str(error))
            logger.error("PTSP never accepted the decision: parked in the DLQ", extra=context)
            return
        callbacks.postpone(record.receipt_handle, count)
        logger.warning("PTSP delivery failed", extra=context)
        raise
    logger.info("PTSP delivered", extra={"ticket_no": event.get("ticket_no"), "status": status})


async def ptsp_callback_async(record: SQSRecord) -> None:
    """ptsp_callback in a thread: the batch's deliveries run side by side, so a receiver
    that hangs holds only its own delivery (until its timeout), not the others."""
    await asyncio.to_thread(ptsp_callback, record)


def _park(record: SQSRecord, event: dict, attempts: int, error: str) -> None:
    """The letter goes to the DLQ first (it must not be lost); telling the admins is best
    effort: if it fails the letter is still parked and listed for them."""
    callbacks.park(record.body, attempts, error)
    waited = sum(callbacks.backoff_seconds(n) for n in range(1, attempts))
    try:
        alerts.tell_admins(
            record.message_id,
            event.get("ticket_no", "-"),
            event.get("status", "-"),
            attempts,
            waited,
            error,
            first_sent_at=_sent_at(record),
        )
    except Exception:
        logger.exception("admins not told of a parked PTSP letter", extra=event)


def _sent_at(record: SQSRecord) -> str | None:
    """When SQS first received the letter (the same on every redelivery)."""
    stamp = record.attributes.sent_timestamp
    return datetime.fromtimestamp(int(stamp) / 1000, UTC).isoformat() if stamp else None
