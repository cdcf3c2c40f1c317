"""The use cases on in-memory fakes of their ports: intake, decision, inboxes, visibility and
who is notified — for Andesit and for the test-only workflow of another agency, in
milliseconds (no moto, no network: tests/unit/conftest.py refuses sockets).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib import declared
from chalicelib.auth.principal import Principal
from chalicelib.auth.session import CallerSession, SessionCheck
from chalicelib.core import events, policy
from chalicelib.core.catalog import Catalog, DeclarationError
from chalicelib.core.records import pending_of
from chalicelib.errors import (
    AppError,
    Conflict,
    Forbidden,
    NotFound,
    StepNoLongerWaiting,
    Unauthorized,
    Unprocessable,
)
from chalicelib.ports import use
from chalicelib.usecases import (
    administration,
    applications,
    effects,
    notify,
    ptsp_alerts,
    workflow_messages,
)
from chalicelib.usecases import tickets as service
from tests.unit.fakes import FIXTURES, ROOT, World, world

ESDM, UJI = "esdm-jateng", "uji-kota"
SEMARANG, KENDENG = "SEMARANG DEMAK", "KENDENG MURIA"
REKOMTEK = {
    "nomor": "625/REKOM/WIUP/09/2019",
    "tanggal_surat": "2019-09-05",
    "berlaku_sampai": "2020-09-05",
    "jangka_waktu": "1 Tahun",
}


def person(email: str, roles: set[str], agency: str, region: str | None = None) -> Principal:
    return Principal(
        email=email,
        subject=email,
        roles=frozenset(roles),
        region=region,
        agency=agency,
        name=email.split("@")[0].title(),
    )


KADIS = person("kadis@esdm.demo", {"KEPALA_DINAS"}, ESDM)
KABID = person("kabid@esdm.demo", {"KEPALA_BIDANG"}, ESDM)
CABDIN_SEMARANG = person("cabdin.semarang@esdm.demo", {"CABANG_DINAS"}, ESDM, SEMARANG)
CABDIN_KENDENG = person("cabdin.kendeng@esdm.demo", {"CABANG_DINAS"}, ESDM, KENDENG)
PETUGAS_UJI = person("petugas@uji.test", {"PETUGAS_UJI"}, UJI)
# Another agency's official whose role is named like Andesit's: the agency decides.
KADIS_UJI = person("kadis@uji.test", {"KEPALA_DINAS"}, UJI)


@pytest.fixture
def w(monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """Andesit and the test-only workflow `izin-uji` (another agency), on fresh fakes."""
    both = Catalog.load([ROOT / "chalicelib", FIXTURES])
    monkeypatch.setattr(declared, "catalog", lambda: both)
    fake = world(both)
    use(fake.ports())
    for who in (KADIS, KABID, CABDIN_SEMARANG, CABDIN_KENDENG, PETUGAS_UJI, KADIS_UJI):
        fake.users.add(who.email, sorted(who.roles), who.agency, who.region, phone="+62812")
    yield fake


def application(no: str, permit_type: str = "WIUP", region: str = SEMARANG) -> dict[str, Any]:
    return {
        "ticket_no": no,
        "permit_type": permit_type,
        "applicant": {"name": "Aceng Sudegdo", "email": "aceng@contoh.id"},
        "submitted_at": "2026-11-20",
        "region": region,
        "location": {"type": "Point", "coordinates": [110.42, -6.99]},
    }


def arrive(w: World, no: str, permit_type: str = "WIUP", region: str = SEMARANG) -> None:
    """PTSP sends the application; the workflow's first step starts waiting."""
    ticket, created = service.receive_application(application(no, permit_type, region), f"wh-{no}")
    assert created
    waits(w, no, w.runtime.definition(ticket.workflow).start.state)


