"""Shared test configuration: the project root on sys.path, one local stack per session."""

from __future__ import annotations

import sys
from collections.abc import Iterator
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
