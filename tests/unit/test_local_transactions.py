"""The local stack's cheaper DynamoDB transactions keep DynamoDB's all-or-nothing rule."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

import local.moto_server as moto_server


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(moto_server.dynamodb_models, "copy", moto_server._no_table_copies())
    monkeypatch.setattr(
        moto_server.DynamoDBBackend,
        "transact_write_items",
        moto_server._cheap_transactions(moto_server.DynamoDBBackend.transact_write_items),
    )
    with mock_aws():
        client = boto3.client(
            "dynamodb",
            region_name="ap-southeast-3",
            aws_access_key_id="t",
            aws_secret_access_key="t",
        )
        client.create_table(
            TableName="t",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="t", Item={"id": {"S": "ada"}, "n": {"N": "1"}})
        yield client


def put(id_: str, n: str, condition: str | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {"TableName": "t", "Item": {"id": {"S": id_}, "n": {"N": n}}}
    if condition:
        op["ConditionExpression"] = condition
    return {"Put": op}


def test_a_cancelled_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    # GIVEN one item; WHEN a transaction writes a new one, changes the old one and then
    # fails a condition
    with pytest.raises(dynamodb.exceptions.TransactionCanceledException):
        dynamodb.transact_write_items(
            TransactItems=[
                put("baru", "5"),
                put("ada", "2"),
                put("gagal", "9", condition="attribute_exists(id)"),
            ]
        )

    # THEN nothing of it stays: no new item, the old one unchanged
    assert "Item" not in dynamodb.get_item(TableName="t", Key={"id": {"S": "baru"}})
    assert dynamodb.get_item(TableName="t", Key={"id": {"S": "ada"}})["Item"]["n"] == {"N": "1"}


def test_a_transaction_that_holds_writes_everything(dynamodb: Any) -> None:
    dynamodb.transact_write_items(TransactItems=[put("baru", "5"), put("ada", "2")])

    assert dynamodb.get_item(TableName="t", Key={"id": {"S": "baru"}})["Item"]["n"] == {"N": "5"}
    assert dynamodb.get_item(TableName="t", Key={"id": {"S": "ada"}})["Item"]["n"] == {"N": "2"}