def waits(w: World, no: str, state: str) -> None:
    """The state machine's message that a human step now waits (as SQS delivers it)."""
    workflow = w.tickets.rows[no].workflow
    step = w.runtime.definition(workflow).step(state)
    sent = {
        "execution": f"arn:exec:{no}",
        "entered_at": w.clock.now_iso(),
        "task_token": f"token-{no}-{state}-{len(w.runtime.completed)}",
    }
    message = {"type": "step", "ticket_no": no, **pending_of(step, sent)}
    workflow_messages.handle(json.loads(json.dumps(message)))


def decide(no: str, who: Principal, step: str, action: str, **extra: Any) -> Any:
    body = {"step": step, "action": action, "checked": True, **extra}
    return service.decide(no, who, body, who.name, session_of(who))


TOKEN_ISSUED = 1_800_000_000  # the `iat` of every caller's token in these tests


def session_of(who: Principal, confirm: Any = None) -> CallerSession:
    """The caller's session as the middleware builds it; `confirm` reads the account."""
    return CallerSession(SessionCheck(who.email, TOKEN_ISSUED), confirm or (lambda: None))


def refused(call: Any) -> AppError:
    with pytest.raises(AppError) as error:
        call()
    return error.value


# --- intake ----------------------------------------------------------------------------------


def test_an_application_becomes_a_ticket_of_its_workflow_and_starts_that_machine_once(
    w: World,
) -> None:
    first, created = service.receive_application(application("T1"), "wh-1")
    again, repeated = service.receive_application(application("T1"), "wh-1")

    assert (created, repeated) == (True, False)
    assert again.ticket_no == first.ticket_no and len(w.tickets.rows) == 1
    assert (first.workflow, first.agency) == ("andesit", ESDM)
    assert [(wf, no) for wf, no, _ in w.runtime.started] == [("andesit", "T1")]
    assert w.runtime.started[0][2]["step_timeout_seconds"] == 172800  # declared: 2 days
    assert first.status == "MENUNGGU PERSETUJUAN KEPALA DINAS"


def test_the_permit_type_chooses_the_workflow(w: World) -> None:
    ticket, _ = service.receive_application(application("U1", "UJI_REKLAME"), "wh-u1")

    assert (ticket.workflow, ticket.agency) == ("izin-uji", UJI)
    assert w.runtime.started[0][0] == "izin-uji"


def test_a_permit_type_no_workflow_takes_is_refused(w: World) -> None:
    error = refused(lambda: service.receive_application(application("X1", "SIUP"), "wh-x"))

    assert (error.status, error.code) == (422, "UNKNOWN_PERMIT_TYPE")
    assert w.tickets.rows == {} and w.runtime.started == []


# --- decisions -------------------------------------------------------------------------------


def test_a_decision_reaches_the_workflow_once_and_a_second_one_is_refused(w: World) -> None:
    arrive(w, "T2")

    after = decide("T2", KADIS, "A1", "TERIMA")
    second = refused(lambda: decide("T2", KADIS, "A1", "TERIMA"))

    assert after["status"] == "DITERIMA KEPALA BIDANG"
    assert [d["action"] for _, d in w.runtime.completed] == ["TERIMA"]
    assert isinstance(second, Conflict) and second.code == "STEP_NOT_PENDING"
    owed = [e.kind for e in w.outbox.pending]
    waits(w, "T2", "A2")  # the workflow moved on: the decision arrived
    assert owed == ["workflow.complete"]  # sent, but owed until the workflow shows it
    assert w.outbox.pending == []  # recording the next step settled it


def test_a_dead_task_token_undoes_the_claim(w: World) -> None:
    arrive(w, "T3")
    w.runtime.dead_tokens.add(w.tickets.rows["T3"].pending["task_token"])

    error = refused(lambda: decide("T3", KADIS, "A1", "TERIMA"))

    assert isinstance(error, StepNoLongerWaiting)
    assert w.tickets.rows["T3"].pending is not None  # back in Kepala Dinas' inbox
    assert w.tickets.rows["T3"].status == "MENUNGGU PERSETUJUAN KEPALA DINAS"


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        (KABID, 403, "NOT_YOUR_TURN"),
        (KADIS_UJI, 404, "TICKET_NOT_FOUND"),
        (PETUGAS_UJI, 404, "TICKET_NOT_FOUND"),
    ],
    ids=["other-role", "same-role-name-other-agency", "other-agency"],
)
def test_only_the_role_whose_turn_it_is_decides(
    w: World, who: Principal, status: int, code: str
) -> None:
    arrive(w, "T4")

    error = refused(lambda: decide("T4", who, "A1", "TERIMA"))

    assert (error.status, error.code) == (status, code)
    assert w.runtime.completed == []


