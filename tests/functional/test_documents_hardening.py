"""Uploaded documents under pressure: abandoned uploads, hostile filenames, hostile content,
superseded letters and who uploaded them — over HTTP on the local stack."""

from __future__ import annotations

import io
import json
import struct
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from chalicelib.adapters.pending import grant_id
from chalicelib.core.limits import MAX_PENDING_UPLOADS
from chalicelib.usecases.document_limits import MAX_DOCUMENTS_PER_STEP
from local.demo_files import demo_pdf
from tests.functional.test_andesit_journeys import (
    CABDIN,
    KABID,
    KADIS,
    REKOMTEK,
    decide_ok,
    delivered,
    new_ticket,
    upload_rekomtek,
)
from tests.stack import RunningStack

NEW_USER_PASSWORD = "Rahasia#2026a"


def at_cabang_dinas(stack: RunningStack, name: str) -> str:
    """A fresh ticket waiting for Cabang Dinas Semarang at A4 (rekomtek study)."""
    c = stack.client
    no = new_ticket(stack, name)
    decide_ok(c, no, KADIS, "A1", "TERIMA")
    decide_ok(c, no, KABID, "A2", "TERIMA")
    c.wait_for_step(no, CABDIN, "A4")
    return no


def ask_upload(
    stack: RunningStack, no: str, token: str, filename: str = "rekomtek.pdf", size: int = 2000
) -> requests.Response:
    body = {"kind": "REKOMTEK", "filename": filename, "content_type": "application/pdf"}
    return stack.api("POST", f"/tickets/{no}/documents", token, json={**body, "size": size})


def ticket_item(stack: RunningStack, no: str) -> dict[str, Any]:
    dynamodb = stack.boto3_client("dynamodb")
    return dynamodb.get_item(
        TableName=stack.env["TICKETS_TABLE"], Key={"ticket_no": {"S": no}}, ConsistentRead=True
    )["Item"]


def stored_keys(stack: RunningStack, no: str) -> list[str]:
    """The ticket's files in the documents bucket, pending or kept."""
    s3 = stack.boto3_client("s3")
    bucket = stack.env["DOCUMENTS_BUCKET"]
    return sorted(
        item["Key"]
        for prefix in (f"pending/{no}/", f"tickets/{no}/")
        for item in s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    )


def png_of(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims `width`×`height` (tiny IDAT: the header alone is the bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def pdf_with_open_action_javascript() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(demo_pdf("Surat Rekomendasi Teknis", ["Uji"])))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('halo');"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = action
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- item 2: abandoned upload requests --------------------------------------------------------


def test_abandoned_upload_requests_are_bounded_and_never_reach_the_ticket(
    stack: RunningStack,
) -> None:
    # GIVEN a ticket waiting for Cabang Dinas, and a second Cabang Dinas official of the region
    c = stack.client
    no = at_cabang_dinas(stack, "Unggahan Terbengkalai")
    abandoner = stack.new_user(["CABANG_DINAS"], region="SEMARANG DEMAK")
    token = c.token(abandoner, NEW_USER_PASSWORD)
    size_before = len(json.dumps(ticket_item(stack, no)))

    # WHEN that official asks for uploads and never sends a file, again and again
    answers = [ask_upload(stack, no, token) for _ in range(MAX_PENDING_UPLOADS + 3)]

    # THEN only the first few are granted; the rest are refused with a clear reason …
    codes = [a.status_code for a in answers]
    assert codes == [201] * MAX_PENDING_UPLOADS + [429] * 3, codes
    refused = answers[-1].json()
    assert refused["code"] == "TOO_MANY_PENDING_UPLOADS"
    assert "belum selesai" in refused["message"]
    # … the ticket item did not grow …
    item = ticket_item(stack, no)
    assert len(json.dumps(item)) == size_before
    assert json.loads(item["documents"]["S"]) == {}
    # … and the Cabang Dinas can still attach the rekomtek and approve
    document_id = upload_rekomtek(c, no)
    after = decide_ok(c, no, CABDIN, "A4", "SETUJUI", rekomtek=REKOMTEK, document_ids=[document_id])
    assert after["status"] == "HASIL KAJIAN DITERIMA KEPALA BIDANG"


def test_a_withdrawn_upload_frees_its_place_at_once(stack: RunningStack) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Unggahan Dibatalkan")
    official = stack.new_user(["CABANG_DINAS"], region="SEMARANG DEMAK")
    token = c.token(official, NEW_USER_PASSWORD)
    granted = [ask_upload(stack, no, token).json()["id"] for _ in range(MAX_PENDING_UPLOADS)]
    assert ask_upload(stack, no, token).status_code == 429

    by_other = stack.api("DELETE", f"/tickets/{no}/documents/{granted[0]}", c.token(CABDIN))
    withdrawn = stack.api("DELETE", f"/tickets/{no}/documents/{granted[0]}", token)
    again = stack.api("DELETE", f"/tickets/{no}/documents/{granted[0]}", token)

    assert (by_other.status_code, by_other.json()["code"]) == (403, "NOT_UPLOADER")
    assert withdrawn.status_code == 204
    assert again.status_code == 404
    assert ask_upload(stack, no, token).status_code == 201
    kept = c.upload(no, CABDIN, demo_pdf("Surat Rekomendasi Teknis", ["Tetap"])).json()["id"]
    refused = c.call("DELETE", f"/tickets/{no}/documents/{kept}", CABDIN)
    assert (refused.status_code, refused.json()["code"]) == (409, "DOCUMENT_CONFIRMED")


def test_the_pending_bound_holds_for_simultaneous_requests(stack: RunningStack) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Unggahan Serentak")
    token = c.token(stack.new_user(["CABANG_DINAS"], region="SEMARANG DEMAK"), NEW_USER_PASSWORD)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: ask_upload(stack, no, token), range(16)))

    codes = sorted(a.status_code for a in answers)
    assert codes == [201] * MAX_PENDING_UPLOADS + [429] * (16 - MAX_PENDING_UPLOADS), codes


