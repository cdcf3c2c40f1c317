"""A third, test-only workflow runs end to end on the local stack, declared as data only.

`izin-uji` (tests/fixtures/declarations/: agency `uji-kota`, roles PETUGAS_UJI and KEPALA_UJI,
the form `pemeriksaan` and the document kind BERITA_ACARA) is loaded by the test stack through
EXTRA_DECLARATIONS; no Python or JS names it. Its applications come through the PTSP webhook
like Andesit's, by their own permit types; it declares no integration, so nothing goes back
to PTSP (test_agency_isolation checks that).

The test agency's accounts (with the demo password): its administrator is created in Cognito
as the seed creates the demo accounts (no administrator of another agency may create it); it
then creates its officials through the admin API.
"""

from __future__ import annotations

import json
from pathlib import Path

from local.client import ApiClient
from local.demo_files import demo_pdf
from tests.functional.other_agency import AGENCY, KEPALA, PETUGAS, client, uji_accounts
from tests.functional.test_andesit_journeys import decide_ok, new_ticket
from tests.stack import RunningStack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "declarations"
WORKFLOW = json.loads((FIXTURES / "workflows" / "izin-uji" / "workflow.json").read_text())
PERMIT = "UJI_REKLAME"
WAITING_PETUGAS = "MENUNGGU PEMERIKSAAN PETUGAS UJI"
WAITING_KEPALA = "MENUNGGU PERSETUJUAN KEPALA UJI"
APPROVED, REJECTED = "DISETUJUI DINAS UJI", "DITOLAK DINAS UJI"
FORWARD = "TERUSKAN KE KEPALA UJI"
PEMERIKSAAN = {
    "nomor_berita_acara": "BA/UJI/001/2026",
    "tanggal_periksa": "2026-11-03",
    "berlaku_sampai": "2027-11-03",
}


def new_uji_ticket(stack: RunningStack, name: str = "Wulan Uji", permit: str = PERMIT) -> str:
    """An application of an izin-uji permit type, through the same PTSP webhook as Andesit's."""
    return new_ticket(stack, name, permit_type=permit)


def upload_berita_acara(c: ApiClient, no: str, who: str) -> str:
    pdf = demo_pdf("Berita Acara Pemeriksaan", [f"Tiket {no}", "Pemeriksaan lapangan"])
    response = c.upload(no, who, pdf, kind="BERITA_ACARA", filename="berita-acara.pdf")
    assert response.status_code == 200, response.text
    return response.json()["id"]


def forwarded_to_kepala(stack: RunningStack, name: str = "Wulan Uji") -> str:
    """A ticket Petugas Uji has examined and forwarded: waiting for Kepala Uji at U2."""
    c, who = client(stack), uji_accounts(stack)
    no = new_uji_ticket(stack, name)
    c.wait_for_step(no, who.petugas, "U1")
    document_id = upload_berita_acara(c, no, who.petugas)
    after = decide_ok(
        c, no, who.petugas, "U1", FORWARD, pemeriksaan=PEMERIKSAAN, document_ids=[document_id]
    )
    assert after["status"] == WAITING_KEPALA
    return no


def pending_numbers(c: ApiClient, who: str, **params: str) -> list[str]:
    items = c.ok("GET", "/tickets", who, params={"box": "pending", **params})["items"]
    return [t["ticket_no"] for t in items]


# --- what the test agency's officials are offered -------------------------------------------


def test_the_test_agency_sees_only_its_workflow(stack: RunningStack) -> None:
    c, who = client(stack), uji_accounts(stack)

    offered = c.ok("GET", "/workflows", who.petugas)

    assert offered["agency"]["id"] == AGENCY
    assert offered["agency"]["name"] == "DINAS UJI KOTA CONTOH"
    workflows = [w for category in offered["categories"] for w in category["workflows"]]
    assert [w["id"] for w in workflows] == ["izin-uji"]
    (izin,) = workflows
    assert izin["my_roles"] == [PETUGAS]
    assert [p["id"] for p in izin["permit_types"]] == [p["id"] for p in WORKFLOW["permit_types"]]
    assert izin["roles"][KEPALA] == {"label": "Kepala Dinas Uji", "sees": "agency"}
    assert izin["final_statuses"] == {APPROVED: "approved", REJECTED: "rejected"}
    assert [(s["step"], s["role"]) for s in izin["steps"]] == [("U1", PETUGAS), ("U2", KEPALA)]
    assert izin["forms"]["pemeriksaan"]["title"] == "Hasil Pemeriksaan"
    assert izin["documents"]["BERITA_ACARA"]["formats"] == ["application/pdf"]
    assert izin["intake"]["channels"] == ["ptsp"]
    assert izin["service_time_seconds"] == 86400


def test_the_test_agency_is_offered_on_the_landing_page(stack: RunningStack) -> None:
    agencies = stack.api("GET", "/agencies").json()["items"]

    assert AGENCY in [a["id"] for a in agencies]


# --- a whole journey ------------------------------------------------------------------------


