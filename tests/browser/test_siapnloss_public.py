"""The public pages of SIAP n LOSS: Lacak Permohonan at /lacak (registration number and
access code) and the verification page an SK's QR code opens (/verifikasi/<token>), which
also checks a PDF someone was given."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from local.pkkpr_demo import (
    KEPALA,
    PASSPHRASE,
    WARGA,
    decide_ok,
    ready_to_sign,
    submitted,
)
from tests.browser.conftest import PHONE
from tests.functional.test_pkkpr_journeys import PERSONAL, _verification_token
from tests.stack import RunningStack


def test_anyone_tracks_an_application_and_verifies_its_signed_sk(
    stack: RunningStack,
    new_page: Callable[..., Page],
    shot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    c = stack.client
    no = submitted(c)
    ready_to_sign(c, no)
    decide_ok(c, no, KEPALA, "P9", "SETUJUI DAN TANDATANGANI", passphrase=PASSPHRASE)
    c.wait_for_final(no, KEPALA)
    code = c.ok("GET", f"/applications/{no}", WARGA)["access_code"]

    # GIVEN someone on a phone at /lacak with a wrong code, then the right one
    page = new_page(PHONE)
    page.goto("/lacak")
    page.get_by_label("Nomor Registrasi").fill(no)
    page.get_by_label("Kode Akses").fill("SALAH-123")
    page.get_by_role("button", name="Lacak").click()
    expect(page.locator("#lacak-pesan")).to_contain_text("tidak cocok")
    page.get_by_label("Kode Akses").fill(code)
    page.get_by_role("button", name="Lacak").click()

    # THEN the status, the timeline in Indonesian dates and the working days; nothing personal
    expect(page.locator("#lacak-status")).to_have_text("SELESAI")
    timeline = page.locator("#riwayat-status")
    expect(timeline).to_contain_text("DIAJUKAN")
    expect(timeline).to_contain_text("SIAP DS")  # what each decision made of it
    expect(timeline.get_by_text("SELESAI", exact=True)).to_have_count(1)
    months = (
        "Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    )
    expect(timeline.locator(".muted").first).to_have_text(re.compile(rf"\d+ ({months}) \d{{4}}"))
    expect(page.locator("#lacak-sisa-waktu")).to_contain_text("hari kerja")
    shot(page, "lacak")
    text = page.locator("body").inner_text()
    assert not any(p in text for p in PERSONAL)

    # WHEN the SK's QR code is opened
    sk = requests.get(c.ok("GET", f"/tickets/{no}/sk", WARGA)["url"], timeout=30).content
    token = _verification_token(sk)
    page.goto(f"/verifikasi/{token}")
    # THEN it says the SK is authentic, with its number
    expect(page.locator("#verifikasi-hasil")).to_contain_text("Kode verifikasi SAH")
    expect(page.locator("#verifikasi-nomor")).to_have_text("503/0123/409.115/2026")
    expect(page.locator("body")).to_contain_text("Masa Berlaku")

    # WHEN the genuine PDF is checked, then one with a byte changed
    genuine, tampered = tmp_path / "sk.pdf", tmp_path / "sk-diubah.pdf"
    genuine.write_bytes(sk)
    middle = len(sk) // 3
    tampered.write_bytes(sk[:middle] + bytes([sk[middle] ^ 0x01]) + sk[middle + 1 :])
    page.get_by_label("Pilih Berkas PDF").set_input_files(str(genuine))
    expect(page.locator("#periksa-putusan")).to_have_class(re.compile("verdict-ok"))
    page.get_by_label("Pilih Berkas PDF").set_input_files(str(tampered))
    # THEN the changed one is called not valid
    expect(page.locator("#periksa-putusan")).to_contain_text("TIDAK SAH")
    # … without blaming the signer's certificate, which a broken signature cannot show
    expect(page.locator("#periksa-putusan")).to_contain_text(
        "Sertifikat penanda tangan dikenali: tidak dapat diperiksa"
    )
    shot(page, "verifikasi-tidak-sah")

    # … and an unknown token is said to be unknown
    page.goto("/verifikasi/bukan-token-asli")
    expect(page.locator("#verifikasi-hasil")).to_contain_text("Kode verifikasi tidak dikenal")
