"""Finding tickets: search across permit types with totals, the dashboard's latest arrivals
and overdue tickets, counts that agree with the lists, the bell's unread count (issue 8: 17, 22)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from local.client import application
from tests.functional.short_steps import decide_until_it_moves_on
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"
KABID = "kabid@esdm.demo"


def new_ticket(stack: RunningStack, name: str, permit_type: str = "WIUP") -> str:
    ticket_no = f"F{uuid.uuid4().hex[:10].upper()}"
    response = stack.client.send_application(application(ticket_no, name, permit_type=permit_type))
    assert response.status_code == 201, response.text
    stack.client.wait_for_step(ticket_no, KADIS, "A1")
    return ticket_no


def test_search_without_a_permit_type_finds_every_type_and_says_how_many(
    stack: RunningStack,
) -> None:
    # GIVEN two applicants of one rare family name, applying for two permit types
    family = f"Wiryo{uuid.uuid4().hex[:6]}"
    wiup = new_ticket(stack, f"Ani {family}", "WIUP")
    iujp = new_ticket(stack, f"Bayu {family}", "IUJP")

    # WHEN Kepala Dinas searches by that name (a prefix, any case) in all types, then in one
    everywhere = stack.client.ok("GET", f"/tickets?box=pending&q={family[:-2].upper()}", KADIS)
    in_wiup = stack.client.ok("GET", f"/tickets?box=pending&permit_type=WIUP&q={family}", KADIS)
    by_number = stack.client.ok("GET", f"/tickets?box=pending&q={iujp}", KADIS)

    # THEN both are found across types with their total; one within its type; the number too
    assert sorted(t["ticket_no"] for t in everywhere["items"]) == sorted([wiup, iujp])
    assert everywhere["total"] == 2
    assert [t["ticket_no"] for t in in_wiup["items"]] == [wiup] and in_wiup["total"] == 1
    assert [t["ticket_no"] for t in by_number["items"]] == [iujp] and by_number["total"] == 1


def test_a_search_too_long_to_be_a_name_is_a_400(stack: RunningStack) -> None:
    for q in ("a" * 101, "satu dua tiga empat lima enam", "x" * 2000):
        answer = stack.client.call("GET", "/tickets", KADIS, params={"q": q})
        assert answer.status_code == 400, answer.text
        assert answer.json()["code"] == "INVALID_QUERY"


def test_counts_totals_and_lists_agree_before_and_after_a_decision(stack: RunningStack) -> None:
    # GIVEN a regional branch of its own region, with three tickets waiting for it
    c = stack.client
    region = f"UJI {uuid.uuid4().hex[:6].upper()}"
    branch = stack.new_user(["CABANG_DINAS"], region=region)
    token = stack.login(branch, "Rahasia#2026a")
    numbers = []
    for name in ("Hitung Satu", "Hitung Dua", "Hitung Tiga"):
        no = f"F{uuid.uuid4().hex[:10].upper()}"
        body = application(no, name, region=region, permit_type="IUJP")
        assert c.send_application(body).status_code == 201
        assert c.decide(no, KADIS, "A1", "TERIMA").status_code == 200
        assert c.decide(no, KABID, "A2", "TERIMA").status_code == 200
        numbers.append(no)

    def snapshot() -> tuple[dict[str, Any], list[str], list[int]]:
        listed, totals, cursor = [], [], None
        while True:
            url = "/tickets?box=pending&limit=2" + (f"&cursor={cursor}" if cursor else "")
            page = stack.api("GET", url, token).json()
            listed += [t["ticket_no"] for t in page["items"]]
            totals.append(page["total"])
            if not (cursor := page["next_cursor"]):
                break
        return stack.api("GET", "/tickets/summary", token).json(), listed, totals

    deadline = time.monotonic() + 20
    while len(snapshot()[1]) < 3 and time.monotonic() < deadline:
        time.sleep(0.3)

    # WHEN the branch reads its dashboard and every page, decides one, and reads again
    before, listed, totals = snapshot()
    decision = {"step": "A4", "action": "TOLAK", "checked": True, "note": "Berkas kurang"}
    answer = stack.api("POST", f"/tickets/{numbers[0]}/decision", token, json=decision)
    assert answer.status_code == 200, answer.text
    after, listed_after, totals_after = snapshot()

    # THEN every count is what the lists hold, and the decided ticket left all of them
    assert sorted(listed) == sorted(numbers) and len(listed) == 3
    assert before["total"] == before["pending"]["IUJP"] == 3 and set(totals) == {3}
    assert sorted(listed_after) == sorted(numbers[1:])
    assert after["total"] == 2 and set(totals_after) == {2}
    # … and it is among the branch's decided ones, found by search too
    decided = stack.api("GET", f"/tickets?box=decided&q={numbers[0]}", token).json()
    assert [t["ticket_no"] for t in decided["items"]] == [numbers[0]] and decided["total"] == 1


def test_dashboard_lists_the_latest_arrivals_newest_first(stack: RunningStack) -> None:
    # GIVEN two new applications, one after the other
    older = new_ticket(stack, "Datang Pertama")
    newer = new_ticket(stack, "Datang Kedua")

    # WHEN Kepala Dinas opens the dashboard
    board = stack.client.ok("GET", "/tickets/summary", KADIS)

    # THEN the latest incoming shows them, newest first, with when each is due
    latest = [t["ticket_no"] for t in board["latest"]]
    assert latest.index(newer) < latest.index(older)
    assert all(t["due_at"] and t["overdue"] is False for t in board["latest"][:2])


def test_an_overdue_ticket_is_on_the_dashboard_until_it_is_decided(
    stack: RunningStack, short_steps: Callable[[str], None]
) -> None:
    # GIVEN a ticket whose step times out after 2 seconds (its execution restarted short)
    c = stack.client
    no = new_ticket(stack, "Lewat Waktu")
    short_steps(no)

    # WHEN nobody decides in time
    def on_board() -> dict[str, Any] | None:
        board = c.ok("GET", "/tickets/summary", KADIS)
        return next((t for t in board["overdue"] if t["ticket_no"] == no), None) and board

    deadline = time.monotonic() + 30
    board = None
    while not board and time.monotonic() < deadline:
        time.sleep(0.5)
        board = on_board()

    # THEN the dashboard shows it among the overdue, counted, and the row says so
    assert board, "the overdue ticket never reached the dashboard"
    row = next(t for t in board["overdue"] if t["ticket_no"] == no)
    assert row["overdue"] is True and board["overdue_total"] >= 1
    # … until Kepala Dinas decides it
    decide_until_it_moves_on(stack, no)
    assert no not in [t["ticket_no"] for t in c.ok("GET", "/tickets/summary", KADIS)["overdue"]]


def test_the_bell_counts_unread_and_reading_lowers_it(stack: RunningStack) -> None:
    # GIVEN a regional branch of its own region (nobody else's tickets reach it), and one
    # ticket that comes to it
    c = stack.client
    region = f"BEL {uuid.uuid4().hex[:6].upper()}"
    email = stack.new_user(["CABANG_DINAS"], region=region)
    no = f"F{uuid.uuid4().hex[:10].upper()}"
    assert c.send_application(application(no, "Bel Berbunyi", region=region)).status_code == 201
    assert c.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    assert c.decide(no, KABID, "A2", "TERIMA").status_code == 200
    token = stack.login(email, "Rahasia#2026a")

    def bell() -> dict[str, Any]:
        response = stack.api("GET", "/notifications?limit=5", token)
        assert response.status_code == 200, response.text
        return response.json()

    deadline = time.monotonic() + 20
    while not bell()["unread"] and time.monotonic() < deadline:
        time.sleep(0.3)

    # WHEN they open it, and again after marking all as read
    first = bell()
    unread_page = stack.api("GET", "/notifications?unread=true", token).json()
    stack.api("POST", f"/notifications/{first['items'][0]['id']}/read", token)
    stack.api("POST", f"/notifications/{first['items'][0]['id']}/read", token)  # twice: once
    after = bell()

    # THEN the count was one, the unread page showed it, and reading it (twice) made it zero
    assert first["unread"] == 1
    assert [n["ticket_no"] for n in unread_page["items"]] == [no]
    assert after["unread"] == 0 and after["items"][0]["read"] is True
    assert stack.api("GET", "/notifications?unread=true", token).json()["items"] == []
