"""The PTSP transport: decisions POSTed signed, at least once, with the same webhook-id on
every retry.

Retries come from SQS: a failed delivery stays in the queue, hidden until its next try on
the schedule webhook senders people trust use (Svix: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
10 h — about 27.6 hours), so an outage of a working day loses nothing. After the last try
the handler parks the letter in the DLQ itself and tells the administrators; an admin
lists and redrives it from there. The queue's maxReceiveCount (tries + 1) is only a net for
a handler that crashed on its last try.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request
from collections.abc import Callable
from functools import cache
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.adapters.signatures import sign
from chalicelib.errors import DeliveryFailed
from chalicelib.settings import settings

MAX_DELAY_SECONDS = 43200  # SQS limit on a message's visibility timeout: 12 hours
LINK_SECONDS = 7 * 24 * 3600  # the longest a SigV4 presigned link may live
# Wait before each retry, after the first try fails (Svix's schedule). Its length + 1 is the
# callbacks queue's maxReceiveCount (infra/resources.json; a unit test holds them equal).
RETRY_SCHEDULE_SECONDS = (5, 300, 1800, 7200, 18000, 36000, 36000)
# PTSP_RETRY_BASE_SECONDS at which the schedule runs as written; a smaller value shrinks it
# proportionally (the local stack and the tests see a day's schedule in seconds).
REFERENCE_BASE_SECONDS = 30.0
# A receiver that never answers fails after this long; the batch's other deliveries run
# beside it (app.py), so they are not held behind it.
DELIVERY_TIMEOUT_SECONDS = 10


def webhook_id(ticket_no: str) -> str:
    return f"msg_izin_diputuskan_{ticket_no}"


def post(ticket_no: str, body: str) -> int:
    """POST one signed decision to PTSP (the same webhook-id on every try)."""
    s = settings()
    headers = sign(s.ptsp_callback_secret, webhook_id(ticket_no), body)
    request = urllib.request.Request(
        s.ptsp_callback_url, data=body.encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"PTSP answered {error.code}") from None
    except (OSError, TimeoutError) as error:
        raise DeliveryFailed(f"PTSP unreachable: {error}") from None


def backoff_seconds(receive_count: int) -> int:
    """How long to hide a delivery that failed on try `receive_count` (SQS counts from 1)."""
    step = RETRY_SCHEDULE_SECONDS[min(max(receive_count, 1), len(RETRY_SCHEDULE_SECONDS)) - 1]
    scale = float(settings().ptsp_retry_base_seconds or REFERENCE_BASE_SECONDS)
    return min(max(math.ceil(step * scale / REFERENCE_BASE_SECONDS), 1), MAX_DELAY_SECONDS)


@cache
def max_tries() -> int:
    """The callbacks queue's maxReceiveCount: after that many tries a letter is dead."""
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=settings().ptsp_callbacks_queue_url, AttributeNames=["RedrivePolicy"]
    )["Attributes"]
    return int(json.loads(attributes.get("RedrivePolicy", "{}")).get("maxReceiveCount", 1))


def is_last_try(receive_count: int) -> bool:
    return receive_count >= max_tries()


def postpone(receipt_handle: str, receive_count: int) -> None:
    """Hide a failed delivery until its next try on the schedule."""
    client("sqs").change_message_visibility(
        QueueUrl=settings().ptsp_callbacks_queue_url,
        ReceiptHandle=receipt_handle,
        VisibilityTimeout=backoff_seconds(receive_count),
    )


def park(body: str, attempts: int, error: str) -> str:
    """Put a letter whose every try failed in the DLQ (same body: a redrive sends the same
    decision with the same webhook-id); returns its id there. The caller then lets the
    original go, so the letter is never both retried and parked."""
    return client("sqs").send_message(
        QueueUrl=settings().ptsp_callbacks_dlq_url,
        MessageBody=body,
        MessageAttributes={
            "attempts": {"DataType": "Number", "StringValue": str(attempts)},
            "last_error": {"DataType": "String", "StringValue": error[:1000] or "-"},
        },
    )["MessageId"]


def dead_letters(limit: int = 100) -> list[dict[str, Any]]:
    """Peek at the DLQ without hiding anything (visibility 0), so listing changes nothing
    a redrive or another admin would see. SQS samples: a few rounds find every letter."""
    sqs = client("sqs")
    found: dict[str, dict[str, Any]] = {}
    idle_rounds = 0
    while len(found) < limit and idle_rounds < 3:
        batch = sqs.receive_message(
            QueueUrl=settings().ptsp_callbacks_dlq_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=0,
            AttributeNames=["SentTimestamp"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        fresh = [m for m in batch if m["MessageId"] not in found]
        idle_rounds = 0 if fresh else idle_rounds + 1
        for m in fresh:
            found[m["MessageId"]] = _letter_view(m)
    return list(found.values())


def _letter_view(message: dict[str, Any]) -> dict[str, Any]:
    event = json.loads(message["Body"])
    attributes = message.get("MessageAttributes") or {}
    attempts = attributes.get("attempts", {}).get("StringValue")
    return {
        "message_id": message["MessageId"],
        "ticket_no": event.get("ticket_no"),
        "status": event.get("status"),
        "webhook_id": webhook_id(event.get("ticket_no", "")),
        # moved by SQS's own redrive (a crash on the last try): it made every try too
        "attempts": int(attempts) if attempts else max_tries(),
        "last_error": attributes.get("last_error", {}).get("StringValue"),
        "first_sent_at": message.get("Attributes", {}).get("SentTimestamp"),
    }


def redrive(wanted: Callable[[dict[str, Any]], bool] = lambda letter: True) -> int:
    """Move the dead letters `wanted` says (all, by default) back to the callbacks queue
    (same body, same webhook-id); the others stay parked."""
    sqs = client("sqs")
    s = settings()
    moved, kept = 0, []
    while True:
        batch = sqs.receive_message(
            QueueUrl=s.ptsp_callbacks_dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=30
        ).get("Messages", [])
        if not batch:
            break
        for m in batch:
            if not wanted(json.loads(m["Body"])):
                kept.append(m["ReceiptHandle"])  # hidden until this run ends, then back
                continue
            sqs.send_message(QueueUrl=s.ptsp_callbacks_queue_url, MessageBody=m["Body"])
            sqs.delete_message(QueueUrl=s.ptsp_callbacks_dlq_url, ReceiptHandle=m["ReceiptHandle"])
            moved += 1
    for handle in kept:
        sqs.change_message_visibility(
            QueueUrl=s.ptsp_callbacks_dlq_url, ReceiptHandle=handle, VisibilityTimeout=0
        )
    return moved
