"""Whole Andesit journeys over HTTP on the local stack: PTSP in, officials decide, PTSP out."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from local.client import ApiClient, application
from local.demo_files import demo_pdf
from tests.functional.other_agency import uji_accounts
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"
KABID = "kabid@esdm.demo"
ANOTHER_AGENCY = "an official of another agency (created on the stack)"
CABDIN = "cabdin.semarang@esdm.demo"
REKOMTEK = json.loads(Path(__file__).with_name("andesit_rekomtek.json").read_text())


def new_ticket(stack: RunningStack, name: str = "Aceng Sudegdo", **extra: Any) -> str:
    ticket_no = f"T{uuid.uuid4().hex[:10].upper()}"
    response = stack.client.send_application(application(ticket_no, name, **extra))
    assert response.status_code == 201, response.text
    return ticket_no


def decide_ok(c: ApiClient, ticket_no: str, who: str, step: str, action: str, **extra: Any) -> dict:
    response = c.decide(ticket_no, who, step, action, **extra)
    assert response.status_code == 200, response.text
    return response.json()


def upload_rekomtek(c: ApiClient, ticket_no: str, step: str = "A4") -> str:
    c.wait_for_step(ticket_no, CABDIN, step)
    pdf = demo_pdf("Surat Rekomendasi Teknis", [f"Tiket {ticket_no}", "Lampiran peta lokasi"])
    response = c.upload(ticket_no, CABDIN, pdf)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def delivered(stack: RunningStack, ticket_no: str, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        found = [
            d
            for d in stack.sink()["items"]
            if (d.get("body") or {}).get("data", {}).get("ticket_no") == ticket_no
            and d["answered"] == 200
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_the_issue_loop_ends_approved_and_ptsp_receives_the_rekomtek(stack: RunningStack) -> None:
    # GIVEN an application from PTSP, accepted by Kepala Dinas and Kepala Bidang
    c = stack.client
    no = new_ticket(stack)
    decide_ok(c, no, KADIS, "A1", "TERIMA")
    decide_ok(c, no, KABID, "A2", "TERIMA")

    # WHEN Cabang Dinas rejects, Kabid forwards, Kadis returns it to Cabang Dinas,
    # Cabang Dinas approves with rekomtek and the PDF, Kabid forwards and Kadis approves
    assert decide_ok(c, no, CABDIN, "A4", "TOLAK", note="Berkas kurang")["status"] == (
        "DITOLAK CABANG DINAS WILAYAH"
    )
    assert decide_ok(c, no, KABID, "A6", "DITERUSKAN KE KEPALA DINAS")["status"] == (
        "DIKEMBALIKAN KE KEPALA DINAS (DITOLAK CABANG DINAS)"
    )
    decide_ok(c, no, KADIS, "A8", "DIKEMBALIKAN KE CABANG DINAS", note="Kaji ulang lokasi")
    c.wait_for_step(no, CABDIN, "A4")
    document_id = upload_rekomtek(c, no)
    after = decide_ok(c, no, CABDIN, "A4", "SETUJUI", rekomtek=REKOMTEK, document_ids=[document_id])
    assert after["status"] == "HASIL KAJIAN DITERIMA KEPALA BIDANG"
    decide_ok(c, no, KABID, "A5", "REKOMTEK DITERUSKAN KE KEPALA DINAS")
    decide_ok(c, no, KADIS, "A9", "DISETUJUI DINAS ESDM")

    # THEN the ticket is final, approved, with the rekomtek …
    final = c.wait_for_final(no, KADIS)
    assert final["status"] == "DISETUJUI DINAS ESDM"
    assert final["position"] == "Selesai"
    assert final["forms"]["rekomtek"] == REKOMTEK
    assert final["pending"] is None
    # … and PTSP received one signed izin.diputuskan with the rekomtek and a document link
    (delivery,) = delivered(stack, no)
    assert delivery["signature_valid"] is True
    assert delivery["webhook_id"] == f"msg_izin_diputuskan_{no}"
    body = delivery["body"]
    assert body["type"] == "izin.diputuskan"
    assert body["data"]["status"] == "DISETUJUI DINAS ESDM"
    assert body["data"]["rekomtek"] == REKOMTEK
    (document,) = body["data"]["documents"]
    assert document["kind"] == "REKOMTEK" and document["url"].startswith("http")
    # … and, once the final status is recorded, the track shows every step in order,
    # with who decided and how long it waited
    track = c.ok("GET", f"/tickets/{no}/track", KABID)["items"]
    decisions = [(t["step"], t["action"]) for t in track if t["kind"] == "DECISION"]
    assert decisions == [
        ("A1", "TERIMA"),
        ("A2", "TERIMA"),
        ("A4", "TOLAK"),
        ("A6", "DITERUSKAN KE KEPALA DINAS"),
        ("A8", "DIKEMBALIKAN KE CABANG DINAS"),
        ("A4", "SETUJUI"),
        ("A5", "REKOMTEK DITERUSKAN KE KEPALA DINAS"),
        ("A9", "DISETUJUI DINAS ESDM"),
    ]
    assert track[0]["kind"] == "ARRIVAL" and track[-1]["kind"] == "FINAL"
    rejected = next(t for t in track if t["action"] == "TOLAK")
    assert rejected["actor"] == CABDIN and rejected["note"] == "Berkas kurang"
    assert all(t["duration_seconds"] >= 0 for t in track if t["kind"] == "DECISION")


def test_rejection_by_kepala_dinas_is_final_and_sent_to_ptsp(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack, "Siti Rahayu")

    answer = decide_ok(c, no, KADIS, "A1", "TOLAK", note="Bukan kewenangan provinsi")

    assert (answer["status"], answer["final"], answer["position"]) == (
        "DITOLAK DINAS ESDM",
        True,
        "Selesai",
    )

    final = c.wait_for_final(no, KADIS)
    assert final["status"] == "DITOLAK DINAS ESDM"
    (delivery,) = delivered(stack, no)
    assert delivery["body"]["data"]["status"] == "DITOLAK DINAS ESDM"
    assert "rekomtek" not in delivery["body"]["data"]


def test_returned_rekomtek_goes_back_to_cabang_dinas_with_the_right_label(
    stack: RunningStack,
) -> None:
    c = stack.client
    no = new_ticket(stack, "Joko Widodo")
    decide_ok(c, no, KADIS, "A1", "TERIMA")
    decide_ok(c, no, KABID, "A2", "TERIMA")
    doc = upload_rekomtek(c, no)
    decide_ok(c, no, CABDIN, "A4", "SETUJUI", rekomtek=REKOMTEK, document_ids=[doc])
    decide_ok(c, no, KABID, "A5", "REKOMTEK DITERUSKAN KE KEPALA DINAS")

    decide_ok(c, no, KADIS, "A9", "BERKAS DIKEMBALIKAN KE CABANG DINAS", note="Peta belum sesuai")

    detail = c.wait_for_step(no, CABDIN, "A10")
    assert detail["status"] == "REKOMTEK DITOLAK KE KEPALA DINAS"
    assert [o["action"] for o in detail["pending"]["options"]] == [
        "SETUJUI DAN TERUSKAN KE KEPALA BIDANG",
        "TOLAK",
    ]


def test_many_simultaneous_decisions_on_one_step_one_wins(stack: RunningStack) -> None:
    from concurrent.futures import ThreadPoolExecutor

    c = stack.client
    no = new_ticket(stack, "Rina Kusuma")
    c.wait_for_step(no, KADIS, "A1")
    body = {"step": "A1", "action": "TERIMA", "checked": True}
    c.token(KADIS)

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(
            pool.map(
                lambda _: c.call("POST", f"/tickets/{no}/decision", KADIS, json=body),
                range(12),
            )
        )

    codes = sorted(a.status_code for a in answers)
    assert codes.count(200) == 1, [a.text for a in answers]
    assert set(codes) == {200, 409}
    assert {a.json()["code"] for a in answers if a.status_code == 409} <= {
        "STEP_ALREADY_DECIDED",
        "STEP_NOT_PENDING",
    }
    detail = c.wait_for_step(no, KABID, "A2")
    assert detail["status"] == "DITERIMA KEPALA BIDANG"
    track = c.ok("GET", f"/tickets/{no}/track", KADIS)["items"]
    assert [t["step"] for t in track if t["kind"] == "DECISION"] == ["A1"]


def test_a_stale_screen_cannot_decide_again(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack)
    decide_ok(c, no, KADIS, "A1", "TERIMA")

    again = c.call(
        "POST",
        f"/tickets/{no}/decision",
        KADIS,
        json={"step": "A1", "action": "TOLAK", "checked": True},
    )

    assert again.status_code == 409
    assert again.json()["code"] == "STEP_NOT_PENDING"
    assert "Muat ulang" in again.json()["message"]


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        (KABID, {"step": "A1", "action": "TERIMA", "checked": True}, 403, "NOT_YOUR_TURN"),
        (KADIS, {"step": "A1", "action": "SETUJUI", "checked": True}, 422, "INVALID_ACTION"),
        (KADIS, {"step": "A1", "action": "TERIMA", "checked": False}, 422, "CHECK_REQUIRED"),
        (KADIS, {"step": "A1", "action": "TERIMA"}, 400, "VALIDATION_ERROR"),
        (KADIS, {"step": "A2", "action": "TERIMA", "checked": True}, 409, "STEP_NOT_PENDING"),
        (
            ANOTHER_AGENCY,
            {"step": "A1", "action": "TERIMA", "checked": True},
            404,
            "TICKET_NOT_FOUND",
        ),
    ],
    ids=["wrong-role", "not-an-option", "not-checked", "no-checked", "not-pending", "other-agency"],
)
def test_refused_decisions_change_nothing(
    stack: RunningStack, who: str, body: dict, status: int, code: str
) -> None:
    c = stack.client
    no = new_ticket(stack)
    c.wait_for_step(no, KADIS, "A1")
    if who == ANOTHER_AGENCY:
        who = uji_accounts(stack).petugas

    response = c.call("POST", f"/tickets/{no}/decision", who, json=body)

    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["message"]
    detail = c.ok("GET", f"/tickets/{no}", KADIS)
    assert detail["status"] == "MENUNGGU PERSETUJUAN KEPALA DINAS"
    assert detail["pending"]["step"] == "A1"


def test_approval_needs_rekomtek_fields_and_the_pdf(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack)
    decide_ok(c, no, KADIS, "A1", "TERIMA")
    decide_ok(c, no, KABID, "A2", "TERIMA")
    c.wait_for_step(no, CABDIN, "A4")

    without_fields = c.decide(no, CABDIN, "A4", "SETUJUI")
    without_pdf = c.decide(no, CABDIN, "A4", "SETUJUI", rekomtek=REKOMTEK)
    backwards = c.decide(
        no, CABDIN, "A4", "SETUJUI", rekomtek={**REKOMTEK, "berlaku_sampai": "2020-01-01"}
    )
    unknown_doc = c.decide(no, CABDIN, "A4", "SETUJUI", rekomtek=REKOMTEK, document_ids=["0" * 32])

    assert (without_fields.status_code, without_fields.json()["code"]) == (422, "REKOMTEK_REQUIRED")
    assert (without_pdf.status_code, without_pdf.json()["code"]) == (422, "DOCUMENT_REQUIRED")
    assert (backwards.status_code, backwards.json()["code"]) == (422, "INVALID_REKOMTEK")
    assert (unknown_doc.status_code, unknown_doc.json()["code"]) == (422, "DOCUMENT_NOT_FOUND")
    assert c.ok("GET", f"/tickets/{no}", CABDIN)["pending"]["step"] == "A4"


def test_unknown_ticket_is_404(stack: RunningStack) -> None:
    response = stack.client.call("GET", "/tickets/TIDAKADA", KADIS)

    assert response.status_code == 404
    assert response.json()["code"] == "TICKET_NOT_FOUND"
