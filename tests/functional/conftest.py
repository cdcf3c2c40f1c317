from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stack import RunningStack, start_stack, stop_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """One local stack for the whole functional suite, as `make run` starts it."""
    running = start_stack(tmp_path_factory.mktemp("stack"))
    yield running
    assert stop_stack(running) == 0
