"""In-app notifications in the seed's form, with what the agency sends besides: email, SMS
(SNS) or WhatsApp (Cloud API), each owed in the same transaction as the notification."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from chalicelib import declared, phones
from chalicelib.core import events
from chalicelib.core.catalog import APPLICANT, STEP_ROLE, Workflow
from chalicelib.errors import NotFound
from chalicelib.ports import Entry, Notification, ports
from chalicelib.settings import settings
from chalicelib.usecases import effects
from chalicelib.usecases import tickets as service

SUMMARY_COLUMNS = (
    ("ticket_no", "Nomor Ticket"),
    ("applicant_name", "Nama Pemohon"),
    ("permit_label", "Jenis Izin"),
    ("submitted_at", "Tanggal Pengajuan"),
    ("status", "Status Saat Ini"),
    ("position", "Posisi"),
)


def ticket_link(ticket_no: str) -> str:
    return f"{settings().web_base_url.rstrip('/')}/#/tiket/{ticket_no}"


def application_link(ticket_no: str) -> str:
    """Where an applicant follows their application in the portal."""
    return f"{settings().web_base_url.rstrip('/')}/#/permohonan/{ticket_no}"


@dataclass(frozen=True)
class Applicant:
    """The ticket's applicant as a recipient (they may have no account yet)."""

    email: str
    phone: str | None
    applicant: bool = True


def _reason(decision: dict[str, Any] | None) -> str:
    note = ((decision or {}).get("note") or "").rstrip(" .")
    return f" Alasan: {note}." if note else ""  # one full stop, whether the note had one


def _what_happened(workflow: Workflow, decision: dict[str, Any]) -> str:
    """The decision as the seed words it ("DISETUJUI KEPALA BIDANG"); the ASL option's
    `result` says it, older decisions without one fall back to the action and the role."""
    role = workflow.role_label(decision["role"]).upper()
    return decision.get("result") or f"{decision['action']} oleh {role}"


def _workflow(event: dict[str, Any]) -> Workflow:
    ticket = event["ticket"]
    return declared.workflow_named(
        event.get("workflow") or ticket.get("workflow"), ticket["permit_type"]
    )


def _template(workflow: Workflow, event: dict[str, Any]) -> dict[str, Any]:
    """The workflow's wording for this event (notifications.json)."""
    spec = workflow.notifications[event["type"]]
    if event["type"] == events.STEP_ENTERED:
        return {**spec, **spec["after_decision" if event.get("last_decision") else "first"]}
    return spec


def compose(event: dict[str, Any]) -> tuple[str, str]:
    """Title and sentence, worded as the workflow declares (the seed's notification page)."""
    workflow = _workflow(event)
    last = event.get("last_decision")
    values = {
        "ticket_no": event["ticket_no"],
        "permit": workflow.permit_short(event["ticket"]["permit_type"]),
        "status": event.get("status") or event["ticket"]["status"],
        "step_role": workflow.role_label(event.get("role")).upper(),
        "next_role": workflow.role_label(event.get("role")).upper(),
        "position": workflow.role_label(event.get("role")),
        "decided_by": workflow.role_label(last["role"]) if last else "",
        "what_happened": _what_happened(workflow, last) if last else "",
        "reason": _reason(last),
    }
    spec = _template(workflow, event)
    return spec["title"].format(**values), spec["message"].format(**values)


def email_text(message: str, summary: dict[str, Any], link: str) -> str:
    rows = "\n".join(f"{label:<18}: {value or '-'}" for label, value in summary.items())
    return f"{message}\n\n{rows}\n\nPROSES IZIN: {link}\n"


def recipients(event: dict[str, Any]) -> list[Any]:
    """The people the workflow declares for this event, of its agency; a region-scoped
    role's members only of the ticket's region."""
    workflow = _workflow(event)
    found: dict[str, Any] = {}
    spec = _template(workflow, event) if workflow.notifications else {}
    for wanted in spec.get("recipients", ()):
        if wanted == APPLICANT:
            applicant = _applicant(event["ticket_no"])
            if applicant:
                found.setdefault(applicant.email, applicant)
            continue
        role = event.get("role") if wanted == STEP_ROLE else wanted
        if not role:
            continue
        scoped = workflow.sees(role) == "region"
        region = event.get("region") if scoped else None
        if scoped and not region:
            continue
        for profile in ports().users.members(role, region, agency=workflow.agency):
            found.setdefault(profile.email, profile)
    return list(found.values())


def _applicant(ticket_no: str) -> Applicant | None:
    ticket = ports().tickets.find(ticket_no)
    details = (ticket.applicant if ticket else None) or {}
    if not details.get("email"):
        return None
    return Applicant(details["email"].lower(), details.get("phone"))


