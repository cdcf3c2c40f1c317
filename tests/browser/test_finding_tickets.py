"""Finding tickets: the dashboard lists what came in and what is overdue, one search covers
every permit type, and lists say how many tickets match."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, Route, expect

from local.client import application
from tests.browser.console import login
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"


def tickets_of_one_applicant(stack: RunningStack, permit_types: list[str]) -> tuple[str, list[str]]:
    """Tickets of one applicant (a name no other test uses) in different permit types."""
    word = f"Lintas{uuid.uuid4().hex[:6]}"
    numbers = []
    for permit_type in permit_types:
        no = f"UI{uuid.uuid4().hex[:8].upper()}"
        sent = stack.client.send_application(
            application(no, f"{word} Wibowo", permit_type=permit_type)
        )
        assert sent.status_code == 201
        numbers.append(no)
    for no in numbers:
        stack.client.wait_for_step(no, KADIS, "A1")
    return word, numbers


def search_everywhere(page: Page, text: str) -> None:
    page.get_by_role("link", name="Dashboard").first.click()
    page.get_by_label("Cari izin di semua jenis izin").fill(text)
    page.get_by_label("Cari izin di semua jenis izin").press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Pencarian Izin"))).to_be_visible()


def test_one_search_finds_tickets_of_every_permit_type(stack: RunningStack, new_page, shot) -> None:
    # GIVEN one applicant with a WIUP and an IUJP waiting for Kepala Dinas
    word, numbers = tickets_of_one_applicant(stack, ["WIUP", "IUJP"])
    page = new_page()
    login(page, KADIS)
    expect(page.get_by_role("heading", name="Data izin masuk terbaru")).to_be_visible()
    rows = page.locator("#tabel-terbaru tbody tr")
    assert 1 <= rows.count() <= 5

    # WHEN the dashboard's search is used with the applicant's name
    search_everywhere(page, word)

    # THEN both tickets are listed, whatever their type, with how many are shown
    for no in numbers:
        expect(page.locator(f'tr[data-ticket="{no}"]')).to_be_visible()
    expect(page.locator("#tabel-izin")).to_contain_text("Wilayah Izin Usaha Pertambangan")
    expect(page.locator("#tabel-izin")).to_contain_text("Izin Usaha Jasa Pertambangan")
    expect(page.get_by_text(re.compile(r"Menampilkan 1–2"))).to_be_visible()
    shot(page, "pencarian semua jenis izin")


def test_lists_say_how_many_tickets_match(stack: RunningStack, new_page, shot) -> None:
    word, numbers = tickets_of_one_applicant(stack, ["WIUP", "IZIN_SEMENTARA", "IUJP"])
    page = new_page()
    login(page, KADIS)
    expect(page.locator("#tabel-terbaru")).to_contain_text(numbers[-1])  # newest first

    search_everywhere(page, word)

    expect(page.get_by_text("Menampilkan 1–3 dari 3 data")).to_be_visible()
    shot(page, "total hasil pencarian")


def report_overdue(page: Page, stack: RunningStack, no: str, due_at: str) -> None:
    """The summary as the API gives it when `no` is past its deadline (a real timeout takes the
    step's two days; the overdue marking itself is the server's, tested there)."""
    row = stack.client.ok("GET", "/tickets", KADIS, params={"box": "pending", "q": no})["items"][0]

    def handle(route: Route) -> None:
        response = route.fetch()
        body = response.json()
        body["overdue"] = [{**row, "overdue": True, "due_at": due_at}]
        body["overdue_total"] = 1
        route.fulfill(response=response, json=body)

    page.route("**/api/tickets/summary", handle)


def test_the_dashboard_highlights_what_is_overdue(stack: RunningStack, new_page, shot) -> None:
    _, (no,) = tickets_of_one_applicant(stack, ["IUP_EKSPLORASI"])
    due = datetime(2026, 11, 24, 1, 30, tzinfo=UTC)
    page = new_page()
    report_overdue(page, stack, no, due.isoformat())

    login(page, KADIS)

    panel = page.locator("#melewati-batas")
    expect(panel.get_by_role("heading", name=re.compile("Melewati batas waktu"))).to_be_visible()
    expect(panel.locator("#jumlah-terlambat")).to_have_text("1")
    row = panel.locator(f'tr[data-ticket="{no}"]')
    expect(row).to_have_class(re.compile("overdue"))
    wib = due.astimezone(ZoneInfo("Asia/Jakarta"))
    expect(row).to_contain_text(f"Batas waktu {wib:%d-%m-%Y %H.%M} WIB")
    shot(page, "dashboard melewati batas waktu")
    row.get_by_role("button", name="Detail").click()
    expect(page.get_by_role("heading", name=re.compile(no))).to_be_visible()
    # the detail reloads the sidebar counts through the route above: let it go unanswered
    page.unroute_all(behavior="ignoreErrors")
