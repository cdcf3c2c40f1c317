"""A session that ends while a Cabang Dinas fills a rekomtek does not throw the work away:
the console asks for the password in place and goes on; a reload brings the draft back."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, Request, expect

from local.client import application
from tests.browser.console import (
    PASSWORD,
    check_and_save,
    choose,
    login,
    open_detail_to_decide,
    upload_letter,
)
from tests.stack import RunningStack

KADIS, KABID, CABDIN = "kadis@esdm.demo", "kabid@esdm.demo", "cabdin.semarang@esdm.demo"
TYPED = {
    "Nomor Rekomtek": "540/REKOM/WIUP/11/2026",
    "Tanggal Surat Rekomendasi Teknis": "20-11-2026",
    "Masa Berlaku": "20-11-2027",
    "Jangka Waktu Izin": "2 Tahun",
}
EXPIRE = """() => {
  const s = JSON.parse(localStorage.getItem("etracking.session"));
  s.token = s.token.slice(0, -6) + "AAAAAA";  // no longer accepted by the API
  s.expires_at = Date.now() - 1000;
  localStorage.setItem("etracking.session", JSON.stringify(s));
}"""


def ticket_at_cabang_dinas(stack: RunningStack, name: str) -> str:
    no = f"UI{uuid.uuid4().hex[:8].upper()}"
    assert stack.client.send_application(application(no, name)).status_code == 201
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    assert stack.client.decide(no, KABID, "A2", "TERIMA").status_code == 200
    stack.client.wait_for_step(no, CABDIN, "A4")
    return no


def refuse_renewal(page: Page) -> None:
    """The refresh token is no longer valid either (the session cannot renew)."""
    page.route(
        "**/api/auth/refresh",
        lambda route: route.fulfill(
            status=401,
            json={"code": "SESSION_EXPIRED", "message": "Sesi Anda telah berakhir."},
        ),
    )


def fill_rekomtek(page: Page) -> None:
    choose(page, "SETUJUI")
    for label, value in TYPED.items():
        page.get_by_label(label).fill(value)


def halfway_when_the_session_ends(stack: RunningStack, page: Page, name: str) -> tuple[str, Page]:
    """Cabang Dinas has typed half a rekomtek; then the session ends and cannot renew."""
    no = ticket_at_cabang_dinas(stack, name)
    refuse_renewal(page)
    login(page, CABDIN)
    open_detail_to_decide(page, no)
    fill_rekomtek(page)
    page.evaluate(EXPIRE)
    return no, page


def expect_typed_values(page: Page) -> None:
    expect(page.get_by_label("Perubahan Status")).to_have_value("SETUJUI")
    for label, value in TYPED.items():
        expect(page.get_by_label(label)).to_have_value(value)


def test_an_expired_session_asks_for_the_password_in_place_and_keeps_the_rekomtek(
    stack: RunningStack, new_page, shot, tmp_path: Path
) -> None:
    # GIVEN Cabang Dinas halfway through a rekomtek when the session can no longer renew
    no, page = halfway_when_the_session_ends(stack, new_page(), "Sesi Habis")

    # WHEN the PDF is uploaded
    upload_letter(page, tmp_path, no, "rekomtek-sesi.pdf", accepted=False)

    # THEN the login form opens over the same screen, with everything typed still there
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Sesi berakhir")
    expect(dialog.get_by_label("Email Address")).to_have_value(CABDIN)
    assert page.url.endswith(f"#/tiket/{no}")
    expect_typed_values(page)
    shot(page, "login kembali di tempat")

    # WHEN the official logs in again THEN the upload goes on and the decision is saved
    dialog.get_by_label("Password", exact=True).fill(PASSWORD)
    dialog.get_by_role("button", name="Login").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Berkas diterima: rekomtek-sesi.pdf")).to_be_visible()
    expect_typed_values(page)
    check_and_save(page)
    expect(page.get_by_text("HASIL KAJIAN DITERIMA KEPALA BIDANG").first).to_be_visible()
    assert (
        stack.client.ok("GET", f"/tickets/{no}", CABDIN)["forms"]["rekomtek"]["jangka_waktu"]
        == "2 Tahun"
    )


def test_a_reload_after_the_session_ended_restores_the_draft(
    stack: RunningStack, new_page, shot
) -> None:
    # GIVEN a half-filled rekomtek and a session that cannot renew
    _, page = halfway_when_the_session_ends(stack, new_page(), "Draf Tersimpan")

    # WHEN the page is reloaded and the official logs in again
    page.reload()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password", exact=True).fill(PASSWORD)
    dialog.get_by_role("button", name="Login").click()

    # THEN the ticket is back with what was typed
    expect(page.get_by_label("Perubahan Status")).to_be_visible()
    expect_typed_values(page)
    shot(page, "draf dipulihkan setelah login")


def test_a_session_renews_by_itself_while_in_use(stack: RunningStack, new_page, shot) -> None:
    no = ticket_at_cabang_dinas(stack, "Sesi Diperbarui")
    page = new_page()
    refreshes: list[Request] = []
    page.on("request", lambda r: refreshes.append(r) if r.url.endswith("/auth/refresh") else None)
    login(page, CABDIN)
    open_detail_to_decide(page, no)
    fill_rekomtek(page)
    page.evaluate(EXPIRE)

    page.get_by_role("button", name="Track").first.click()

    expect(page.locator("#timeline")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert refreshes, "the console never asked for a new token"
    token = page.evaluate("JSON.parse(localStorage.getItem('etracking.session')).token")
    assert not re.search("AAAAAA$", token)
    shot(page, "sesi diperbarui tanpa login ulang")
