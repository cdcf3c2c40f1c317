"""Final decisions sent to PTSP: signed, retried with growing delays, then the DLQ and redrive.

PTSP is the local sink (local/ptsp_sink.py); its behaviour file is shared by the whole
session, so every test sets it for its own ticket only and resets it afterwards.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from local.client import application
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"
ADMIN = "admin@demo.local"
REJECTED = "DITOLAK DINAS ESDM"
TRIES = 8  # the first try and one per delay of the schedule (5 s, 5 min, … 10 h)


@pytest.fixture
def sink_behaviour(stack: RunningStack) -> Iterator[Callable[..., None]]:
    """Set how the PTSP sink answers; always back to normal after the test."""

    def set_behaviour(**rules: Any) -> None:
        stack.sink("PUT", "/behaviour", json=rules)

    try:
        yield set_behaviour
    finally:
        stack.sink("PUT", "/behaviour", json={})


def new_ticket(stack: RunningStack, name: str = "Budi Santoso") -> str:
    ticket_no = f"T{uuid.uuid4().hex[:10].upper()}"
    response = stack.client.send_application(application(ticket_no, name))
    assert response.status_code == 201, response.text
    return ticket_no


def reject_at_once(stack: RunningStack, ticket_no: str) -> None:
    """Kepala Dinas ends the ticket at the first step: a final decision for PTSP."""
    response = stack.client.decide(ticket_no, KADIS, "A1", "TOLAK", note="Bukan kewenangan")
    assert response.status_code == 200, response.text
    assert stack.client.wait_for_final(ticket_no, KADIS)["status"] == REJECTED


def deliveries(stack: RunningStack, ticket_no: str) -> list[dict[str, Any]]:
    return [
        d
        for d in stack.sink()["items"]
        if ((d.get("body") or {}).get("data") or {}).get("ticket_no") == ticket_no
    ]


def wait_for_deliveries(
    stack: RunningStack,
    ticket_no: str,
    until: Callable[[list[dict[str, Any]]], bool],
    timeout: float,
    what: str,
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        found = deliveries(stack, ticket_no)
        if until(found):
            return found
        if time.monotonic() > deadline:
            answers = [d["answered"] for d in found]
            raise AssertionError(f"{ticket_no}: {what} not seen in {timeout:.0f}s; {answers}")
        time.sleep(0.25)


def accepted(found: list[dict[str, Any]]) -> bool:
    return any(d["answered"] == 200 for d in found)


def dead_letters(stack: RunningStack, ticket_no: str) -> list[dict[str, Any]]:
    listed = stack.client.ok("GET", "/admin/ptsp/dead-letters", ADMIN)
    assert listed["count"] == len(listed["items"])
    return [d for d in listed["items"] if d["ticket_no"] == ticket_no]


def test_a_decision_reaches_ptsp_signed_and_in_the_agreed_shape(
    stack: RunningStack, sink_behaviour: Callable[..., None]
) -> None:
    # GIVEN PTSP answering normally and a new application
    sink_behaviour()
    no = new_ticket(stack)

    # WHEN Kepala Dinas rejects it at once
    reject_at_once(stack, no)

    # THEN PTSP receives one izin.diputuskan, signed with the callback secret
    (delivery,) = wait_for_deliveries(stack, no, accepted, 20, "an accepted delivery")
    assert delivery["signature_valid"] is True
    assert delivery["problem"] is None
    assert delivery["webhook_id"] == f"msg_izin_diputuskan_{no}"
    body = delivery["body"]
    assert body["type"] == "izin.diputuskan"
    assert datetime.fromisoformat(body["timestamp"]).tzinfo is not None
    data = body["data"]
    assert data["ticket_no"] == no
    assert data["permit_type"] == "WIUP"
    assert data["status"] == REJECTED
    assert datetime.fromisoformat(data["decided_at"]).tzinfo is not None
    assert "rekomtek" not in data and "documents" not in data


def test_ptsp_down_twice_then_up_gets_the_decision_after_retries(
    stack: RunningStack, sink_behaviour: Callable[..., None]
) -> None:
    # GIVEN PTSP that answers 503 to the next two deliveries of this ticket
    no = new_ticket(stack)
    sink_behaviour(fail_ticket=no, fail_times=2)

    # WHEN the ticket is decided
    reject_at_once(stack, no)

    # THEN the third try is accepted (the local stack runs the schedule in seconds)
    tries = wait_for_deliveries(stack, no, accepted, 30, "an accepted delivery")
    assert [d["answered"] for d in tries] == [503, 503, 200]
    # … every try carries the same webhook-id (PTSP deduplicates on it) and a valid signature
    assert {d["webhook_id"] for d in tries} == {f"msg_izin_diputuskan_{no}"}
    assert all(d["signature_valid"] for d in tries)
    assert {d["body"]["data"]["status"] for d in tries} == {REJECTED}
    # … tries are spaced, never two at once
    at = [d["received_at"] for d in tries]
    assert at == sorted(at) and len(set(at)) == 3, at
    # … and nothing more is sent once PTSP has accepted it
    time.sleep(3)
    assert len(deliveries(stack, no)) == 3


def test_ptsp_always_down_parks_the_decision_in_the_dlq_until_an_admin_redrives_it(
    stack: RunningStack, sink_behaviour: Callable[..., None]
) -> None:
    # GIVEN PTSP that answers 503 to every delivery of this ticket
    no = new_ticket(stack)
    sink_behaviour(fail_ticket=no, fail_times=-1)
    hook = f"msg_izin_diputuskan_{no}"
    inbox = listen_to_admin_emails(stack)

    # WHEN the ticket is decided
    reject_at_once(stack, no)

    # THEN after the whole schedule of refused tries (a day on AWS; seconds here) the
    # decision sits in the dead-letter queue, with how often and why it failed
    deadline = time.monotonic() + 120
    while not (parked := dead_letters(stack, no)):
        assert time.monotonic() < deadline, f"{no} not in the DLQ; sink: {deliveries(stack, no)}"
        time.sleep(1)
    (letter,) = parked
    assert letter["webhook_id"] == hook
    assert letter["status"] == REJECTED
    assert letter["attempts"] == TRIES
    assert "503" in letter["last_error"]
    tries = deliveries(stack, no)
    assert [d["answered"] for d in tries] == [503] * TRIES
    assert {d["webhook_id"] for d in tries} == {hook}
    # … and the administrators are told, in the bell
    told = admin_alerts(stack, no)
    assert len(told) == 1, told
    assert told[0]["title"] == f"Keputusan gagal dikirim ke PTSP, no. ticket : {no}"
    assert f"setelah {TRIES} kali percobaan" in told[0]["message"]
    assert told[0]["link"].endswith(f"/#/tiket/{no}")
    # … and by email, through the official-alerts topic (a filter per address)
    (mail,) = emails_about(stack, inbox, no)
    assert mail["Subject"] == told[0]["title"]
    assert mail["MessageAttributes"]["recipient"]["Value"] == ADMIN

    # … which only an admin may see or redrive
    for method, path in (
        ("GET", "/admin/ptsp/dead-letters"),
        ("POST", "/admin/ptsp/dead-letters/redrive"),
    ):
        refused = stack.client.call(method, path, KADIS)
        assert refused.status_code == 403, refused.text

    # WHEN PTSP is back and an admin redrives the dead letters
    sink_behaviour()
    moved = stack.client.ok("POST", "/admin/ptsp/dead-letters/redrive", ADMIN)["moved"]

    # THEN the decision is delivered, accepted, with the same webhook-id
    assert moved >= 1
    tries = wait_for_deliveries(stack, no, accepted, 20, "an accepted delivery after redrive")
    assert [d["answered"] for d in tries] == [503] * TRIES + [200]
    assert tries[-1]["webhook_id"] == hook and tries[-1]["signature_valid"] is True
    assert tries[-1]["body"]["data"]["status"] == REJECTED
    # … and the dead-letter queue no longer lists it
    assert dead_letters(stack, no) == []


def admin_alerts(stack: RunningStack, ticket_no: str) -> list[dict[str, Any]]:
    items = stack.client.ok("GET", "/notifications?limit=100", ADMIN)["items"]
    return [n for n in items if n["ticket_no"] == ticket_no and "PTSP" in n["title"]]


def listen_to_admin_emails(stack: RunningStack) -> str:
    """A queue subscribed to the alerts topic with the admin's own filter: their inbox."""
    sns, sqs = stack.boto3_client("sns"), stack.boto3_client("sqs")
    queue = sqs.create_queue(QueueName=f"uji-admin-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(
        TopicArn=stack.env["OFFICIAL_ALERTS_TOPIC_ARN"],
        Protocol="sqs",
        Endpoint=arn["QueueArn"],
        Attributes={"FilterPolicy": json.dumps({"recipient": [ADMIN]})},
    )
    return queue


