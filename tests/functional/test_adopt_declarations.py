"""Tickets stored before workflows were declared are brought up to date by one CLI command,
and until then nothing of them is lost: the upgrade of a running Andesit."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.functional.test_andesit_journeys import REKOMTEK, new_ticket
from tests.functional.test_cli import cli
from tests.functional.test_third_workflow import new_uji_ticket
from tests.stack import ROOT, RunningStack

KADIS = "kadis@esdm.demo"


def make_legacy(stack: RunningStack, ticket_no: str, form: dict | None = None) -> str:
    env_file = stack.state_file.with_suffix(".env")
    command = [sys.executable, "-m", "tests.functional.legacy_tickets", str(env_file), ticket_no]
    done = subprocess.run(
        [*command, *([json.dumps(form)] if form is not None else [])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def waiting_for_kadis(stack: RunningStack) -> list[str]:
    page = stack.client.ok("GET", "/tickets", KADIS, params={"box": "pending", "limit": "100"})
    return [t["ticket_no"] for t in page["items"]]


def test_a_ticket_stored_before_the_upgrade_is_adopted_by_the_cli(stack: RunningStack) -> None:
    # GIVEN a ticket of the test-only workflow (declared only in the env file's roots) …
    new_uji_ticket(stack, "Tiket Instansi Lain")
    # … and a ticket waiting for Kepala Dinas, stored the way the store kept it before
    no = new_ticket(stack, "Tiket Lama")
    stack.client.wait_for_step(no, KADIS, "A1")
    counted_before = stack.client.ok("GET", "/tickets/summary", KADIS)["total"]
    assert make_legacy(stack, no, REKOMTEK) == "KEPALA_DINAS"
    assert no not in waiting_for_kadis(stack)  # the inbox under its old key is not read

    # WHEN the operator runs the upgrade command (twice: the second run changes nothing)
    first = cli(stack, "--json", "tickets", "adopt-declarations")
    second = cli(stack, "--json", "tickets", "adopt-declarations")

    # THEN the ticket is back in Kepala Dinas' inbox, counted once, with its workflow and form
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["changed"] >= 1
    assert json.loads(second.stdout)["changed"] == 0
    assert no in waiting_for_kadis(stack)
    assert stack.client.ok("GET", "/tickets/summary", KADIS)["total"] == counted_before
    detail = stack.client.ok("GET", f"/tickets/{no}", KADIS)
    assert (detail["workflow"], detail["forms"]) == ("andesit", {"rekomtek": REKOMTEK})
    # … and it can be decided as before
    assert stack.client.decide(no, KADIS, "A1", "TERIMA").status_code == 200
