"""Dates as Indonesians write them and times in WIB on a PC set to New York and English;
a return or a rejection carries its reason to the official who decides next."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, Request, expect

from local.client import application
from tests.browser.console import (
    check_and_save,
    choose,
    login,
    open_detail_to_decide,
    upload_letter,
)
from tests.stack import RunningStack

KADIS, KABID, CABDIN = "kadis@esdm.demo", "kabid@esdm.demo", "cabdin.semarang@esdm.demo"
NEW_YORK = {"locale": "en-US", "timezone_id": "America/New_York"}
REASON = "Dokumen UKL-UPL belum dilampirkan; mohon dilengkapi pemohon."


def new_ticket(stack: RunningStack, name: str) -> str:
    no = f"UI{uuid.uuid4().hex[:8].upper()}"
    assert stack.client.send_application(application(no, name)).status_code == 201
    return no


def wib(iso: str) -> str:
    """What the console must show for an API timestamp: 05-09-2019 14.05 WIB."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%d-%m-%Y %H.%M WIB")


def decisions_sent(page: Page) -> list[dict]:
    """Bodies of the decision requests the page sends (appended as they go)."""
    sent: list[dict] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/decision"):
            sent.append(json.loads(request.post_data or "{}"))

    page.on("request", seen)
    return sent


def test_dates_are_indonesian_and_times_wib_on_a_new_york_pc(
    stack: RunningStack, new_page, shot, tmp_path: Path
) -> None:
    # GIVEN a ticket at Cabang Dinas, and a PC set to New York time and US English
    no = new_ticket(stack, "Waktu Indonesia")
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    assert stack.client.decide(no, KABID, "A2", "TERIMA").status_code == 200
    waiting = stack.client.wait_for_step(no, CABDIN, "A4")
    page = new_page(**NEW_YORK)
    sent = decisions_sent(page)
    login(page, CABDIN)

    # WHEN Cabang Dinas opens it
    open_detail_to_decide(page, no)

    # THEN the filing date is the applicant's day (not the day before) and times are WIB
    data = page.locator("#h-izin").locator("..")
    expect(data).to_contain_text("02-11-2026")
    expect(data).to_contain_text(wib(waiting["pending"]["entered_at"]))
    assert "2026-11-02" not in data.inner_text()

    # WHEN the rekomtek dates are typed as on the letter, one corrected through the calendar
    choose(page, "SETUJUI")
    page.get_by_label("Nomor Rekomtek").fill("625/REKOM/WIUP/09/2019")
    page.get_by_label("Tanggal Surat Rekomendasi Teknis").fill("05-09-2019")
    expect(page.get_by_text("= 5 September 2019")).to_be_visible()
    berlaku = page.get_by_label("Masa Berlaku")
    berlaku.fill("5/9/2020")
    berlaku.blur()
    expect(berlaku).to_have_value("05-09-2020")
    page.locator('[data-date-field="form-rekomtek-berlaku_sampai"]').get_by_role(
        "button", name="Pilih tanggal"
    ).click()
    expect(page.locator("#form-rekomtek-berlaku_sampai-cal")).to_contain_text("September 2020")
    page.get_by_role("button", name="6 September 2020", exact=True).click()
    expect(berlaku).to_have_value("06-09-2020")
    page.get_by_label("Jangka Waktu Izin").fill("1 Tahun")
    upload_letter(page, tmp_path, no, "rekomtek.pdf")
    shot(page, "tanggal rekomtek diketik hari-bulan-tahun di PC New York")
    check_and_save(page)

    # THEN the API got ISO dates and the screen shows them as Indonesians write them
    expect(page.get_by_text("HASIL KAJIAN DITERIMA KEPALA BIDANG").first).to_be_visible()
    assert sent[-1]["rekomtek"]["tanggal_surat"] == "2019-09-05"
    assert sent[-1]["rekomtek"]["berlaku_sampai"] == "2020-09-06"
    rekomtek = page.locator("#panel-rekomtek")
    expect(rekomtek).to_contain_text("5 September 2019")
    expect(rekomtek).to_contain_text("6 September 2020")

    # … and the track shows every time in WIB
    track = stack.client.ok("GET", f"/tickets/{no}/track", CABDIN)["items"]
    page.get_by_role("button", name="Track").first.click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(wib(track[0]["entered_at"]))
    assert not re.search(r"Langkah A\d", page.locator("main").inner_text())
    shot(page, "track dalam WIB")


