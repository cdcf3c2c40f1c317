"""Agencies never see each other: the test agency (izin-uji) and Dinas ESDM (Andesit).

An official of one agency gets, on every ticket route of the other agency's ticket, exactly
what an unknown ticket gets (404 TICKET_NOT_FOUND, the same message but for the number); the
routes are generated from `app.routes`, so a new ticket route is checked the moment it exists.
Lists, search, the dashboard, notifications, the workflows offered and user administration
show nothing of the other agency. A final decision of izin-uji (no `ptsp_callback`
integration) is never POSTed to PTSP, while Andesit's still are.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from app import app
from local.client import ApiClient
from tests.functional.other_agency import AGENCY, client, uji_accounts
from tests.functional.test_andesit_journeys import (
    CABDIN,
    KABID,
    KADIS,
    decide_ok,
    new_ticket,
    upload_rekomtek,
)
from tests.functional.test_ptsp_callbacks import deliveries, reject_at_once
from tests.functional.test_third_workflow import (
    FORWARD,
    PEMERIKSAAN,
    forwarded_to_kepala,
    new_uji_ticket,
    upload_berita_acara,
)
from tests.stack import RunningStack, eventually

ADMIN = "admin@demo.local"
UNKNOWN = "TIDAKADA404"
ESDM_OFFICIALS = (KADIS, KABID, CABDIN)
# A body each ticket route with a schema accepts, so that the request reaches the ticket
# (per the ticket's workflow: its step, action and document kind).
VALID_BODIES = {
    "andesit": {
        "decision": {"step": "A4", "action": "TOLAK", "checked": True, "note": "Uji isolasi"},
        "document_upload": {
            "kind": "REKOMTEK",
            "filename": "isolasi.pdf",
            "content_type": "application/pdf",
            "size": 100,
        },
        "application_update": {"data": {"luas_dimohon": 100}},
    },
    "izin-uji": {
        "decision": {"step": "U2", "action": "SETUJUI", "checked": True},
        "document_upload": {
            "kind": "BERITA_ACARA",
            "filename": "isolasi.pdf",
            "content_type": "application/pdf",
            "size": 100,
        },
        "application_update": {"data": {"luas_dimohon": 100}},
    },
}


@dataclass(frozen=True)
class TicketRoute:
    method: str
    path: str
    schema: str | None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


def _ticket_routes() -> list[TicketRoute]:
    found = []
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            view = entry.view_function
            if "{ticket_no}" in path and not getattr(view, "is_public", False):
                found.append(TicketRoute(method, path, getattr(view, "request_schema", None)))
    return found


TICKET_ROUTES = _ticket_routes()


@dataclass(frozen=True)
class Case:
    """A ticket of one agency, with one of its confirmed documents."""

    workflow: str
    ticket_no: str
    document_id: str
    name: str


@pytest.fixture(scope="module")
def andesit_ticket(stack: RunningStack) -> Case:
    """An Andesit ticket waiting at A4 with a confirmed rekomtek PDF."""
    c = stack.client
    name = f"Sukmawati Andesitia {uuid.uuid4().hex[:6]}"
    no = new_ticket(stack, name)
    decide_ok(c, no, KADIS, "A1", "TERIMA")
    decide_ok(c, no, KABID, "A2", "TERIMA")
    return Case("andesit", no, upload_rekomtek(c, no), name)


@pytest.fixture(scope="module")
def uji_ticket(stack: RunningStack) -> Case:
    """An izin-uji ticket (region SEMARANG DEMAK, like Cabang Dinas Semarang's) waiting at U2."""
    name = f"Wulan Ujiyanti {uuid.uuid4().hex[:6]}"
    no = forwarded_to_kepala(stack, name)
    detail = client(stack).ok("GET", f"/tickets/{no}", uji_accounts(stack).kepala)
    (document,) = detail["documents"]
    return Case("izin-uji", no, document["id"], name)


def _call(c: ApiClient, who: str, route: TicketRoute, ticket_no: str, case: Case) -> Any:
    url = route.path.format(ticket_no=ticket_no, document_id=case.document_id)
    kwargs: dict[str, Any] = {}
    if route.schema:
        kwargs["json"] = VALID_BODIES[case.workflow][route.schema]
    response = c.call(route.method, url, who, **kwargs)
    text = response.text.replace(ticket_no, "<ticket_no>")
    return response.status_code, json.loads(text) if text.strip() else {}


def _assert_every_route_is_404_as_unknown(c: ApiClient, who: str, case: Case) -> None:
    wrong = {}
    for route in TICKET_ROUTES:
        foreign = _call(c, who, route, case.ticket_no, case)
        unknown = _call(c, who, route, UNKNOWN, case)
        if foreign != unknown or foreign[0] != 404 or foreign[1].get("code") != "TICKET_NOT_FOUND":
            wrong[route.id] = (foreign, unknown)

    assert wrong == {}


def test_every_ticket_route_is_generated() -> None:
    ids = {r.id for r in TICKET_ROUTES}

    assert {"GET /tickets/{ticket_no}", "POST /tickets/{ticket_no}/decision"} <= ids
    assert {"GET /tickets/{ticket_no}/track", "GET /tickets/{ticket_no}/map"} <= ids
    assert "POST /tickets/{ticket_no}/documents" in ids
    assert {r.schema for r in TICKET_ROUTES if r.schema} <= set(VALID_BODIES["andesit"])


# --- ticket routes --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["petugas", "kepala", "admin"])
def test_the_test_agency_gets_404_on_every_andesit_ticket_route(
    stack: RunningStack, andesit_ticket: Case, role: str
) -> None:
    c = client(stack)
    who = getattr(uji_accounts(stack), role)
    if role == "admin" and c.call("GET", f"/tickets/{UNKNOWN}", who).status_code == 403:
        pytest.skip("administrators do not read tickets")

    _assert_every_route_is_404_as_unknown(c, who, andesit_ticket)
    # and the ticket is untouched: still at A4 with its document
    detail = c.ok("GET", f"/tickets/{andesit_ticket.ticket_no}", CABDIN)
    assert detail["pending"]["step"] == "A4"
    assert andesit_ticket.document_id in [d["id"] for d in detail["documents"]]


@pytest.mark.parametrize("who", ESDM_OFFICIALS)
def test_dinas_esdm_gets_404_on_every_izin_uji_ticket_route(
    stack: RunningStack, uji_ticket: Case, who: str
) -> None:
    c = client(stack)

    _assert_every_route_is_404_as_unknown(c, who, uji_ticket)
    detail = c.ok("GET", f"/tickets/{uji_ticket.ticket_no}", uji_accounts(stack).kepala)
    assert detail["pending"]["step"] == "U2"
    assert uji_ticket.document_id in [d["id"] for d in detail["documents"]]


# --- lists, search, dashboard ---------------------------------------------------------------


def _rows(c: ApiClient, who: str, **params: str) -> Iterator[dict[str, Any]]:
    cursor = None
    for _ in range(20):
        query = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
        page = c.ok("GET", "/tickets", who, params=query)
        yield from page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return


def _numbers(c: ApiClient, who: str, **params: str) -> set[str]:
    return {row["ticket_no"] for row in _rows(c, who, **params)}


def test_lists_and_search_show_only_the_own_agencys_tickets(
    stack: RunningStack, andesit_ticket: Case, uji_ticket: Case
) -> None:
    c, uji = client(stack), uji_accounts(stack)
    # the searches find each ticket for its own agency …
    assert _numbers(c, CABDIN, box="pending", q=andesit_ticket.ticket_no) == {
        andesit_ticket.ticket_no
    }
    assert _numbers(c, uji.kepala, box="pending", q=uji_ticket.name.split()[1]) == {
        uji_ticket.ticket_no
    }
    assert uji_ticket.ticket_no in _numbers(c, uji.petugas, box="decided")

    # … and never for the other one, in either box, by number or by name
    for box in ("pending", "decided"):
        for who in (uji.petugas, uji.kepala):
            rows = list(_rows(c, who, box=box))
            assert {r["workflow"] for r in rows} <= {"izin-uji"}, (who, box)
            assert andesit_ticket.ticket_no not in {r["ticket_no"] for r in rows}
            assert _numbers(c, who, box=box, q=andesit_ticket.ticket_no) == set()
            assert _numbers(c, who, box=box, q=andesit_ticket.name.split()[1]) == set()
        for who in ESDM_OFFICIALS:
            rows = list(_rows(c, who, box=box))
            assert {r["workflow"] for r in rows} <= {"andesit"}, (who, box)
            assert uji_ticket.ticket_no not in {r["ticket_no"] for r in rows}
            assert _numbers(c, who, box=box, q=uji_ticket.ticket_no) == set()
            assert _numbers(c, who, box=box, q=uji_ticket.name.split()[1]) == set()


def test_a_permit_type_of_the_other_agency_lists_nothing(stack: RunningStack) -> None:
    c, uji = client(stack), uji_accounts(stack)

    for who, permit in ((uji.kepala, "WIUP"), (KADIS, "UJI_REKLAME")):
        response = c.call("GET", "/tickets", who, params={"permit_type": permit})
        if response.status_code == 200:
            assert response.json()["items"] == [], (who, permit)
        else:
            assert response.status_code == 400, response.text


def test_dashboard_counts_only_the_own_agencys_tickets(
    stack: RunningStack, andesit_ticket: Case, uji_ticket: Case
) -> None:
    c, uji = client(stack), uji_accounts(stack)
    uji_types = {"UJI_REKLAME", "UJI_KERAMAIAN"}

    for who, own, mine in ((uji.kepala, "izin-uji", True), (KADIS, "andesit", False)):
        counts = c.ok("GET", "/tickets/summary", who)
        rows = counts["latest"] + counts["overdue"]
        assert {r["workflow"] for r in rows} <= {own}, who
        counted = {t for t, n in counts["pending"].items() if n}
        assert (counted <= uji_types) if mine else not (counted & uji_types), (who, counted)
        assert counts["total"] == sum(counts["pending"].values())
    assert c.ok("GET", "/tickets/summary", uji.kepala)["pending"]["UJI_REKLAME"] >= 1


# --- notifications --------------------------------------------------------------------------


def _notified(c: ApiClient, who: str) -> set[str]:
    return {
        n["ticket_no"] for n in c.ok("GET", "/notifications", who, params={"limit": 100})["items"]
    }


def test_notifications_never_cross_agencies(
    stack: RunningStack, andesit_ticket: Case, uji_ticket: Case
) -> None:
    c, uji = client(stack), uji_accounts(stack)
    # GIVEN each agency's officials were notified of their own ticket
    eventually(lambda: uji_ticket.ticket_no in _notified(c, uji.kepala), "Kepala Uji notified")
    eventually(lambda: andesit_ticket.ticket_no in _notified(c, CABDIN), "Cabang Dinas notified")

    # THEN nobody was notified of the other agency's, and every ticket notified is visible
    for who in (uji.petugas, uji.kepala):
        seen = _notified(c, who)
        assert andesit_ticket.ticket_no not in seen
        assert all(c.call("GET", f"/tickets/{no}", who).status_code == 200 for no in seen)
    for who in ESDM_OFFICIALS:
        assert uji_ticket.ticket_no not in _notified(c, who)


# --- what each agency is offered, and administration ----------------------------------------


def test_each_agency_is_offered_only_its_workflows(stack: RunningStack) -> None:
    c, uji = client(stack), uji_accounts(stack)

    for who, agency, workflows in (
        (KADIS, "esdm-jateng", ["andesit"]),
        (uji.kepala, AGENCY, ["izin-uji"]),
        (uji.admin, AGENCY, ["izin-uji"]),
    ):
        offered = c.ok("GET", "/workflows", who)
        assert offered["agency"]["id"] == agency, who
        found = [w["id"] for cat in offered["categories"] for w in cat["workflows"]]
        assert found == workflows, who


def test_administrators_see_only_their_agencys_users(stack: RunningStack) -> None:
    c, uji = client(stack), uji_accounts(stack)

    theirs = c.ok("GET", "/admin/users", uji.admin)["items"]
    ours = c.ok("GET", "/admin/users", ADMIN)["items"]

    assert {u["agency"] for u in theirs} == {AGENCY}
    assert {uji.admin, uji.petugas, uji.kepala} <= {u["email"] for u in theirs}
    assert AGENCY not in {u["agency"] for u in ours}
    assert KADIS in {u["email"] for u in ours}


# --- PTSP -----------------------------------------------------------------------------------


def test_a_final_izin_uji_decision_is_never_posted_to_ptsp(stack: RunningStack) -> None:
    # GIVEN an izin-uji ticket decided to the end (approved)
    c, uji = client(stack), uji_accounts(stack)
    no = new_uji_ticket(stack, "Wulan Tanpa Ptsp")
    c.wait_for_step(no, uji.petugas, "U1")
    document_id = upload_berita_acara(c, no, uji.petugas)
    decide_ok(
        c, no, uji.petugas, "U1", FORWARD, pemeriksaan=PEMERIKSAAN, document_ids=[document_id]
    )
    decide_ok(c, no, uji.kepala, "U2", "SETUJUI")
    assert c.wait_for_final(no, uji.kepala)["status"] == "DISETUJUI DINAS UJI"

    # WHEN an Andesit ticket is decided after it, and its decision reaches PTSP
    andesit = new_ticket(stack, "Kontrol Ptsp")
    reject_at_once(stack, andesit)
    eventually(lambda: deliveries(stack, andesit), "the Andesit decision at PTSP")
    time.sleep(2)  # the izin-uji decision, had it been routed, was on its way earlier still

    # THEN PTSP received nothing of the izin-uji ticket, nor any dead letter for it
    assert deliveries(stack, no) == []
    dead = c.ok("GET", "/admin/ptsp/dead-letters", ADMIN)["items"]
    assert no not in json.dumps(dead)
