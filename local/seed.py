"""Demo data for the local stack only: the demo accounts and tickets at several steps.

Tickets go through the real paths: a signed PTSP webhook, then officials' decisions over
the API (with the rekomtek PDF uploaded), exactly as users would make them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.adapters.users import UserDirectory
from chalicelib.errors import Conflict
from local.client import ApiClient, ApiError
from local.demo_files import demo_pdf

DEMO_USERS = Path(__file__).with_name("demo_users.json")
DEMO_TICKETS = Path(__file__).with_name("demo_tickets.json")
DEFAULT_DEMO_PASSWORD = "Demo#2026!"


def demo_users() -> list[dict[str, Any]]:
    return json.loads(DEMO_USERS.read_text(encoding="utf-8"))


def seed_users(directory: UserDirectory, password: str) -> list[dict[str, Any]]:
    created = []
    for user in demo_users():
        with contextlib.suppress(Conflict):  # already there from an earlier seed
            directory.create(
                user["email"],
                user["name"],
                user["roles"],
                region=user.get("region"),
                agency=user.get("agency"),
                phone=user.get("phone"),
                password=password,
            )
        created.append(user)
    return created


def demo_tickets() -> list[dict[str, Any]]:
    return json.loads(DEMO_TICKETS.read_text(encoding="utf-8"))


def seed_tickets(
    client: ApiClient, on_ticket: Callable[[int, str], None] = lambda i, no: None
) -> list[str]:
    """Send each demo application and replay its decisions; returns the ticket numbers.
    `on_ticket(i, no)` is told before each (the stack prints progress with it)."""
    seeded = []
    for i, ticket in enumerate(demo_tickets(), start=1):
        application = ticket["application"]
        no = application["ticket_no"]
        on_ticket(i, no)
        response = client.send_application(application, webhook_id=f"msg_demo_{no}")
        if response.status_code not in (200, 201):
            raise ApiError(response)
        for who, step, action, *rest in ticket["decisions"]:
            rekomtek = rest[0] if rest else None
            note = rest[1] if len(rest) > 1 else None
            extra: dict[str, Any] = {"note": note} if note else {}
            if rekomtek:
                extra["rekomtek"] = rekomtek
                extra["document_ids"] = [_upload_rekomtek(client, no, who, step, rekomtek)]
            answer = client.decide(no, who, step, action, **extra)
            if answer.status_code != 200:
                raise ApiError(answer)
        seeded.append(no)
    return seeded


def _upload_rekomtek(
    client: ApiClient, ticket_no: str, who: str, step: str, rekomtek: dict[str, Any]
) -> str:
    client.wait_for_step(ticket_no, who, step)
    pdf = demo_pdf(
        "Surat Rekomendasi Teknis",
        [
            f"Nomor: {rekomtek['nomor']}",
            f"Tanggal: {rekomtek['tanggal_surat']}",
            f"Nomor tiket: {ticket_no}",
            f"Masa berlaku sampai {rekomtek['berlaku_sampai']}, jangka waktu izin "
            f"{rekomtek['jangka_waktu']}.",
            "Lampiran: peta lokasi (contoh data demo).",
        ],
    )
    response = client.upload(ticket_no, who, pdf, filename=f"rekomtek-{ticket_no}.pdf")
    if response.status_code != 200:
        raise ApiError(response)
    return response.json()["id"]
