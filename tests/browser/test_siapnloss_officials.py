"""SIAP n LOSS officials in the console, through the UI: one PKKPR application taken by each
role in turn (front office, examiner, DPUPR twice, ATR/BPN, Backend, Kepala). Only the
applicant's payment (P5) is done over the API, to keep the test short."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from local.demo_files import demo_png
from local.pkkpr_demo import (
    ATR_BPN,
    BACKEND,
    DPUPR,
    FRONT_END,
    JOURNEY,
    KEPALA,
    PASSPHRASE,
    PEMERIKSA,
    paid,
    pdf,
    submitted,
    to_step,
)
from tests.browser.console import check_and_save, choose, login
from tests.stack import RunningStack

BLITAR = "DPMPTSP KABUPATEN BLITAR"


def official(new_page: Callable[..., Page], email: str, no: str) -> Page:
    """A fresh browser for one official, logged in, on the application's detail page."""
    page = new_page()
    login(page, email, agency=BLITAR)
    page.goto(f"/#/tiket/{no}")
    expect(page.get_by_label("Perubahan Status")).to_be_visible()
    return page


def attach(page: Page, folder: Path, label: str, name: str, data: bytes) -> None:
    path = folder / name
    path.write_bytes(data)
    page.get_by_label(label, exact=True).set_input_files(str(path))
    expect(page.get_by_text(f"Berkas diterima: {name}")).to_be_visible()


def saved(page: Page, action: str) -> None:
    check_and_save(page)
    expect(page.locator("#pesan")).to_contain_text(f'Keputusan "{action}" tersimpan')