def notification_id(event: dict[str, Any]) -> str:
    """Sortable by time; the same event always gets the same id (replays overwrite nothing)."""
    stamp = re.sub(r"[^0-9]", "", event["at"])[:20]
    digest = hashlib.sha256(f"{event['type']}|{event['ticket_no']}|{event['at']}".encode())
    return f"{stamp}-{digest.hexdigest()[:12]}"


def deliver(event: dict[str, Any]) -> int:
    """Store one notification per recipient, each with its text message and email owed in
    the same transaction (a crash between them loses neither); returns how many were new."""
    if not _workflow(event).notifications:
        return 0  # a workflow that declares no notifications tells nobody
    workflow = _workflow(event)
    channels = declared.catalog().agencies[workflow.agency].data.get("channels", ["sms", "email"])
    title, message = compose(event)
    summary = {label: event["ticket"].get(key) for key, label in SUMMARY_COLUMNS}
    created = 0
    for person in recipients(event):
        is_applicant = getattr(person, "applicant", False)
        link = (application_link if is_applicant else ticket_link)(event["ticket_no"])
        item = ports().notifications.new_notification(
            person.email,
            notification_id(event),
            ticket_no=event["ticket_no"],
            title=title,
            message=message,
            summary=summary,
            link=link,
            created_at=ports().clock.now_iso(),
        )
        owed = [emailed(item)] if "email" in channels else []
        if person.phone and "sms" in channels:
            owed.append(
                effects.owe(effects.SEND_SMS, {"phone": person.phone, "text": f"{message} {link}"})
            )
        if person.phone and "whatsapp" in channels and phones.is_mobile(person.phone):
            owed.append(whatsapp(workflow, person.phone, title, message, link))
        created += store_and_send(item, owed)
    return created


def whatsapp(workflow: Workflow, phone: str, title: str, message: str, link: str) -> Entry:
    """The agency's approved template (UTILITY), filled with the title, sentence and link."""
    spec = declared.catalog().agencies[workflow.agency].data.get("whatsapp", {})
    return effects.owe(
        effects.SEND_WHATSAPP,
        {
            "phone": phone,
            "template": spec.get("status_template", "status_permohonan"),
            "language": spec.get("language", "id"),
            "parameters": [title, message, link],
        },
    )


def emailed(item: Notification) -> Entry:
    """The email a stored notification owes its recipient."""
    text = email_text(item.message, item.summary, item.link)
    return effects.owe(
        effects.SEND_EMAIL, {"address": item.recipient, "title": item.title, "text": text}
    )


def store_and_send(item: Notification, owed: list[Entry]) -> bool:
    """Store a new notification with what it owes, then send that; False if stored before."""
    if not ports().notifications.save_notification(item, owed):
        return False
    effects.carry_out(owed)
    return True


LIVE_COLUMNS = (("status", "Status Saat Ini"), ("position", "Posisi"))


def view(item: Notification, now: dict[str, Any] | None = None) -> dict[str, Any]:
    """`now`: the ticket's summary today, so "Status Saat Ini" is current when read, not
    frozen at sending time (the sentence keeps what happened then)."""
    summary = dict(item.summary)
    for key, label in LIVE_COLUMNS if now else ():
        summary[label] = now.get(key)
    return {
        "id": item.notification_id,
        "ticket_no": item.ticket_no,
        "title": item.title,
        "message": item.message,
        "summary": summary,
        "link": item.link,
        "created_at": item.created_at,
        "read": item.read,
    }


def inbox(email: str, limit: int, cursor: str | None, unread_only: bool) -> dict[str, Any]:
    """A page of notifications, newest first; the unread count is a counter, not a scan."""
    found, next_cursor = ports().notifications.notifications_page(email, limit, cursor, unread_only)
    tickets = ports().tickets.tickets({i.ticket_no for i in found})
    current = {t.ticket_no: service.summary(t) for t in tickets}
    return {
        "unread": ports().notifications.unread_count(email),
        "items": [view(i, current.get(i.ticket_no)) for i in found],
        "next_cursor": next_cursor,
    }


def mark_read(email: str, notification_id: str) -> dict[str, Any]:
    item = ports().notifications.notification(email, notification_id)
    if item is None:
        raise NotFound("Notifikasi tidak ditemukan.", code="NOTIFICATION_NOT_FOUND")
    ports().notifications.mark_read(item)
    item.read, item.unread_at = True, None
    return view(item)


def mark_all_read(email: str) -> int:
    """Reads only the unread ones (a sparse index), each marked with its counter."""
    store = ports().notifications
    return sum(store.mark_read(item) for item in store.unread_notifications(email))
