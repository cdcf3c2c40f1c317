"""A Chalice app whose SQS handler fails on purpose, to watch Lambda's retry semantics."""

from __future__ import annotations

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice import Chalice
from chalice.app import SQSEvent


def make_app(partial_queue: str, crashing_queue: str) -> tuple[Chalice, list[tuple[str, int]]]:
    app = Chalice(app_name="flaky")
    deliveries: list[tuple[str, int]] = []
    processor = BatchProcessor(event_type=EventType.SQS)

    def record_handler(record: SQSRecord) -> None:
        count = int(record.attributes.approximate_receive_count)
        deliveries.append((record.body, count))
        if record.body == "always-fails" or (record.body == "fails-once" and count == 1):
            raise RuntimeError(f"simulated failure of {record.body}")

    @app.on_sqs_message(queue=partial_queue, batch_size=10)
    def partial(event: SQSEvent) -> dict:
        return process_partial_response(
            event=event.to_dict(), record_handler=record_handler, processor=processor
        )

    @app.on_sqs_message(queue=crashing_queue, batch_size=10)
    def crashing(event: SQSEvent) -> None:
        for record in event:
            deliveries.append((record.body, -1))
        raise RuntimeError("the whole batch fails")

    return app, deliveries