def test_each_blitar_role_takes_its_step_in_the_console(
    stack: RunningStack,
    new_page: Callable[..., Page],
    shot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    c = stack.client
    no = submitted(c)

    # GIVEN the front office: accepts; the examiner: forwards to DPUPR
    page = official(new_page, FRONT_END, no)
    expect(page.locator("#sisa-waktu")).to_contain_text("hari kerja")
    expect(page.locator("#panel-permohonan")).to_contain_text("Pembangunan Rumah Tinggal")
    choose(page, "DITERIMA FRONT END")
    saved(page, "DITERIMA FRONT END")
    to_step(c, no, PEMERIKSA, "P3")
    page = official(new_page, PEMERIKSA, no)
    choose(page, "DITERUSKAN KE DINAS LAIN")
    saved(page, "DITERUSKAN KE DINAS LAIN")

    # WHEN DPUPR issues the KRK and the SPS PNBP, typing numbers as Indonesians write them
    to_step(c, no, DPUPR, "P4")
    page = official(new_page, DPUPR, no)
    choose(page, "PENERBITAN SPS PNBP")
    page.get_by_label("Nomor KRK").fill(JOURNEY["forms"]["krk"]["nomor"])
    page.get_by_label("Tanggal KRK").fill("20-11-2026")
    page.get_by_label("KLB").fill("1,2")
    page.get_by_label("Nomor SPS").fill(JOURNEY["forms"]["sps_pnbp"]["nomor"])
    page.get_by_label("Nominal PNBP (Rp)").fill("350.000")
    expect(page.locator("#form-sps_pnbp-nominal-hint")).to_have_text("= Rp350.000")
    page.get_by_label("Kode Billing").fill(JOURNEY["forms"]["sps_pnbp"]["kode_billing"])
    page.get_by_label("Batas Bayar").fill("20-12-2026")
    attach(page, tmp_path, "Unggah Keterangan Rencana Kabupaten (KRK) (PDF)", "krk.pdf", pdf("KRK"))
    attach(page, tmp_path, "Unggah Surat Perintah Setor (SPS) PNBP (PDF)", "sps.pdf", pdf("SPS"))
    shot(page, "dpupr-krk-sps")
    saved(page, "PENERBITAN SPS PNBP")

    # THEN the numbers are sent as numbers, and the nominal reads as rupiah, dates in Indonesian
    forms = c.ok("GET", f"/tickets/{no}", DPUPR)["forms"]
    assert forms["sps_pnbp"]["nominal"] == 350000 and forms["krk"]["klb"] == 1.2
    expect(page.locator("#panel-sps_pnbp")).to_contain_text("Rp350.000")
    expect(page.locator("#panel-sps_pnbp")).to_contain_text("20 Desember 2026")

    # WHEN the applicant pays; ATR/BPN opens the payment proof and issues the Pertek
    paid(c, no)
    page = official(new_page, ATR_BPN, no)
    proof = page.locator("tr", has_text="bukti_bayar.png")
    with page.expect_popup() as opened:
        proof.get_by_role("button", name="Buka").click()
    viewer = opened.value
    # THEN the image opens in the browser (inline, its own type), not as a download
    expect(viewer).to_have_url(re.compile(r"response-content-disposition=inline"))
    assert "image%2Fpng" in viewer.url
    viewer.close()
    choose(page, "PENERBITAN PERTEK")
    page.get_by_label("Nomor Pertek").fill(JOURNEY["forms"]["pertek"]["nomor"])
    page.get_by_label("Tanggal Pertek").fill("24-11-2026")
    attach(
        page, tmp_path, "Unggah Pertimbangan Teknis Pertanahan (Pertek) (PDF)", "pertek.pdf",
        pdf("Pertek"),
    )  # fmt: skip
    saved(page, "PENERBITAN PERTEK")

    # WHEN DPUPR recommends, drawing the approved parcel inside the applicant's on the map
    to_step(c, no, DPUPR, "P7")
    page = official(new_page, DPUPR, no)
    choose(page, "PENERBITAN REKOMENDASI")
    page.get_by_label("Nomor Rekomendasi").fill(JOURNEY["forms"]["rekomendasi"]["nomor"])
    page.get_by_label("Tanggal Rekomendasi").fill("25-11-2026")
    page.get_by_label("Hasil Kajian").select_option("SESUAI SEBAGIAN")
    draw_inside(page)
    area = page.locator("#form-rekomendasi-poligon_disetujui-area")
    expect(area).to_contain_text(re.compile(r"Luas poligon disetujui: [\d.,]+ m² \(4 titik\)"))
    expect(page.get_by_label("Luas Disetujui (m²)")).not_to_have_value("")
    attach(page, tmp_path, "Unggah rekomendasi DPUPR (PDF)", "rekomendasi.pdf", pdf("Rekomendasi"))
    attach(page, tmp_path, "Unggah Gambar Peta (PNG/JPEG)", "peta.png", demo_png())
    shot(page, "dpupr-rekomendasi-poligon")
    saved(page, "PENERBITAN REKOMENDASI")

    # THEN the drawn polygon is stored closed, inside the applied-for area
    rekomendasi = c.ok("GET", f"/tickets/{no}", DPUPR)["forms"]["rekomendasi"]
    ring = rekomendasi["poligon_disetujui"]["coordinates"][0]
    assert len(ring) == 5 and ring[0] == ring[-1]
    assert 0 < rekomendasi["luas_disetujui"] < 240

    # WHEN Backend previews the SK's print view, then numbers it
    page = official(new_page, BACKEND, no)
    choose(page, "INPUT NOMOR SK")
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Pratinjau SK").click()
    expect(opened.value).to_have_url(re.compile(r"pratinjau.*application%2Fpdf"))
    opened.value.close()
    page.get_by_label("Nomor SK").fill(JOURNEY["forms"]["sk"]["nomor_sk"])
    saved(page, "INPUT NOMOR SK")
    expect(page.get_by_role("button", name="Unduh Draf SK")).to_be_visible()  # not signed yet

    # WHEN Kepala signs it from the decision form: a wrong passphrase first
    to_step(c, no, KEPALA, "P9")
    page = official(new_page, KEPALA, no)
    # … he reads who numbered it, in a sentence (the result "SIAP DS" is no verb)
    last = page.get_by_role("row", name=re.compile("Keputusan terakhir"))
    expect(last).to_contain_text("Diputuskan oleh Backend DPMPTSP")
    expect(page.locator(".brand small")).to_have_text("Sistem Informasi Perizinan Non OSS")
    expect(page).to_have_title(re.compile(r" · SIAP n LOSS$"))  # as written, not "Siap N Loss"
    choose(page, "SETUJUI DAN TANDATANGANI")
    passphrase = page.get_by_label("Passphrase")
    expect(passphrase).to_have_attribute("type", "password")
    expect(passphrase).to_have_attribute("autocomplete", "off")
    passphrase.fill("salah-ketik")
    check_and_save(page)
    # THEN it says so in words and signs nothing; the right one ends it SELESAI
    expect(page.locator("#keputusan-pesan")).to_contain_text("Passphrase salah")
    shot(page, "kepala-passphrase-salah")
    passphrase.fill(PASSPHRASE)
    page.get_by_role("button", name="SIMPAN").click()
    expect(page.locator("#status-akhir")).to_contain_text("SELESAI")
    expect(page.locator("#btn-unduh-sk")).to_have_text("Unduh SK")  # the signed one now
    assert PASSPHRASE not in page.evaluate(
        "JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"
    )
    assert c.ok("GET", f"/tickets/{no}/sk", KEPALA)["signed"] is True


def draw_inside(page: Page) -> None:
    """Gambar Baru, then four clicks around the middle of the map (fitted to the applicant's
    parcel, so they fall inside it)."""
    page.get_by_role("button", name="Gambar Baru").click()
    box = page.locator("#form-rekomendasi-poligon_disetujui-map")
    box.scroll_into_view_if_needed()
    size = box.bounding_box()
    assert size is not None
    cx, cy, r = size["width"] / 2, size["height"] / 2, size["height"] * 0.2
    for dx, dy in ((-r, -r), (r, -r), (r, r), (-r, r)):
        box.click(position={"x": cx + dx, "y": cy + dy})
