"""A worker killed at any line loses nothing and does nothing twice (issue 8, item 1).

Each test runs the real use case in a separate process (tests/functional/crash_harness.py)
with the local stack's configuration, kills it at one line with `os._exit`, and then watches
the running stack: the outbox entry written with the state change is carried out by the
sweeper (the local scheduler runs it every second; the lease is 2 s locally), exactly once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from local.client import application
from tests.functional.crash_harness import KILLED
from tests.functional.test_andesit_journeys import new_ticket
from tests.stack import ROOT, RunningStack, eventually

KADIS = "kadis@esdm.demo"
KABID = "kabid@esdm.demo"


def run_harness(
    stack: RunningStack, scenario: str, args: dict[str, Any], **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        **stack.env,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": stack.state["region"],
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "tests.functional.crash_harness", scenario, json.dumps(args)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def decisions(stack: RunningStack, ticket_no: str) -> list[tuple[str, str]]:
    track = stack.client.ok("GET", f"/tickets/{ticket_no}/track", KADIS)["items"]
    return [(t["step"], t["action"]) for t in track if t["kind"] == "DECISION"]


def kadis_accepts(ticket_no: str) -> dict[str, Any]:
    return {
        "ticket_no": ticket_no,
        "email": KADIS,
        "name": "Ir. Sujarwanto Dwiatmoko",
        "roles": ["KEPALA_DINAS"],
        "step": "A1",
        "action": "TERIMA",
    }


def test_decision_claimed_then_worker_killed_still_reaches_the_workflow(
    stack: RunningStack,
) -> None:
    # GIVEN a ticket waiting for Kepala Dinas
    no = new_ticket(stack, "Gagal Tengah Jalan")
    stack.client.wait_for_step(no, KADIS, "A1")

    # WHEN the worker claims the decision and dies before SendTaskSuccess
    run = run_harness(stack, "decide", {**kadis_accepts(no), "die_at": "before SendTaskSuccess"})
    assert run.returncode == KILLED, run.stderr

    # THEN the workflow still gets the decision: the ticket moves on to Kepala Bidang …
    detail = stack.client.wait_for_step(no, KABID, "A2", timeout=30)
    assert detail["status"] == "DITERIMA KEPALA BIDANG"
    # … with exactly one decision recorded, and a retry by the official is refused
    assert decisions(stack, no) == [("A1", "TERIMA")]
    again = stack.client.call(
        "POST",
        f"/tickets/{no}/decision",
        KADIS,
        json={"step": "A1", "action": "TERIMA", "checked": True},
    )
    assert again.status_code == 409


def test_decision_sent_then_worker_killed_is_kept_when_the_sweeper_repeats_it(
    stack: RunningStack,
) -> None:
    # GIVEN a ticket waiting for Kepala Dinas
    no = new_ticket(stack, "Balasan Hilang")
    stack.client.wait_for_step(no, KADIS, "A1")

    # WHEN the worker sends the decision and dies before answering (its outbox entry is
    # settled when the next step is recorded, or the sweeper sends it again and finds the
    # token spent)
    run = run_harness(stack, "decide", {**kadis_accepts(no), "die_at": "after SendTaskSuccess"})
    assert run.returncode == KILLED, run.stderr

    # THEN the decision stands: the workflow moved on and the track keeps it, once
    stack.client.wait_for_step(no, KABID, "A2", timeout=30)
    time.sleep(4)  # the lease (2 s) runs out and the sweeper repeats the send
    assert decisions(stack, no) == [("A1", "TERIMA")]
    assert stack.client.ok("GET", f"/tickets/{no}", KABID)["last_decision"]["action"] == "TERIMA"


def test_a_delivered_decision_owes_nothing_once_the_next_step_is_recorded(
    stack: RunningStack,
) -> None:
    # GIVEN a ticket waiting for Kepala Dinas
    no = new_ticket(stack, "Tanpa Utang")
    stack.client.wait_for_step(no, KADIS, "A1")

    # WHEN Kepala Dinas decides and the workflow records the next step
    answer = stack.client.call(
        "POST",
        f"/tickets/{no}/decision",
        KADIS,
        json={"step": "A1", "action": "TERIMA", "checked": True},
    )
    assert answer.status_code == 200, answer.text
    stack.client.wait_for_step(no, KABID, "A2")

    # THEN the decision's outbox entry is settled in that same recording, well before its
    # lease runs out, so the sweeper never sends it a second time
    assert owed_completions(stack, no) == []


def owed_completions(stack: RunningStack, ticket_no: str) -> list[dict[str, Any]]:
    table = stack.boto3_client("dynamodb")
    items = table.scan(TableName=stack.env["OUTBOX_TABLE"])["Items"]
    return [
        item
        for item in items
        if item["kind"]["S"] == "workflow.complete" and ticket_no in item["payload"]["S"]
    ]


def test_decision_while_step_functions_is_unreachable_is_kept_and_delivered_later(
    stack: RunningStack,
) -> None:
    # GIVEN a ticket waiting for Kepala Dinas
    no = new_ticket(stack, "Jaringan Putus")
    stack.client.wait_for_step(no, KADIS, "A1")

    # WHEN the decision is made by a worker that cannot reach Step Functions at all
    run = run_harness(stack, "decide", {**kadis_accepts(no), "step_functions": "unreachable"})

    # THEN the official is told it is recorded (no error), the send having failed …
    assert run.returncode == 0, run.stderr
    assert "decision forwarded later" in run.stdout + run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1])["status"] == "DITERIMA KEPALA BIDANG"
    # … and the decision reaches the workflow once it is reachable (the sweeper's run)
    stack.client.wait_for_step(no, KABID, "A2", timeout=30)
    assert decisions(stack, no) == [("A1", "TERIMA")]


def test_step_recorded_then_worker_killed_still_notifies_the_next_role(
    stack: RunningStack,
) -> None:
    # GIVEN a ticket at A1, and the workflow's message that a new step (A2) waits
    no = new_ticket(stack, "Pesan Hilang")
    stack.client.wait_for_step(no, KADIS, "A1")
    message = {
        "type": "step",
        "ticket_no": no,
        "state": "A2",
        "step": "A2",
        "status": "DITERIMA KEPALA BIDANG",
        "role": "KEPALA_BIDANG",
        "region_scoped": False,
        "options": [{"action": "TERIMA", "requires": {}}],
        "task_token": "token-dari-uji",
        "entered_at": datetime.now(UTC).isoformat(),
    }

    # WHEN the worker records the step and dies before publishing its event
    run = run_harness(stack, "record_step", {"message": message})
    assert run.returncode == KILLED, run.stderr

    # THEN Kepala Bidang is notified all the same, once
    def kabid_notices() -> list[dict[str, Any]]:
        items = stack.client.ok("GET", "/notifications?limit=100", KABID)["items"]
        return [n for n in items if n["ticket_no"] == no]

    assert len(eventually(kabid_notices, "Kepala Bidang notified")) == 1
    time.sleep(3)  # a second sweep finds nothing more to do
    assert len(kabid_notices()) == 1


def test_notification_stored_then_worker_killed_still_sends_the_sms(stack: RunningStack) -> None:
    # GIVEN an event for Kepala Dinas (who has a phone)
    no = f"T{uuid.uuid4().hex[:10].upper()}"
    event = {
        "type": "ticket.step",
        "ticket_no": no,
        "step": "A1",
        "role": "KEPALA_DINAS",
        "region_scoped": False,
        "region": "SEMARANG DEMAK",
        "at": "2026-11-26T01:02:03.000000+00:00",
        "ticket": {
            "ticket_no": no,
            "applicant_name": "Sinyal Lemah",
            "permit_type": "WIUP",
            "permit_label": "Wilayah Izin Usaha Pertambangan",
            "submitted_at": "2026-11-25",
            "status": "MENUNGGU PERSETUJUAN KEPALA DINAS",
            "position": "Kepala Dinas",
        },
        "last_decision": None,
    }

    # WHEN the worker stores the in-app notification and dies before the SMS goes out
    run = run_harness(stack, "notify", {"event": event})
    assert run.returncode == KILLED, run.stderr

    # THEN the in-app notification is there and the SMS is sent after all, once
    items = stack.client.ok("GET", "/notifications?limit=100", KADIS)["items"]
    assert [n["ticket_no"] for n in items if n["ticket_no"] == no] == [no]
    stack.sms_to(no)
    time.sleep(3)
    assert len([t for t in stack.sms_texts() if no in t]) == 1


def test_application_stored_then_worker_killed_still_starts_its_workflow(
    stack: RunningStack,
) -> None:
    # GIVEN an application from PTSP
    no = f"T{uuid.uuid4().hex[:10].upper()}"
    data = application(no, "Mulai Tertunda")

    # WHEN the worker stores the ticket and dies before starting the workflow
    run = run_harness(stack, "intake", {"application": data, "webhook_id": f"msg_{no}"})
    assert run.returncode == KILLED, run.stderr

    # THEN the workflow starts anyway and the ticket waits for Kepala Dinas
    detail = stack.client.wait_for_step(no, KADIS, "A1", timeout=30)
    assert detail["status"] == "MENUNGGU PERSETUJUAN KEPALA DINAS"