def at_cabang_dinas(w: World, no: str) -> None:
    arrive(w, no)
    decide(no, KADIS, "A1", "TERIMA")
    waits(w, no, "A2")
    decide(no, KABID, "A2", "TERIMA")
    waits(w, no, "A4")


def test_a_decision_by_a_changed_account_writes_nothing(w: World) -> None:
    # GIVEN Kepala Dinas whose account an administrator changed after the token was issued
    arrive(w, "T2b")
    w.tickets.account_changes[KADIS.email] = TOKEN_ISSUED + 60.5
    read: list[str] = []
    saved = list(w.tickets.saved_owed)

    def revoked() -> None:
        read.append(KADIS.email)
        raise Unauthorized("Sesi Anda tidak berlaku lagi.", code="SESSION_REVOKED")

    # WHEN that token decides
    body = {"step": "A1", "action": "TERIMA", "checked": True}
    session = session_of(KADIS, revoked)
    error = refused(lambda: service.decide("T2b", KADIS, body, "Kadis", session))
    # (the middleware confirms again before answering: the same answer, not a second read)
    assert refused(session.confirm).code == "SESSION_REVOKED"

    # THEN the claim refused it, the account was read, and nothing was written
    assert (error.status, error.code) == (401, "SESSION_REVOKED")
    assert read == [KADIS.email]
    assert w.tickets.rows["T2b"].pending and w.runtime.completed == []
    assert w.tickets.saved_owed == saved
    assert [e.kind for e in w.tickets.logs["T2b"]] == ["ARRIVAL"]


def test_a_decision_of_an_unchanged_account_reads_no_account_state(w: World) -> None:
    # GIVEN an account changed long before its token was issued
    arrive(w, "T2c")
    w.tickets.account_changes[KADIS.email] = TOKEN_ISSUED - 3600
    session = session_of(KADIS, lambda: pytest.fail("the claim carries the check"))

    # WHEN it decides
    body = {"step": "A1", "action": "TERIMA", "checked": True}
    service.decide("T2c", KADIS, body, "Kadis", session)

    # THEN the decision stands, confirmed by its own write
    assert len(w.runtime.completed) == 1 and session.confirmed


def test_an_account_changed_in_the_tokens_second_is_asked_and_then_decides(w: World) -> None:
    # GIVEN an account changed in the very second its (still matching) token was issued
    arrive(w, "T2d")
    w.tickets.account_changes[KADIS.email] = TOKEN_ISSUED + 0.4
    read: list[str] = []

    # WHEN it decides: the claim cannot tell, so the account is read, and it still matches
    body = {"step": "A1", "action": "TERIMA", "checked": True}
    service.decide("T2d", KADIS, body, "Kadis", session_of(KADIS, lambda: read.append("x")))

    # THEN the decision is written once
    assert read == ["x"] and len(w.runtime.completed) == 1


