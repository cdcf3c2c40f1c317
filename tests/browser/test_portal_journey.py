"""The applicant's whole journey through the portal at phone width (draft, parcel drawn on
the map, checklist, AJUKAN, payment, signed SK), another applicant shut out, and the front
office entering a walk-in application with a KML file. Officials' steps go through the API."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from local.demo_files import demo_pdf, demo_png
from local.pkkpr_demo import (
    ATR_BPN,
    FRONT_END,
    KEPALA,
    PASSPHRASE,
    TAKMIR,
    WARGA,
    accepted_and_forwarded,
    decide_ok,
    new_draft,
    numbered,
    pertek_issued,
    recommended,
    returned,
    sps_issued,
    to_step,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.console import login
from tests.stack import DEMO_PASSWORD, RunningStack

FIELDS = Path(__file__).with_name("portal_fields.json")
DATA = json.loads(FIELDS.read_text(encoding="utf-8"))


def indonesian(number: float) -> str:
    """257121.9 → "257.121,9"; 240.0 → "240" (as the portal writes an area)."""
    whole, fraction = f"{number:,.1f}".split(".")
    return whole.replace(",", ".") + ("" if fraction == "0" else f",{fraction}")


def log_in(page: Page, email: str) -> None:
    """Masuk from the SIAP n LOSS service menu on the landing page."""
    page.goto("/")
    page.get_by_role("navigation", name=re.compile("Layanan DPMPTSP")).get_by_role(
        "button", name="Masuk"
    ).click()
    dialog = page.get_by_role("dialog", name="Form Login SIAP n LOSS")
    dialog.get_by_label("Email Address").fill(email)
    dialog.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    dialog.get_by_role("button", name="Login").click()


def fill_application(page: Page, luas: str) -> None:
    for label, value in DATA["text"].items():
        page.get_by_label(label, exact=True).fill(value)
    for label, value in DATA["select"].items():
        page.get_by_label(label, exact=True).select_option(value)
    page.get_by_label("Luas Dimohon (m²)").fill(luas)


def upload_checklist(page: Page) -> None:
    """Every required document, each showing its own progress and then its file name."""
    for label in DATA["checklist"]:
        name = re.sub(r"\W+", "-", label.lower()).strip("-")[:30] + ".pdf"
        page.get_by_label(f"Unggah {label}", exact=True).set_input_files(
            files=[
                {"name": name, "mimeType": "application/pdf", "buffer": demo_pdf(label, [label])}
            ]
        )
        expect(page.get_by_text(f"Berkas diterima: {name}")).to_be_visible()
    # … an optional document left out is no fault: it does not say so in red
    optional = page.locator(".portal-doc", has_text="Surat Kuasa")
    expect(optional).to_contain_text("Tidak wajib; unggah bila ada.")
    expect(optional).not_to_contain_text("Belum diunggah")
    edges = optional.evaluate(
        "(e) => [getComputedStyle(e).borderLeftColor, getComputedStyle(e).borderTopColor]"
    )
    assert edges[0] == edges[1], f"an optional document has a coloured edge: {edges}"


def draw_parcel(page: Page) -> None:
    """Zoom in to a house plot, then click its four corners."""
    box = page.locator("#polygon-map")
    for _ in range(6):
        page.locator(".leaflet-control-zoom-in").click()
        expect(box).not_to_have_class(re.compile("leaflet-zoom-anim"))
    for x, y in ((150, 140), (165, 140), (165, 152), (150, 152)):
        box.click(position={"x": x, "y": y})


def test_an_applicant_drafts_draws_submits_pays_and_downloads_the_signed_sk(
    stack: RunningStack, new_page: Callable[..., Page], shot: Callable[[Page, str], Path]
) -> None:
    c = stack.client
    page = new_page(PHONE)
    # GIVEN Siti logs in on her phone: she lands on Data Permohonan
    log_in(page, WARGA)
    expect(page.get_by_role("heading", name="Data Permohonan")).to_be_visible()
    page.get_by_role("link", name=re.compile("Masukkan data PKKPR")).click()

    # WHEN she fills the form, draws her plot on the map and states a wrong area
    expect(page.get_by_role("heading", name="Input Data Permohonan")).to_be_visible()
    no = page.locator(".page-head strong").first.inner_text()
    expect(page.get_by_label("Nama Pemohon")).to_have_value("Siti Rahayu")
    page.get_by_label("NIK").fill("3505014405850002")
    page.get_by_label("Alamat Pemohon").fill("Jl. Anggrek No. 7, Kanigoro")
    fill_application(page, "9999")
    draw_parcel(page)
    # THEN the computed area stands next to the stated one, with a warning
    expect(page.locator("#luas-poligon")).to_contain_text("m²")
    expect(page.locator("#area-warning")).to_contain_text("berbeda")
    area = page.locator("#luas-poligon").inner_text().replace(" m²", "")
    page.get_by_label("Luas Dimohon (m²)").fill(area)
    expect(page.locator("#area-warning")).to_have_count(0)
    # AJUKAN waits for the documents, and says which
    expect(page.get_by_role("button", name="AJUKAN")).to_be_disabled()
    expect(page.locator("#missing-list")).to_contain_text("Surat Permohonan (PDF)")
    expect(page.locator("#save-state")).to_contain_text("Draf tersimpan")
    shot(page, "form-before-uploads")

    # WHEN she leaves and comes back, the draft is as she left it
    page.goto("/#/permohonan")
    row = page.locator(f'tr[data-ticket="{no}"]')
    expect(row).to_contain_text("Draf (belum diajukan)")
    shot(page, "data-permohonan-draft")
    row.get_by_role("link", name="Lanjutkan Isian").click()
    expect(page.get_by_label("Nama Kegiatan")).to_have_value(DATA["text"]["Nama Kegiatan"])
    # … the parcel's area is the server's measure, the one every later page shows
    measured = c.ok("GET", f"/applications/{no}", WARGA)["application"]["luas_poligon"]
    expect(page.locator("#luas-poligon")).to_have_text(f"{indonesian(measured)} m²")
    # … the area she typed reads as she typed it ("64.280,7"), thousands dot and all
    expect(page.get_by_label("Luas Dimohon (m²)")).to_have_value(area)

    upload_checklist(page)
    expect(page.get_by_role("button", name="AJUKAN")).to_be_enabled()
    shot(page, "form-complete")
    page.get_by_role("button", name="AJUKAN").click()

    # THEN her application page: number, access code, status, Posisi Berkas, service time
    expect(page.get_by_role("heading", name=f"Permohonan {no}")).to_be_visible()
    code = c.ok("GET", f"/applications/{no}", WARGA)["access_code"]
    expect(page.locator("#kode-akses")).to_have_text(code)
    expect(page.get_by_text("simpan untuk Lacak Permohonan")).to_be_visible()
    expect(page.locator("#riwayat")).to_contain_text("DIAJUKAN")
    shot(page, "diajukan")
    # … and a code she shared can be replaced: asked first, the new one shown at once
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Ganti Kode Akses").click()
    expect(page.locator("#kode-msg")).to_contain_text("Kode lama tidak berlaku lagi")
    renewed = c.ok("GET", f"/applications/{no}", WARGA)["access_code"]
    assert renewed != code
    expect(page.locator("#kode-akses")).to_have_text(renewed)

    # WHEN the officials issue the SPS PNBP, she pays and uploads the proof
    to_step(c, no, FRONT_END, "P2")
    accepted_and_forwarded(c, no)
    sps_issued(c, no)
    page.reload()
    step = page.locator("#langkah-anda")
    expect(step.locator("#sps-pnbp")).to_contain_text("Rp350.000")
    expect(step.locator("#sps-pnbp")).to_contain_text("820261234567890")
    expect(step.locator("#sps-pnbp")).to_contain_text("20 Desember 2026")
    # … and can open the SPS letter DPUPR issued, to pay at the bank
    with page.expect_popup() as opened:
        step.get_by_role("button", name="Unduh Surat Perintah Setor (SPS) PNBP (PDF)").click()
    expect(opened.value).to_have_url(re.compile(r"response-content-type=application%2Fpdf"))
    opened.value.close()
    send = step.get_by_role("button", name="UPLOAD BUKTI BAYAR")
    expect(send).to_be_disabled()
    step.get_by_label("Unggah Bukti Bayar").set_input_files(
        files=[{"name": "bukti-bayar.png", "mimeType": "image/png", "buffer": demo_png()}]
    )
    expect(step.get_by_text("Berkas diterima: bukti-bayar.png")).to_be_visible()
    shot(page, "bayar")
    send.click()
    expect(page.locator("#langkah-anda")).to_have_count(0)
    to_step(c, no, ATR_BPN, "P6")

    # WHEN the land office, DPUPR, the back office and the head finish it
    pertek_issued(c, no)
    recommended(c, no)
    numbered(c, no)
    decide_ok(c, no, KEPALA, "P9", "SETUJUI DAN TANDATANGANI", passphrase=PASSPHRASE)
    page.reload()
    # THEN SELESAI, and "Unduh SK" opens the signed PDF
    expect(page.locator("#status")).to_contain_text("SELESAI")
    shot(page, "selesai")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Unduh SK").click()
    expect(popup.value).to_have_url(re.compile(r"^http"))
    assert c.ok("GET", f"/tickets/{no}/sk", WARGA)["signed"] is True

    # AND another applicant cannot open her application
    other = new_page(PHONE)
    log_in(other, TAKMIR)
    expect(other.get_by_role("heading", name="Data Permohonan")).to_be_visible()
    expect(other.locator(f'tr[data-ticket="{no}"]')).to_have_count(0)
    other.goto(f"/#/permohonan/{no}")
    expect(other.get_by_text(f"Permohonan {no} tidak ditemukan")).to_be_visible()
    expect(other.get_by_text("Siti Rahayu")).to_have_count(0)


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Masjid</name>
<Polygon><outerBoundaryIs><LinearRing><coordinates>
112.2301,-8.1202,0 112.23035,-8.1202,0 112.23035,-8.12044,0 112.2301,-8.12044,0 112.2301,-8.1202,0
</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>"""


