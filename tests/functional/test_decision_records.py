"""What officials read about a decision: its reason, its wording, its one time (issue 8: 12–14)."""

from __future__ import annotations

import time

from tests.functional.test_andesit_journeys import delivered, new_ticket
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"
KABID = "kabid@esdm.demo"


def notification_for(stack: RunningStack, who: str, ticket_no: str, title_start: str) -> dict:
    deadline = time.monotonic() + 20
    while True:
        items = stack.client.ok("GET", "/notifications?limit=100", who)["items"]
        found = [
            n for n in items if n["ticket_no"] == ticket_no and n["title"].startswith(title_start)
        ]
        if found or time.monotonic() > deadline:
            assert found, f"no '{title_start}' notification for {ticket_no} to {who}"
            return found[0]
        time.sleep(0.2)


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(stack: RunningStack) -> None:
    # GIVEN a ticket waiting for Kepala Dinas
    c = stack.client
    no = new_ticket(stack, "Andi Saputra")
    c.wait_for_step(no, KADIS, "A1")

    # WHEN Kepala Dinas rejects with a blank reason
    answer = c.call(
        "POST",
        f"/tickets/{no}/decision",
        KADIS,
        json={"step": "A1", "action": "TOLAK", "checked": True, "note": "   "},
    )

    # THEN it is a 422 naming the reason, and the step still waits
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "NOTE_REQUIRED"
    assert "Alasan wajib diisi" in answer.json()["message"]
    assert c.ok("GET", f"/tickets/{no}", KADIS)["pending"]["step"] == "A1"


def test_a_return_carries_its_reason_to_the_next_official(stack: RunningStack) -> None:
    # GIVEN Kepala Bidang returns a ticket to Kepala Dinas with a reason
    c = stack.client
    no = new_ticket(stack, "Bambang Pamungkas")
    c.decide(no, KADIS, "A1", "TERIMA")
    reason = "Luas wilayah pada peta tidak sama dengan permohonan"
    answer = c.decide(no, KABID, "A2", "DIKEMBALIKAN KE KEPALA DINAS", note=reason)
    assert answer.status_code == 200, answer.text

    # WHEN Kepala Dinas opens the ticket and the notification
    detail = c.wait_for_step(no, KADIS, "A3")
    notice = notification_for(stack, KADIS, no, "Approval Kepala Bidang")

    # THEN the detail shows who returned it and why, and the notification says it in words
    last = detail["last_decision"]
    assert last["note"] == reason
    assert last["result"] == "DIKEMBALIKAN KEPALA BIDANG KE KEPALA DINAS"
    assert notice["message"] == (
        f"Pengajuan WIUP dengan no ticket {no}, DIKEMBALIKAN KEPALA BIDANG KE KEPALA DINAS. "
        f"Alasan: {reason}. Izin dapat diproses oleh KEPALA DINAS untuk approval selanjutnya."
    )


def test_notification_table_shows_the_status_now_not_when_sent(stack: RunningStack) -> None:
    # GIVEN Kepala Bidang was told of a ticket, which has moved on since
    c = stack.client
    no = new_ticket(stack, "Cahya Purnama")
    c.decide(no, KADIS, "A1", "TERIMA")
    notification_for(stack, KABID, no, "Approval Kepala Dinas")
    c.decide(no, KABID, "A2", "DIKEMBALIKAN KE KEPALA DINAS", note="Cek ulang")
    c.wait_for_step(no, KADIS, "A3")

    # WHEN Kepala Bidang reads the earlier notification
    notice = notification_for(stack, KABID, no, "Approval Kepala Dinas")

    # THEN "Status Saat Ini" is the status now; the sentence still tells what happened then
    assert notice["summary"]["Status Saat Ini"] == "DIKEMBALIKAN KE KEPALA DINAS"
    assert notice["summary"]["Posisi"] == "Kepala Dinas"
    assert "DITERIMA KEPALA DINAS" in notice["message"]


def test_one_decision_has_one_time_everywhere_and_ptsp_gets_the_reason(
    stack: RunningStack,
) -> None:
    # GIVEN Kepala Dinas rejects a ticket at once, with a reason
    c = stack.client
    no = new_ticket(stack, "Dewi Lestari")
    reason = "Permohonan bukan kewenangan provinsi"
    assert c.decide(no, KADIS, "A1", "TOLAK", note=reason).status_code == 200

    # WHEN the final status is recorded and PTSP is told
    final = c.wait_for_final(no, KADIS)
    (delivery,) = delivered(stack, no)
    body = delivery["body"]
    track = c.ok("GET", f"/tickets/{no}/track", KADIS)["items"]

    # THEN the decision, the ticket's decision time, the track and PTSP agree on one time
    decided = final["last_decision"]["decided_at"]
    assert final["decided_at"] == decided
    assert body["data"]["decided_at"] == decided
    (decision,) = [t for t in track if t["kind"] == "DECISION"]
    assert decision["left_at"] == decided
    assert track[-1]["kind"] == "FINAL" and track[-1]["left_at"] == decided
    # … and PTSP reads why it was rejected
    assert body["data"]["status"] == "DITOLAK DINAS ESDM"
    assert body["data"]["reason"] == reason
