"""PKKPR Non Berusaha (DPMPTSP Kabupaten Blitar) over HTTP on the running stack: the seven
roles, the applicant's draft and AJUKAN, returns, a refused payment proof, rejection by
DPUPR, the signed SK with its verification, and public tracking."""

from __future__ import annotations

import base64
import io
import re
import time
from pathlib import Path
from typing import Any

import requests

from chalicelib.adapters.signers import verify
from chalicelib.usecases.applications import TRACK_WINDOW_SECONDS
from local.pkkpr_demo import (
    ATR_BPN,
    BACKEND,
    CHECKLIST,
    DPUPR,
    FRONT_END,
    JOURNEY,
    KEPALA,
    PASSPHRASE,
    PEMERIKSA,
    TAKMIR,
    WARGA,
    accepted_and_forwarded,
    decide,
    decide_ok,
    new_draft,
    numbered,
    paid,
    pertek_issued,
    ready_to_sign,
    recommended,
    returned,
    sps_issued,
    submitted,
    to_step,
    upload,
)
from tests.stack import RunningStack, eventually

# What the public pages never show: name, NIK, address, phone, coordinates of the parcel.
PERSONAL = (
    "Siti Rahayu",
    "3505014405850002",
    "Anggrek",
    "0856-0000-0001",
    "6285600000001",
    "112.2201",
    "112.22025",
    "-8.1102",
    "-8.11034",
)


def track(stack: RunningStack, no: str, code: str) -> requests.Response:
    return stack.client.call("POST", "/public/track", json={"no": no, "code": code})


def statuses(stack: RunningStack, no: str, who: str = BACKEND) -> list[str]:
    rows = stack.client.ok("GET", f"/tickets/{no}/track", who)["items"]
    return [r["action"] for r in rows if r["kind"] == "DECISION"]