def emails_about(stack: RunningStack, queue: str, ticket_no: str) -> list[dict[str, Any]]:
    sqs, mails = stack.boto3_client("sqs"), []
    for _ in range(5):
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for m in received.get("Messages", []):
            envelope = json.loads(m["Body"])
            if ticket_no in envelope["Message"]:
                mails.append(envelope)
        if mails:
            break
    return mails


def test_listing_the_dead_letters_does_not_hide_or_change_them(stack: RunningStack) -> None:
    # GIVEN a decided ticket whose decision sits in the DLQ (put there directly: no 60 s wait)
    no = new_ticket(stack)
    reject_at_once(stack, no)
    wait_for_deliveries(stack, no, accepted, 20, "an accepted delivery")
    sqs = stack.boto3_client("sqs")
    dlq = stack.env["PTSP_CALLBACKS_DLQ_URL"]
    event = {"type": "ticket.decided", "ticket_no": no, "status": REJECTED}
    sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(event))
    moved = 0
    try:
        # WHEN an admin lists the dead letters twice, then redrives them
        first = dead_letters(stack, no)
        second = dead_letters(stack, no)
        moved = stack.client.ok("POST", "/admin/ptsp/dead-letters/redrive", ADMIN)["moved"]

        # THEN both listings show the letter unchanged and the redrive moves it
        assert len(first) == 1, first
        assert second == first
        assert moved >= 1
    finally:
        if not moved:
            remove_dead_letter(sqs, dlq, no)


