"""Delivers SQS messages to the app's `@app.on_sqs_message` handlers as Lambda would.

Lambda's SQS event source, reproduced: long-poll receive up to the handler's batch size;
the event in Lambda's shape; messages of a successful batch deleted; with a
`batchItemFailures` answer (ReportBatchItemFailures, set on every event source in infra/)
only the failed ones stay; if the handler raises, the whole batch stays. What stays comes
back after the queue's visibility timeout, and the queue's redrive policy moves it to the
DLQ after maxReceiveCount receives.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
from typing import Any

import boto3
from chalice import Chalice
from chalice.app import SQSEventConfig
from chalice.local import LambdaContext

from local.runner import SourceRunner, load_app

log = logging.getLogger("dispatcher")


def lambda_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    records = []
    for m in messages:
        attributes = {}
        for name, value in (m.get("MessageAttributes") or {}).items():
            attributes[name] = {
                "stringValue": value.get("StringValue"),
                "binaryValue": value.get("BinaryValue"),
                "stringListValues": value.get("StringListValues", []),
                "binaryListValues": value.get("BinaryListValues", []),
                "dataType": value["DataType"],
            }
        records.append(
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": attributes,
                "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


class Dispatcher(SourceRunner):
    def __init__(
        self, app: Chalice, sqs: Any, region: str, wait_seconds: int = 1, timeout_seconds: int = 30
    ) -> None:
        super().__init__()
        self._app = app
        self._sqs = sqs
        self._region = region
        self._wait = wait_seconds
        self._timeout = timeout_seconds
        self._queues: dict[str, tuple[str, str]] = {}

    def sources(self) -> list[SQSEventConfig]:
        return [s for s in self._app.event_sources if isinstance(s, SQSEventConfig)]

    def _queue(self, source: SQSEventConfig) -> tuple[str, str]:
        if source.name not in self._queues:
            name = source.queue or (source.queue_arn or "").rsplit(":", 1)[-1]
            url = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
            arn = self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            self._queues[source.name] = (url, arn)
        return self._queues[source.name]

    def poll_once(self, source: SQSEventConfig, wait_seconds: int | None = None) -> int:
        """Receive one batch and run the handler on it; returns how many messages it held."""
        url, arn = self._queue(source)
        received = self._sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=min(source.batch_size, 10),
            WaitTimeSeconds=self._wait if wait_seconds is None else wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            return 0
        handler = self._app.handler_map[source.name]
        context = LambdaContext(
            function_name=source.name, memory_size=512, max_runtime_ms=self._timeout * 1000
        )
        try:
            result = handler(lambda_event(received, arn, self._region), context)
        except Exception:
            log.exception("%s failed: %d message(s) stay in the queue", source.name, len(received))
            return len(received)
        failures = result.get("batchItemFailures", []) if isinstance(result, dict) else []
        failed = {f["itemIdentifier"] for f in failures}
        done = [m for m in received if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self._sqs.delete_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)
                ],
            )
        if failed:
            log.warning("%s: %d of %d message(s) failed", source.name, len(failed), len(received))
        return len(received)

    def _loop(self, source: SQSEventConfig) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once(source)
            except Exception:
                log.exception("polling %s failed", source.name)
                self._stop.wait(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args()
    app = load_app()
    session = boto3.session.Session()
    dispatcher = Dispatcher(app, session.client("sqs"), session.region_name or "ap-southeast-3")
    dispatcher.serve(log, "delivering")


if __name__ == "__main__":
    main()
