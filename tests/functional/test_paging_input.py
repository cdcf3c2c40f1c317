"""Paged lists refuse a cursor or limit the server did not issue: 400, never a 500."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from app import app
from tests.stack import RunningStack

CASES = json.loads(Path(__file__).with_name("paging_cursors.json").read_text(encoding="utf-8"))


def _cursor(case: dict[str, Any], encoded: bool) -> str:
    if not encoded:
        return case["value"] * case.get("repeat", 1)
    raw = json.dumps(case["value"], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


CURSORS = [pytest.param(_cursor(c, True), id=f"encoded-{c['id']}") for c in CASES["encoded"]] + [
    pytest.param(_cursor(c, False), id=f"raw-{c['id']}") for c in CASES["raw"]
]

# Every paged list (a route that takes a `cursor`), with the query that picks each list.
LISTS = {
    "/tickets": [{"box": "pending"}, {"box": "decided"}],
    "/notifications": [{}],
    "/applications": [{}],
}
PAGED = [
    pytest.param(path, params, id="-".join([path.strip("/"), *params.values()]))
    for path, variants in LISTS.items()
    for params in variants
]


BAD_LIMITS = ["¹", "²", "١", "１", "٣٠", "0", "101", "-1", "1e2", " 5", "5 ", "5\n", "2.0", "0x10"]


def test_every_paged_route_is_checked() -> None:
    paged = {
        path
        for path, methods in app.routes.items()
        for entry in methods.values()
        if "cursor" in getattr(entry.view_function, "query_params", {})
    }
    assert paged == set(LISTS)


@pytest.fixture(scope="module")
def kadis(stack: RunningStack) -> str:
    return stack.login("kadis@esdm.demo")


@pytest.mark.parametrize("path, params", PAGED)
def test_cursors_the_server_did_not_issue_get_400(
    stack: RunningStack, kadis: str, path: str, params: dict[str, str]
) -> None:
    answers = {}
    for param in CURSORS:
        cursor = param.values[0]
        response = stack.api("GET", path, kadis, params={**params, "cursor": cursor})
        answers[param.id] = (response.status_code, response.json().get("code"))

    refused = {
        case: answer for case, answer in answers.items() if answer != (400, "INVALID_CURSOR")
    }
    assert refused == {}
    assert len(answers) == 36


@pytest.mark.parametrize("path, params", PAGED)
@pytest.mark.parametrize("limit", BAD_LIMITS, ids=[repr(v) for v in BAD_LIMITS])
def test_limits_other_than_ascii_1_to_100_get_400(
    stack: RunningStack, kadis: str, path: str, params: dict[str, str], limit: str
) -> None:
    response = stack.api("GET", path, kadis, params={**params, "limit": limit})

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "INVALID_LIMIT"
    assert response.json()["field"] == "limit"
    assert "1–100" in response.json()["message"]


def test_cursor_given_by_the_server_walks_the_list_without_repeats(
    stack: RunningStack, kadis: str
) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        query = {"box": "pending", "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = stack.api("GET", "/tickets", kadis, params=query)
        assert page.status_code == 200, page.text
        seen.extend(item["ticket_no"] for item in page.json()["items"])
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    everything = stack.api("GET", "/tickets", kadis, params={"box": "pending", "limit": "100"})
    assert seen == [item["ticket_no"] for item in everything.json()["items"]]
    assert len(seen) >= 3


def test_a_cursor_works_only_for_the_list_and_caller_it_was_issued_to(
    stack: RunningStack, kadis: str
) -> None:
    first = stack.api("GET", "/tickets", kadis, params={"box": "pending", "limit": "1"})
    cursor = first.json()["next_cursor"]
    assert cursor

    elsewhere = [
        ("/tickets", kadis, {"box": "decided"}),
        ("/tickets", kadis, {"box": "pending", "permit_type": "WIUP"}),
        ("/notifications", kadis, {}),
        ("/tickets", stack.login("kabid@esdm.demo"), {"box": "pending"}),
    ]
    for path, token, params in elsewhere:
        response = stack.api("GET", path, token, params={**params, "cursor": cursor})
        assert (response.status_code, response.json()["code"]) == (400, "INVALID_CURSOR"), path
    again = stack.api("GET", "/tickets", kadis, params={"box": "pending", "cursor": cursor})
    assert again.status_code == 200
