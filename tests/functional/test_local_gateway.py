"""The local HTTP front answers as API Gateway does, and survives a dead worker."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest
import requests

from tests.stack import RunningStack


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/health", 200),
        ("GET", "/openapi.json", 200),
        ("POST", "/auth/login", 400),
        ("GET", "/tidak/ada", 404),
    ],
)
def test_json_answers_say_they_are_json(
    stack: RunningStack, method: str, path: str, status: int
) -> None:
    # WHEN a client calls the API  THEN a JSON body comes with application/json, as on AWS
    response = stack.api(method, path, json={} if method == "POST" else None)

    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    response.json()


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "CONNECT"])
@pytest.mark.parametrize("where", ["api/health", "", "index.html"])
def test_an_unsupported_method_gets_a_json_error_not_an_html_page(
    stack: RunningStack, method: str, where: str
) -> None:
    response = requests.request(method, f"{stack.url}{where}", timeout=10)

    assert 400 <= response.status_code < 500
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == "METHOD_NOT_ALLOWED"


def _state(stack: RunningStack) -> dict:
    return json.loads(stack.state_file.read_text())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_stack_keeps_serving_when_api_workers_are_killed(stack: RunningStack) -> None:
    # GIVEN the running stack's API workers (as its state file lists them)
    before = {k: v for k, v in _state(stack)["processes"].items() if k.startswith("api-")}
    assert len(before) >= 2, before

    # WHEN every one of them is killed with SIGKILL, as a crashed Lambda container would be
    for pid in before.values():
        os.kill(pid, signal.SIGKILL)

    # THEN the stack starts new ones (and says so), lists their pids, and answers again
    deadline = time.monotonic() + 60
    while True:
        after = {k: v for k, v in _state(stack)["processes"].items() if k.startswith("api-")}
        if set(after) == set(before) and all(
            after[k] != before[k] and _alive(after[k]) for k in after
        ):
            break
        assert stack.process.poll() is None, stack.output()[-2000:]
        assert time.monotonic() < deadline, (before, after)
        time.sleep(0.5)
    assert "api-1 berhenti (kode -9); dijalankan ulang." in stack.output()
    answers = [_health_when_ready(stack) for _ in range(6)]
    assert answers == [200] * 6
    assert stack.process.poll() is None


def _health_when_ready(stack: RunningStack) -> int:
    """A new worker imports the app before it accepts; the socket holds the request meanwhile."""
    return stack.api("GET", "/health").status_code


def test_uploads_are_allowed_from_the_console_opened_as_localhost_too(
    stack: RunningStack,
) -> None:
    # GIVEN the console opened at http://localhost:<port> instead of 127.0.0.1
    port = stack.url.rstrip("/").rsplit(":", 1)[1]
    bucket = stack.env["DOCUMENTS_BUCKET"]

    for origin in (f"http://localhost:{port}", f"http://127.0.0.1:{port}"):
        # WHEN the browser asks S3 whether it may POST the upload there (CORS preflight)
        answer = requests.options(
            f"{stack.aws_endpoint}/{bucket}",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )

        # THEN S3 allows that origin
        assert answer.status_code == 200, (origin, answer.status_code, answer.text[:300])
        assert answer.headers.get("Access-Control-Allow-Origin") == origin