def at_kepala_bidang(stack: RunningStack, name: str) -> str:
    """A ticket Kepala Dinas has accepted: waiting for Kepala Bidang at A2."""
    no = new_ticket(stack, name)
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    stack.client.wait_for_step(no, KABID, "A2")
    return no


def test_a_return_is_refused_without_a_reason_and_the_reason_is_tracked(
    stack: RunningStack, new_page, shot
) -> None:
    # GIVEN a ticket waiting for Kepala Bidang (the ASL says a return needs a reason)
    no = at_kepala_bidang(stack, "Alasan Wajib")
    page = new_page()
    sent = decisions_sent(page)
    login(page, KABID)
    open_detail_to_decide(page, no)

    # WHEN Kepala Bidang returns it and presses SIMPAN with no reason
    choose(page, "DIKEMBALIKAN KE KEPALA DINAS")
    expect(page.locator("#label-catatan")).to_have_text(re.compile(r"Alasan\s*\(wajib\)"))
    check_and_save(page)

    # THEN the console refuses, says why, and sends nothing
    expect(page.get_by_text("Tuliskan alasan")).to_be_visible()
    expect(page.get_by_label("Alasan")).to_be_focused()
    shot(page, "alasan wajib diisi")
    assert sent == []

    # WHEN the reason is written THEN the decision goes through with it
    page.get_by_label("Alasan").fill(REASON)
    page.get_by_role("button", name="SIMPAN").click()
    expect(page.get_by_text("DIKEMBALIKAN KE KEPALA DINAS").first).to_be_visible()
    assert sent[-1]["note"] == REASON

    # … and Kepala Dinas reads it on the track as the reason
    stack.client.wait_for_step(no, KADIS, "A3")
    kadis = new_page()
    login(kadis, KADIS)
    kadis.goto(f"/#/tiket/{no}/track")
    note = kadis.locator(".tl-note").first
    expect(note).to_contain_text("Alasan")
    expect(note).to_contain_text(REASON)


def test_the_next_official_sees_the_reason_where_he_decides(
    stack: RunningStack, new_page, shot
) -> None:
    no = at_kepala_bidang(stack, "Alasan Terlihat")
    returned = stack.client.decide(no, KABID, "A2", "DIKEMBALIKAN KE KEPALA DINAS", note=REASON)
    assert returned.status_code == 200
    stack.client.wait_for_step(no, KADIS, "A3")
    page = new_page()
    login(page, KADIS)

    open_detail_to_decide(page, no)

    box = page.locator("#alasan-terakhir")
    expect(box).to_contain_text(
        re.compile(r"Dikembalikan oleh Kepala Bidang .* pada \d{1,2} \w+ \d{4} \d{2}\.\d{2} WIB")
    )
    expect(box).to_contain_text(f"Alasan: {REASON}")
    shot(page, "alasan pengembalian di detail")


def test_simpan_stays_disabled_after_someone_else_decided(
    stack: RunningStack, new_page, shot
) -> None:
    no = new_ticket(stack, "Sudah Diputuskan")
    page = new_page()
    login(page, KADIS)
    open_detail_to_decide(page, no)
    choose(page, "TERIMA")
    page.get_by_role("button", name="CHECK").click()
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200

    page.get_by_role("button", name="SIMPAN").click()

    # his own account decided through the API: not "another user"
    expect(page.locator("#keputusan-pesan")).to_contain_text(
        "Izin ini sudah Anda putuskan di tab atau perangkat lain — Diterima oleh Kepala Dinas"
    )
    expect(page.get_by_role("button", name="SIMPAN")).to_be_disabled()
    expect(page.get_by_label("Perubahan Status")).to_be_disabled()
    expect(page.get_by_role("button", name="Muat Ulang")).to_be_visible()
    shot(page, "simpan tetap nonaktif setelah 409")
