"""A stand-in for PTSP's receiving end, for the local stack when no PTSP_CALLBACK_URL is set.

It verifies each delivery's Standard Webhooks signature and appends it to a JSON-lines file
that a user (or a test) reads at `GET /ptsp-sink/deliveries`. `PUT /ptsp-sink/behaviour`
{"fail_ticket": "...", "fail_times": N} makes it answer 503 to the next N deliveries of
that ticket (N = -1: always), to see retries and the dead-letter queue at work;
{"slow_tickets": [...], "slow_seconds": S} makes it wait S seconds before answering those
tickets (a receiver that hangs). Each record has when the delivery arrived (`received_at`)
and when it was answered (`answered_at`).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from pathlib import Path
from typing import Any

from chalicelib.adapters.signatures import verify
from chalicelib.errors import Unauthorized

PREFIX = "/ptsp-sink"


def _paths() -> tuple[Path, Path]:
    base = Path(os.environ.get("PTSP_SINK_DIR", ".local"))
    return base / "ptsp-deliveries.jsonl", base / "ptsp-behaviour.json"


def _json(status: int, payload: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def handle(
    method: str, path: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, dict[str, str], bytes]:
    deliveries, behaviour = _paths()
    deliveries.parent.mkdir(parents=True, exist_ok=True)
    route = path[len(PREFIX) :].split("?", 1)[0] or "/"
    if method == "GET" and route in ("/", "/deliveries"):
        items = []
        if deliveries.exists():
            items = [json.loads(line) for line in deliveries.read_text().splitlines() if line]
        return _json(200, {"items": items, "count": len(items)})
    if method == "PUT" and route == "/behaviour":
        behaviour.write_text((body or b"{}").decode())
        return _json(200, json.loads(behaviour.read_text()))
    if method == "POST" and route == "/callbacks":
        return _receive(deliveries, behaviour, headers, body or b"")
    return _json(404, {"code": "NOT_FOUND", "message": "Alamat sink PTSP tidak dikenal."})


def _receive(
    deliveries: Path, behaviour: Path, headers: dict[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    try:
        verify(os.environ.get("PTSP_CALLBACK_SECRET", ""), body, headers)
        valid, problem = True, None
    except Unauthorized as error:
        valid, problem = False, error.code
    arrived = time.time()
    payload = json.loads(body) if valid else None
    ticket_no = (payload or {}).get("data", {}).get("ticket_no")
    lowered = {k.lower(): v for k, v in headers.items()}
    _hang_if_asked(behaviour, ticket_no)
    with behaviour.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # several gateway workers share these files
        rules = json.loads(behaviour.read_text()) if behaviour.exists() else {}
        failing = valid and ticket_no and rules.get("fail_ticket") == ticket_no
        left = int(rules.get("fail_times", 0))
        answer = 503 if failing and left != 0 else (200 if valid else 401)
        if answer == 503 and left > 0:
            rules["fail_times"] = left - 1
            behaviour.write_text(json.dumps(rules))
        record = {
            "received_at": arrived,
            "answered_at": time.time(),
            "webhook_id": lowered.get("webhook-id"),
            "signature_valid": valid,
            "problem": problem,
            "answered": answer,
            "body": payload,
        }
        with deliveries.open("a") as out:
            out.write(json.dumps(record) + "\n")
    return _json(answer, {"accepted": answer == 200})


def _hang_if_asked(behaviour: Path, ticket_no: str | None) -> None:
    rules = json.loads(behaviour.read_text()) if behaviour.exists() else {}
    if ticket_no and ticket_no in rules.get("slow_tickets", []):
        time.sleep(float(rules.get("slow_seconds", 0)))
