"""Officials decide through the console only: three logins take a WIUP to DISETUJUI DINAS
ESDM (Cabang Dinas with rekomtek and the PDF), and a rejection loop to DITOLAK DINAS ESDM."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

from playwright.sync_api import expect

from local.client import application
from tests.browser.console import (
    check_and_save,
    choose,
    expect_status,
    find_row,
    login,
    open_detail_to_decide,
    options_offered,
    upload_letter,
)
from tests.stack import RunningStack

KADIS, KABID, CABDIN = "kadis@esdm.demo", "kabid@esdm.demo", "cabdin.semarang@esdm.demo"
REKOMTEK = json.loads(
    (Path(__file__).parent.parent / "functional" / "andesit_rekomtek.json").read_text()
)


def give_reason(page, text: str) -> None:
    """The reason field: "Alasan (wajib)" for returns and rejections ("Catatan" otherwise)."""
    page.get_by_label(re.compile("^(Alasan|Catatan)")).fill(text)


def new_ticket(stack: RunningStack, name: str) -> str:
    no = f"UI{uuid.uuid4().hex[:8].upper()}"
    assert stack.client.send_application(application(no, name)).status_code == 201
    return no


def test_three_officials_take_a_wiup_to_disetujui_dinas_esdm(
    stack: RunningStack, new_page, shot, tmp_path: Path
) -> None:
    no = new_ticket(stack, "Aceng Sudegdo")
    kadis, kabid, cabdin = new_page(), new_page(), new_page()
    login(kadis, KADIS)
    login(kabid, KABID)
    login(cabdin, CABDIN)
    shot(kadis, "dashboard kepala dinas")
    # … the header names each official in full on a desktop screen, long region included
    expect(cabdin.locator(".user-role")).to_have_text("Cabang Dinas Wilayah — SEMARANG DEMAK")
    cut = cabdin.evaluate(
        "[...document.querySelectorAll('.user-name, .user-role')]"
        ".filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent)"
    )
    assert cut == [], f"cut off in the header: {cut}"

    # Kepala Dinas accepts the new application
    open_detail_to_decide(kadis, no)
    waiting = kadis.locator('[data-count="WIUP"]')
    expect(waiting).to_have_text(re.compile(r"^[1-9]\d*$"))
    before = int(waiting.inner_text())
    assert options_offered(kadis) == ["-- Pilih Salah Satu --", "TERIMA", "TOLAK"]
    choose(kadis, "TERIMA")
    shot(kadis, "kepala dinas memilih TERIMA")
    check_and_save(kadis)
    expect_status(kadis, "DITERIMA KEPALA BIDANG")
    # … and his sidebar counts one WIUP less at once, and the page says whose turn it is,
    # without leaving it
    expect(waiting).to_have_text(str(before - 1))
    expect(kadis.locator("#panel-proses")).to_contain_text("Menunggu: Kepala Bidang")
    expect(kadis.locator("#panel-proses")).not_to_contain_text("sedang disiapkan")
    shot(kadis, "setelah simpan")

    # Kepala Bidang sends it on to Cabang Dinas
    open_detail_to_decide(kabid, no)
    choose(kabid, "TERIMA")
    check_and_save(kabid)
    expect_status(kabid, "PROSES KAJIAN CABANG DINAS")

    # Cabang Dinas approves with the rekomtek and its PDF
    open_detail_to_decide(cabdin, no)
    # … his sidebar counts the ticket that reached him after he logged in
    waiting = cabdin.locator('.nav-link [data-count="WIUP"]')
    expect(waiting).to_have_text(str(pending_wiup(stack, CABDIN)))
    assert pending_wiup(stack, CABDIN) >= 1
    choose(cabdin, "SETUJUI")
    cabdin.get_by_label("Nomor Rekomtek").fill(REKOMTEK["nomor"])
    cabdin.get_by_label("Tanggal Surat Rekomendasi Teknis").fill(REKOMTEK["tanggal_surat"])
    cabdin.get_by_label("Masa Berlaku").fill(REKOMTEK["berlaku_sampai"])
    cabdin.get_by_label("Jangka Waktu Izin").fill(REKOMTEK["jangka_waktu"])
    upload_letter(cabdin, tmp_path, no)
    letter = cabdin.locator("#tabel-dokumen tr", has_text="rekomtek-lampiran-peta.pdf")
    # … uploaded, the letter is not in force before SIMPAN
    expect(letter).to_contain_text("Belum disimpan dalam keputusan")
    shot(cabdin, "cabang dinas mengisi rekomtek dan mengunggah PDF")
    check_and_save(cabdin)
    expect_status(cabdin, "HASIL KAJIAN DITERIMA KEPALA BIDANG")
    expect(letter).to_contain_text("Berlaku")  # … and is, once the decision is saved

    # Kepala Bidang reviews the rekomtek and forwards it
    open_detail_to_decide(kabid, no)
    expect(kabid.get_by_text(REKOMTEK["nomor"]).first).to_be_visible()
    shot(kabid, "kepala bidang meninjau rekomtek")
    choose(kabid, "REKOMTEK DITERUSKAN KE KEPALA DINAS")
    check_and_save(kabid)
    expect_status(kabid, "HASIL KAJIAN DITERIMA KEPALA DINAS")

    # Kepala Dinas approves: final
    open_detail_to_decide(kadis, no)
    choose(kadis, "DISETUJUI DINAS ESDM")
    check_and_save(kadis)
    expect_status(kadis, "DISETUJUI DINAS ESDM")
    shot(kadis, "disetujui dinas esdm")
    assert stack.client.wait_for_final(no, KADIS)["status"] == "DISETUJUI DINAS ESDM"

    # … and it is in Kepala Dinas's Data Disetujui, with its final status
    decided = find_row(kadis, no, "WIUP", "Data Disetujui")
    expect(decided).to_contain_text("DISETUJUI DINAS ESDM")
    expect(decided).to_contain_text("Selesai")
    shot(kadis, "data disetujui")


def pending_wiup(stack: RunningStack, who: str) -> int:
    return stack.client.ok("GET", "/tickets/summary", who)["pending"].get("WIUP", 0)


def test_rejection_loop_ends_ditolak_dinas_esdm(stack: RunningStack, new_page, shot) -> None:
    # GIVEN a ticket already at Cabang Dinas
    no = new_ticket(stack, "Bagus Prakoso")
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    assert stack.client.decide(no, KABID, "A2", "TERIMA").status_code == 200
    cabdin, kabid, kadis = new_page(), new_page(), new_page()
    login(cabdin, CABDIN)
    login(kabid, KABID)
    login(kadis, KADIS)

    # Cabang Dinas rejects with a note; Kabid forwards; Kadis rejects for good
    open_detail_to_decide(cabdin, no)
    choose(cabdin, "TOLAK")
    give_reason(cabdin, "Lokasi tumpang tindih dengan kawasan lindung.")
    check_and_save(cabdin)
    expect_status(cabdin, "DITOLAK CABANG DINAS WILAYAH")

    open_detail_to_decide(kabid, no)
    assert options_offered(kabid)[1:] == [
        "DITERUSKAN KE KEPALA DINAS",
        "DIKEMBALIKAN KE CABANG DINAS",
    ]
    choose(kabid, "DITERUSKAN KE KEPALA DINAS")
    check_and_save(kabid)
    expect_status(kabid, "DIKEMBALIKAN KE KEPALA DINAS (DITOLAK CABANG DINAS)")

    open_detail_to_decide(kadis, no)
    assert options_offered(kadis)[1:] == [
        "DIKEMBALIKAN KE CABANG DINAS",
        "DIKEMBALIKAN KE KEPALA BIDANG",
        "DITOLAK DINAS ESDM",
    ]
    # … Kepala Dinas reads why Cabang Dinas refused, though Kepala Bidang forwarded it
    earlier = kadis.locator("#alasan-sebelumnya")
    expect(earlier).to_contain_text("Ditolak oleh Cabang Dinas Wilayah Semarang Demak pada")
    expect(earlier).to_contain_text("Lokasi tumpang tindih dengan kawasan lindung.")
    shot(kadis, "pilihan kepala dinas setelah ditolak cabang dinas")
    choose(kadis, "DITOLAK DINAS ESDM")
    give_reason(kadis, "Lokasi berada di kawasan lindung; tidak dapat diberikan izin.")
    check_and_save(kadis)
    expect_status(kadis, "DITOLAK DINAS ESDM")
    shot(kadis, "ditolak dinas esdm")


def test_a_stale_screen_is_told_someone_else_decided(stack: RunningStack, new_page, shot) -> None:
    no = new_ticket(stack, "Rina Kusuma")
    first, second = new_page(), new_page()
    login(first, KADIS)
    login(second, KADIS)
    open_detail_to_decide(first, no)
    open_detail_to_decide(second, no)

    choose(first, "TERIMA")
    check_and_save(first)
    expect_status(first, "DITERIMA KEPALA BIDANG")
    choose(second, "TOLAK")
    give_reason(second, "Berkas tidak lengkap.")
    check_and_save(second)

    # THEN he is told the ticket was decided elsewhere — by his own account in the other tab,
    # named with what it decided — and no longer that it is his turn
    expect(second.locator("#keputusan-pesan")).to_contain_text(
        "sudah Anda putuskan di tab atau perangkat lain — Diterima oleh Kepala Dinas "
        "(Ir. Sujarwanto Dwiatmoko)"
    )
    expect(second.locator("#keputusan-pesan")).to_contain_text("(TERIMA)")
    expect(second.locator("#giliran")).not_to_contain_text("Giliran Anda")
    shot(second, "pesan 409")
    second.get_by_role("button", name="Muat Ulang").click()
    expect_status(second, "DITERIMA KEPALA BIDANG")
    assert stack.client.ok("GET", f"/tickets/{no}", KADIS)["status"] == "DITERIMA KEPALA BIDANG"
