"""A Blitar resident finds the service on the landing page, reads its requirements, and
registers at phone width with the code sent to her email; then logs in to Data Permohonan."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.stack import DEMO_PASSWORD, RunningStack


def confirmation_code(stack: RunningStack, email: str, timeout: float = 20) -> str:
    """The 6-digit code on the page of sent messages (by email: it proves the address)."""
    deadline = time.monotonic() + timeout
    while True:
        items = requests.get(f"{stack.url}lokal/pesan.json", timeout=10).json()["items"]
        for item in items:
            found = re.search(r"\b(\d{6})\b", item["text"])
            if item["to"] == email and "Kode konfirmasi" in item["text"] and found:
                return found.group(1)
        assert time.monotonic() < deadline, f"no confirmation code sent to {email}"
        time.sleep(0.2)  # polling the outbox, not waiting for the page


def test_a_resident_reads_the_requirements_registers_with_the_code_and_logs_in(
    stack: RunningStack, new_page: Callable[..., Page], shot: Callable[[Page, str], Path]
) -> None:
    page = new_page(PHONE)
    page.goto("/")
    # GIVEN the landing page: the Blitar entry offers PKKPR Non Berusaha under Tata Ruang
    menu = page.get_by_role("navigation", name="Layanan DPMPTSP KABUPATEN BLITAR")
    expect(menu.get_by_role("heading", name="Tata Ruang")).to_be_visible()
    expect(menu.get_by_text("PKKPR Non Berusaha", exact=True)).to_be_visible()
    shot(page, "landing")

    # WHEN she opens Lihat Persyaratan
    menu.get_by_role("button", name="Lihat Persyaratan").click()
    dialog = page.get_by_role("dialog", name="Persyaratan PKKPR Non Berusaha")
    table = dialog.locator("#tabel-persyaratan")
    # THEN each document with its format and whether it is wajib or opsional, and the data asked
    expect(
        table.get_by_role("row", name=re.compile("Surat Permohonan \\(PDF\\).*PDF.*Wajib"))
    ).to_be_visible()
    expect(
        table.get_by_role("row", name=re.compile("Surat Kuasa.*Opsional.*dikuasakan"))
    ).to_be_visible()
    expect(dialog.get_by_text("Luas Dimohon (m²)")).to_be_visible()
    expect(dialog.get_by_text("Koordinat Lokasi / Poligon", exact=False)).to_be_visible()
    shot(page, "persyaratan")
    dialog.get_by_role("button", name="Tutup").click()

    # WHEN she registers: the password rule is on screen before she types anything
    menu.get_by_role("button", name="Daftar").click()
    form = page.get_by_role("dialog", name="Daftar Akun Pemohon")
    expect(form.get_by_text("Minimal 8 karakter, memuat huruf besar")).to_be_visible()
    email = f"warga-{uuid.uuid4().hex[:8]}@contoh.id"
    form.get_by_label("Nama Lengkap").fill("Sri Wahyuni")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Nomor WhatsApp").fill("0812-3456-7890")
    form.get_by_label("Password").fill("rahasia")
    form.get_by_role("button", name="Daftar").click()
    expect(form.get_by_role("alert")).to_contain_text("Password minimal 8 karakter")
    form.get_by_label("Password").fill(DEMO_PASSWORD)
    form.get_by_role("button", name="Daftar").click()

    # THEN the code screen: the address it went to, resend only after a minute
    expect(form.get_by_text(email)).to_be_visible()
    expect(form.get_by_role("button", name=re.compile("Kirim Ulang Kode"))).to_be_disabled()
    shot(page, "kode")
    code = confirmation_code(stack, email)
    form.get_by_label("Kode Konfirmasi").fill("000000" if code != "000000" else "111111")
    form.get_by_role("button", name="Konfirmasi").click()
    expect(form.get_by_role("alert")).not_to_be_empty()  # a wrong code is refused in words
    form.get_by_label("Kode Konfirmasi").fill(code)
    form.get_by_role("button", name="Konfirmasi").click()

    # THEN the login form, her email filled in; she logs in to Data Permohonan
    login = page.get_by_role("dialog", name="Form Login SIAP n LOSS")
    expect(login.get_by_label("Email Address")).to_have_value(email)
    login.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    login.get_by_role("button", name="Login").click()
    expect(page.get_by_role("heading", name="Data Permohonan")).to_be_visible()
    expect(page.get_by_text("Belum ada permohonan")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Masukkan data PKKPR"))).to_be_visible()
    expect(page.get_by_text("PEMOHON", exact=True)).to_have_count(0)
    shot(page, "data-permohonan-kosong")
