"""Telling the administrators that PTSP never accepted a decision (the letter is parked).

A parked letter waits for someone to redrive it; nobody would look unless told. Every
enabled ADMIN gets an in-app notification (the bell) and an email through the
official-alerts topic, the same channels the officials' notifications use.
"""

from __future__ import annotations

import hashlib
import re

from chalicelib import declared
from chalicelib.ports import ports
from chalicelib.usecases.notify import emailed, store_and_send, ticket_link

ADMIN_ROLE = "ADMIN"


def duration_text(seconds: int) -> str:
    """'27 jam 35 menit', '5 menit', '20 detik': how long the tries went on, as people say it."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} jam" if hours else "", f"{minutes} menit" if minutes else ""]
    if not hours and not minutes:
        parts = [f"{secs} detik"]
    return " ".join(p for p in parts if p)


def compose(ticket_no: str, status: str, attempts: int, waited_seconds: int) -> tuple[str, str]:
    """Title and sentence of the alert, in the form of the other notifications."""
    return (
        f"Keputusan gagal dikirim ke PTSP, no. ticket : {ticket_no}",
        f"Keputusan {status} untuk no ticket {ticket_no} tidak diterima PTSP setelah "
        f"{attempts} kali percobaan selama {duration_text(waited_seconds)}. Keputusan "
        "disimpan di antrean gagal kirim; kirim ulang (redrive) setelah PTSP pulih.",
    )


def tell_admins(
    letter_id: str,
    ticket_no: str,
    status: str,
    attempts: int,
    waited_seconds: int,
    error: str,
    first_sent_at: str | None = None,
) -> int:
    """Notify every enabled ADMIN of the ticket's agency once per parked letter; returns how
    many were told."""
    title, message = compose(ticket_no, status, attempts, waited_seconds)
    summary = {
        "Nomor Ticket": ticket_no,
        "Status Saat Ini": status,
        "Percobaan": str(attempts),
        "Kesalahan terakhir": error,
    }
    link = ticket_link(ticket_no)
    now = ports().clock.now_iso()
    # The id comes from the letter alone: telling the admins again (a redelivered park)
    # finds the notifications stored and sends nothing twice.
    notification_id = _notification_id(first_sent_at or now, letter_id)
    agency = _agency_of(ticket_no)
    if agency is None:  # no ticket, no agency: telling every agency's admins would leak it
        return 0
    told = 0
    for admin in ports().users.members(ADMIN_ROLE, agency=agency):
        item = ports().notifications.new_notification(
            admin.email,
            notification_id,
            ticket_no=ticket_no,
            title=title,
            message=message,
            summary=summary,
            link=link,
            created_at=now,
        )
        told += store_and_send(item, [emailed(item)])
    return told


def _agency_of(ticket_no: str) -> str | None:
    """The administrators told are those of the ticket's agency."""
    ticket = ports().tickets.find(ticket_no)
    return declared.workflow_of(ticket).agency if ticket else None


def _notification_id(at: str, letter_id: str) -> str:
    """Sortable by time like the others; derived from the letter, so a second call for the
    same letter in the same instant writes nothing twice."""
    stamp = re.sub(r"[^0-9]", "", at)[:20]
    return f"{stamp}-{hashlib.sha256(f'ptsp.parked|{letter_id}'.encode()).hexdigest()[:12]}"