def test_the_whole_journey_with_the_seven_roles_ends_with_a_signed_verifiable_sk(
    stack: RunningStack,
) -> None:
    c = stack.client
    # GIVEN Siti's application, submitted with every checklist document
    no = submitted(c)
    assert no.startswith("PKKPR-2026-")

    # WHEN the front office sends it back, and Siti hands it in again
    decide_ok(c, no, FRONT_END, "P2", "DIKEMBALIKAN KE PEMOHON", note="KTP buram, unggah ulang.")
    returned = to_step(c, no, WARGA, "P1")
    assert returned["status"] == "DIKEMBALIKAN KE PEMOHON"
    upload(c, no, WARGA, "KTP")
    decide_ok(c, no, WARGA, "P1", "AJUKAN ULANG")
    to_step(c, no, FRONT_END, "P2")
    # … it goes on to DPUPR, who issues the KRK and the SPS PNBP
    accepted_and_forwarded(c, no)
    sps_issued(c, no)
    # … ATR/BPN refuses the first payment proof, accepts the second and issues the Pertek
    paid(c, no)
    refused = decide(c, no, ATR_BPN, "P6", "BUKTI BAYAR DITOLAK")
    assert refused.status_code == 422 and refused.json()["code"] == "NOTE_REQUIRED"
    decide_ok(c, no, ATR_BPN, "P6", "BUKTI BAYAR DITOLAK", note="Nominal tidak sesuai SPS.")
    assert to_step(c, no, WARGA, "P5")["status"] == "PENERBITAN SPS PNBP"
    paid(c, no)
    pertek_issued(c, no)
    recommended(c, no)
    # … Backend checks the print view, numbers the SK; Kepala sends it back once
    preview = c.ok("GET", f"/tickets/{no}/sk/preview", BACKEND)
    assert requests.get(preview["url"], timeout=30).content.startswith(b"%PDF")
    numbered(c, no)
    decide_ok(c, no, KEPALA, "P9", "DIKEMBALIKAN KE BACKEND", note="Salah ketik nomor SK.")
    to_step(c, no, BACKEND, "P8")
    numbered(c, no)
    wrong = decide(c, no, KEPALA, "P9", "SETUJUI DAN TANDATANGANI", passphrase="salah")
    no_passphrase = decide(c, no, KEPALA, "P9", "SETUJUI DAN TANDATANGANI")
    signed = decide_ok(c, no, KEPALA, "P9", "SETUJUI DAN TANDATANGANI", passphrase=PASSPHRASE)

    # THEN a wrong or missing passphrase signs nothing; the right one ends it SELESAI
    assert (wrong.status_code, wrong.json()["code"]) == (422, "PASSPHRASE_SALAH")
    assert (no_passphrase.status_code, no_passphrase.json()["code"]) == (
        422,
        "PASSPHRASE_REQUIRED",
    )
    assert signed["status"] == "SELESAI"
    assert statuses(stack, no).count("SETUJUI DAN TANDATANGANI") == 1
    # … Siti downloads her SK, signed PAdES under the stack's CA, valid by pyHanko
    link = c.ok("GET", f"/tickets/{no}/sk", WARGA)
    sk = requests.get(link["url"], timeout=30).content
    roots = [_local_root(stack)]
    verdict = verify(sk, roots)
    assert verdict.signed and verdict.intact and verdict.trusted
    assert verdict.signer_name == "Drs. Hendro Wibowo, M.Si."
    # … one changed byte inside the signed range is caught
    middle = len(sk) // 3
    tampered = sk[:middle] + bytes([sk[middle] ^ 0x01]) + sk[middle + 1 :]
    assert not verify(tampered, roots).intact
    # … the public verification page says authentic, and nothing personal
    token = _verification_token(sk)
    public = c.ok("GET", f"/public/verify/{token}")
    assert public["authentic"] and public["sk_number"] == JOURNEY["forms"]["sk"]["nomor_sk"]
    assert not any(p in str(public) for p in PERSONAL)
    same = c.ok("POST", f"/public/verify/{token}", json={"pdf": _b64(sk)})
    changed = c.ok("POST", f"/public/verify/{token}", json={"pdf": _b64(tampered)})
    assert same["same_document"] and same["signature_intact"]
    assert not changed["same_document"] and "TIDAK SAH" in changed["verdict"]
    # … and the public tracking page shows the timeline, without any personal data
    code = c.ok("GET", f"/applications/{no}", WARGA)["access_code"]
    tracked = track(stack, no, code)
    assert tracked.status_code == 200, tracked.text
    page = tracked.json()
    assert page["status"] == "SELESAI"
    assert [r["status"] for r in page["timeline"]][:3] == [
        "DIAJUKAN",
        "DIKEMBALIKAN KE PEMOHON",
        "DIAJUKAN ULANG OLEH PEMOHON",  # what each decision made of it, not the button
    ]
    assert not any(p in tracked.text for p in PERSONAL)
    assert "KTP buram" not in tracked.text  # officials' reasons stay inside


def test_a_returned_applicant_corrects_her_data_with_ajukan_ulang_and_the_track_says_what(
    stack: RunningStack,
) -> None:
    # GIVEN the front office returned Siti's application: the stated area is wrong
    c = stack.client
    no = returned(c, "Luas tidak sesuai SHM.")
    corrected = {**JOURNEY["data"], "luas_dimohon": 235.5, "alamat_lokasi": "Jl. Anggrek No. 9"}

    # WHEN an official tries to change the data with his decision, or Siti sends a wrong value
    official = c.call(
        "POST",
        f"/tickets/{no}/decision",
        FRONT_END,
        json={"step": "P1", "action": "AJUKAN ULANG", "checked": True, "application": corrected},
    )
    wrong = decide(c, no, WARGA, "P1", "AJUKAN ULANG", application={**corrected, "luas_dimohon": 0})
    # THEN both are refused and nothing is written
    assert (official.status_code, official.json()["code"]) == (403, "NOT_YOUR_TURN")
    assert (wrong.status_code, wrong.json()["field"]) == (400, "application.luas_dimohon")
    unchanged = c.ok("GET", f"/applications/{no}", WARGA)
    assert unchanged["application"]["luas_dimohon"] == JOURNEY["data"]["luas_dimohon"]
    assert unchanged["ticket"]["pending"]["step"] == "P1"

    # WHEN she hands it in again with the corrected data
    decide_ok(c, no, WARGA, "P1", "AJUKAN ULANG", application=corrected)

    # THEN the front office reads the new data, and the track says what she changed
    at_front_office = to_step(c, no, FRONT_END, "P2")
    assert at_front_office["application"]["luas_dimohon"] == 235.5
    assert at_front_office["application"]["alamat_lokasi"] == "Jl. Anggrek No. 9"
    resubmitted = [t for t in c.ok("GET", f"/tickets/{no}/track", FRONT_END)["items"]][-2]
    assert resubmitted["action"] == "AJUKAN ULANG"
    assert resubmitted["corrected"] == [
        {"title": "Alamat Lokasi", "before": JOURNEY["data"]["alamat_lokasi"],
         "after": "Jl. Anggrek No. 9"},
        {"title": "Luas Dimohon (m²)", "before": 240, "after": 235.5},
    ]  # fmt: skip
    # … and a decision that is not the applicant's return takes no data
    taking = decide(c, no, FRONT_END, "P2", "DITERIMA FRONT END", application=corrected)
    assert (taking.status_code, taking.json()["code"]) == (422, "APPLICATION_NOT_CORRECTABLE")