def test_the_options_requirements_come_from_the_declaration(w: World) -> None:
    at_cabang_dinas(w, "T5")
    letter = {"id": "d" * 32, "kind": "REKOMTEK", "confirmed": True}
    w.tickets.rows["T5"].documents = {letter["id"]: letter}
    backwards = {**REKOMTEK, "berlaku_sampai": "2019-01-01"}

    no_form = refused(lambda: decide("T5", CABDIN_SEMARANG, "A4", "SETUJUI"))
    bad_rule = refused(lambda: decide("T5", CABDIN_SEMARANG, "A4", "SETUJUI", rekomtek=backwards))
    no_letter = refused(lambda: decide("T5", CABDIN_SEMARANG, "A4", "SETUJUI", rekomtek=REKOMTEK))
    no_reason = refused(lambda: decide("T5", CABDIN_SEMARANG, "A4", "TOLAK"))
    approved = decide(
        "T5", CABDIN_SEMARANG, "A4", "SETUJUI", rekomtek=REKOMTEK, document_ids=[letter["id"]]
    )

    assert [e.code for e in (no_form, bad_rule, no_letter, no_reason)] == [
        "REKOMTEK_REQUIRED",
        "INVALID_REKOMTEK",
        "DOCUMENT_REQUIRED",
        "NOTE_REQUIRED",
    ]
    assert all(isinstance(e, Unprocessable) for e in (no_form, bad_rule, no_letter, no_reason))
    assert "Nomor Rekomtek" in no_form.message  # the form's own field titles
    assert no_letter.message.endswith("lampiran peta (PDF).")
    assert approved["forms"] == {"rekomtek": REKOMTEK}


def test_a_region_scoped_role_sees_its_region_only(w: World) -> None:
    at_cabang_dinas(w, "T6")

    other = refused(lambda: service.visible_ticket("T6", CABDIN_KENDENG))

    assert isinstance(other, Forbidden) and other.code == "REGION_NOT_ALLOWED"
    assert service.visible_ticket("T6", CABDIN_SEMARANG).ticket_no == "T6"


def test_an_applicants_step_is_only_its_own_applicants_whatever_else_the_caller_holds(
    w: World,
) -> None:
    # GIVEN a PKKPR application of Siti's, returned to her at P1
    pkkpr = declared.catalog().workflows["pkkpr-non-berusaha"]
    p1 = w.runtime.definition(pkkpr.id).step("P1")
    ticket = type("T", (), {"region": "KANIGORO", "applicant_email": "siti@contoh.id"})()
    siti = person("siti@contoh.id", {"PEMOHON"}, "")
    # … and a front office clerk who also applies for herself
    clerk = person("clerk@blitar.go.id", {"FRONT_END", "PEMOHON"}, pkkpr.agency)

    # THEN only Siti may act on it
    assert policy.may_act(pkkpr, p1, ticket, siti)
    assert not policy.may_act(pkkpr, p1, ticket, clerk)


# --- inboxes and dashboard -------------------------------------------------------------------


def numbers(who: Principal, box: str = "pending") -> list[str]:
    return [t["ticket_no"] for t in service.list_tickets(who, box, None, None, None, 20)["items"]]


def test_inboxes_are_per_workflow_role_region_and_agency(w: World) -> None:
    at_cabang_dinas(w, "T7")
    arrive(w, "U7", "UJI_KERAMAIAN")

    assert numbers(CABDIN_SEMARANG) == ["T7"]
    assert numbers(CABDIN_KENDENG) == []
    assert numbers(PETUGAS_UJI) == ["U7"]
    assert numbers(KADIS_UJI) == []  # KEPALA_DINAS of another agency: no Andesit inbox
    assert numbers(KADIS, "decided") == ["T7"]


def test_the_dashboard_counts_the_agencys_own_permit_types(w: World) -> None:
    arrive(w, "T8")
    arrive(w, "U8", "UJI_REKLAME")

    mine, theirs = service.counts(KADIS), service.counts(PETUGAS_UJI)

    assert mine["total"] == 1 and mine["pending"]["WIUP"] == 1
    assert "UJI_REKLAME" not in mine["pending"]
    assert theirs["pending"] == {"UJI_REKLAME": 1, "UJI_KERAMAIAN": 0}
    assert [t["ticket_no"] for t in theirs["latest"]] == ["U8"]


