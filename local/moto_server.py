"""moto's server for the local stack, with DynamoDB's write atomicity restored.

DynamoDB applies each conditional write and each transaction atomically. moto checks a
condition and then writes without a lock while its server handles requests in threads,
so two concurrent conditional writes can both pass (seen once in ~10 runs of twelve
simultaneous decisions on one step). One lock around moto's DynamoDB writes gives back
the guarantee the application relies on — exactly one claim per step — as on AWS. The
emulator's gap is filled here, in one place; the application code does not know.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
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


if __name__ == "__main__":
    make_dynamodb_writes_atomic()
    main()
