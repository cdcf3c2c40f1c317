"""E-Tracking Perizinan API: a routing table. Handlers live in chalicelib/.

The queue handlers import their code when a batch arrives: every Lambda function of this
app imports this module, and the API's functions never need the queue consumers (nor
powertools' batch utility): they were a large share of every cold start
(bench/imports.py measures it).
"""

from collections.abc import Callable
from typing import Any

from chalice import Chalice, Rate
from chalice.app import CloudWatchEvent, SQSEvent

from chalicelib import container
from chalicelib.api import (
    admin,
    applications,
    auth,
    decrees,
    documents,
    middleware,
    notifications,
    ptsp,
    system,
    tickets,
    workflows,
)
from chalicelib.settings import queue_name

app = Chalice(app_name="etracking")
middleware.install(app)
container.wire()

app.register_blueprint(system.bp)
app.register_blueprint(auth.bp)
app.register_blueprint(admin.bp)
app.register_blueprint(tickets.bp)
app.register_blueprint(documents.bp)
app.register_blueprint(notifications.bp)
app.register_blueprint(ptsp.bp)
app.register_blueprint(workflows.bp)
app.register_blueprint(applications.bp)
app.register_blueprint(decrees.bp)


def _batch(event: SQSEvent, context: object, handler: Callable[[Any], Any]) -> dict:
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    return process_partial_response(
        event=event.to_dict(),
        record_handler=handler,
        processor=BatchProcessor(event_type=EventType.SQS),
        context=context,
    )


@app.on_sqs_message(queue=queue_name("workflow-tasks"), batch_size=10)
def workflow_tasks(event: SQSEvent) -> dict:
    """Steps the state machine waits on, overdue notices and final statuses."""
    from chalicelib.api import queues

    return _batch(event, event.context, queues.workflow_task)


@app.on_sqs_message(queue=queue_name("notifications"), batch_size=10)
def notification_fanout(event: SQSEvent) -> dict:
    """Ticket events → in-app notifications and SMS to whoever acts next."""
    from chalicelib.api import queues

    return _batch(event, event.context, queues.notification)


@app.on_sqs_message(queue=queue_name("ptsp-callbacks"), batch_size=5)
def ptsp_callbacks(event: SQSEvent) -> dict:
    """Final decisions → PTSP, all of a batch at once (a hung receiver holds only its own
    delivery), retried for about a day, then parked in the DLQ with the admins told."""
    from aws_lambda_powertools.utilities.batch import (
        AsyncBatchProcessor,
        EventType,
        async_process_partial_response,
    )

    from chalicelib.api import queues

    return async_process_partial_response(
        event=event.to_dict(),
        record_handler=queues.ptsp_callback_async,
        processor=AsyncBatchProcessor(event_type=EventType.SQS),
        context=event.context,
    )


@app.schedule(Rate(1, unit=Rate.MINUTES))
def outbox_sweeper(event: CloudWatchEvent) -> dict:
    """What a crashed or cut-off writer still owed (decisions, events, texts), carried out."""
    from chalicelib.usecases import effects

    return {"done": effects.sweep()}