def test_the_console_offers_only_the_callers_workflows(w: World) -> None:
    mine = service.console(KADIS)
    theirs = service.console(PETUGAS_UJI)

    assert [wf["id"] for c in mine["categories"] for wf in c["workflows"]] == ["andesit"]
    assert [wf["id"] for c in theirs["categories"] for wf in c["workflows"]] == ["izin-uji"]
    assert mine["agency"]["name"] == "DINAS ESDM PROVINSI JAWA TENGAH"
    andesit = mine["categories"][0]["workflows"][0]
    assert andesit["final_statuses"] == {
        "DISETUJUI DINAS ESDM": "approved",
        "DITOLAK DINAS ESDM": "rejected",
    }
    assert andesit["roles"]["CABANG_DINAS"] == {"label": "Cabang Dinas Wilayah", "sees": "region"}
    # a step reached only by refusals and returns (read off the ASL) shows as returned
    returned = {s for s, kind in andesit["statuses"].items() if kind == "returned"}
    assert returned == {
        "DIKEMBALIKAN KE KEPALA DINAS",
        "DITOLAK CABANG DINAS WILAYAH",
        "DIKEMBALIKAN KE KEPALA BIDANG",
        "DIKEMBALIKAN KE KEPALA DINAS (DITOLAK CABANG DINAS)",
        "REKOMTEK DITOLAK KE KEPALA BIDANG",
        "REKOMTEK DITOLAK KE KEPALA DINAS",
    }
    assert andesit["statuses"]["DITERIMA KEPALA BIDANG"] == "in_progress"


# --- notifications ---------------------------------------------------------------------------


def test_the_next_role_of_the_tickets_region_and_agency_is_notified(w: World) -> None:
    at_cabang_dinas(w, "T9")
    entered = [p for t, p in w.events.published if t == events.STEP_ENTERED]

    told = {p.email for p in notify.recipients({**entered[-1], "type": events.STEP_ENTERED})}

    assert told == {CABDIN_SEMARANG.email}  # not Kendeng Muria's, not another agency's


def test_a_final_decision_tells_the_declared_roles_and_is_worded_from_the_declaration(
    w: World,
) -> None:
    arrive(w, "TA")
    decide("TA", KADIS, "A1", "TOLAK", note="Berkas tidak lengkap.")
    workflow_messages.handle(
        {"type": "final", "ticket_no": "TA", "status": "DITOLAK DINAS ESDM", "entered_at": "x"}
    )
    decided = next(p for t, p in w.events.published if t == events.DECIDED)
    event = {**decided, "type": events.DECIDED}

    told = {p.email for p in notify.recipients(event)}
    title, message = notify.compose(event)

    assert told == {KADIS.email, KABID.email, CABDIN_SEMARANG.email}
    assert title == "Keputusan akhir, no. ticket : TA"
    assert message == (
        "Pengajuan WIUP dengan no ticket TA, DITOLAK DINAS ESDM. Alasan: Berkas tidak lengkap. "
        "Keputusan telah dikirim ke PTSP."
    )
    assert decided["integrations"] == ["ptsp_callback"]


def test_delivering_a_notification_stores_it_once_and_sends_its_sms_and_email(w: World) -> None:
    arrive(w, "TB")
    entered = next(p for t, p in w.events.published if t == events.STEP_ENTERED)
    event = {**entered, "type": events.STEP_ENTERED}

    first, again = notify.deliver(event), notify.deliver(event)

    assert (first, again) == (1, 0)
    assert [phone for phone, _ in w.channels.sms] == ["+62812"]
    assert [address for address, _, _ in w.channels.emails] == [KADIS.email]
    assert w.channels.sms[0][1].endswith("/#/tiket/TB")


def test_events_of_a_workflow_without_the_ptsp_integration_do_not_name_it(w: World) -> None:
    arrive(w, "UC", "UJI_REKLAME")

    published = [p for _, p in w.events.published]

    assert published and all(p["integrations"] == [] for p in published)
    assert all((p["workflow"], p["agency"]) == ("izin-uji", UJI) for p in published)