def test_dpupr_rejection_is_final_and_needs_a_reason(stack: RunningStack) -> None:
    c = stack.client
    no = submitted(c)
    accepted_and_forwarded(c, no)

    without_reason = decide(c, no, DPUPR, "P4", "DITOLAK")
    rejected = decide_ok(c, no, DPUPR, "P4", "DITOLAK", note="Lokasi di zona sempadan sungai.")

    assert without_reason.json()["code"] == "NOTE_REQUIRED"
    assert rejected["status"] == "DITOLAK" and rejected["final"]
    mine = c.ok("GET", f"/applications/{no}", WARGA)
    assert mine["ticket"]["status"] == "DITOLAK"
    assert "sempadan" in mine["ticket"]["last_decision"]["note"]  # the applicant reads why
    # … by the official's name and role, never the officials' emails
    track = c.ok("GET", f"/tickets/{no}/track", WARGA)
    assert mine["ticket"]["last_decision"]["actor_name"] == "Ir. Rina Kusumawati"
    for official in (DPUPR, FRONT_END, PEMERIKSA):
        assert official not in str(mine) and official not in str(track)
    preview = c.call("GET", f"/tickets/{no}/sk/preview", WARGA)
    assert (preview.status_code, preview.json()["code"]) == (403, "OFFICIALS_ONLY")


def test_the_forms_and_documents_of_each_step_are_enforced_by_name(stack: RunningStack) -> None:
    c = stack.client
    no = submitted(c)
    accepted_and_forwarded(c, no)

    nothing = decide(c, no, DPUPR, "P4", "PENERBITAN SPS PNBP")
    forms = JOURNEY["forms"]
    no_sps = decide(c, no, DPUPR, "P4", "PENERBITAN SPS PNBP", krk=forms["krk"])
    no_files = decide(
        c, no, DPUPR, "P4", "PENERBITAN SPS PNBP", krk=forms["krk"], sps_pnbp=forms["sps_pnbp"]
    )
    bad_billing = decide(
        c, no, DPUPR, "P4", "PENERBITAN SPS PNBP",
        krk=forms["krk"], sps_pnbp={**forms["sps_pnbp"], "kode_billing": "12"},
    )  # fmt: skip

    assert nothing.json()["code"] == "KRK_REQUIRED"
    assert "Nomor KRK" in nothing.json()["message"]
    assert no_sps.json()["code"] == "SPS_PNBP_REQUIRED"
    assert "Kode Billing" in no_sps.json()["message"]
    assert no_files.json()["code"] == "DOCUMENT_REQUIRED"
    assert "Keterangan Rencana Kabupaten" in no_files.json()["message"]
    assert bad_billing.status_code == 400 and bad_billing.json()["field"] == "sps_pnbp.kode_billing"
    assert to_step(c, no, DPUPR, "P4")["status"] == "DITERUSKAN KE DINAS LAIN"


