"""What PTSP is told of a final decision, and which agencies' decisions go to PTSP.

The transport (signed POST, retries on SQS's schedule, parked letters) is the PTSP adapter's
(chalicelib/adapters/ptsp.py), reached through the ports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib import declared
from chalicelib.core import currency
from chalicelib.errors import DeliveryFailed, Forbidden
from chalicelib.ports import ports
from chalicelib.usecases import ptsp_alerts as alerts
from chalicelib.usecases.documents import download_url
from chalicelib.usecases.tickets import document_view, status_kind

LINK_SECONDS = 7 * 24 * 3600  # the longest a SigV4 presigned link may live
INTEGRATION = "ptsp_callback"
logger = Logger(child=True)


@dataclass(frozen=True)
class Letter:
    """One delivery of a decision to PTSP, as the callbacks queue hands it over."""

    body: str
    message_id: str
    receipt_handle: str
    receive_count: int
    first_sent_at: str | None


def handle_letter(letter: Letter) -> None:
    """Deliver one decision; on failure hide it until its next try, or after the last try
    park it in the DLQ and tell the administrators (then it leaves the queue as handled)."""
    event = json.loads(letter.body)
    if not owed_to_ptsp(event):
        logger.warning("not a PTSP workflow: not sent", extra={"ticket_no": event.get("ticket_no")})
        return
    try:
        status = deliver(event)
    except DeliveryFailed as error:
        count = letter.receive_count
        context = {"ticket_no": event.get("ticket_no"), "attempt": count, "error": str(error)}
        if ports().ptsp.is_last_try(count):
            _park(letter, event, str(error))
            logger.error("PTSP never accepted the decision: parked in the DLQ", extra=context)
            return
        ports().ptsp.postpone(letter.receipt_handle, count)
        logger.warning("PTSP delivery failed", extra=context)
        raise
    logger.info("PTSP delivered", extra={"ticket_no": event.get("ticket_no"), "status": status})


def _park(letter: Letter, event: dict[str, Any], error: str) -> None:
    """The letter goes to the DLQ first (it must not be lost); telling the admins is best
    effort: if it fails the letter is still parked and listed for them."""
    attempts = letter.receive_count
    ports().ptsp.park(letter.body, attempts, error)
    waited = sum(ports().ptsp.backoff_seconds(n) for n in range(1, attempts))
    try:
        alerts.tell_admins(
            letter.message_id,
            event.get("ticket_no", "-"),
            event.get("status", "-"),
            attempts,
            waited,
            error,
            first_sent_at=letter.first_sent_at,
        )
    except Exception:
        logger.exception("admins not told of a parked PTSP letter", extra=event)


def payload(event: dict[str, Any]) -> dict[str, Any]:
    """The decision as PTSP receives it: a refusal with its reason; an approval with the
    forms the decisions carried (each under its name) and the current documents."""
    ticket = ports().tickets.get(event["ticket_no"])
    data: dict[str, Any] = {
        "ticket_no": ticket.ticket_no,
        "permit_type": ticket.permit_type,
        "status": ticket.status,
        "decided_at": ticket.decided_at,
    }
    approved = status_kind(ticket) == "approved"
    reason = (ticket.last_decision or {}).get("note")
    if reason and not approved:
        data["reason"] = reason
    if ticket.forms and approved:
        data.update(ticket.forms)
        # Only the current letters: those sent back and replaced are not PTSP's business.
        documents = currency.annotate(
            (ticket.documents or {}).values(),
            currency.attachments(ports().tickets.history(ticket.ticket_no)),
        )
        data["documents"] = [
            {**document_view(d), "url": download_url(d, LINK_SECONDS)}
            for d in documents
            if d["current"]
        ]
    return {"type": "izin.diputuskan", "timestamp": ports().clock.now_iso(), "data": data}


def owed_to_ptsp(event: dict[str, Any]) -> bool:
    """Only workflows declaring the PTSP callback report to PTSP (the subscription filters
    on the same declaration; this holds should a message arrive unfiltered)."""
    return (
        declared.workflow(event["workflow"]).declares(INTEGRATION) if "workflow" in event else True
    )


def deliver(event: dict[str, Any]) -> int:
    body = json.dumps(payload(event), separators=(",", ":"))
    return ports().ptsp.post(event["ticket_no"], body)


def reports_to_ptsp(agency: str | None) -> bool:
    return any(w.declares(INTEGRATION) for w in declared.catalog().of_agency(agency))


def dead_letters_of(agency: str | None) -> list[dict[str, Any]]:
    """The parked letters of the agency's tickets (PTSP letters exist only for agencies
    whose workflows report to PTSP)."""
    if not reports_to_ptsp(agency):
        return []
    return [letter for letter in ports().ptsp.dead_letters() if _agency_of(letter) == agency]


def _agency_of(letter: dict[str, Any]) -> str | None:
    ticket = ports().tickets.find(letter.get("ticket_no") or "")
    return declared.workflow_of(ticket).agency if ticket else None


def check_may_redrive(agency: str | None) -> None:
    """The callbacks DLQ holds PTSP letters only: its redrive is for the agencies that
    report to PTSP."""
    if not reports_to_ptsp(agency):
        raise Forbidden(
            "Instansi Anda tidak mengirim keputusan ke PTSP; tidak ada surat untuk dikirim ulang.",
            code="NO_PTSP_INTEGRATION",
        )


def redrive(agency: str | None) -> int:
    """Send the agency's parked letters to PTSP again (same webhook-id: PTSP can
    deduplicate); another agency's stay parked for its own administrators."""
    check_may_redrive(agency)
    return ports().ptsp.redrive(lambda event: _agency_of(event) == agency)


def dead_letters(limit: int = 100) -> list[dict[str, Any]]:
    """Every parked letter (the operators' CLI; the admin API sees its agency's only)."""
    return ports().ptsp.dead_letters(limit)


def redrive_all() -> int:
    return ports().ptsp.redrive()
