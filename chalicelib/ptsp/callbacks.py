"""Final decisions sent to PTSP: signed, at least once, same webhook-id on every retry.

Retries come from SQS: a failed delivery stays in the queue and is hidden for an
exponentially growing delay; after the queue's maxReceiveCount it moves to the DLQ, from
where an admin can list and redrive it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from chalicelib.aws import client
from chalicelib.clock import now_iso
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
        data["documents"] = [
            {**document_view(d), "url": download_url(d, LINK_SECONDS)}
            for d in (ticket.documents or {}).values()
            if d.get("confirmed")
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


def postpone(receipt_handle: str, receive_count: int) -> None:
    client("sqs").change_message_visibility(
        QueueUrl=settings().ptsp_callbacks_queue_url,
        ReceiptHandle=receipt_handle,
        VisibilityTimeout=backoff_seconds(receive_count),
    )


def dead_letters(limit: int = 100) -> list[dict[str, Any]]:
    """Peek at the DLQ: messages are hidden for a few seconds only, then visible again."""
    sqs = client("sqs")
    found: dict[str, dict[str, Any]] = {}
    while len(found) < limit:
        batch = sqs.receive_message(
            QueueUrl=settings().ptsp_callbacks_dlq_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=5,
            AttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        fresh = [m for m in batch if m["MessageId"] not in found]
        if not fresh:
            break
        for m in fresh:
            event = json.loads(m["Body"])
            found[m["MessageId"]] = {
                "message_id": m["MessageId"],
                "ticket_no": event.get("ticket_no"),
                "status": event.get("status"),
                "webhook_id": webhook_id(event.get("ticket_no", "")),
                "attempts": int(m.get("Attributes", {}).get("ApproximateReceiveCount", 0)),
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
