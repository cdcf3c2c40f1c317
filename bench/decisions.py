"""`make bench`: latency of the Andesit path on a fresh local stack (not a test: figures).

Measures, over N tickets: PTSP intake (signed webhook → 201), arrival → first step waiting
(Step Functions + SQS + handler), a decision request, and decision → next step waiting;
then M simultaneous decisions on one step (how many win, how long the burst takes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from local.client import application
from tests.stack import start_stack, stop_stack

KADIS, KABID = "kadis@esdm.demo", "kabid@esdm.demo"
ACCEPT_A1 = {"step": "A1", "action": "TERIMA", "checked": True}  # every decision timed here
WARM_UP = 9  # decisions before the measured ones (3 API workers by default)


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"median {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=20)
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--officials", type=int, default=20)
    parser.add_argument("--per-official", type=int, default=3)
    args = parser.parse_args()
    started = time.monotonic()
    stack = start_stack(Path(tempfile.mkdtemp(prefix="bench-")), ("--no-seed",))
    print(f"stack ready (no demo data) in {time.monotonic() - started:.1f} s")
    try:
        _run(stack, args.tickets, args.burst)
        _throughput(stack, args.officials, args.per_official)
    finally:
        stop_stack(stack)


def _run(stack, tickets: int, burst: int) -> None:
    from chalicelib.adapters.users import UserDirectory
    from local.seed import seed_users

    idp = stack.boto3_client("cognito-idp")
    env = stack.env
    seed_users(UserDirectory(idp, env["USER_POOL_ID"], env["USER_POOL_CLIENT_ID"]), "Demo#2026!")
    c = stack.client
    intake, to_first, request, to_next, busy = [], [], [], [], []
    tickets_at_a1 = []
    for _ in range(tickets):
        no = f"B{uuid.uuid4().hex[:10].upper()}"
        t0 = time.monotonic()
        assert c.send_application(application(no, "Bench")).status_code == 201
        t1 = time.monotonic()
        c.wait_for_step(no, KADIS, "A1")
        intake.append(t1 - t0)
        to_first.append(time.monotonic() - t1)
        tickets_at_a1.append(no)
    # Every API worker decides a few first: a cold start is bench/imports.py's figure
    warm = [f"W{uuid.uuid4().hex[:10].upper()}" for _ in range(WARM_UP)]
    for no in warm:
        assert c.send_application(application(no, "Pemanasan")).status_code == 201
    for no in warm:
        c.wait_for_step(no, KADIS, "A1")
        _decide(c, no)
    # Each decision at rest (nothing else in flight), as the PutItem it is compared with
    for no in tickets_at_a1:
        _at_rest(stack)
        took, next_after = _decide(c, no)
        request.append(took)
        to_next.append(next_after)
    # ... and each right after the previous one's next step shows, its effects still running
    for _ in range(tickets):
        no = f"B{uuid.uuid4().hex[:10].upper()}"
        assert c.send_application(application(no, "Sibuk")).status_code == 201
        tickets_at_a1.append(no)
    for no in tickets_at_a1[tickets:]:
        c.wait_for_step(no, KADIS, "A1")
    _at_rest(stack)
    for no in tickets_at_a1[tickets:]:
        busy.append(_decide(c, no)[0])
    print(f"{tickets} tickets")
    print(f"  PTSP intake request          {_ms(intake)}")
    print(f"  arrival -> A1 waiting        {_ms(to_first)}")
    print(f"  decision request, at rest    {_ms(request)}")
    print(f"  ... right after another      {_ms(busy)}")
    _at_rest(stack)
    put = _conditional_puts(stack, tickets)
    print(f"  one conditional PutItem      {_ms(put)}")
    ratio = statistics.median(request) / statistics.median(put)
    print(f"  decision / PutItem at p50    {ratio:7.1f} x   (target <= 10 x)")
    floor = _unavoidable_calls(stack, max(5, tickets // 2))
    print(f"  the 3 unavoidable calls      {_ms(floor)}")
    print(
        f"  ... / PutItem at p50         {statistics.median(floor) / statistics.median(put):7.1f} x"
        f"   decision / them: {statistics.median(request) / statistics.median(floor):.2f} x"
    )
    print(f"  decision -> A2 waiting       {_ms(to_next)}")

    no = f"B{uuid.uuid4().hex[:10].upper()}"
    c.send_application(application(no, "Burst"))
    c.wait_for_step(no, KADIS, "A1")

    def decide_once(_: int) -> int:
        return c.call("POST", f"/tickets/{no}/decision", KADIS, json=ACCEPT_A1).status_code

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=burst) as pool:
        codes = list(pool.map(decide_once, range(burst)))
    took = time.monotonic() - t0
    print(
        f"{burst} simultaneous decisions on one step: {codes.count(200)} won, "
        f"{codes.count(409)} got 409, others {len(codes) - codes.count(200) - codes.count(409)}; "
        f"{took * 1000:.0f} ms in all"
    )


def _decide(c, no: str) -> tuple[float, float]:
    """(the decision request, then until the next step waits)."""
    t0 = time.monotonic()
    answer = c.call("POST", f"/tickets/{no}/decision", KADIS, json=ACCEPT_A1)
    t1 = time.monotonic()
    assert answer.status_code == 200, answer.text
    c.wait_for_step(no, KABID, "A2")
    return t1 - t0, time.monotonic() - t1


def _at_rest(stack, timeout: float = 10) -> bool:
    """Wait until nothing is in flight: the outbox empty and every queue drained (the
    notifications of the previous decision delivered), seen twice in a row."""
    dynamodb, sqs = stack.boto3_client("dynamodb"), stack.boto3_client("sqs")
    queues = sqs.list_queues().get("QueueUrls", [])
    deadline, quiet = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        owed = dynamodb.scan(TableName=stack.env["OUTBOX_TABLE"], Select="COUNT")["Count"]
        queued = sum(
            int(value)
            for url in queues
            for value in sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"].values()
        )
        quiet = quiet + 1 if owed == 0 and queued == 0 else 0
        if quiet == 2:
            return True
        time.sleep(0.05)
    return False


def _conditional_puts(stack, count: int) -> list[float]:
    """One conditional PutItem on the same emulated endpoint: the floor of a decision."""
    dynamodb = stack.boto3_client("dynamodb")
    table = stack.env["IDEMPOTENCY_TABLE"]
    took = []
    for _ in range(count):
        item = {"id": {"S": f"bench#{uuid.uuid4().hex}"}, "ticket_no": {"S": "-"}}
        t0 = time.monotonic()
        dynamodb.put_item(
            TableName=table, Item=item, ConditionExpression="attribute_not_exists(id)"
        )
        took.append(time.monotonic() - t0)
    return took


CLAIM_ITEMS = 20  # a claim's transaction: ticket, history, marker, index items, counters, outbox


def _unavoidable_calls(stack, count: int) -> list[float]:
    """What no decision can do without, issued straight to the emulator: read the ticket, one
    transaction the size of a claim's, and the SendTaskSuccess (on tickets of its own)."""
    c = stack.client
    dynamodb, sfn = stack.boto3_client("dynamodb"), stack.boto3_client("stepfunctions")
    env = stack.env
    took = []
    for _ in range(count):
        no = f"F{uuid.uuid4().hex[:10].upper()}"
        assert c.send_application(application(no, "Lantai")).status_code == 201
        c.wait_for_step(no, KADIS, "A1")
        _at_rest(stack)
        items = [
            {"Put": {"TableName": env["SEARCH_TABLE"], "Item": _item(no, i)}}
            for i in range(CLAIM_ITEMS)
        ]
        t0 = time.monotonic()
        ticket = dynamodb.get_item(
            TableName=env["TICKETS_TABLE"], Key={"ticket_no": {"S": no}}, ConsistentRead=True
        )["Item"]
        dynamodb.transact_write_items(TransactItems=items)
        token = json.loads(ticket["pending"]["S"])["task_token"]
        sfn.send_task_success(taskToken=token, output=json.dumps({"action": "TERIMA"}))
        took.append(time.monotonic() - t0)
    return took


