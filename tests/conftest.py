"""Shared test configuration: the project root on sys.path, one local stack per session."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.stack import RunningStack, start_stack, stop_stack  # noqa: E402


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """One local stack for the functional and browser suites, as `make run` starts it."""
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    assert stop_stack(running) == 0


@pytest.fixture
def short_steps(stack: RunningStack) -> Iterator[Callable[[str], None]]:
    """Give tickets 2-second steps; their executions are stopped after the test (they would
    escalate every 2 seconds for the rest of the session)."""
    from tests.functional.short_steps import shorten_step_timeout

    started: list[str] = []
    yield lambda no: started.append(shorten_step_timeout(stack, no))
    sfn = stack.boto3_client("stepfunctions")
    for arn in started:
        with contextlib.suppress(Exception):
            sfn.stop_execution(executionArn=arn)
