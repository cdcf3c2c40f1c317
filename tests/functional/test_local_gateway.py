"""The local HTTP front answers as API Gateway does, and survives a dead worker."""

from __future__ import annotations

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
