"""Runs the app's `@app.schedule` handlers, as EventBridge rules invoke them on AWS.

Locally every scheduled handler runs every `--every` seconds (default 1) instead of its
declared rate, so what a rate of one minute repairs on AWS is repaired within seconds here.
Each run gets a scheduled event in Lambda's shape; an exception is logged and the next run
comes as usual, as EventBridge would invoke again.
"""

from __future__ import annotations

import argparse
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3
from chalice import Chalice
from chalice.app import ScheduledEventConfig
from chalice.local import LambdaContext

from local.runner import SourceRunner, load_app

log = logging.getLogger("scheduler")


def scheduled_event(region: str, name: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:123456789012:rule/{name}"],
        "detail": {},
    }


class Scheduler(SourceRunner):
    def __init__(self, app: Chalice, region: str, every_seconds: float) -> None:
        super().__init__()
        self._app = app
        self._region = region
        self._every = every_seconds

    def sources(self) -> list[ScheduledEventConfig]:
        return [s for s in self._app.event_sources if isinstance(s, ScheduledEventConfig)]

    def run_once(self, source: ScheduledEventConfig) -> Any:
        handler = self._app.handler_map[source.name]
        context = LambdaContext(function_name=source.name, memory_size=512, max_runtime_ms=60000)
        return handler(scheduled_event(self._region, source.name), context)

    def _loop(self, source: ScheduledEventConfig) -> None:
        while not self._stop.wait(self._every):
            try:
                self.run_once(source)
            except Exception:
                log.exception("%s failed; it runs again at the next tick", source.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--every", type=float, default=1.0, help="seconds between runs")
    args = parser.parse_args()
    app = load_app()
    region = boto3.session.Session().region_name or "ap-southeast-3"
    Scheduler(app, region, args.every).serve(log, f"every {args.every:.1f} s:")


if __name__ == "__main__":
    main()
