"""Take the PANDUAN's screenshots from the real console on a fresh local stack.

    .venv/bin/python docs/screenshots.py   # -> docs/img/*.jpg, then: .venv/bin/python docs/build.py

The seed manual is made of screenshots; these are the same screens, taken through the UI as
the officials use them (demo accounts and tickets of the local stack), saved as JPEG so the
PDF stays small. Run it again after a change to the console and rebuild the PDF.
"""

from __future__ import annotations

import re
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Locator, Page, Route, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local.client import application  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, chromium_path  # noqa: E402
from tests.browser.console import PASSWORD, choose, find_row, login, upload_letter  # noqa: E402
from tests.stack import RunningStack, start_stack, stop_stack  # noqa: E402

IMG = ROOT / "docs" / "img"
KADIS, KABID, CABDIN = "kadis@esdm.demo", "kabid@esdm.demo", "cabdin.semarang@esdm.demo"
VIEWPORT = {"width": 1200, "height": 800}
QUALITY = 70
REASON = "Dokumen UKL-UPL belum dilampirkan; mohon dilengkapi pemohon melalui PTSP."


def save(target: Page | Locator, name: str, **options: object) -> None:
    """A JPEG of the page's viewport (or of one element) in docs/img/."""
    path = IMG / f"{name}.jpg"
    target.screenshot(path=str(path), type="jpeg", quality=QUALITY, **options)  # type: ignore[arg-type]
    print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


