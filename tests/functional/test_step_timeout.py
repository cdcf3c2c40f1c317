"""A step nobody decides in time is escalated and opened again, never silently stuck."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from local.client import application
from tests.functional.short_steps import decide_until_it_moves_on
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"
KABID = "kabid@esdm.demo"


def test_an_overdue_step_is_escalated_reopened_and_still_decidable(
    stack: RunningStack, short_steps: Callable[[str], None]
) -> None:
    # GIVEN a ticket whose workflow waits only 2 seconds per step (the real execution is
    # replaced by one with a short timeout: the stack's own timeout is two days)
    c = stack.client
    no = f"W{uuid.uuid4().hex[:10].upper()}"
    assert c.send_application(application(no, "Eko Prasetyo")).status_code == 201
    first = c.wait_for_step(no, KADIS, "A1")
    short_steps(no)

    # WHEN nobody decides for longer than the timeout
    deadline = time.monotonic() + 30
    overdue: list[dict] = []
    while time.monotonic() < deadline and not overdue:
        time.sleep(0.3)
        track = c.ok("GET", f"/tickets/{no}/track", KADIS)["items"]
        overdue = [t for t in track if t["kind"] == "OVERDUE"]

    # THEN the delay is on the track, Kepala Dinas is alerted, and A1 waits again
    assert overdue, track
    assert overdue[0]["step"] == "A1"
    assert overdue[0]["status"] == "MENUNGGU PERSETUJUAN KEPALA DINAS"
    detail = c.wait_for_step(no, KADIS, "A1")
    assert detail["pending"]["entered_at"] > first["pending"]["entered_at"]
    assert detail["overdue_count"] >= 1
    titles = []
    for _ in range(150):  # the escalation reaches every Kepala Dinas through the queues
        titles = [
            n["title"]
            for n in c.ok("GET", "/notifications?limit=100", KADIS)["items"]
            if n["ticket_no"] == no
        ]
        if any(t.startswith("Eskalasi") for t in titles):
            break
        time.sleep(0.2)
    assert f"Eskalasi MENUNGGU PERSETUJUAN KEPALA DINAS, no. ticket : {no}" in titles
    # … and the reopened step is decided normally (again if moto, unlike AWS, took the
    # decision on a token that had just timed out: see test_finding_tickets)
    decide_until_it_moves_on(stack, no)
    assert c.wait_for_step(no, KABID, "A2")["status"] == "DITERIMA KEPALA BIDANG"