def test_an_upload_confirmed_after_its_lifetime_is_refused_and_leaves_nothing(
    stack: RunningStack,
) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Unggahan Kedaluwarsa")
    pdf = demo_pdf("Surat Rekomendasi Teknis", ["Terlambat"])
    grant = ask_upload(stack, no, c.token(CABDIN), size=len(pdf)).json()
    upload = grant["upload"]
    stored = requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("rekomtek.pdf", pdf, "application/pdf")},
        timeout=30,
    )
    assert stored.status_code < 300
    # GIVEN the upload's lifetime has run out (its item is aged, as time would)
    stack.boto3_client("dynamodb").update_item(
        TableName=stack.env["IDEMPOTENCY_TABLE"],
        Key={"id": {"S": grant_id(no, grant["id"])}},
        UpdateExpression="SET expiration = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )

    answer = c.call("POST", f"/tickets/{no}/documents/{grant['id']}/confirm", CABDIN)

    assert answer.status_code == 410, answer.text
    assert answer.json()["code"] == "UPLOAD_EXPIRED"
    assert "kedaluwarsa" in answer.json()["message"]
    assert c.ok("GET", f"/tickets/{no}", CABDIN)["documents"] == []
    assert stored_keys(stack, no) == []


def test_confirmed_documents_per_step_are_bounded(stack: RunningStack) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Batas Dokumen")
    pdf = demo_pdf("Lampiran", ["Uji batas"])
    for _ in range(MAX_DOCUMENTS_PER_STEP):
        assert c.upload(no, CABDIN, pdf).status_code == 200

    more = ask_upload(stack, no, c.token(CABDIN), size=len(pdf))

    assert more.status_code == 409, more.text
    assert more.json()["code"] == "DOCUMENT_LIMIT_REACHED"
    assert str(MAX_DOCUMENTS_PER_STEP) in more.json()["message"]
    assert len(c.ok("GET", f"/tickets/{no}", CABDIN)["documents"]) == MAX_DOCUMENTS_PER_STEP


# --- item 7: filenames in Content-Disposition ---------------------------------------------------


def test_control_characters_in_a_filename_are_refused_at_request_time(
    stack: RunningStack,
) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Nama Berkas Aneh")

    answers = [
        ask_upload(stack, no, c.token(CABDIN), filename=name)
        for name in ("rekomtek\r\nX-Sisipan: 1.pdf", "rekomtek\t.pdf", "rekomtek\x00.pdf")
    ]

    for answer in answers:
        assert answer.status_code == 400, answer.text
        assert answer.json()["field"] == "filename"
        assert "karakter kendali" in answer.json()["message"]


def test_quotes_and_an_en_dash_in_a_filename_download_under_that_name(
    stack: RunningStack,
) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Nama Berkas Unicode")
    name = 'Rekomtek "final" – Semarang.pdf'
    pdf = demo_pdf("Surat Rekomendasi Teknis", ["Uji nama berkas"])
    document_id = c.upload(no, CABDIN, pdf, filename=name).json()["id"]

    link = c.call("GET", f"/tickets/{no}/documents/{document_id}", KABID)
    downloaded = requests.get(link.json()["url"], timeout=10)

    assert link.headers["X-Content-Type-Options"] == "nosniff"
    assert downloaded.status_code == 200 and downloaded.content == pdf
    assert downloaded.headers["Content-Disposition"] == (
        'inline; filename="Rekomtek _final_ - Semarang.pdf"; '
        "filename*=UTF-8''Rekomtek%20%22final%22%20%E2%80%93%20Semarang.pdf"
    )
    assert link.json()["filename"] == name
    assert stored_keys(stack, no) == [f"tickets/{no}/{document_id}"]


# --- item 9: content checks ---------------------------------------------------------------------


def test_a_decompression_bomb_png_is_refused(stack: RunningStack) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Gambar Raksasa")

    answer = c.upload(no, CABDIN, png_of(20000, 20000), "PETA", "peta.png", "image/png")

    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "INVALID_DOCUMENT"
    assert "megapiksel" in answer.json()["message"]
    assert c.ok("GET", f"/tickets/{no}", CABDIN)["documents"] == []
    assert stored_keys(stack, no) == []


def test_a_pdf_that_runs_javascript_when_opened_is_refused(stack: RunningStack) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "PDF Berskrip")

    answer = c.upload(no, CABDIN, pdf_with_open_action_javascript())

    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "INVALID_DOCUMENT"
    assert "JavaScript" in answer.json()["message"]
    assert c.ok("GET", f"/tickets/{no}", CABDIN)["documents"] == []


