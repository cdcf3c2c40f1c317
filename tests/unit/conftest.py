"""Unit tests run without network (sockets refused) on in-memory fakes of the ports."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_socket import disable_socket, enable_socket

from chalicelib import declared, ports
from tests.unit.fakes import World, world


@pytest.fixture(autouse=True)
def _no_network() -> Iterator[None]:
    """Any attempt to open a network connection fails the test (Unix sockets stay: the
    event loop of an async helper uses a socketpair)."""
    disable_socket(allow_unix_socket=True)
    yield
    enable_socket()


@pytest.fixture(autouse=True)
def fakes() -> Iterator[World]:
    """The use cases' ports, wired to fresh in-memory fakes for each test."""
    before = list(ports._wired)
    fake = world(declared.catalog())
    ports.use(fake.ports())
    yield fake
    ports._wired[:] = before
