"""A process of the app that dies at a chosen line, as a Lambda worker killed mid-request would.

Run by tests/functional/test_crash_recovery.py with the local stack's environment:

    python -m tests.functional.crash_harness SCENARIO ARGS_JSON

The scenario runs the real use case against the emulated cloud; `os._exit` at the chosen
call ends the process on the spot (no `finally`, no cleanup), exit code 86. Nothing in the
application knows about this: the test wraps one function of the running process.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

KILLED = 86


def killed(*_: Any, **__: Any) -> None:
    sys.stdout.flush()
    os._exit(KILLED)


def die_when_called(module: Any, name: str) -> None:
    setattr(module, name, killed)


def decide(args: dict[str, Any]) -> None:
    """An official's decision; the process dies where `args["die_at"]` says."""
    from chalicelib.adapters import aws, engine
    from chalicelib.auth.principal import Principal
    from chalicelib.auth.session import CallerSession, SessionCheck
    from chalicelib.usecases import tickets as service

    if args.get("die_at") == "before SendTaskSuccess":
        die_when_called(engine, "complete")
    if args.get("die_at") == "after SendTaskSuccess":
        sent = engine.complete

        def send_then_die(*call: Any, **kwargs: Any) -> None:
            sent(*call, **kwargs)
            killed()

        engine.complete = send_then_die
    if args.get("step_functions") == "unreachable":
        # A warm worker (definition read at its cold start) that loses Step Functions.
        engine.definition(args.get("workflow", "andesit"))
        aws.client.cache_clear()
        os.environ["AWS_ENDPOINT_URL_SFN"] = "http://127.0.0.1:9"
    who = Principal(
        email=args["email"],
        subject=args["email"],
        roles=frozenset(args["roles"]),
        region=None,
        agency=args.get("agency", "esdm-jateng"),
        name=args["name"],
    )
    body = {"step": args["step"], "action": args["action"], "checked": True}
    session = CallerSession(SessionCheck(who.email, int(time.time())), lambda: None)
    answer = service.decide(args["ticket_no"], who, body, args["name"], session)
    print(json.dumps({"status": answer["status"]}))


def record_step(args: dict[str, Any]) -> None:
    """The workflow's step message, handled by a worker that dies before publishing."""
    from chalicelib.adapters import events
    from chalicelib.usecases import workflow_messages as tasks

    die_when_called(events, "publish")
    tasks.handle(args["message"])


def notify(args: dict[str, Any]) -> None:
    """A notification delivered by a worker that dies before its text message goes out."""
    from chalicelib.usecases import effects
    from chalicelib.usecases import notify as center

    effects.EFFECTS[effects.SEND_SMS] = killed
    center.deliver(args["event"])


def intake(args: dict[str, Any]) -> None:
    """PTSP's application, received by a worker that dies before starting the workflow."""
    from chalicelib.adapters import engine
    from chalicelib.usecases import tickets as service

    die_when_called(engine, "start")
    service.receive_application(args["application"], args["webhook_id"])


SCENARIOS: dict[str, Callable[[dict[str, Any]], None]] = {
    "decide": decide,
    "record_step": record_step,
    "notify": notify,
    "intake": intake,
}

if __name__ == "__main__":
    from chalicelib import container

    container.wire()  # as app.py does in every Lambda
    SCENARIOS[sys.argv[1]](json.loads(sys.argv[2]))
