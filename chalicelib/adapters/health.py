"""Readiness: every configured AWS resource answers. Derived from Settings' field names,
so a resource added to the configuration is checked without touching this file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib import declared
from chalicelib.settings import Settings


def _checks(s: Settings, client: Callable[[str], Any]) -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {}
    for field in fields(s):
        name, value = field.name, getattr(s, field.name)
        if name.endswith("_table"):
            checks[name] = lambda v=value: _table_active(client("dynamodb"), v)
        elif name.endswith("_bucket"):
            checks[name] = lambda v=value: client("s3").head_bucket(Bucket=v)
        elif name.endswith("_topic_arn"):
            checks[name] = lambda v=value: client("sns").get_topic_attributes(TopicArn=v)
        elif name.endswith(("_queue_url", "_dlq_url")):
            checks[name] = lambda v=value: client("sqs").get_queue_attributes(
                QueueUrl=v, AttributeNames=["QueueArn"]
            )
        elif name == "state_machine_arn_prefix":
            for workflow in declared.catalog().workflows:
                checks[f"{name}:{workflow}"] = lambda v=value + workflow: client(
                    "stepfunctions"
                ).describe_state_machine(stateMachineArn=v)
        elif name == "user_pool_id":
            checks[name] = lambda v=value: client("cognito-idp").describe_user_pool(UserPoolId=v)
        elif name == "user_pool_client_id":
            checks[name] = lambda: client("cognito-idp").describe_user_pool_client(
                UserPoolId=s.user_pool_id, ClientId=s.user_pool_client_id
            )
    return checks


def _table_active(dynamodb: Any, name: str) -> None:
    status = dynamodb.describe_table(TableName=name)["Table"]["TableStatus"]
    if status != "ACTIVE":
        raise RuntimeError(f"status {status}")


def readiness(s: Settings, client: Callable[[str], Any]) -> dict[str, str]:
    """Map each resource to "ok" or a short reason it is not ready."""
    results: dict[str, str] = {}
    for name, check in _checks(s, client).items():
        if not getattr(s, name.split(":")[0]):
            results[name] = "belum dikonfigurasi"
            continue
        try:
            check()
        except (ClientError, BotoCoreError, RuntimeError) as error:
            results[name] = f"tidak siap: {type(error).__name__}"
        else:
            results[name] = "ok"
    return results
