"""What an official does in the console, step by step, through the UI only."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import Page, expect

from local.demo_files import demo_pdf

PASSWORD = "Demo#2026!"
REKOMTEK_LETTER = "Unggah surat rekomendasi teknis lampiran peta (PDF)"


ESDM = "DINAS ESDM PROVINSI JAWA TENGAH"


def login(
    page: Page,
    email: str,
    password: str = PASSWORD,
    path: str | None = "/",
    agency: str = ESDM,
) -> None:
    """Log in from the landing page through the agency's entry (path None: the page the
    browser is on)."""
    if path is not None:
        page.goto(path)
    page.get_by_role("button", name=agency).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Email Address").fill(email)
    dialog.get_by_label("Password", exact=True).fill(password)
    dialog.get_by_role("button", name="Login").click()
    expect(page.get_by_role("button", name="Logout")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Logout").click()
    expect(page.get_by_role("button", name="DINAS ESDM PROVINSI JAWA TENGAH")).to_be_visible()


def open_list(page: Page, permit_label: str, box: str = "Data Izin") -> None:
    """Sidebar: the permit type, then its sub-menu."""
    sidebar = page.get_by_role("navigation")
    sidebar.get_by_text(permit_label, exact=True).first.click()
    sidebar.get_by_role("link", name=re.compile(rf"^{box}")).first.click()
    expect(page.get_by_role("heading", name=re.compile(box))).to_be_visible()


def find_row(page: Page, ticket_no: str, permit_label: str = "WIUP", box: str = "Data Izin"):
    """Search the list until the workflow has handed the ticket to this official."""
    open_list(page, permit_label, box)
    search = page.get_by_placeholder("Cari nama pemohon atau nomor ticket")
    row = page.locator(f'tr[data-ticket="{ticket_no}"]')
    deadline = time.monotonic() + 20
    while True:
        search.fill(ticket_no)
        search.press("Enter")
        try:
            # the search's own answer (the unfiltered list may show the row before it)
            expect(page.locator("#list-msg")).to_contain_text(f'"{ticket_no}"', timeout=1500)
            expect(row).to_be_visible(timeout=1500)
            return row
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def open_detail_to_decide(page: Page, ticket_no: str, permit_label: str = "WIUP") -> None:
    row = find_row(page, ticket_no, permit_label)
    row.get_by_role("button", name="Detail").click()
    expect(page.get_by_label("Perubahan Status")).to_be_visible()


def choose(page: Page, action: str) -> None:
    status = page.get_by_label("Perubahan Status")
    expect(status.locator("option").first).to_have_text("-- Pilih Salah Satu --")
    status.select_option(label=action)


def check_and_save(page: Page) -> None:
    save = page.get_by_role("button", name="SIMPAN")
    expect(save).to_be_disabled()
    page.get_by_role("button", name="CHECK").click()
    expect(save).to_be_enabled()
    save.click()


def expect_status(page: Page, status: str) -> None:
    expect(page.get_by_text(status, exact=True).first).to_be_visible()


def options_offered(page: Page) -> list[str]:
    return [
        text.strip()
        for text in page.get_by_label("Perubahan Status").locator("option").all_inner_texts()
    ]


def upload_letter(
    page: Page,
    folder: Path,
    ticket_no: str,
    filename: str = "rekomtek-lampiran-peta.pdf",
    field: str = REKOMTEK_LETTER,
    accepted: bool = True,
) -> None:
    """Choose a real one-page PDF in a document kind's file input (the rekomtek letter by
    default); `accepted`: wait until the console says the file was received."""
    pdf = folder / filename
    pdf.write_bytes(demo_pdf("Surat Rekomendasi Teknis", [f"Tiket {ticket_no}"]))
    page.get_by_label(field, exact=True).set_input_files(str(pdf))
    if accepted:
        expect(page.get_by_text(f"Berkas diterima: {filename}")).to_be_visible()