def _item(no: str, i: int) -> dict:
    return {"term_key": {"S": f"bench#{no}"}, "term_sort": {"S": str(i)}, "n": {"N": "1"}}


def _throughput(stack, officials: int, per_official: int) -> None:
    """Decisions per second with `officials` Kepala Dinas deciding at once, next to the
    requests per second the same stack serves for `GET /me` with as many callers."""
    c = stack.client
    people = [stack.new_user(["KEPALA_DINAS"]) for _ in range(officials)]
    tokens = [stack.login(p, "Rahasia#2026a") for p in people]
    work = []
    for token in tokens:
        for _ in range(per_official):
            no = f"B{uuid.uuid4().hex[:10].upper()}"
            assert c.send_application(application(no, "Beban")).status_code == 201
            work.append((token, no))
    for _, no in work:
        c.wait_for_step(no, KADIS, "A1")

    def decide_all(token: str) -> list[float]:
        took = []
        for t, no in work:
            if t is token:
                t0 = time.monotonic()
                answer = stack.api("POST", f"/tickets/{no}/decision", token, json=ACCEPT_A1)
                assert answer.status_code == 200, answer.text
                took.append(time.monotonic() - t0)
        return took

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=officials) as pool:
        latencies = [x for batch in pool.map(decide_all, tokens) for x in batch]
    decisions_per_second = len(work) / (time.monotonic() - t0)

    def me_calls(token: str) -> int:
        for _ in range(per_official * 5):
            assert stack.api("GET", "/me", token).status_code == 200
        return per_official * 5

    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=officials) as pool:
        served = sum(pool.map(me_calls, tokens))
    me_per_second = served / (time.monotonic() - t0)
    print(f"{officials} officials deciding at once ({len(work)} decisions)")
    print(f"  decisions per second         {decisions_per_second:7.1f}   ({_ms(latencies)})")
    print(f"  GET /me per second           {me_per_second:7.1f}")
    print(f"  decisions / GET /me          {decisions_per_second / me_per_second:7.2f}")


if __name__ == "__main__":
    main()
