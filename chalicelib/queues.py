"""Record handlers of the SQS queues (the Lambda handlers in app.py only batch them)."""

from __future__ import annotations

import json

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.notifications import center
from chalicelib.ptsp import callbacks
from chalicelib.workflow import tasks

logger = Logger()


def workflow_task(record: SQSRecord) -> None:
    tasks.handle(json.loads(record.body))


def notification(record: SQSRecord) -> None:
    event = json.loads(record.body)
    sent = center.deliver(event)
    logger.info("notified", extra={"ticket_no": event.get("ticket_no"), "recipients": sent})


def ptsp_callback(record: SQSRecord) -> None:
    event = json.loads(record.body)
    try:
        status = callbacks.deliver(event)
    except callbacks.DeliveryFailed as error:
        count = int(record.attributes.approximate_receive_count or 1)
        callbacks.postpone(record.receipt_handle, count)
        logger.warning(
            "PTSP delivery failed",
            extra={"ticket_no": event.get("ticket_no"), "attempt": count, "error": str(error)},
        )
        raise
    logger.info("PTSP delivered", extra={"ticket_no": event.get("ticket_no"), "status": status})
