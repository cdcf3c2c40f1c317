"""`make bench` (part): DynamoDB items read per request, at 1,000 and at 50,000 tickets.

Each figure is what one request costs the table, counted on every DynamoDB call the real
use case makes (items scanned by a Query, items returned by Get and BatchGet), not wall
time. The tables are the template's own (infra/resources.json), emulated in process by
moto; the tickets wait for Kepala Dinas, spread over the eight permit types, each with its
index items and counters as the transitions write them. Target: 50k/1k ≤ 1.3 on every row.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.3
FIRST_NAMES = ["Sri", "Budi", "Agus", "Dewi", "Siti", "Joko", "Rina", "Tri", "Eko", "Yuni"]
LAST_NAMES = ["Rahayu", "Santoso", "Wibowo", "Lestari", "Hidayat", "Saputra", "Purnomo"]
RARE_NAME = "Zulkarnain Wibisono"
EXACT_NO = "27419"


def _environment() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="ap-southeast-3",
        STEP_TIMEOUT_SECONDS="172800",
        CURSOR_SECRET="bench-kunci-kursor-halaman-0123456789abcdef",
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)


def _create_tables() -> None:
    """Every DynamoDB table of the template, with its keys and indexes, named as on AWS."""
    import boto3

    template = json.loads((ROOT / "infra" / "resources.json").read_text())
    dynamodb = boto3.client("dynamodb")
    for name, resource in template["Resources"].items():
        if resource["Type"] != "AWS::DynamoDB::Table":
            continue
        props = resource["Properties"]
        table = props["TableName"]["Fn::Sub"].replace("${ResourcePrefix}", "etracking")
        extra = {}
        if props.get("GlobalSecondaryIndexes"):
            extra["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        dynamodb.create_table(
            TableName=table,
            AttributeDefinitions=props["AttributeDefinitions"],
            KeySchema=props["KeySchema"],
            BillingMode="PAY_PER_REQUEST",
            **extra,
        )
        os.environ[f"{name.removesuffix('Table').upper()}_TABLE"] = table
    machine = boto3.client("stepfunctions").create_state_machine(
        name="etracking-andesit",
        definition=(ROOT / "statemachine" / "andesit.asl.json").read_text(),
        roleArn="arn:aws:iam::123456789012:role/bench",
    )
    os.environ["STATE_MACHINE_ARN_PREFIX"] = machine["stateMachineArn"].removesuffix("andesit")


class ReadCounter:
    """Counts the items each DynamoDB call reads, by wrapping PynamoDB's one call site."""

    def __init__(self) -> None:
        self.items = 0

    def install(self) -> None:
        from pynamodb.connection.base import Connection

        original = Connection._make_api_call
        counter = self

        def counted(self: Any, operation: str, kwargs: dict) -> dict:
            data = original(self, operation, kwargs)
            counter.items += _items_read(operation, data)
            return data

        Connection._make_api_call = counted  # type: ignore[method-assign]

    def measure(self, call: Callable[[], Any]) -> int:
        before = self.items
        call()
        return self.items - before


def _items_read(operation: str, data: dict) -> int:
    if operation in ("Query", "Scan"):
        return int(data.get("ScannedCount", data.get("Count", 0)))
    if operation == "GetItem":
        return 1 if data.get("Item") else 0
    if operation == "BatchGetItem":
        return sum(len(v) for v in data.get("Responses", {}).values())
    return 0


