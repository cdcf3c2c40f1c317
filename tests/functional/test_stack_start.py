"""What a newcomer sees while `make run` starts: progress, a health that waits for the demo
data, and a banner that says where to click."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.stack import DEMO_PASSWORD, ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_start_shows_progress_and_health_waits_for_the_demo_data(tmp_path: Path) -> None:
    # GIVEN a stack started as `make run` starts it, on a known port
    port = _free_port()
    state_file = tmp_path / "stack.json"
    out = (tmp_path / "stack.out").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "local.stack", "--port", str(port), "--state-file", str(state_file)],
        cwd=ROOT,
        env={**os.environ, "DEMO_PASSWORD": DEMO_PASSWORD},
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        # WHEN health is polled from the first moment until the stack says it is ready
        seen = _poll_health_until(state_file, process, port, timeout=240)
        output = (tmp_path / "stack.out").read_text()

        # THEN health never said 200 before the demo data was in; it said why it waited
        # (it may turn 200 in the instant between the data being in and the state file)
        assert "SEEDING_DEMO_DATA" in seen, seen
        last_wait = max(i for i, code in enumerate(seen) if code == "SEEDING_DEMO_DATA")
        assert 200 not in seen[:last_wait], seen
        # … the demo ticket is there once it is ready
        assert requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10).status_code == 200
        # … every step was announced with the time so far
        steps = [line for line in output.splitlines() if line.startswith("Menyiapkan ")]
        assert len(steps) >= 5, output
        assert all(line.endswith(" detik)") for line in steps), steps
        assert any("ticket demo 27419" in line for line in steps), steps
        # … and the banner says where to click, as whom, which ticket, and that data is in memory
        assert "tekan DINAS ESDM PROVINSI JAWA TENGAH" in output
        assert f"Masuk sebagai kadis@esdm.demo dengan password {DEMO_PASSWORD}" in output
        assert "Buka ticket 27419 (Aceng Sudegdo)" in output
        assert "di memori saja; hilang saat stack dihentikan" in output
        assert f"http://localhost:{port}" in output
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        out.close()


def _poll_health_until(
    state_file: Path, process: subprocess.Popen[bytes], port: int, timeout: float
) -> list[object]:
    """Health answers (status, or the 503's code) until the state file appears."""
    seen: list[object] = []
    deadline = time.monotonic() + timeout
    while not state_file.exists():
        assert process.poll() is None, "the stack stopped while starting"
        assert time.monotonic() < deadline, f"not ready in {timeout}s; health said {seen[-5:]}"
        try:
            answer = requests.get(f"http://127.0.0.1:{port}/api/health", timeout=3)
        except requests.RequestException:  # the port is bound before any worker accepts
            seen.append("no answer")
        else:
            code = answer.json().get("code") if answer.status_code != 200 else None
            seen.append(code or answer.status_code)
        time.sleep(0.3)
    json.loads(state_file.read_text())
    return seen