# --- the outbox ------------------------------------------------------------------------------


def test_what_fails_now_stays_owed_and_the_sweeper_delivers_it(w: World) -> None:
    calls: list[str] = []

    def flaky(phone: str, text: str) -> None:
        calls.append(phone)
        if len(calls) == 1:
            raise OSError("SNS unreachable")

    w.channels.send_sms = flaky  # type: ignore[method-assign]
    owed = [effects.owe(effects.SEND_SMS, {"phone": "+62811", "text": "x"})]
    with pytest.raises(OSError):
        effects.carry_out(owed)

    assert len(w.outbox.pending) == 1
    assert effects.sweep() == 1 and w.outbox.pending == [] and calls == ["+62811", "+62811"]


# --- the catalog -----------------------------------------------------------------------------


def test_policy_gives_the_widest_view_of_the_callers_roles() -> None:
    both = Catalog.load([ROOT / "chalicelib", FIXTURES])
    andesit = both.workflow("andesit")
    ticket = type("T", (), {"region": SEMARANG, "applicant_email": None})()

    assert policy.access(andesit, ticket, KADIS) is policy.Access.SEE
    assert policy.access(andesit, ticket, CABDIN_KENDENG) is policy.Access.OTHER_REGION
    assert policy.access(andesit, ticket, KADIS_UJI) is policy.Access.NONE
    assert policy.access(andesit, ticket, PETUGAS_UJI) is policy.Access.NONE


def test_a_misspelt_notification_event_is_refused_when_the_catalog_loads(
    tmp_path: Path,
) -> None:
    root = tmp_path / "declarations"
    (root / "workflows").mkdir(parents=True)
    (root / "agencies").mkdir()
    (root / "statemachine").mkdir()
    source = FIXTURES / "workflows" / "izin-uji"
    target = root / "workflows" / "izin-uji"
    target.mkdir()
    for name in ("workflow.json", "documents.json"):
        (target / name).write_text((source / name).read_text())
    spec = json.loads((source / "notifications.json").read_text())
    spec["step.entered"] = spec.pop("ticket.step")
    (target / "notifications.json").write_text(json.dumps(spec))
    (root / "agencies" / "uji-kota.json").write_text(
        (FIXTURES / "agencies" / "uji-kota.json").read_text()
    )

    with pytest.raises(DeclarationError, match="must word"):
        Catalog.load([root])


def test_an_unknown_ticket_and_another_agencys_ticket_read_the_same(w: World) -> None:
    arrive(w, "TD")

    unknown = refused(lambda: service.visible_ticket("NOPE", PETUGAS_UJI))
    foreign = refused(lambda: service.visible_ticket("TD", PETUGAS_UJI))

    assert isinstance(foreign, NotFound)
    assert (foreign.status, foreign.code) == (unknown.status, unknown.code)
    assert foreign.message == unknown.message.replace("NOPE", "TD")


# --- the review's cases: nothing crosses agencies, old data keeps working -----------------


def test_a_parked_letter_of_an_unknown_ticket_tells_no_administrator(w: World) -> None:
    w.users.add("admin@esdm.demo", ["ADMIN"], ESDM)
    w.users.add("admin@uji.test", ["ADMIN"], UJI)
    arrive(w, "TE")

    unknown = ptsp_alerts.tell_admins("m1", "NOPE", "DITOLAK DINAS ESDM", 8, 99000, "503")
    known = ptsp_alerts.tell_admins("m2", "TE", "DITOLAK DINAS ESDM", 8, 99000, "503")

    assert unknown == 0
    assert known == 1 and [a for a, _, _ in w.channels.emails] == ["admin@esdm.demo"]


def test_an_event_owed_before_the_upgrade_is_published_with_its_workflow(w: World) -> None:
    arrive(w, "TF")
    old = {"ticket_no": "TF", "step": "A1", "role": "KEPALA_DINAS", "at": "x", "ticket": {}}

    effects.publish_event({"type": events.DECIDED, "event": old})

    _, published = w.events.published[-1]
    assert (published["workflow"], published["agency"]) == ("andesit", ESDM)
    assert published["integrations"] == ["ptsp_callback"]