# --- items 11 and 19: superseded rekomtek letters, the uploader's name -------------------------


def test_after_two_returns_ptsp_receives_only_the_current_rekomtek(stack: RunningStack) -> None:
    # GIVEN a rekomtek sent back once by Kepala Bidang and once by Kepala Dinas
    c = stack.client
    no = at_cabang_dinas(stack, "Tiga Rekomtek")
    first = upload_rekomtek(c, no)
    decide_ok(c, no, CABDIN, "A4", "SETUJUI", rekomtek=REKOMTEK, document_ids=[first])
    decide_ok(c, no, KABID, "A5", "BERKAS DIKEMBALIKAN KE CABANG DINAS", note="Peta kurang jelas")
    second = upload_rekomtek(c, no, "A10")
    forward = "SETUJUI DAN TERUSKAN KE KEPALA BIDANG"
    decide_ok(c, no, CABDIN, "A10", forward, rekomtek=REKOMTEK, document_ids=[second])
    decide_ok(c, no, KABID, "A5", "REKOMTEK DITERUSKAN KE KEPALA DINAS")
    decide_ok(c, no, KADIS, "A9", "BERKAS DIKEMBALIKAN KE CABANG DINAS", note="Nomor surat salah")
    third = upload_rekomtek(c, no, "A10")
    decide_ok(c, no, CABDIN, "A10", forward, rekomtek=REKOMTEK, document_ids=[third])
    decide_ok(c, no, KABID, "A5", "REKOMTEK DITERUSKAN KE KEPALA DINAS")

    # WHEN Kepala Dinas approves
    decide_ok(c, no, KADIS, "A9", "DISETUJUI DINAS ESDM")

    # THEN PTSP received the third letter only …
    final = c.wait_for_final(no, KADIS)
    (delivery,) = delivered(stack, no)
    assert [d["id"] for d in delivery["body"]["data"]["documents"]] == [third]
    # … and the detail shows it as current, the two sent back as superseded history
    rows = {d["id"]: d for d in final["documents"]}
    assert (rows[third]["current"], rows[third]["superseded_at"]) == (True, None)
    assert rows[first]["current"] is False and rows[second]["current"] is False
    assert rows[first]["superseded_at"] < rows[second]["superseded_at"]
    name = c.ok("GET", "/me", CABDIN)["name"]
    assert {d["uploaded_by_name"] for d in final["documents"]} == {name}
    assert {d["uploaded_by"] for d in final["documents"]} == {CABDIN}