def test_ajukan_is_refused_while_a_required_document_is_missing(stack: RunningStack) -> None:
    c = stack.client
    no = new_draft(c)["ticket_no"]
    for kind in CHECKLIST[:-1]:
        upload(c, no, WARGA, kind)

    refused = c.call("POST", f"/applications/{no}/submit", WARGA)

    assert refused.status_code == 422
    assert refused.json()["code"] == "CHECKLIST_INCOMPLETE"
    assert "Foto Lokasi" in refused.json()["message"]
    draft = c.ok("GET", f"/applications/{no}", WARGA)
    assert draft["draft"] and draft["missing"] == ["Foto Lokasi Depan, Kanan dan Kiri (PDF/JPG)"]
    assert c.call("GET", f"/tickets/{no}", FRONT_END).status_code == 404  # not yet theirs


def test_a_draft_keeps_partial_data_but_ajukan_needs_it_whole(stack: RunningStack) -> None:
    c = stack.client
    body = {"permit_type": "PKKPR_NON_BERUSAHA", "data": {"nama_kegiatan": "Mushola Al-Ikhlas"}}
    draft = c.ok("POST", "/applications", TAKMIR, json=body)
    for kind in CHECKLIST:
        upload(c, draft["ticket_no"], TAKMIR, kind)

    refused = c.call("POST", f"/applications/{draft['ticket_no']}/submit", TAKMIR)
    crossing = c.call(
        "PATCH",
        f"/applications/{draft['ticket_no']}",
        TAKMIR,
        json={"data": {"poligon": _bow_tie()}},
    )

    assert refused.status_code == 400 and refused.json()["field"].startswith("data.")
    assert crossing.status_code == 422 and "berpotongan" in crossing.json()["message"]


def test_a_draft_saved_from_a_stale_screen_is_refused_and_keeps_the_newer_data(
    stack: RunningStack,
) -> None:
    # GIVEN Siti has her draft open on her laptop and on her phone, both at one revision
    c = stack.client
    draft = new_draft(c)
    no, seen = draft["ticket_no"], draft["revision"]
    upload(c, no, WARGA, CHECKLIST[0])  # a document changes no data: the revision stays
    laptop = {**JOURNEY["data"], "nama_kegiatan": "Rumah Tinggal Dua Lantai"}
    phone = {**JOURNEY["data"], "alamat_lokasi": "Jl. Melati No. 3"}

    # WHEN the laptop saves, and then the phone saves what it showed before that
    saved = c.ok("PATCH", f"/applications/{no}", WARGA, json={"data": laptop, "revision": seen})
    stale = c.call("PATCH", f"/applications/{no}", WARGA, json={"data": phone, "revision": seen})

    # THEN the phone is told to reload, and the laptop's change is not overwritten
    assert saved["revision"] == seen + 1
    assert (stale.status_code, stale.json()["code"]) == (409, "DRAFT_CHANGED_ELSEWHERE")
    assert "perangkat atau tab lain" in stale.json()["message"]
    now = c.ok("GET", f"/applications/{no}", WARGA)
    assert now["application"]["nama_kegiatan"] == "Rumah Tinggal Dua Lantai"
    assert now["application"]["alamat_lokasi"] == JOURNEY["data"]["alamat_lokasi"]
    assert now["revision"] == seen + 1


def test_an_applicant_never_sees_another_applicants_application(stack: RunningStack) -> None:
    c = stack.client
    no = submitted(c)

    for path in (f"/tickets/{no}", f"/applications/{no}", f"/tickets/{no}/track"):
        assert c.call("GET", path, TAKMIR).status_code == 404, path
    assert no not in str(c.ok("GET", "/applications", TAKMIR))
    assert no in str(c.ok("GET", "/applications", WARGA))
    refused = decide(c, no, TAKMIR, "P2", "DITERIMA FRONT END")
    assert refused.status_code == 404


