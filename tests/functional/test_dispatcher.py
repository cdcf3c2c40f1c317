"""SQS messages reach handlers with Lambda's semantics: partial batch failure, retry, DLQ."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from local.dispatcher import Dispatcher
from tests.functional.flaky_app import make_app
from tests.stack import RunningStack


@pytest.fixture
def queues(stack: RunningStack) -> dict[str, str]:
    """Two queues (1 s visibility, 3 receives before the DLQ) on the stack's emulated SQS."""
    sqs = stack.boto3_client("sqs")
    suffix = uuid.uuid4().hex[:8]
    urls = {}
    for name in ("partial", "crashing"):
        dlq = sqs.create_queue(QueueName=f"uji-{name}-{suffix}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        urls[name] = sqs.create_queue(
            QueueName=f"uji-{name}-{suffix}",
            Attributes={
                "VisibilityTimeout": "1",
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}),
            },
        )["QueueUrl"]
        urls[name + "-dlq"] = dlq
    return urls


def _bodies(sqs, url: str) -> list[str]:
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return sorted(m["Body"] for m in found.get("Messages", []))


def _drain(dispatcher: Dispatcher, source, until, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not until() and time.monotonic() < deadline:
        dispatcher.poll_once(source, wait_seconds=1)


def test_failed_messages_are_retried_and_end_in_the_dlq(stack: RunningStack, queues) -> None:
    sqs = stack.boto3_client("sqs")
    app, deliveries = make_app(
        queues["partial"].rsplit("/", 1)[1], queues["crashing"].rsplit("/", 1)[1]
    )
    dispatcher = Dispatcher(app, sqs, stack.state["region"])
    source = next(s for s in dispatcher.sources() if s.name == "partial")

    # GIVEN one batch: a good message, one that fails once, one that always fails
    sqs.send_message_batch(
        QueueUrl=queues["partial"],
        Entries=[
            {"Id": str(i), "MessageBody": body}
            for i, body in enumerate(["ok", "fails-once", "always-fails"])
        ],
    )

    # WHEN the dispatcher delivers until the poison message has left the queue
    _drain(
        dispatcher,
        source,
        until=lambda: (
            sum(1 for body, _ in deliveries if body == "always-fails") >= 3
            and dispatcher.poll_once(source, wait_seconds=2) == 0
        ),
    )

    # THEN the good message ran once, the flaky one twice, the poison one 3 times, then DLQ
    runs = {
        body: [count for b, count in deliveries if b == body]
        for body in ("ok", "fails-once", "always-fails")
    }
    assert runs == {"ok": [1], "fails-once": [1, 2], "always-fails": [1, 2, 3]}
    assert _bodies(sqs, queues["partial-dlq"]) == ["always-fails"]
    assert _bodies(sqs, queues["partial"]) == []


def test_a_crashing_handler_leaves_the_whole_batch_for_retry(stack: RunningStack, queues) -> None:
    sqs = stack.boto3_client("sqs")
    app, deliveries = make_app(
        queues["partial"].rsplit("/", 1)[1], queues["crashing"].rsplit("/", 1)[1]
    )
    dispatcher = Dispatcher(app, sqs, stack.state["region"])
    source = next(s for s in dispatcher.sources() if s.name == "crashing")
    sqs.send_message_batch(
        QueueUrl=queues["crashing"],
        Entries=[{"Id": "1", "MessageBody": "satu"}, {"Id": "2", "MessageBody": "dua"}],
    )

    _drain(
        dispatcher,
        source,
        until=lambda: len(deliveries) >= 6 and dispatcher.poll_once(source, wait_seconds=2) == 0,
    )

    assert sorted(deliveries) == sorted([("satu", -1), ("dua", -1)] * 3)
    assert _bodies(sqs, queues["crashing-dlq"]) == ["dua", "satu"]
