"""The other screens: map, track, notifications, profile and password, phone width."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from local.client import application
from local.demo_files import demo_pdf
from tests.browser.conftest import PHONE
from tests.browser.console import find_row, login, logout
from tests.stack import RunningStack

KADIS, KABID = "kadis@esdm.demo", "kabid@esdm.demo"
REKOMTEK = json.loads(
    (Path(__file__).parent.parent / "functional" / "andesit_rekomtek.json").read_text()
)


def new_ticket(stack: RunningStack, name: str, **extra) -> str:
    no = f"UI{uuid.uuid4().hex[:8].upper()}"
    assert stack.client.send_application(application(no, name, **extra)).status_code == 201
    return no


def no_horizontal_overflow(page: Page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def test_map_shows_the_location_even_without_tiles(stack: RunningStack, new_page, shot) -> None:
    no = new_ticket(stack, "Peta Uji", lon=110.45, lat=-7.08)
    page = new_page()
    login(page, KADIS)

    find_row(page, no).get_by_role("button", name="Lihat Peta").click()

    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)
    box = page.locator(".leaflet-overlay-pane path").bounding_box()
    assert box and box["width"] > 20 and box["height"] > 20  # fitted to the shape
    expect(page.get_by_text("110.44").first).to_be_visible()  # coordinates listed
    expect(page.get_by_text("-7.07").first).to_be_visible()
    # … every one written alike (six decimals), in the table as in the centre point
    expect(page.get_by_role("heading", name="Koordinat Poligon")).to_be_visible()
    cells = page.locator("#tabel-koordinat tbody td:nth-last-child(-n+2)").all_inner_texts()
    centre = page.get_by_role("row", name=re.compile("Titik Tengah")).locator("td").inner_text()
    written = [*cells, *centre.split(", ")]
    assert centre == "-7.080000, 110.450000"  # lintang first, as Google Maps reads it
    assert cells[:2] == ["-7.090000", "110.440000"]  # … and so does every row
    assert len(cells) >= 8 and all(re.fullmatch(r"-?\d{1,3}\.\d{6}", c) for c in written), written
    shot(page, "peta lokasi")


def test_track_shows_every_step_with_who_and_how_long(stack: RunningStack, new_page, shot) -> None:
    no = new_ticket(stack, "Track Uji")
    assert stack.client.decide(no, KADIS, "A1", "TERIMA", note="Lengkap").status_code == 200
    stack.client.wait_for_step(no, KABID, "A2")
    page = new_page()
    login(page, KABID)

    find_row(page, no).get_by_role("button", name="Track").click()

    timeline = page.get_by_role("main")
    expect(timeline.get_by_text("DITERIMA DARI PTSP").first).to_be_visible()
    expect(timeline.get_by_text("TERIMA", exact=True).first).to_be_visible()
    expect(timeline.get_by_text("Ir. Sujarwanto Dwiatmoko").first).to_be_visible()
    expect(timeline.get_by_text("Lengkap").first).to_be_visible()
    expect(timeline.get_by_text(re.compile(r"Sedang menunggu")).first).to_be_visible()
    expect(timeline.get_by_text(re.compile(r"\d+ (detik|menit|jam)")).first).to_be_visible()
    # … a decision shows what it made of the ticket, not the status it waited in
    decision = page.locator('.tl-item[data-kind="DECISION"]').first
    expect(decision).to_contain_text("Hasil")
    expect(decision).to_contain_text("DITERIMA KEPALA DINAS")
    expect(decision).not_to_contain_text("MENUNGGU PERSETUJUAN KEPALA DINAS")
    shot(page, "track")


def test_notification_bell_page_and_proses_izin(stack: RunningStack, new_page, shot) -> None:
    no = new_ticket(stack, "Notifikasi Uji")
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    stack.client.wait_for_step(no, KABID, "A2")
    title = f"Approval Kepala Dinas, no. ticket : {no}"
    page = new_page()
    login(page, KABID)

    # the bell's accessible name says how many are unread (not only its badge)
    bell = page.get_by_role("button", name=re.compile(r"^Notifikasi, \d+ belum dibaca$"))
    expect(bell).to_contain_text(re.compile(r"\d"))
    unread_before = int(re.sub(r"\D", "", bell.inner_text()) or 0)
    bell.click()
    expect(page.get_by_text(title).first).to_be_visible()
    shot(page, "lonceng")
    page.get_by_role("link", name="Lihat Semua Notifikasi").click()
    page.get_by_text(title).first.click()

    expect(page.get_by_text(title).first).to_be_visible()
    expect(page.get_by_text("Izin dapat diproses oleh KEPALA BIDANG").first).to_be_visible()
    expect(page.get_by_role("cell", name=no).first).to_be_visible()
    expect(page.get_by_role("cell", name="DITERIMA KEPALA BIDANG").first).to_be_visible()
    expect(page.get_by_role("cell", name="02-11-2026").first).to_be_visible()  # Tanggal Pengajuan
    expect(
        page.get_by_text(re.compile(r"Diterima : \d{2}-\d{2}-\d{4} \d{2}\.\d{2} WIB"))
    ).to_be_visible()
    shot(page, "halaman notifikasi")
    expect(bell).to_contain_text(str(unread_before - 1) if unread_before > 1 else "")
    page.get_by_role("link", name="PROSES IZIN").or_(
        page.get_by_role("button", name="PROSES IZIN")
    ).first.click()
    expect(page.get_by_label("Perubahan Status")).to_be_visible()
    assert no in page.url


def test_a_link_from_an_sms_opens_the_ticket_after_login(
    stack: RunningStack, new_page, shot
) -> None:
    page = new_page(PHONE)

    login(page, KADIS, path="/#/tiket/27419")

    expect(page.get_by_text("Aceng Sudegdo").first).to_be_visible()
    expect(page.get_by_text("625/REKOM/WIUP/09/2019").first).to_be_visible()
    assert no_horizontal_overflow(page)
    shot(page, "tiket 27419 di ponsel")


def test_phone_width_screens_fit(stack: RunningStack, new_page, shot) -> None:
    page = new_page(PHONE)
    login(page, KADIS)
    expect(page.get_by_text("Izin menunggu persetujuan Anda")).to_be_visible()
    shot(page, "dashboard ponsel")
    assert no_horizontal_overflow(page)

    find_row(page, "27420", "IUP Eksplorasi")
    expect(page.locator("#list-total")).to_have_text("Menampilkan 1 dari 1 data")
    shot(page, "daftar ponsel")
    assert no_horizontal_overflow(page)

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Dashboard").first.click()
    page.get_by_label("Cari izin di semua jenis izin").fill("Sri")
    page.get_by_label("Cari izin di semua jenis izin").press("Enter")
    expect(page.locator('tr[data-ticket="27420"]')).to_be_visible()
    shot(page, "pencarian ponsel")
    assert no_horizontal_overflow(page)


def test_official_changes_profile_and_password(stack: RunningStack, new_page, shot) -> None:
    email = stack.new_user(["KEPALA_BIDANG"], password="Awal#2026abc")
    page = new_page()
    login(page, email, "Awal#2026abc")
    page.get_by_role("link", name="Profil").first.click()
    expect(page.get_by_text(email).first).to_be_visible()
    # the agency by its name, not the declaration's id
    instansi = page.locator("#info-body tr", has_text="Instansi").locator("td")
    expect(instansi).to_have_text("DINAS ESDM PROVINSI JAWA TENGAH")

    page.get_by_label("Nama").fill("Dra. Wulan Sari")
    page.get_by_label("Nomor Telepon").fill("+6281399998888")
    page.get_by_role("button", name="Simpan Informasi").click()
    expect(page.locator("header").get_by_text("Dra. Wulan Sari")).to_be_visible()
    expect(page.locator("header .avatar")).to_have_text("WS")
    # the password rule is shown before anything is typed
    expect(page.get_by_text("huruf besar, huruf kecil, angka, dan simbol").first).to_be_visible()
    page.get_by_label("Password Baru", exact=True).fill("pendek")
    page.get_by_role("button", name="Ubah Password").click()
    page.get_by_label("Password Lama").fill("Awal#2026abc")
    page.get_by_label("Password Baru", exact=True).fill("Baru#2026xyz")
    page.get_by_label("Ulangi Password Baru").fill("Baru#2026xyz")
    page.get_by_role("button", name="Ubah Password").click()
    expect(page.get_by_text("Password berhasil diubah").first).to_be_visible()
    shot(page, "profil")
    logout(page)

    page.get_by_role("button", name="DINAS ESDM PROVINSI JAWA TENGAH").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Email Address").fill(email)
    dialog.get_by_label("Password", exact=True).fill("Awal#2026abc")
    dialog.get_by_role("button", name="Login").click()
    expect(dialog.get_by_text(re.compile("salah|tidak cocok", re.I)).first).to_be_visible()
    shot(page, "kata sandi lama ditolak")
    dialog.get_by_label("Password", exact=True).fill("Baru#2026xyz")
    dialog.get_by_role("button", name="Login").click()
    expect(page.get_by_role("button", name="Logout")).to_be_visible()


def test_landing_offers_login_and_both_downloads(stack: RunningStack, new_page, shot) -> None:
    page = new_page()
    page.goto("/")
    shot(page, "halaman muka")

    for name, filename in (
        ("PANDUAN", "panduan-andesit.pdf"),
        ("ISTILAH KHUSUS", "istilah-khusus-andesit.pdf"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=name, exact=True).click()
        saved = download.value
        assert saved.suggested_filename == filename
        assert Path(saved.path()).read_bytes()[:5] == b"%PDF-"

    page.get_by_role("button", name="DINAS ESDM PROVINSI JAWA TENGAH").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Form Login Dinas ESDM")).to_be_visible()
    shot(page, "form login")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_after_logout_and_back_the_next_login_opens_the_dashboard(
    stack: RunningStack, new_page, shot
) -> None:
    page = new_page()
    login(page, KADIS)
    page.get_by_role("link", name="Profil").first.click()
    expect(page.get_by_role("heading", name="Profil")).to_be_visible()
    logout(page)

    page.go_back()
    page.wait_for_url(re.compile(r"#/$"))  # Back leads to the landing page, not to Profil
    login(page, KADIS, path=None)

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert page.url.endswith("#/dashboard")
    expect(page.locator("#dashboard-search")).to_be_visible()  # loaded, not "Memuat data…"
    shot(page, "login setelah logout dan kembali")


def test_no_step_codes_and_an_emblem_that_fits(stack: RunningStack, new_page, shot) -> None:
    page = new_page()
    login(page, KADIS, path="/#/tiket/27419")
    expect(page.get_by_text("Aceng Sudegdo").first).to_be_visible()
    assert not re.search(r"Langkah A\d+", page.locator("main").inner_text())
    page.get_by_role("button", name="Track").first.click()
    expect(page.locator("#timeline")).to_be_visible()
    assert not re.search(r"Langkah A\d+", page.locator("main").inner_text())
    fits = page.evaluate(
        """() => [...document.querySelectorAll("svg.emblem")].every((svg) => {
          const text = svg.querySelector("text").getBBox();
          const disc = svg.querySelector(".emblem-disc").getBBox();
          return text.x >= disc.x && text.x + text.width <= disc.x + disc.width;
        })"""
    )
    assert fits
    shot(page, "track tanpa kode langkah")


def test_documents_show_the_uploaders_name_and_superseded_letters(
    stack: RunningStack, new_page, shot
) -> None:
    cabdin = "cabdin.semarang@esdm.demo"
    no = new_ticket(stack, "Surat Diganti")
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    assert stack.client.decide(no, KABID, "A2", "TERIMA").status_code == 200
    stack.client.wait_for_step(no, cabdin, "A4")
    pdf = demo_pdf("Surat Rekomendasi Teknis", [f"Ticket {no}"])
    old_letter = stack.client.upload(no, cabdin, pdf, filename="rekomtek-lama.pdf")
    new_letter = stack.client.upload(no, cabdin, pdf, filename="rekomtek-baru.pdf")
    assert old_letter.status_code == new_letter.status_code == 200
    # the decision attaches the new letter: the earlier one is superseded
    approved = stack.client.decide(
        no, cabdin, "A4", "SETUJUI", rekomtek=REKOMTEK, document_ids=[new_letter.json()["id"]]
    )
    assert approved.status_code == 200
    page = new_page()
    login(page, KABID, path=f"/#/tiket/{no}")

    table = page.locator("#tabel-dokumen")
    expect(table).to_contain_text("Cabang Dinas Wilayah Semarang")
    old = table.locator("tr.superseded")
    expect(old).to_contain_text("rekomtek-lama.pdf")
    expect(old).to_contain_text("Digantikan")
    shot(page, "surat yang digantikan")
