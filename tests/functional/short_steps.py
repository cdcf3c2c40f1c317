"""Tickets whose steps time out after 2 seconds, for escalation tests: the execution the
intake started (two-day timeout) is replaced by one with a short timeout."""

from __future__ import annotations

import json

from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"
KABID = "kabid@esdm.demo"


def shorten_step_timeout(stack: RunningStack, no: str, seconds: int = 2) -> str:
    """Restart the ticket's execution with a short step timeout; returns its ARN. Stop it
    when done (the `short_steps` fixture does): it escalates every few seconds forever."""
    sfn = stack.boto3_client("stepfunctions")
    machine = stack.env["STATE_MACHINE_ARN_PREFIX"] + "andesit"
    original = next(
        e for e in sfn.list_executions(stateMachineArn=machine)["executions"] if e["name"] == no
    )
    sfn.stop_execution(executionArn=original["executionArn"])
    return sfn.start_execution(
        stateMachineArn=machine,
        name=f"{no}-singkat",
        input=json.dumps(
            {"ticket_no": no, "region": "SEMARANG DEMAK", "step_timeout_seconds": seconds}
        ),
    )["executionArn"]


def decide_until_it_moves_on(stack: RunningStack, no: str) -> None:
    """Kepala Dinas accepts A1 of a ticket that times out every 2 seconds. moto (unlike AWS,
    which answers TaskTimedOut and so a 409) accepts the token of a step that has just
    timed out and drops the decision; the step then waits again and is decided again."""
    for _ in range(5):
        answer = stack.client.decide(no, KADIS, "A1", "TERIMA")
        if answer.status_code == 200:
            try:
                stack.client.wait_for_step(no, KABID, "A2", timeout=6)
                return
            except TimeoutError:
                continue
        assert answer.status_code == 409, answer.text
    raise AssertionError(f"{no} never left A1")
