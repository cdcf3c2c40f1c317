"""Final decisions sent to PTSP: signed, at least once, same webhook-id on every retry.

Retries come from SQS: a failed delivery stays in the queue and is hidden for an
exponentially growing delay; after the queue's maxReceiveCount it moves to the DLQ, from
where an admin can list and redrive it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from functools import cache
from typing import Any

from chalicelib.aws import client
from chalicelib.clock import now_iso
from chalicelib.documents import currency
from chalicelib.documents.storage import download_url
from chalicelib.ptsp.signatures import sign
from chalicelib.settings import settings
from chalicelib.tickets import store
from chalicelib.tickets.service import document_view

MAX_DELAY_SECONDS = 43200  # SQS limit on a message's visibility timeout: 12 hours
LINK_SECONDS = 7 * 24 * 3600  # the longest a SigV4 presigned link may live


class DeliveryFailed(Exception):
    pass


def webhook_id(ticket_no: str) -> str:
    return f"msg_izin_diputuskan_{ticket_no}"


def payload(event: dict[str, Any]) -> dict[str, Any]:
    ticket = store.get(event["ticket_no"])
    data: dict[str, Any] = {
        "ticket_no": ticket.ticket_no,
        "permit_type": ticket.permit_type,
        "status": ticket.status,
        "decided_at": ticket.decided_at,
    }
    if ticket.rekomtek and ticket.status == "DISETUJUI DINAS ESDM":
        data["rekomtek"] = ticket.rekomtek
        # Only the current letters: those sent back and replaced are not PTSP's business.
        documents = currency.annotate(
            (ticket.documents or {}).values(),
            currency.attachments(store.history(ticket.ticket_no)),
        )
        data["documents"] = [
            {**document_view(d), "url": download_url(d, LINK_SECONDS)}
            for d in documents
            if d["current"]
        ]
    return {"type": "izin.diputuskan", "timestamp": now_iso(), "data": data}


def deliver(event: dict[str, Any]) -> int:
    s = settings()
    body = json.dumps(payload(event), separators=(",", ":"))
    headers = sign(s.ptsp_callback_secret, webhook_id(event["ticket_no"]), body)
    request = urllib.request.Request(
        s.ptsp_callback_url, data=body.encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"PTSP answered {error.code}") from None
    except OSError as error:
        raise DeliveryFailed(f"PTSP unreachable: {error}") from None


def backoff_seconds(receive_count: int) -> int:
    base = int(settings().ptsp_retry_base_seconds or 30)
    return min(base * 2 ** max(receive_count - 1, 0), MAX_DELAY_SECONDS)


@cache
def max_tries() -> int:
    """The callbacks queue's maxReceiveCount: after that many tries a letter is dead."""
    attributes = client("sqs").get_queue_attributes(
        QueueUrl=settings().ptsp_callbacks_queue_url, AttributeNames=["RedrivePolicy"]
    )["Attributes"]
    return int(json.loads(attributes.get("RedrivePolicy", "{}")).get("maxReceiveCount", 1))


def postpone(receipt_handle: str, receive_count: int) -> None:
    """Hide a failed delivery for the backoff; after the last try, show it again at once so
    that the next receive moves it to the DLQ (instead of waiting out a long delay)."""
    last = receive_count >= max_tries()
    client("sqs").change_message_visibility(
        QueueUrl=settings().ptsp_callbacks_queue_url,
        ReceiptHandle=receipt_handle,
        VisibilityTimeout=0 if last else backoff_seconds(receive_count),
    )


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
            WaitTimeSeconds=0,
        ).get("Messages", [])
        fresh = [m for m in batch if m["MessageId"] not in found]
        idle_rounds = 0 if fresh else idle_rounds + 1
        for m in fresh:
            event = json.loads(m["Body"])
            found[m["MessageId"]] = {
                "message_id": m["MessageId"],
                "ticket_no": event.get("ticket_no"),
                "status": event.get("status"),
                "webhook_id": webhook_id(event.get("ticket_no", "")),
                "attempts": max_tries(),
                "first_sent_at": m.get("Attributes", {}).get("SentTimestamp"),
            }
    return list(found.values())


def redrive() -> int:
    """Move every dead letter back to the callbacks queue (same body, same webhook-id)."""
    sqs = client("sqs")
    s = settings()
    moved = 0
    while True:
        batch = sqs.receive_message(
            QueueUrl=s.ptsp_callbacks_dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=30
        ).get("Messages", [])
        if not batch:
            return moved
        for m in batch:
            sqs.send_message(QueueUrl=s.ptsp_callbacks_queue_url, MessageBody=m["Body"])
            sqs.delete_message(QueueUrl=s.ptsp_callbacks_dlq_url, ReceiptHandle=m["ReceiptHandle"])
            moved += 1