def test_permit_types_are_the_callers_workflows_only(w: World) -> None:
    mine = {t["code"] for t in service.permit_types(KADIS)}
    theirs = {t["code"] for t in service.permit_types(PETUGAS_UJI)}

    assert "WIUP" in mine and not {"UJI_REKLAME", "UJI_KERAMAIAN"} & mine
    assert theirs == {"UJI_REKLAME", "UJI_KERAMAIAN"}


def test_an_administrator_without_an_agency_administers_nobody(w: World) -> None:
    stray = person("admin@nowhere.test", {"ADMIN"}, None)  # type: ignore[arg-type]
    w.users.add("kabid2@esdm.demo", ["KEPALA_BIDANG"], ESDM)

    listed = refused(lambda: administration.list_users(stray, None))
    changed = refused(lambda: administration.update_user(stray, "kabid2@esdm.demo", {}))

    assert (listed.status, listed.code) == (403, "AGENCY_REQUIRED")
    assert (changed.status, changed.code) == (403, "AGENCY_REQUIRED")


def test_an_agencys_administrator_does_not_see_or_change_another_agencys_accounts(
    w: World,
) -> None:
    admin_uji = person("admin@uji.test", {"ADMIN"}, UJI)

    listed = {p.email for p in administration.list_users(admin_uji, None)}
    changed = refused(
        lambda: administration.update_user(admin_uji, KADIS.email, {"enabled": False})
    )
    foreign_role = refused(
        lambda: administration.create_user(
            admin_uji, {"email": "x@uji.test", "name": "X", "roles": ["KEPALA_DINAS"]}
        )
    )

    assert KADIS.email not in listed and PETUGAS_UJI.email in listed
    assert (changed.status, changed.code) == (404, "USER_NOT_FOUND")
    assert (foreign_role.status, foreign_role.code) == (422, "ROLE_NOT_IN_AGENCY")


@pytest.mark.parametrize("name", ["note", "checked"])
def test_a_form_named_like_a_decision_field_is_refused(tmp_path: Path, name: str) -> None:
    root = tmp_path / "declarations"
    copy_fixture(root)
    forms = root / "workflows" / "izin-uji" / "forms"
    (forms / "pemeriksaan.schema.json").rename(forms / f"{name}.schema.json")

    with pytest.raises(DeclarationError, match="named like a decision field"):
        Catalog.load([root])


def copy_fixture(root: Path) -> None:
    import shutil

    shutil.copytree(FIXTURES, root)


def test_the_reason_header_and_track_say_whether_a_reason_was_required(w: World) -> None:
    arrive(w, "TG")
    decide("TG", KADIS, "A1", "TERIMA", note="Lengkap.")
    waits(w, "TG", "A2")
    decide("TG", KABID, "A2", "DIKEMBALIKAN KE KEPALA DINAS", note="Periksa ulang peta.")
    waits(w, "TG", "A3")

    detail = service.detail(service.visible_ticket("TG", KADIS), KADIS)

    assert detail["last_decision"]["reason_required"] is True
    assert detail["last_decision"]["result"].startswith("DIKEMBALIKAN")
    track = service.track(service.visible_ticket("TG", KADIS))
    flags = [(e["action"], e["reason_required"]) for e in track if e["kind"] == "DECISION"]
    assert flags == [("TERIMA", False), ("DIKEMBALIKAN KE KEPALA DINAS", True)]


