"""Notification title and sentence, worded as the seed's notification page, and their ids.

The events are the ones `chalicelib.usecases.workflow_messages` publishes (after a JSON round
trip through SNS/SQS).
Only the pure parts are exercised: nothing here stores or sends a notification.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from chalicelib.core import events
from chalicelib.usecases.notify import compose, notification_id

TICKET_NO = "27419"


def ticket_summary(**changes: Any) -> dict[str, Any]:
    summary = {
        "ticket_no": TICKET_NO,
        "applicant_name": "Aceng Sudegdo",
        "permit_type": "WIUP",
        "permit_label": "Wilayah Izin Usaha Pertambangan",
        "submitted_at": "2019-03-14",
        "status": "HASIL KAJIAN DITERIMA KEPALA DINAS",
        "position": "Kepala Dinas",
        "region": "Semarang",
        "final": False,
        "waiting_since": "2019-03-20T02:15:07.412Z",
    }
    return {**summary, **changes}


def step_event(**changes: Any) -> dict[str, Any]:
    """A5 → A9: Kepala Bidang forwarded the rekomtek, the ticket now waits for Kepala Dinas."""
    event = {
        "type": events.STEP_ENTERED,
        "ticket_no": TICKET_NO,
        "step": "A9",
        "role": "KEPALA_DINAS",
        "region_scoped": False,
        "region": "Semarang",
        "at": "2019-03-20T02:15:07.412Z",
        "ticket": ticket_summary(),
        "last_decision": {
            "step": "A5",
            "state": "A5",
            "action": "REKOMTEK DITERUSKAN KE KEPALA DINAS",
            "result": "DISETUJUI KEPALA BIDANG",
            "note": None,
            "role": "KEPALA_BIDANG",
            "actor": "kabid@esdm.jatengprov.go.id",
            "actor_name": "Budi Santoso",
            "decided_at": "2019-03-20T02:15:06.981000+00:00",
        },
    }
    event.update(changes)
    # As received from the queue: whatever went through json survives unchanged.
    return json.loads(json.dumps(event))


# --- a step now waits for someone ----------------------------------------------------------


def test_step_after_a_kepala_bidang_decision_reads_like_the_seed() -> None:
    # GIVEN Kepala Bidang forwarded ticket 27419 (WIUP) and it now waits for Kepala Dinas
    event = step_event()

    # WHEN the notification is composed
    title, text = compose(event)

    # THEN it is the seed's own sentence: who decided what, and who acts next
    assert title == "Approval Kepala Bidang, no. ticket : 27419"
    assert text == (
        "Pengajuan WIUP dengan no ticket 27419, DISETUJUI KEPALA BIDANG. Izin dapat diproses "
        "oleh KEPALA DINAS untuk approval selanjutnya."
    )
    assert "TERIMA" not in text and " oleh KEPALA BIDANG" not in text


def test_step_sentence_names_the_action_the_actor_role_and_the_next_role() -> None:
    # GIVEN Kepala Dinas sent the ticket back to the regional branch (A8 → A4)
    event = step_event(
        step="A4",
        role="CABANG_DINAS",
        region_scoped=True,
        ticket=ticket_summary(
            permit_type="IUP_OP_KHUSUS_PENJUALAN", status="PROSES KAJIAN CABANG DINAS"
        ),
        last_decision={
            **step_event()["last_decision"],
            "step": "A8",
            "action": "DIKEMBALIKAN KE CABANG DINAS",
            "result": "DIKEMBALIKAN KEPALA DINAS KE CABANG DINAS",
            "note": "Koordinat titik 3 berada di luar wilayah izin",
            "role": "KEPALA_DINAS",
        },
    )

    title, text = compose(event)

    # THEN the return reads as a past event and carries its reason to the branch office
    assert title == "Approval Kepala Dinas, no. ticket : 27419"
    assert text == (
        "Pengajuan IUP OP Khusus Penjualan dengan no ticket 27419, DIKEMBALIKAN KEPALA DINAS KE "
        "CABANG DINAS. Alasan: Koordinat titik 3 berada di luar wilayah izin. Izin dapat "
        "diproses oleh CABANG DINAS WILAYAH untuk approval selanjutnya."
    )


def test_first_step_says_the_application_came_from_ptsp() -> None:
    # GIVEN a ticket just received from PTSP, waiting at A1 with no decision yet
    event = step_event(
        step="A1",
        ticket=ticket_summary(status="MENUNGGU PERSETUJUAN KEPALA DINAS"),
        last_decision=None,
    )

    title, text = compose(event)

    assert title == "Pengajuan baru dari PTSP, no. ticket : 27419"
    assert text == (
        "Pengajuan WIUP dengan no ticket 27419 diterima dari PTSP. Izin dapat diproses oleh "
        "KEPALA DINAS untuk approval selanjutnya."
    )


def test_first_step_without_the_last_decision_key_is_worded_the_same() -> None:
    with_none = step_event(last_decision=None)
    without = step_event()
    del without["last_decision"]

    assert compose(without) == compose(with_none)
    assert "diterima dari PTSP" in compose(without)[1]


# --- escalation and final decision ---------------------------------------------------------


def test_overdue_step_is_an_escalation_naming_the_role_that_did_not_decide() -> None:
    # GIVEN the branch office let step A4 time out
    event = step_event(
        type=events.STEP_OVERDUE,
        step="A4",
        role="CABANG_DINAS",
        region_scoped=True,
        ticket=ticket_summary(status="PROSES KAJIAN CABANG DINAS"),
    )

    title, text = compose(event)

    assert title == "Eskalasi PROSES KAJIAN CABANG DINAS, no. ticket : 27419"
    assert text == (
        "Pengajuan WIUP dengan no ticket 27419 belum diputuskan oleh CABANG DINAS WILAYAH "
        "dalam batas waktu. Mohon segera diproses."
    )


@pytest.mark.parametrize("status", ["DISETUJUI DINAS ESDM", "DITOLAK DINAS ESDM"])
def test_decided_ticket_states_the_final_status_and_that_ptsp_is_told(status: str) -> None:
    # GIVEN the final message of the workflow (no role waits any more)
    event = step_event(
        type=events.DECIDED,
        step=None,
        role=None,
        status=status,
        ticket=ticket_summary(status=status, final=True, position="Selesai"),
    )

    title, text = compose(event)

    assert title == "Keputusan akhir, no. ticket : 27419"
    assert text == (
        f"Pengajuan WIUP dengan no ticket 27419, {status}. Keputusan telah dikirim ke PTSP."
    )


def test_final_rejection_carries_its_reason() -> None:
    # GIVEN Kepala Dinas rejected with a reason
    event = step_event(
        type=events.DECIDED,
        step=None,
        role=None,
        status="DITOLAK DINAS ESDM",
        ticket=ticket_summary(status="DITOLAK DINAS ESDM", final=True, position="Selesai"),
        last_decision={
            **step_event()["last_decision"],
            "action": "TOLAK",
            "result": "DITOLAK KEPALA DINAS",
            "note": "Lokasi tumpang tindih dengan kawasan lindung",
            "role": "KEPALA_DINAS",
        },
    )

    _, text = compose(event)

    assert text == (
        "Pengajuan WIUP dengan no ticket 27419, DITOLAK DINAS ESDM. Alasan: Lokasi tumpang "
        "tindih dengan kawasan lindung. Keputusan telah dikirim ke PTSP."
    )


def test_compose_does_not_change_the_event() -> None:
    event = step_event()
    original = copy.deepcopy(event)

    compose(event)

    assert event == original


# --- notification ids ----------------------------------------------------------------------


def test_same_event_gets_the_same_id_every_time() -> None:
    # A replayed queue message must overwrite nothing and send no second SMS.
    assert notification_id(step_event()) == notification_id(step_event())
    assert notification_id(step_event(last_decision=None)) == notification_id(step_event())


@pytest.mark.parametrize(
    "changes",
    [
        {"at": "2019-03-20T02:15:07.413Z"},
        {"type": events.STEP_OVERDUE},
        {"type": events.DECIDED},
        {"ticket_no": "27420"},
    ],
    ids=["other-time", "overdue-type", "decided-type", "other-ticket"],
)
def test_another_event_gets_another_id(changes: dict[str, Any]) -> None:
    assert notification_id(step_event(**changes)) != notification_id(step_event())


@pytest.mark.parametrize(
    "times",
    [
        # Step Functions' $$.State.EnteredTime: UTC, "Z", whole seconds print without a fraction
        [
            "2019-03-14T08:30:00Z",
            "2019-03-14T08:30:00.001Z",
            "2019-03-14T08:30:00.010Z",
            "2019-03-14T08:30:00.100Z",
            "2019-03-14T08:30:00.999Z",
            "2019-03-14T08:30:01Z",
            "2019-03-14T08:31:00.5Z",
            "2019-03-14T09:00:00Z",
            "2019-03-15T00:00:00.000Z",
            "2019-12-01T00:00:00Z",
            "2020-01-01T00:00:00Z",
        ],
        # clock.now_iso(): UTC with "+00:00", microseconds omitted when zero
        [
            "2019-03-14T08:30:00+00:00",
            "2019-03-14T08:30:00.000001+00:00",
            "2019-03-14T08:30:00.500000+00:00",
            "2019-03-14T08:30:01+00:00",
            "2019-03-14T23:59:59.999999+00:00",
            "2019-03-15T00:00:00+00:00",
        ],
    ],
    ids=["step-functions", "now-iso"],
)
def test_ids_sort_in_the_order_of_the_events_times(times: list[str]) -> None:
    # GIVEN events of different types and tickets, listed out of order
    kinds = [events.STEP_ENTERED, events.STEP_OVERDUE, events.DECIDED]
    evs = [
        step_event(at=at, type=kinds[i % 3], ticket_no=str(99999 - i)) for i, at in enumerate(times)
    ]
    shuffled = evs[1::2] + evs[0::2]

    # WHEN the ids are sorted as the inbox sorts them (text, ascending)
    ordered = sorted(shuffled, key=notification_id)

    # THEN the order is the order of time
    assert [e["at"] for e in ordered] == times