def test_the_front_office_enters_a_walk_in_application_with_a_kml_parcel(
    stack: RunningStack, new_page: Callable[..., Page], shot: Callable[[Page, str], Path]
) -> None:
    page = new_page(DESKTOP)
    log_in(page, FRONT_END)
    page.get_by_role("link", name="Input Permohonan (Loket)").click()
    # GIVEN the walk-in applicant's name, email and WhatsApp typed at the loket
    page.get_by_label("Nama Pemohon").fill("H. Sholeh")
    page.get_by_label("Email Pemohon").fill("takmir.nurulhuda@contoh.id")
    page.get_by_label("Nomor WhatsApp").fill("0813-5555-0101")
    page.get_by_label("NIK").fill("3505010101700003")
    page.get_by_label("Alamat Pemohon").fill("Dusun Krajan, Desa Wlingi")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_role("heading", name="Input Permohonan (Loket)")).to_be_visible()
    expect(page.get_by_text("atas nama H. Sholeh")).to_be_visible()
    # WHEN the mosque's plot comes as a KML file, and the rest is filled in
    fill_application(page, "735")
    page.get_by_label("Jenis Kegiatan").select_option("Tempat Ibadah")
    expect(page.get_by_label("Unggah GeoJSON/KML")).to_be_enabled()  # the map is wired
    page.get_by_label("Unggah GeoJSON/KML").set_input_files(
        files=[
            {
                "name": "masjid.kml",
                "mimeType": "application/vnd.google-earth.kml+xml",
                "buffer": KML.encode(),
            }
        ]
    )
    expect(page.locator("#polygon-msg")).to_contain_text(
        "Poligon dibaca dari masjid.kml (4 titik sudut)"
    )
    expect(page.locator("#luas-poligon")).to_contain_text("m²")
    expect(page.locator("#area-warning")).to_have_count(0)
    upload_checklist(page)
    shot(page, "loket-lengkap")
    page.get_by_role("button", name="AJUKAN").click()
    # THEN it is submitted in the applicant's name and waits for the front office
    expect(page.get_by_text(re.compile(r"telah diajukan atas nama H\. Sholeh"))).to_be_visible()
    no = re.search(r"PKKPR-\d{4}-\d{5}", page.url).group(0)
    detail = stack.client.ok("GET", f"/applications/{no}", FRONT_END)
    assert detail["applicant"]["email"] == "takmir.nurulhuda@contoh.id"
    assert detail["channel"] == "loket" and not detail["draft"]
    assert abs(detail["application"]["luas_poligon"] - 735) < 73.5
    # … and the front office reads it on the screen it lands on
    expect(page.get_by_role("heading", name=re.compile(f"Nomor Ticket {no}"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Nama Pemohon"))).to_contain_text("H. Sholeh")
    # … whose service time has not started: it runs from acceptance, not from AJUKAN
    expect(page.locator("#sisa-waktu")).to_contain_text("Belum berjalan")
    shot(page, "loket-diajukan")


def test_a_draft_open_on_two_devices_is_not_overwritten_by_the_older_screen(
    stack: RunningStack, new_page: Callable[..., Page], shot: Callable[[Page, str], Path]
) -> None:
    # GIVEN Siti has the same draft open on her laptop and on her phone
    c = stack.client
    draft = new_draft(c)
    no = draft["ticket_no"]
    laptop, phone = new_page(DESKTOP), new_page(PHONE)
    for page in (laptop, phone):
        log_in(page, WARGA)
        expect(page.get_by_role("heading", name="Data Permohonan")).to_be_visible()
        page.goto(f"/#/permohonan/{no}")
        expect(page.get_by_label("Nama Kegiatan", exact=True)).to_have_value(
            draft["application"]["nama_kegiatan"]
        )

    # WHEN she renames the activity on the laptop, and then types on the phone's older screen
    laptop.get_by_label("Nama Kegiatan", exact=True).fill("Rumah Tinggal Dua Lantai")
    laptop.get_by_label("Alamat Lokasi", exact=True).click()
    expect(laptop.locator("#save-state")).to_contain_text("Draf tersimpan")
    phone.get_by_label("Alamat Lokasi", exact=True).fill("Jl. Melati No. 3")
    phone.get_by_label("Nama Kegiatan", exact=True).click()

    # THEN the phone says another device saved and does not save over it, and
    # its reload shows the laptop's name: nothing the laptop saved is lost
    state = phone.locator("#save-state")
    expect(state).to_contain_text("sudah diubah di perangkat atau tab lain")
    shot(phone, "draft-changed-elsewhere")
    saved = c.ok("GET", f"/applications/{no}", WARGA)["application"]
    assert saved["nama_kegiatan"] == "Rumah Tinggal Dua Lantai"
    assert saved["alamat_lokasi"] == draft["application"]["alamat_lokasi"]
    state.get_by_role("button", name="Muat Ulang").click()
    expect(phone.get_by_label("Nama Kegiatan", exact=True)).to_have_value(
        "Rumah Tinggal Dua Lantai"
    )
    expect(phone.locator("#save-state")).not_to_contain_text("perangkat atau tab lain")


def test_a_returned_applicant_corrects_her_data_and_the_front_office_reads_what_changed(
    stack: RunningStack, new_page: Callable[..., Page], shot: Callable[[Page, str], Path]
) -> None:
    # GIVEN the front office returned Siti's application: the stated area is wrong
    c = stack.client
    no = returned(c, "Luas tidak sesuai SHM.")
    page = new_page(PHONE)
    page.route(re.compile(r"tile\.openstreetmap\.org"), lambda route: route.abort())
    log_in(page, WARGA)
    expect(page.get_by_role("heading", name="Data Permohonan")).to_be_visible()
    page.goto(f"/#/permohonan/{no}")
    step = page.locator("#langkah-anda")
    expect(step.get_by_role("heading", name="Perbaiki Data Permohonan")).to_be_visible()
    # … a base map that cannot load is said to be no obstacle
    expect(step.locator("#polygon-tiles")).to_be_visible()
    expect(step.locator("#polygon-tiles")).to_contain_text("titik sudut tetap dapat dipasang")
    area = step.get_by_label("Luas Dimohon (m²)")
    expect(area).to_have_value("240")

    # WHEN she clears a number by mistake, then types the right area
    area.fill("0")
    step.get_by_role("button", name="AJUKAN ULANG").click()
    expect(page.locator("#step-msg")).to_contain_text("periksa kembali isian yang ditandai")
    expect(page.locator("#f-luas_dimohon-msg")).to_contain_text("Harus lebih dari 0")
    area.fill("235,5")
    expect(page.locator("#f-luas_dimohon-msg")).to_have_text("")
    expect(page.locator("#step-msg")).to_have_text("")  # nothing left marked: nothing to fix
    shot(page, "perbaiki-data")
    step.get_by_role("button", name="AJUKAN ULANG").click()

    # THEN it is sent with the corrected area, and the front office's Track says what changed
    expect(page.get_by_text("Terkirim: AJUKAN ULANG")).to_be_visible()
    assert to_step(c, no, FRONT_END, "P2")["application"]["luas_dimohon"] == 235.5
    official = new_page(DESKTOP)
    login(official, FRONT_END, agency="DPMPTSP KABUPATEN BLITAR")
    official.goto(f"/#/tiket/{no}/track")
    corrected = official.locator(".tl-corrected")
    expect(corrected).to_contain_text("Data diperbaiki")
    expect(corrected).to_contain_text("Luas Dimohon (m²): 240 → 235,5")
    arrival = official.locator('[data-kind="ARRIVAL"] .tl-kind')
    expect(arrival).to_have_text("DITERIMA DARI SIAP n LOSS", use_inner_text=True)  # as written
    resubmitted = official.locator('[data-kind="DECISION"]', has_text="AJUKAN ULANG")
    expect(resubmitted.locator(".tl-kind")).to_have_text("Tindakan Pemohon")  # not an official's
    shot(official, "track-data-diperbaiki")