def test_a_final_decision_ends_the_track_with_its_final_status_before_and_after_it_is_recorded(
    w: World,
) -> None:
    # GIVEN Kepala Dinas refused at A1: the claim makes the ticket final at once
    arrive(w, "TF")
    decide("TF", KADIS, "A1", "TOLAK", note="Berkas tidak lengkap.")
    before = service.track(service.visible_ticket("TF", KADIS))

    # WHEN the workflow's final message is recorded a moment later
    workflow_messages.handle(
        {"type": "final", "ticket_no": "TF", "status": "DITOLAK DINAS ESDM", "entered_at": "x"}
    )
    after = service.track(service.visible_ticket("TF", KADIS))

    # THEN the track ends with the final status both times, and only once
    for track in (before, after):
        assert [e["kind"] for e in track] == ["ARRIVAL", "DECISION", "FINAL"]
        assert track[-1]["status"] == "DITOLAK DINAS ESDM"
        assert track[-1]["entered_at"] == track[1]["left_at"]


def test_whoever_decides_after_a_forwarded_refusal_reads_its_reason_until_he_decides(
    w: World,
) -> None:
    # GIVEN Cabang Dinas refused with a reason and Kepala Bidang forwarded it without one
    arrive(w, "TR")
    decide("TR", KADIS, "A1", "TERIMA")
    waits(w, "TR", "A2")
    decide("TR", KABID, "A2", "TERIMA")
    waits(w, "TR", "A4")
    refusal = "Lokasi tumpang tindih dengan kawasan lindung."
    decide("TR", CABDIN_SEMARANG, "A4", "TOLAK", note=refusal)
    waits(w, "TR", "A6")
    at_kabid = service.detail(service.visible_ticket("TR", KABID), KABID)
    decide("TR", KABID, "A6", "DITERUSKAN KE KEPALA DINAS")
    waits(w, "TR", "A8")

    # WHEN Kepala Dinas opens it, THEN the refusal's reason is there, by whom
    at_kadis = service.detail(service.visible_ticket("TR", KADIS), KADIS)
    assert at_kadis["last_decision"]["note"] is None
    reason = at_kadis["open_reason"]
    assert (reason["note"], reason["role"], reason["reason_required"]) == (
        refusal,
        "CABANG_DINAS",
        True,
    )
    # … while Kepala Bidang read it as the last decision itself (no second box)
    assert at_kabid["last_decision"]["note"] == refusal and at_kabid["open_reason"] is None

    # WHEN Kepala Dinas sends it back to Cabang Dinas with his own reason, Cabang Dinas
    # reads that one; his own earlier refusal is answered and not shown again
    decide("TR", KADIS, "A8", "DIKEMBALIKAN KE CABANG DINAS", note="Kaji ulang batasnya.")
    waits(w, "TR", "A4")
    at_cabdin = service.detail(service.visible_ticket("TR", CABDIN_SEMARANG), CABDIN_SEMARANG)
    assert at_cabdin["last_decision"]["note"] == "Kaji ulang batasnya."
    assert at_cabdin["open_reason"] is None


def test_the_first_step_is_in_progress_even_when_a_return_also_leads_back_to_it(
    w: World,
) -> None:
    izin_uji = w.runtime.definition("izin-uji")

    kinds = izin_uji.status_kinds()

    assert kinds[izin_uji.start.status] == "in_progress"


# --- public tracking --------------------------------------------------------------------------


def test_guessing_access_codes_is_throttled_per_caller_not_per_number(w: World) -> None:
    # GIVEN someone trying codes from one address
    for _ in range(applications.MAX_FAILURES_PER_CALLER):
        error = refused(lambda: applications.track("PKKPR-2026-00001", "AAAA-AAAA", "10.0.0.1"))
        assert (error.status, error.code) == (404, "TRACKING_NOT_MATCHED")

    # WHEN they try once more, and a resident somewhere else tracks the same number
    throttled = refused(lambda: applications.track("PKKPR-2026-00001", "AAAA-AAAA", "10.0.0.1"))
    elsewhere = refused(lambda: applications.track("PKKPR-2026-00001", "AAAA-AAAA", "10.9.9.9"))

    # THEN only the guesser is held back; the number is not locked for anyone else
    assert (throttled.status, throttled.code) == (429, "TOO_MANY_ATTEMPTS")
    assert elsewhere.status == 404