def test_an_applicant_replaces_a_shared_access_code_and_the_old_one_stops_working(
    stack: RunningStack,
) -> None:
    # GIVEN Siti's application, whose access code she once shared
    c = stack.client
    no = submitted(c)
    old = c.ok("GET", f"/applications/{no}", WARGA)["access_code"]
    assert track(stack, no, old).status_code == 200

    # WHEN another applicant or an official asks for a new one, and then Siti does
    stranger = c.call("POST", f"/applications/{no}/access-code", TAKMIR)
    official = c.call("POST", f"/applications/{no}/access-code", FRONT_END)
    renewed = c.ok("POST", f"/applications/{no}/access-code", WARGA)

    # THEN only hers is taken: the new code tracks it, the old one no longer does
    assert stranger.status_code == 404
    assert (official.status_code, official.json()["code"]) == (403, "NOT_THE_APPLICANT")
    new = renewed["access_code"]
    assert new != old and c.ok("GET", f"/applications/{no}", WARGA)["access_code"] == new
    assert track(stack, no, new).status_code == 200
    assert track(stack, no, old).status_code == 404
    # … officials see her application, never its code
    assert c.ok("GET", f"/applications/{no}", FRONT_END)["access_code"] is None
    # … and it is not a button to press without end: five an hour
    for _ in range(4):
        c.ok("POST", f"/applications/{no}/access-code", WARGA)
    too_often = c.call("POST", f"/applications/{no}/access-code", WARGA)
    assert (too_often.status_code, too_often.json()["code"]) == (429, "TOO_MANY_ATTEMPTS")
    # … and a draft has no code to replace
    draft = new_draft(c)["ticket_no"]
    refused = c.call("POST", f"/applications/{draft}/access-code", WARGA)
    assert (refused.status_code, refused.json()["code"]) == (422, "NOT_SUBMITTED")


def test_the_front_office_enters_a_walk_in_application_that_then_belongs_to_its_applicant(
    stack: RunningStack,
) -> None:
    c = stack.client
    body = {
        "permit_type": "PKKPR_NON_BERUSAHA",
        "applicant": {"name": "Ahmad Fauzi", "email": TAKMIR, "phone": "085600000002"},
        "data": JOURNEY["data"],
    }
    made = c.call("POST", "/applications", FRONT_END, json=body)
    assert made.status_code == 201, made.text
    no = made.json()["ticket_no"]
    for kind in CHECKLIST:
        upload(c, no, FRONT_END, kind)
    c.ok("POST", f"/applications/{no}/submit", FRONT_END)

    mine = c.ok("GET", f"/applications/{no}", TAKMIR)
    assert mine["channel"] == "loket" and mine["applicant"]["phone"] == "+6285600000002"
    assert to_step(c, no, FRONT_END, "P2")["status"] == "DRAFT PERMOHONAN"


def test_the_applicant_and_the_next_role_are_told_by_whatsapp(stack: RunningStack) -> None:
    c = stack.client
    no = submitted(c)
    decide_ok(c, no, FRONT_END, "P2", "DITERIMA FRONT END")

    def sent() -> list[dict[str, Any]]:
        items = requests.get(f"{stack.url}lokal/pesan.json", timeout=30).json()["items"]
        found = [m for m in items if m["channel"] == "whatsapp" and no in m["text"]]
        wanted = {"+6285600000001", "+6281300000002"}  # Siti, and Pemeriksa who acts next
        return found if {m["to"] for m in found} >= wanted else []

    messages = eventually(sent, "WhatsApp to Siti and Pemeriksa")
    to_siti = [m for m in messages if m["to"] == "+6285600000001"]
    assert any("DITERIMA FRONT END" in m["text"] for m in to_siti)
    assert all("3505014405850002" not in m["text"] for m in messages)  # no NIK in a chat


def test_public_tracking_answers_the_same_for_an_unknown_number_and_a_wrong_code(
    stack: RunningStack,
) -> None:
    no = submitted(stack.client)
    right = stack.client.ok("GET", f"/applications/{no}", WARGA)["access_code"]

    unknown = track(stack, "PKKPR-2026-99999", "ABCD-EFGH")
    wrong = track(stack, no, "ABCD-EFGH")
    typed_loosely = track(stack, no, right.replace("-", " ").lower())

    assert unknown.status_code == wrong.status_code == 404
    assert unknown.json() == wrong.json()
    assert typed_loosely.status_code == 200  # spaces, dashes and case do not matter
    # … and the counters of wrong guesses delete themselves (TTL) once their window is over
    dynamodb, table = stack.boto3_client("dynamodb"), stack.env["SEARCH_TABLE"]
    ttl = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expires")
    pages = dynamodb.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="begins_with(term_key, :t)",
        ExpressionAttributeValues={":t": {"S": "THROTTLE#track#"}},
    )
    counters = [item for page in pages for item in page["Items"]]
    now = time.time()
    assert counters and all(
        now < int(c["expires"]["N"]) <= now + 2 * TRACK_WINDOW_SECONDS + 5 for c in counters
    ), counters