def test_an_izin_uji_application_runs_from_ptsp_to_approval(stack: RunningStack) -> None:
    # GIVEN an application of an izin-uji permit type through the PTSP webhook
    c, who = client(stack), uji_accounts(stack)
    no = new_uji_ticket(stack, "Wulan Pertama")

    # THEN it waits for Petugas Uji: in the ticket, their list, search and dashboard
    detail = c.wait_for_step(no, who.petugas, "U1")
    assert (detail["workflow"], detail["status"]) == ("izin-uji", WAITING_PETUGAS)
    assert detail["status_kind"] == "in_progress"
    options = {o["action"]: o["requires"] for o in detail["pending"]["options"]}
    assert options[FORWARD] == {"forms": ["pemeriksaan"], "documents": ["BERITA_ACARA"]}
    assert no in pending_numbers(c, who.petugas)
    assert pending_numbers(c, who.petugas, q=no) == [no]
    assert no in pending_numbers(c, who.petugas, permit_type=PERMIT)
    assert no not in pending_numbers(c, who.kepala)
    counts = c.ok("GET", "/tickets/summary", who.petugas)
    assert counts["pending"][PERMIT] >= 1 and counts["total"] >= 1
    assert set(counts["pending"]) <= {p["id"] for p in WORKFLOW["permit_types"]}
    row = next(t for t in c.ok("GET", "/tickets", who.petugas)["items"] if t["ticket_no"] == no)
    assert (row["workflow"], row["permit_short"]) == ("izin-uji", "Reklame Uji")

    # WHEN Petugas Uji forwards it without the form, with dates backwards, without the
    # document: each is refused and the ticket stays where it is
    without_form = c.decide(no, who.petugas, "U1", FORWARD)
    backwards = c.decide(
        no, who.petugas, "U1", FORWARD, pemeriksaan={**PEMERIKSAAN, "berlaku_sampai": "2026-01-01"}
    )
    without_document = c.decide(no, who.petugas, "U1", FORWARD, pemeriksaan=PEMERIKSAAN)
    assert (without_form.status_code, without_form.json()["code"]) == (422, "PEMERIKSAAN_REQUIRED")
    assert (backwards.status_code, backwards.json()["code"]) == (422, "INVALID_PEMERIKSAAN")
    assert "Tanggal Pemeriksaan" in backwards.json()["message"]
    assert (without_document.status_code, without_document.json()["code"]) == (
        422,
        "DOCUMENT_REQUIRED",
    )
    assert c.ok("GET", f"/tickets/{no}", who.petugas)["pending"]["step"] == "U1"

    # … and with the form and the berita acara, it goes to Kepala Uji
    document_id = upload_berita_acara(c, no, who.petugas)
    forwarded = decide_ok(
        c, no, who.petugas, "U1", FORWARD, pemeriksaan=PEMERIKSAAN, document_ids=[document_id]
    )
    assert forwarded["status"] == WAITING_KEPALA
    c.wait_for_step(no, who.kepala, "U2")
    assert no in pending_numbers(c, who.kepala)
    assert no not in pending_numbers(c, who.petugas)

    # WHEN Kepala Uji approves
    decide_ok(c, no, who.kepala, "U2", "SETUJUI")

    # THEN the ticket is final and approved, with the form's data and the document
    final = c.wait_for_final(no, who.kepala)
    assert (final["status"], final["status_kind"]) == (APPROVED, "approved")
    assert final["pending"] is None
    assert final["forms"] == {"pemeriksaan": PEMERIKSAAN}
    assert [d["kind"] for d in final["documents"]] == ["BERITA_ACARA"]
    track = c.ok("GET", f"/tickets/{no}/track", who.kepala)["items"]
    decisions = [(t["step"], t["action"]) for t in track if t["kind"] == "DECISION"]
    assert decisions == [("U1", FORWARD), ("U2", "SETUJUI")]
    assert track[0]["kind"] == "ARRIVAL" and track[-1]["kind"] == "FINAL"
    decided = c.ok("GET", "/tickets", who.kepala, params={"box": "decided"})["items"]
    assert no in [t["ticket_no"] for t in decided]


def test_kepala_uji_returns_it_and_petugas_uji_rejects(stack: RunningStack) -> None:
    c, who = client(stack), uji_accounts(stack)
    no = forwarded_to_kepala(stack, "Wulan Kedua")

    no_note = c.decide(no, who.kepala, "U2", "KEMBALIKAN KE PETUGAS UJI")
    assert (no_note.status_code, no_note.json()["code"]) == (422, "NOTE_REQUIRED")
    returned = decide_ok(
        c, no, who.kepala, "U2", "KEMBALIKAN KE PETUGAS UJI", note="Periksa ulang lokasi"
    )
    assert returned["status"] == WAITING_PETUGAS
    c.wait_for_step(no, who.petugas, "U1")
    not_theirs = c.decide(no, who.kepala, "U1", "TOLAK", note="Bukan gilirannya")
    assert (not_theirs.status_code, not_theirs.json()["code"]) == (403, "NOT_YOUR_TURN")

    decide_ok(c, no, who.petugas, "U1", "TOLAK", note="Lokasi tidak sesuai")

    final = c.wait_for_final(no, who.petugas)
    assert (final["status"], final["status_kind"]) == (REJECTED, "rejected")
    track = c.ok("GET", f"/tickets/{no}/track", who.petugas)["items"]
    assert [(t["step"], t["action"]) for t in track if t["kind"] == "DECISION"] == [
        ("U1", FORWARD),
        ("U2", "KEMBALIKAN KE PETUGAS UJI"),
        ("U1", "TOLAK"),
    ]


def test_only_the_workflows_document_kinds_may_be_uploaded(stack: RunningStack) -> None:
    c, who = client(stack), uji_accounts(stack)
    no = new_uji_ticket(stack, "Wulan Ketiga")
    c.wait_for_step(no, who.petugas, "U1")

    response = c.call(
        "POST",
        f"/tickets/{no}/documents",
        who.petugas,
        json={
            "kind": "REKOMTEK",
            "filename": "r.pdf",
            "content_type": "application/pdf",
            "size": 9,
        },
    )

    assert response.status_code in (400, 422), response.text
    assert response.json()["code"] in ("INVALID_DOCUMENT_KIND", "VALIDATION_ERROR")
