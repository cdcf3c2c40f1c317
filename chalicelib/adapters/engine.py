"""Step Functions adapter: starts executions and completes waiting steps.

AWS errors become domain errors here: a dead task token means the step is no longer
waiting (already decided or timed out), an existing execution name means already started.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.aws import client, single_try_client
from chalicelib.core.definition import WorkflowDefinition
from chalicelib.errors import StepNoLongerWaiting, WorkflowUnavailable
from chalicelib.settings import settings

DEAD_TOKEN_ERRORS = {"InvalidToken", "TaskTimedOut", "TaskDoesNotExist"}


def _error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def state_machine_arn(workflow: str) -> str:
    """Each workflow has its own state machine, named `<prefix>-<workflow id>`."""
    return settings().state_machine_arn_prefix + workflow


@cache
def definition(workflow: str) -> WorkflowDefinition:
    """The deployed definition itself (one call per cold start), not a copy of the file."""
    try:
        described = client("stepfunctions").describe_state_machine(
            stateMachineArn=state_machine_arn(workflow)
        )
    except (BotoCoreError, ClientError) as error:
        raise WorkflowUnavailable(
            "Alur persetujuan tidak dapat dibaca saat ini; coba lagi."
        ) from error
    return WorkflowDefinition.from_json(described["definition"])


def start(workflow: str, ticket_no: str, payload: dict[str, Any]) -> str:
    """Start the ticket's execution, named by the ticket: a second start is the same one."""
    machine = state_machine_arn(workflow)
    try:
        return client("stepfunctions").start_execution(
            stateMachineArn=machine, name=ticket_no, input=json.dumps(payload)
        )["executionArn"]
    except ClientError as error:
        if _error_code(error) == "ExecutionAlreadyExists":
            return execution_arn(machine, ticket_no)
        raise WorkflowUnavailable(
            "Alur persetujuan tidak dapat dimulai saat ini; coba lagi.",
        ) from error
    except BotoCoreError as error:
        raise WorkflowUnavailable(
            "Alur persetujuan tidak dapat dimulai saat ini; coba lagi.",
        ) from error


def execution_arn(machine_arn: str, name: str) -> str:
    prefix, machine = machine_arn.split(":stateMachine:", 1)
    return f"{prefix}:execution:{machine}:{name}"


def complete(task_token: str, decision: dict[str, Any]) -> None:
    try:
        single_try_client("stepfunctions").send_task_success(
            taskToken=task_token, output=json.dumps(decision)
        )
    except ClientError as error:
        if _error_code(error) in DEAD_TOKEN_ERRORS:
            raise StepNoLongerWaiting(
                "Langkah ini sudah tidak menunggu keputusan (sudah diputuskan atau melewati "
                "batas waktu dan dibuka ulang). Muat ulang halaman.",
            ) from error
        raise WorkflowUnavailable(
            "Keputusan tidak dapat diteruskan ke alur persetujuan saat ini; coba lagi.",
        ) from error
    except BotoCoreError as error:
        raise WorkflowUnavailable(
            "Keputusan tidak dapat diteruskan ke alur persetujuan saat ini; coba lagi.",
        ) from error


HISTORY_PAGES = 3


def was_delivered(execution_arn: str, decision: dict[str, Any]) -> bool:
    """Whether the execution received this decision (a `TaskSucceeded` with it as output):
    a dead token after a lost reply or a repeated send is then no refusal."""
    pages = client("stepfunctions").get_paginator("get_execution_history")
    try:
        for page in pages.paginate(
            executionArn=execution_arn,
            reverseOrder=True,
            PaginationConfig={"MaxItems": 1000 * HISTORY_PAGES, "PageSize": 1000},
        ):
            for event in page["events"]:
                details = event.get("taskSucceededEventDetails")
                if details and _same(details.get("output"), decision):
                    return True
    except (BotoCoreError, ClientError) as error:
        raise WorkflowUnavailable(
            "Riwayat alur persetujuan tidak dapat dibaca saat ini; coba lagi."
        ) from error
    return False


def _same(output: str | None, decision: dict[str, Any]) -> bool:
    try:
        return json.loads(output or "null") == decision
    except ValueError:
        return False