def _seed(count: int) -> None:
    """`count` tickets waiting for Kepala Dinas (index items and counters included), and as
    many notifications for Kepala Dinas, most of them unread."""
    from chalicelib import declared
    from chalicelib.adapters import index, store
    from chalicelib.adapters.models import CounterModel, IndexModel, NotificationModel, TicketModel
    from chalicelib.core.policy import inbox_key

    andesit = declared.workflow("andesit")
    kadis_box = inbox_key(andesit.id, "KEPALA_DINAS", None, False)
    rng = random.Random(count)
    types = [p.id for p in andesit.permit_types]
    per_type: Counter[str] = Counter()
    with TicketModel.batch_write() as tickets, IndexModel.batch_write() as items:
        for i in range(count):
            no = EXACT_NO if i == 0 else f"{100000 + i}"
            name = RARE_NAME if i == 1 else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            permit_type = types[i % len(types)]
            entered = f"2026-11-{1 + i % 25:02d}T{i % 24:02d}:00:00.{i:06d}+00:00"
            ticket = TicketModel(
                no,
                permit_type=permit_type,
                region="SEMARANG DEMAK",
                applicant={"name": name},
                applicant_name=name,
                submitted_at="2026-11-01",
                location={"type": "Point", "coordinates": [110.4, -7.0]},
                search_text=store.search_text(no, name),
                status="MENUNGGU PERSETUJUAN KEPALA DINAS",
                state="A1",
                step="A1",
                role="KEPALA_DINAS",
                pending={"state": "A1", "step": "A1", "entered_at": entered, "options": []},
                entered_at=entered,
                workflow=andesit.id,
                agency=andesit.agency,
                inbox_key=kadis_box,
                inbox_at=f"{permit_type}#{entered}#{no}",
                created_at=entered,
                updated_at=entered,
            )
            tickets.save(ticket)
            for item in index.box_items(kadis_box, ticket, entered):
                items.save(item)
            per_type[permit_type] += 1
    for permit_type, n in per_type.items():
        CounterModel(index.count_key(kadis_box), permit_type, n=n).save()
    with NotificationModel.batch_write() as notes:
        for i in range(count):
            note_id = f"2026112{i:012d}"
            notes.save(
                NotificationModel(
                    "kadis@esdm.demo",
                    note_id,
                    ticket_no=f"{100000 + i}",
                    title="Pengajuan baru",
                    message="-",
                    summary={},
                    link="-",
                    created_at="2026-11-26T00:00:00+00:00",
                    unread_at=note_id if i % 10 else None,
                    read=not i % 10,
                )
            )
    CounterModel("UNREAD#kadis@esdm.demo", "-", n=count - count // 10).save()


def _requests() -> dict[str, Callable[[], Any]]:
    from chalicelib.auth.principal import Principal
    from chalicelib.usecases import notify as center
    from chalicelib.usecases import tickets as service

    kadis = Principal(
        "kadis@esdm.demo", "kadis", frozenset({"KEPALA_DINAS"}), None, "esdm-jateng", "Kepala Dinas"
    )

    def listing(permit_type: str | None = None, q: str | None = None) -> Callable[[], Any]:
        return lambda: service.list_tickets(kadis, "pending", permit_type, q, None, 20)

    return {
        "pending list, all types (page of 20)": listing(),
        "pending list, one permit type (page of 20)": listing("WIUP"),
        "search by exact ticket number": listing(q=EXACT_NO),
        "search by a rare name": listing(q="zulkarnain"),
        "dashboard counts, latest and overdue": lambda: service.counts(kadis),
        "bell (5 newest, unread count)": lambda: center.inbox(kadis.email, 5, None, False),
        "unread notifications page (20)": lambda: center.inbox(kadis.email, 20, None, True),
    }


def run(count: int) -> dict[str, int]:
    from moto import mock_aws

    with mock_aws():
        _create_tables()
        from chalicelib import container
        from chalicelib.adapters import engine
        from chalicelib.adapters.aws import client
        from chalicelib.settings import settings

        for cached in (settings, client, engine.definition):
            cached.cache_clear()
        container.wire()
        started = time.monotonic()
        _seed(count)
        print(f"  {count:>6} tickets seeded in {time.monotonic() - started:.0f} s")
        counter = ReadCounter()
        counter.install()
        return {name: counter.measure(call) for name, call in _requests().items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50000)
    args = parser.parse_args()
    _environment()
    print("DynamoDB items read per request")
    small, large = run(args.small), run(args.large)
    width = max(map(len, small))
    print(f"  {'request':<{width}}  {args.small:>7}  {args.large:>7}  ratio  target <= 1.3")
    for name in small:
        ratio = large[name] / max(small[name], 1)
        verdict = "ok" if ratio <= TARGET_RATIO else "OVER"
        print(f"  {name:<{width}}  {small[name]:>7}  {large[name]:>7}  {ratio:5.2f}  {verdict}")


if __name__ == "__main__":
    main()
