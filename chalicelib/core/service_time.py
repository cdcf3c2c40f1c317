"""A ticket's service time as its applicant is promised it, read off its history.

The clock starts with the decision whose result is the workflow's `starts_with` (DITERIMA
FRONT END: the file is complete) and stands still while a step of a `paused_for` role waits
(the applicant pays, or completes what was sent back). The counting itself is workdays'.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from chalicelib.core.catalog import ServiceTime
from chalicelib.core.workdays import Calendar, Change, ServiceClock, label


class Entry(Protocol):
    kind: str
    role: str | None
    action: str | None
    entered_at: str | None
    decided_at: str | None


def changes(
    service: ServiceTime, history: Iterable[Entry], pending: dict[str, Any] | None
) -> list[Change]:
    """When the clock started, stopped and ran again: (time, running afterwards)."""
    decisions = sorted(
        (e for e in history if e.kind == "DECISION" and e.decided_at),
        key=lambda e: e.decided_at or "",
    )
    started = next((e.decided_at for e in decisions if e.action == service.starts_with), None)
    if started is None:
        return []
    found: list[Change] = [(_time(started), True)]
    for entry in decisions:
        if entry.role in service.paused_for and entry.entered_at and entry.decided_at > started:
            found += [(_time(entry.entered_at), False), (_time(entry.decided_at), True)]
    waiting = pending or {}
    if waiting.get("role") in service.paused_for and waiting.get("entered_at", "") > started:
        found.append((_time(waiting["entered_at"]), False))
    return found


def clock(
    service: ServiceTime,
    calendar: Calendar,
    history: Iterable[Entry],
    pending: dict[str, Any] | None,
    now: datetime,
) -> ServiceClock:
    found = changes(service, history, pending)
    return ServiceClock.measure(calendar, found, service.working_days, now)


def view(clock_: ServiceClock, finished: bool = False) -> dict[str, Any]:
    """What officials, the applicant and the public tracking page show; a finished
    application says how many working days it took, not how many are left."""
    return {
        "budget": clock_.budget,
        "used": clock_.used,
        "left": clock_.left,
        "overdue": clock_.overdue,
        "paused": clock_.paused,
        "started": clock_.started,
        "deadline": clock_.deadline.isoformat() if clock_.deadline else None,
        "label": _took(clock_.used) if finished else label(clock_),
    }


def _took(used: int) -> str:
    return f"Selesai dalam {used} hari kerja" if used else "Selesai dalam kurang dari 1 hari kerja"


def _time(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
