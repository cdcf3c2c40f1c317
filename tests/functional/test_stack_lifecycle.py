"""Two stacks side by side, and a clean stop on SIGTERM."""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

import requests

from tests.stack import RunningStack, start_stack, stop_stack


def _listening(url: str) -> bool:
    parsed = urlparse(url)
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((parsed.hostname, parsed.port)) == 0


def test_a_second_stack_runs_beside_the_first_and_stops_cleanly(
    stack: RunningStack, tmp_path: Path
) -> None:
    second = start_stack(tmp_path, extra_args=("--no-seed", "--workers", "3"))
    try:
        assert second.aws_endpoint != stack.aws_endpoint
        assert second.url != stack.url
        assert requests.get(f"{second.url}api/health", timeout=10).status_code == 200
        # Nothing leaks between them: the second has no demo accounts.
        login = second.api(
            "POST", "/auth/login", json={"email": "kadis@esdm.demo", "password": "Demo#2026!"}
        )
        assert login.status_code == 401
        # Requests spread over every worker; none may keep its worker from stopping.
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(
                pool.map(lambda _: requests.get(second.url, timeout=10).status_code, range(36))
            )
        assert statuses == [200] * 36
    finally:
        code = stop_stack(second)

    assert code == 0
    assert "dihentikan paksa" not in second.output()
    assert not _listening(second.url)
    assert not _listening(second.aws_endpoint)
    assert not second.state_file.exists()
    assert requests.get(f"{stack.url}api/health", timeout=10).status_code == 200
