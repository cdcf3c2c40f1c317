"""moto's server for the local stack, with DynamoDB's write atomicity restored.

DynamoDB applies each conditional write and each transaction atomically. moto checks a
condition and then writes without a lock while its server handles requests in threads,
so two concurrent conditional writes can both pass (seen once in ~10 runs of twelve
simultaneous decisions on one step). One lock around moto's DynamoDB writes gives back
the guarantee the application relies on — exactly one claim per step — as on AWS. The
emulator's gap is filled here, in one place; the application code does not know.
"""

from __future__ import annotations

import copy
import functools
import threading
import types
from collections.abc import Callable
from typing import Any

import moto.dynamodb.models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.server import main

WRITES = ("put_item", "update_item", "delete_item", "transact_write_items")
_lock = threading.RLock()


def _atomic(write: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(write)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return write(*args, **kwargs)

    return locked


def make_dynamodb_writes_atomic() -> None:
    for name in WRITES:
        original = getattr(DynamoDBBackend, name)
        if not getattr(original, "__wrapped__", None):
            setattr(DynamoDBBackend, name, _atomic(original))


def _no_table_copies() -> types.SimpleNamespace:
    """`copy` for moto's DynamoDB module that hands tables back uncopied (items still copy)."""

    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    return types.SimpleNamespace(deepcopy=deepcopy)


def _touched(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[tuple]:
    """(table, key, copy of the item or None) for every item the transaction writes."""
    touched = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        name = op.get("TableName")
        if name not in backend.tables:
            continue
        table = backend.tables[name]
        if "Key" in op:
            key = op["Key"]
        else:
            attrs = op.get("Item", {})
            key = {a: attrs[a] for a in (table.hash_key_attr, table.range_key_attr) if a in attrs}
        try:
            current = backend.get_item(name, key)
        except Exception:
            continue  # moto refuses the operation itself; nothing was written
        touched.append((name, key, copy.deepcopy(current)))
    return touched


def _cheap_transactions(transact: Callable[..., Any]) -> Callable[..., Any]:
    """moto backs a transaction up by deep-copying every table it touches, once per item:
    with thousands of items that costs seconds and megabytes per transaction (measured: 17 MB
    of resident memory per decision). The same guarantee costs only the touched items: copy
    those, and put them back if the transaction is cancelled."""

    # No functools.wraps: `make_dynamodb_writes_atomic` must still put its lock around this
    # (it skips what carries __wrapped__), so the snapshot and a rollback are atomic too.
    def run(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> Any:
        touched = _touched(self, transact_items)
        try:
            return transact(self, transact_items)
        except Exception:
            for name, key, before in touched:
                if before is None:
                    self.tables[name].delete_item(*_key_values(self.tables[name], key))
                else:
                    self.put_item(name, before.to_json()["Attributes"])
            raise

    return run


def _key_values(table: Table, key: dict[str, Any]) -> tuple[Any, Any]:
    from moto.dynamodb.models.dynamo_type import DynamoType

    hash_value = DynamoType(key[table.hash_key_attr])
    range_attr = table.range_key_attr
    return hash_value, DynamoType(key[range_attr]) if range_attr in key else None


def make_transactions_cheap() -> None:
    dynamodb_models.copy = _no_table_copies()  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = _cheap_transactions(  # type: ignore[method-assign]
        DynamoDBBackend.transact_write_items
    )


def record_sent_messages() -> None:
    """Write each SMS and each email SNS would deliver as one JSON line (the local stack's
    page of sent messages reads them); moto delivers neither."""
    import inspect
    import json
    import os
    import time

    from moto.sns.models import SNSBackend

    from local.sent_messages import SENT_LOG_ENV

    path = os.environ.get(SENT_LOG_ENV)
    if not path:
        return
    publish = SNSBackend.publish

    signature = inspect.signature(publish)

    def recorded(self: SNSBackend, message: str, *args: Any, **kwargs: Any) -> Any:
        result = publish(self, message, *args, **kwargs)
        entry = _sent_entry(message, signature.bind(self, message, *args, **kwargs).arguments)
        if entry:
            entry["at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return result

    SNSBackend.publish = recorded  # type: ignore[method-assign]


def _sent_entry(message: str, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    if kwargs.get("phone_number"):
        return {"channel": "sms", "to": kwargs["phone_number"], "text": message}
    recipient = (kwargs.get("message_attributes") or {}).get("recipient") or {}
    to = recipient.get("StringValue") or recipient.get("Value")
    if to:
        return {"channel": "email", "to": to, "subject": kwargs.get("subject"), "text": message}
    return None


if __name__ == "__main__":
    make_transactions_cheap()
    make_dynamodb_writes_atomic()
    record_sent_messages()
    main()
