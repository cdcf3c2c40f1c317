"""Kepala DPMPTSP signs on his phone (390 px): the decrees waiting for him, all chosen at
once, one passphrase; a wrong one signs nothing and says so, the right one signs both."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from local.pkkpr_demo import KEPALA, PASSPHRASE, ready_to_sign, submitted
from tests.browser.conftest import PHONE
from tests.browser.console import login
from tests.stack import RunningStack

BLITAR = "DPMPTSP KABUPATEN BLITAR"


def test_kepala_signs_two_decrees_in_one_go_on_a_phone(
    stack: RunningStack, new_page: Callable[..., Page], shot: Callable[[Page, str], Path]
) -> None:
    c = stack.client
    tickets = [submitted(c), submitted(c)]
    for no in tickets:
        ready_to_sign(c, no)

    # GIVEN Kepala on his phone, on Tanda Tangan Elektronik
    page = new_page(PHONE)
    login(page, KEPALA, agency=BLITAR)
    page.goto("/#/tanda-tangan")
    cards = [page.locator(f'.tte-card[data-ticket="{no}"]') for no in tickets]
    for card in cards:
        expect(card).to_contain_text("Siti Rahayu")
    # … every decree can be opened before signing
    with page.expect_popup() as opened:
        cards[0].get_by_role("button", name="Lihat SK").click()
    expect(opened.value).to_have_url(re.compile(r"response-content-type=application%2Fpdf"))
    opened.value.close()
    shot(page, "daftar-tte")
    waiting = page.locator(".tte-card").count()
    expect(page.locator(".check-all")).to_contain_text(f"Pilih Semua (0 dari {waiting})")
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits, "the signing screen is wider than the phone"

    # WHEN he chooses all and types a wrong passphrase
    page.get_by_label("Pilih Semua").check()
    passphrase = page.get_by_label("Passphrase", exact=True)
    expect(passphrase).to_have_attribute("type", "password")
    expect(passphrase).to_have_attribute("autocomplete", "off")
    passphrase.fill("bukan-passphrase")
    page.get_by_role("button", name="Tandatangani").click()

    # THEN nothing is signed, and each application says why in words
    for card in cards:
        expect(card.locator(".tte-hasil")).to_contain_text("Passphrase salah")
    expect(passphrase).to_have_value("")
    shot(page, "passphrase-salah")
    assert all(not c.ok("GET", f"/tickets/{no}/sk", KEPALA)["signed"] for no in tickets)

    # … and what he chose stays chosen, to try again at once
    expect(page.get_by_label("Pilih Semua")).to_be_checked()

    # WHEN he types the right one for these two
    page.get_by_label("Pilih Semua").uncheck()
    for no in tickets:
        page.get_by_label(no).check()
    passphrase.fill(PASSPHRASE)
    page.get_by_role("button", name="Tandatangani (").click()

    # THEN both are signed and SELESAI, and the passphrase is kept nowhere
    for card in cards:
        expect(card.locator(".tte-hasil")).to_contain_text("Ditandatangani. Status: SELESAI")
        # … a signed card says when, no longer that it waits
        expect(card.locator(".tte-meta")).to_contain_text(re.compile(r"Ditandatangani \d.* WIB"))
        expect(card.locator(".tte-meta")).not_to_contain_text("Menunggu")
    # … and "Pilih Semua" counts only what is left to sign
    left = waiting - len(tickets)
    if left:
        expect(page.locator(".check-all")).to_contain_text(f"Pilih Semua (0 dari {left})")
    else:
        expect(page.locator(".check-all")).to_be_hidden()
    expect(page.locator(".tte-bar")).to_contain_text(f"{len(tickets)} sudah ditandatangani")
    shot(page, "ditandatangani")
    assert all(c.ok("GET", f"/tickets/{no}/sk", KEPALA)["signed"] for no in tickets)
    kept = page.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert PASSPHRASE not in kept

    # WHEN he signs what is left, the list is done: it says so, with the outcome
    if left:
        page.get_by_label("Pilih Semua").check()
        passphrase.fill(PASSPHRASE)
        page.get_by_role("button", name="Tandatangani (").click()
    done = "Semua SK di daftar ini sudah ditandatangani."
    expect(page.locator("#tte-selesai")).to_have_text(done)
    if left:
        expect(page.locator("#tte-pesan")).to_have_text(f"{left} dari {left} SK ditandatangani.")
    expect(page.get_by_label("Passphrase", exact=True)).to_have_count(0)
