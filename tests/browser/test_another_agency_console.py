"""The console of an agency whose workflow exists only as test declarations (`uji-kota`,
`izin-uji`): its entry on the landing page, its own sidebar, and a decision form drawn
from its form's JSON Schema — with no line of JS written for it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.console import (
    check_and_save,
    choose,
    expect_status,
    login,
    open_detail_to_decide,
    upload_letter,
)
from tests.functional.other_agency import uji_accounts
from tests.functional.test_third_workflow import (
    FORWARD,
    PEMERIKSAAN,
    WAITING_KEPALA,
    WAITING_PETUGAS,
    new_uji_ticket,
)
from tests.stack import RunningStack

UJI = "DINAS UJI KOTA CONTOH"


def test_an_official_of_another_agency_decides_with_a_form_drawn_from_its_schema(
    stack: RunningStack, new_page, shot, tmp_path: Path
) -> None:
    # GIVEN an izin-uji application waiting for Petugas Uji
    petugas = uji_accounts(stack).petugas
    no = new_uji_ticket(stack, "Wulan Konsol")
    stack.client.wait_for_step(no, petugas, "U1")

    # WHEN Petugas Uji logs in through the agency's own entry
    page = new_page()
    login(page, petugas, agency=UJI)
    expect(page.locator("#dashboard-search")).to_be_visible()  # loaded, not "Memuat data…"
    shot(page, "dashboard petugas uji")

    # THEN the sidebar is the agency's: its permit types, none of Andesit's
    sidebar = page.get_by_role("navigation")
    expect(sidebar.get_by_text("Reklame Uji", exact=True).first).to_be_visible()
    expect(sidebar.get_by_text("Keramaian Uji", exact=True).first).to_be_visible()
    expect(sidebar.get_by_text("WIUP", exact=True)).to_have_count(0)

    # WHEN the official forwards it with the form and the document the option requires
    open_detail_to_decide(page, no, "Reklame Uji")
    expect_status(page, WAITING_PETUGAS)
    choose(page, FORWARD)
    expect(page.get_by_text("Hasil Pemeriksaan").first).to_be_visible()  # the schema's title
    page.get_by_label("Nomor Berita Acara").fill(PEMERIKSAAN["nomor_berita_acara"])
    page.get_by_label("Tanggal Pemeriksaan").fill(PEMERIKSAAN["tanggal_periksa"])
    page.get_by_label("Hasil Berlaku Sampai").fill(PEMERIKSAAN["berlaku_sampai"])
    # a title-case label stays as written after "Unggah"
    upload_letter(page, tmp_path, no, "berita-acara.pdf", "Unggah Berita Acara Pemeriksaan (PDF)")
    shot(page, "formulir hasil pemeriksaan dari skema")
    check_and_save(page)

    # THEN it moves on to Kepala Uji, and the detail shows the form's data as declared
    expect_status(page, WAITING_KEPALA)
    panel = page.locator("#panel-pemeriksaan")
    expect(panel).to_contain_text("Nomor Berita Acara")
    expect(panel).to_contain_text(PEMERIKSAAN["nomor_berita_acara"])
    expect(panel).to_contain_text("3 November 2026")  # dates as Indonesians write them
    shot(page, "detail dengan hasil pemeriksaan")