def with_reasons(page: Page) -> None:
    """The reason contract (options that need one; the last decision's reason), as served."""

    def handle(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        for option in (body.get("pending") or {}).get("options") or []:
            if re.search("KEMBALI|TOLAK", option["action"]):
                option.setdefault("requires", {}).setdefault("note", True)
        last = body.get("last_decision")
        if last and re.search("KEMBALI|TOLAK", last.get("action", "")):
            last.setdefault("note", REASON)
        route.fulfill(response=response, json=body)

    page.route(re.compile(r"/api/tickets/[^/?]+$"), handle)


class Shooter:
    def __init__(self, stack: RunningStack, new_page: Callable[[], Page]) -> None:
        self.stack = stack
        self.new_page = new_page

    def ticket(self, name: str, *decisions: tuple[str, str, str]) -> str:
        no = str(30000 + uuid.uuid4().int % 9000)
        assert self.stack.client.send_application(application(no, name)).status_code == 201
        for who, step, action in decisions:
            extra = {"note": REASON} if "KEMBALI" in action else {}
            assert self.stack.client.decide(no, who, step, action, **extra).status_code == 200
        return no

    def landing(self) -> None:
        page = self.new_page()
        page.goto("/")
        expect(page.get_by_role("button", name="DINAS ESDM PROVINSI JAWA TENGAH")).to_be_visible()
        save(page, "halaman-muka")
        page.get_by_role("button", name="DINAS ESDM PROVINSI JAWA TENGAH").click()
        page.get_by_role("dialog").get_by_label("Email Address").fill(KADIS)
        save(page, "form-login")

    def kepala_dinas(self) -> None:
        page = self.new_page()
        login(page, KADIS)
        expect(page.get_by_role("heading", name="Data izin masuk terbaru")).to_be_visible()
        save(page, "dashboard")
        page.locator("#dashboard-search").scroll_into_view_if_needed()
        find_row(page, "27419")
        page.get_by_placeholder("Cari nama pemohon atau nomor ticket").fill("")
        page.get_by_placeholder("Cari nama pemohon atau nomor ticket").press("Enter")
        expect(page.locator('tr[data-ticket="27419"]')).to_be_visible()
        save(page, "data-izin")
        page.get_by_role("link", name="Dashboard").first.click()
        page.get_by_label("Cari izin di semua jenis izin").fill("Sri")
        page.get_by_label("Cari izin di semua jenis izin").press("Enter")
        expect(page.locator('tr[data-ticket="27420"]')).to_be_visible()
        save(page, "pencarian")
        page.goto("/#/tiket/27419")
        expect(page.locator("#panel-rekomtek")).to_be_visible()
        save(page.locator("#panel-rekomtek"), "rekomtek-ditinjau")
        choose(page, "DISETUJUI DINAS ESDM")
        page.get_by_role("button", name="CHECK").click()
        save(page.locator("#panel-proses"), "proses-kepala-dinas")
        page.goto("/#/tiket/27419/track")
        expect(page.locator("#timeline")).to_be_visible()
        save(page, "track")
        page.goto("/#/tiket/27419/peta")
        expect(page.locator(".leaflet-overlay-pane path")).to_have_count(1)
        save(page, "peta")

    def alasan(self) -> None:
        no = self.ticket("Bambang Hartono", (KADIS, "A1", "TERIMA"))
        self.stack.client.wait_for_step(no, KABID, "A2")
        page = self.new_page()
        with_reasons(page)
        login(page, KABID, path=f"/#/tiket/{no}")
        choose(page, "DIKEMBALIKAN KE KEPALA DINAS")
        page.get_by_role("button", name="CHECK").click()
        page.get_by_role("button", name="SIMPAN").click()
        expect(page.get_by_text("Tuliskan alasan")).to_be_visible()
        save(page.locator("#panel-proses"), "alasan-wajib")
        returned = self.ticket(
            "Dewi Lestari", (KADIS, "A1", "TERIMA"), (KABID, "A2", "DIKEMBALIKAN KE KEPALA DINAS")
        )
        self.stack.client.wait_for_step(returned, KADIS, "A3")
        kadis = self.new_page()
        with_reasons(kadis)
        login(kadis, KADIS, path=f"/#/tiket/{returned}")
        expect(kadis.locator("#alasan-terakhir")).to_be_visible()
        save(kadis, "alasan-di-detail")

    def cabang_dinas(self, tmp: Path) -> None:
        no = self.ticket("Joko Susilo", (KADIS, "A1", "TERIMA"), (KABID, "A2", "TERIMA"))
        self.stack.client.wait_for_step(no, CABDIN, "A4")
        page = self.new_page()
        login(page, CABDIN, path=f"/#/tiket/{no}")
        choose(page, "SETUJUI")
        page.get_by_label("Nomor Rekomtek").fill("625/REKOM/WIUP/11/2026")
        page.get_by_label("Tanggal Surat Rekomendasi Teknis").fill("20-11-2026")
        page.get_by_label("Masa Berlaku").fill("20-11-2027")
        page.get_by_label("Jangka Waktu Izin").fill("1 Tahun")
        upload_letter(page, tmp, no)
        page.get_by_role("button", name="CHECK").click()
        save(page.locator("#panel-proses"), "rekomtek-cabang-dinas")
        page.get_by_role("button", name="Kalender").first.click()
        save(page.locator("#fieldset-rekomtek"), "kalender")

    def notifikasi(self) -> None:
        no = self.ticket("Rina Kusuma", (KADIS, "A1", "TERIMA"))
        self.stack.client.wait_for_step(no, KABID, "A2")
        page = self.new_page()
        login(page, KABID)
        page.locator("#bell").click()
        expect(page.locator("#notif-list li").first).to_be_visible()
        save(page, "lonceng", clip={"x": 700, "y": 0, "width": 500, "height": 520})
        page.get_by_role("link", name="Lihat Semua Notifikasi").click()
        page.get_by_text(f"no. ticket : {no}").first.click()
        expect(page.get_by_role("button", name="PROSES IZIN")).to_be_visible()
        save(page, "notifikasi")

    def profil_dan_sesi(self) -> None:
        page = self.new_page()
        login(page, KABID)
        page.get_by_role("link", name="Profil").first.click()
        expect(page.get_by_text("Informasi Pengguna")).to_be_visible()
        save(page, "profil")
        page.route(
            "**/api/auth/refresh",
            lambda route: route.fulfill(status=401, json={"code": "SESSION_EXPIRED"}),
        )
        page.evaluate(
            """() => {
              const s = JSON.parse(localStorage.getItem("etracking.session"));
              s.token = s.token.slice(0, -6) + "AAAAAA";
              s.expires_at = Date.now() - 1000;
              localStorage.setItem("etracking.session", JSON.stringify(s));
            }"""
        )
        page.get_by_role("link", name="Dashboard").first.click()
        expect(page.get_by_role("dialog")).to_contain_text("Sesi berakhir")
        save(page, "sesi-berakhir")
        page.get_by_role("dialog").get_by_label("Password", exact=True).fill(PASSWORD)


def main() -> int:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="andesit-shots-") as tmp:
        stack = start_stack(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

                def new_page() -> Page:
                    context = browser.new_context(
                        base_url=stack.url,
                        viewport=VIEWPORT,
                        locale="id-ID",
                        timezone_id="Asia/Jakarta",
                    )
                    context.set_default_timeout(20_000)
                    return context.new_page()

                shooter = Shooter(stack, new_page)
                shooter.landing()
                shooter.kepala_dinas()
                shooter.alasan()
                shooter.cabang_dinas(Path(tmp))
                shooter.notifikasi()
                shooter.profil_dan_sesi()
                browser.close()
        finally:
            stop_stack(stack)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