def remove_dead_letter(sqs: Any, dlq: str, ticket_no: str, timeout: float = 15) -> None:
    """Delete this test's letter once visible again; others stay visible (timeout 0)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in sqs.receive_message(
            QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=1
        ).get("Messages", []):
            if json.loads(m["Body"]).get("ticket_no") == ticket_no:
                sqs.delete_message(QueueUrl=dlq, ReceiptHandle=m["ReceiptHandle"])
                return


def test_a_receiver_that_hangs_does_not_hold_the_other_deliveries_of_its_batch(
    stack: RunningStack, sink_behaviour: Callable[..., None]
) -> None:
    # GIVEN five decided tickets whose decisions PTSP already has
    tickets = [new_ticket(stack, f"Pemohon Lambat {i}") for i in range(5)]
    for no in tickets:
        reject_at_once(stack, no)
    for no in tickets:
        wait_for_deliveries(stack, no, accepted, 20, "an accepted delivery")
    # … and a PTSP that now hangs 4 s on each of them before answering
    sink_behaviour(slow_tickets=tickets, slow_seconds=4)

    # WHEN their five decisions reach the callbacks queue at once (one batch)
    sqs = stack.boto3_client("sqs")
    sqs.send_message_batch(
        QueueUrl=stack.env["PTSP_CALLBACKS_QUEUE_URL"],
        Entries=[
            {
                "Id": str(i),
                "MessageBody": json.dumps(
                    {"type": "ticket.decided", "ticket_no": no, "status": REJECTED}
                ),
            }
            for i, no in enumerate(tickets)
        ],
    )

    # THEN every one of them reached PTSP before PTSP had answered any: none waited
    # behind another's hang
    again = [
        wait_for_deliveries(stack, no, lambda f: len(f) == 2, 60, "a second delivery")[-1]
        for no in tickets
    ]
    assert all(d["answered"] == 200 for d in again)
    assert max(d["received_at"] for d in again) < min(d["answered_at"] for d in again), again