def _local_root(stack: RunningStack) -> bytes:
    folder = Path(stack.env["SIGNER_DIR"])
    return (folder / "root-ca.cert.pem").read_bytes()


def _verification_token(pdf: bytes) -> str:
    """The token of the link under the SK's QR code (the page's link annotation)."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    annotations = [a.get_object() for a in page.get("/Annots", [])]
    links = [a["/A"]["/URI"] for a in annotations if a.get("/Subtype") == "/Link"]
    link = next(str(u) for u in links if "/verifikasi/" in str(u))
    return link.rsplit("/verifikasi/", 1)[1]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _bow_tie() -> dict[str, Any]:
    ring = [[112.22, -8.11], [112.221, -8.111], [112.221, -8.11], [112.22, -8.111], [112.22, -8.11]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_a_resident_registers_confirms_with_the_whatsapp_code_and_applies(
    stack: RunningStack,
) -> None:
    c = stack.client
    email = f"warga.{int(time.time() * 1000)}@contoh.id"
    body = {
        "email": email,
        "name": "Sri Utami",
        "phone": "0857 1234 5678",
        "password": "Rahasia#2026",
    }

    registered = c.call("POST", "/auth/register", json=body)
    too_early = c.call("POST", "/auth/login", json={"email": email, "password": "Rahasia#2026"})
    code = eventually(lambda: _code_sent_to(stack, email), "the code by email")
    wrong = c.call("POST", "/auth/register/confirm", json={"email": email, "code": "000000"})
    confirmed = c.call("POST", "/auth/register/confirm", json={"email": email, "code": code})

    assert registered.status_code == 201 and registered.json()["phone"] == "+6285712345678"
    assert too_early.status_code in (401, 403)
    assert wrong.status_code == 422 and wrong.json()["code"] == "CODE_INVALID"
    assert confirmed.status_code == 200, confirmed.text
    token = c.token(email, "Rahasia#2026")
    draft = stack.api("POST", "/applications", token, json={"permit_type": "PKKPR_NON_BERUSAHA"})
    assert draft.status_code == 201, draft.text
    assert draft.json()["applicant"]["name"] == "Sri Utami"


def test_kepala_signs_every_siap_ds_application_in_one_go(stack: RunningStack) -> None:
    c = stack.client
    first, second = submitted(c), submitted(c)
    for no in (first, second):
        ready_to_sign(c, no)

    wrong = c.ok(
        "POST", "/signing/batch", KEPALA, json={"ticket_nos": [first, second], "passphrase": "x"}
    )
    signed = c.ok(
        "POST",
        "/signing/batch",
        KEPALA,
        json={"ticket_nos": [first, second], "passphrase": PASSPHRASE},
    )

    assert [r.get("code") for r in wrong["items"]] == ["PASSPHRASE_SALAH"]  # stopped at once
    assert signed["signed"] == 2
    after = {no: c.ok("GET", f"/tickets/{no}", KEPALA) for no in (first, second)}
    assert {t["status"] for t in after.values()} == {"SELESAI"}
    # each result says when it was signed: the signing decision's own time
    assert [r["signed_at"] for r in signed["items"]] == [
        after[no]["last_decision"]["decided_at"] for no in (first, second)
    ]


def _code_sent_to(stack: RunningStack, email: str) -> str | None:
    """The code on the local page of sent messages: by email only (it proves the address)."""
    items = requests.get(f"{stack.url}lokal/pesan.json", timeout=30).json()["items"]
    for message in items:
        found = re.search(r"\b(\d{6})\b", message["text"])
        if message["to"] == email and found:
            assert message["channel"] == "email"
            return found.group(1)
    return None
