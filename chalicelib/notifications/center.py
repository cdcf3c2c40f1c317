"""In-app notifications in the seed's form, plus SMS through SNS with a link back."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib import events
from chalicelib.auth.roles import ROLE_LABELS
from chalicelib.auth.users import UserProfile
from chalicelib.aws import client
from chalicelib.clock import now_iso
from chalicelib.errors import NotFound
from chalicelib.notifications import email
from chalicelib.services import users
from chalicelib.settings import settings
from chalicelib.tickets import permits
from chalicelib.tickets.models import NotificationModel
from chalicelib.tickets.store import condition_failed, decode_cursor, encode_cursor

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


def _upper_role(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", role or "-").upper()


def compose(event: dict[str, Any]) -> tuple[str, str]:
    """Title and sentence, worded as the seed's notification page."""
    no = event["ticket_no"]
    kind = permits.short_label(event["ticket"]["permit_type"])
    last = event.get("last_decision")
    if event["type"] == events.STEP_OVERDUE:
        return (
            f"Eskalasi {event['ticket']['status']}, no. ticket : {no}",
            f"Pengajuan {kind} dengan no ticket {no} belum diputuskan oleh "
            f"{_upper_role(event['role'])} dalam batas waktu. Mohon segera diproses.",
        )
    if event["type"] == events.DECIDED:
        return (
            f"Keputusan akhir, no. ticket : {no}",
            f"Pengajuan {kind} dengan no ticket {no}, {event['status']}. "
            "Keputusan telah dikirim ke PTSP.",
        )
    nxt = _upper_role(event["role"])
    if not last:
        return (
            f"Pengajuan baru dari PTSP, no. ticket : {no}",
            f"Pengajuan {kind} dengan no ticket {no} diterima dari PTSP. Izin dapat diproses "
            f"oleh {nxt} untuk approval selanjutnya.",
        )
    return (
        f"Approval {ROLE_LABELS.get(last['role'], last['role'])}, no. ticket : {no}",
        f"Pengajuan {kind} dengan no ticket {no}, {last['action']} oleh "
        f"{_upper_role(last['role'])}. Izin dapat diproses oleh {nxt} untuk approval "
        "selanjutnya.",
    )


def email_text(message: str, summary: dict[str, Any], link: str) -> str:
    rows = "\n".join(f"{label:<18}: {value or '-'}" for label, value in summary.items())
    return f"{message}\n\n{rows}\n\nPROSES IZIN: {link}\n"


def recipients(event: dict[str, Any]) -> list[UserProfile]:
    region = event.get("region")
    if event["type"] == events.DECIDED:
        wanted = [("KEPALA_DINAS", None), ("KEPALA_BIDANG", None), ("CABANG_DINAS", region)]
    elif event["type"] == events.STEP_OVERDUE:
        wanted = [(event["role"], region), ("KEPALA_DINAS", None)]
    else:
        wanted = [(event["role"], region)]
    found: dict[str, UserProfile] = {}
    for role, where in wanted:
        for profile in users().members(role, where):
            found.setdefault(profile.email, profile)
    return list(found.values())


def notification_id(event: dict[str, Any]) -> str:
    """Sortable by time; the same event always gets the same id (replays overwrite nothing)."""
    stamp = re.sub(r"[^0-9]", "", event["at"])[:20]
    digest = hashlib.sha256(f"{event['type']}|{event['ticket_no']}|{event['at']}".encode())
    return f"{stamp}-{digest.hexdigest()[:12]}"


def deliver(event: dict[str, Any]) -> int:
    """Store one notification per recipient and text those with a phone; returns how many."""
    title, message = compose(event)
    summary = {label: event["ticket"].get(key) for key, label in SUMMARY_COLUMNS}
    link = ticket_link(event["ticket_no"])
    created = 0
    for person in recipients(event):
        item = NotificationModel(
            person.email,
            notification_id(event),
            ticket_no=event["ticket_no"],
            title=title,
            message=message,
            summary=summary,
            link=link,
            created_at=now_iso(),
        )
        try:
            item.save(condition=NotificationModel.notification_id.does_not_exist())
        except PutError as error:
            if condition_failed(error):
                continue  # delivered before: no second SMS
            raise
        created += 1
        if person.phone:
            client("sns").publish(PhoneNumber=person.phone, Message=f"{message} {link}")
        email.send(
            client("sns"),
            settings().official_alerts_topic_arn,
            person.email,
            title,
            email_text(message, summary, link),
        )
    return created


def view(item: NotificationModel) -> dict[str, Any]:
    return {
        "id": item.notification_id,
        "ticket_no": item.ticket_no,
        "title": item.title,
        "message": item.message,
        "summary": item.summary,
        "link": item.link,
        "created_at": item.created_at,
        "read": item.read,
    }


def inbox(email: str, limit: int, cursor: str | None, unread_only: bool) -> dict[str, Any]:
    results = NotificationModel.query(
        email,
        scan_index_forward=False,
        filter_condition=(NotificationModel.read == False) if unread_only else None,  # noqa: E712
        limit=limit,
        last_evaluated_key=decode_cursor(cursor),
        page_size=100,
    )
    items = [view(i) for i in results]
    unread = NotificationModel.count(email, filter_condition=NotificationModel.read == False)  # noqa: E712
    return {
        "unread": unread,
        "items": items,
        "next_cursor": encode_cursor(results.last_evaluated_key),
    }


def mark_read(email: str, notification_id: str) -> dict[str, Any]:
    try:
        item = NotificationModel.get(email, notification_id)
    except NotificationModel.DoesNotExist:
        raise NotFound("Notifikasi tidak ditemukan.", code="NOTIFICATION_NOT_FOUND") from None
    item.update(actions=[NotificationModel.read.set(True)])
    return view(item)


def mark_all_read(email: str) -> int:
    changed = 0
    for item in NotificationModel.query(email, filter_condition=NotificationModel.read == False):  # noqa: E712
        item.update(actions=[NotificationModel.read.set(True)])
        changed += 1
    return changed
