"""PTSP sends applications: signed, validated, idempotent, nothing half-created."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from chalicelib.adapters.signatures import sign
from local.client import application
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"


def fresh_no() -> str:
    return f"P{uuid.uuid4().hex[:10].upper()}"


def executions_named(stack: RunningStack, ticket_no: str) -> list[dict]:
    sfn = stack.boto3_client("stepfunctions")
    arn = stack.env["STATE_MACHINE_ARN_PREFIX"] + "andesit"
    found = sfn.list_executions(stateMachineArn=arn)["executions"]
    return [e for e in found if e["name"] == ticket_no]


def test_the_same_webhook_again_returns_the_ticket_and_starts_nothing_new(
    stack: RunningStack,
) -> None:
    no = fresh_no()
    body = application(no, "Aceng Sudegdo")

    first = stack.client.send_application(body, webhook_id="msg_ulang_" + no)
    again = stack.client.send_application(body, webhook_id="msg_ulang_" + no)
    other_id = stack.client.send_application(body, webhook_id="msg_lain_" + no)

    assert first.status_code == 201 and first.json()["created"] is True
    assert again.status_code == 200 and again.json()["created"] is False
    assert other_id.status_code == 200 and other_id.json()["ticket"]["ticket_no"] == no
    assert len(executions_named(stack, no)) == 1
    stack.client.wait_for_step(no, KADIS, "A1")
    track = stack.client.ok("GET", f"/tickets/{no}/track", KADIS)["items"]
    assert [t["kind"] for t in track] == ["ARRIVAL", "WAITING"]


def test_simultaneous_copies_of_one_application_create_one_ticket(stack: RunningStack) -> None:
    from concurrent.futures import ThreadPoolExecutor

    no = fresh_no()
    body = application(no, "Dewi Lestari")

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(
            pool.map(lambda i: stack.client.send_application(body, f"msg_{i}_{no}"), range(6))
        )

    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1, [a.text for a in answers]
    assert all(c in (200, 201, 409) for c in codes)
    assert len(executions_named(stack, no)) == 1


def _post(stack: RunningStack, body: str, headers: dict) -> requests.Response:
    return requests.post(
        f"{stack.url}api/ptsp/applications", data=body, headers=headers, timeout=30
    )


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        (lambda h, b: ({**h, "webhook-signature": "v1,AAAA"}, b), "SIGNATURE_INVALID"),
        (lambda h, b: (h, b.replace("Aceng", "Acang")), "SIGNATURE_INVALID"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "webhook-id"}, b), "SIGNATURE_MISSING"),
        (lambda h, b: ({}, b), "SIGNATURE_MISSING"),
    ],
    ids=["bad-signature", "tampered-body", "no-id", "unsigned"],
)
def test_unsigned_or_tampered_applications_are_401(stack: RunningStack, tamper, code: str) -> None:
    no = fresh_no()
    body = json.dumps(application(no, "Aceng Sudegdo"))
    headers, body = tamper(sign(stack.env["PTSP_WEBHOOK_SECRET"], f"msg_{no}", body), body)

    response = _post(stack, body, headers)

    assert response.status_code == 401
    assert response.json()["code"] == code
    assert stack.client.call("GET", f"/tickets/{no}", KADIS).status_code == 404


def test_a_signature_older_than_five_minutes_is_refused(stack: RunningStack) -> None:
    no = fresh_no()

    response = stack.client.send_application(application(no, "A"), at=time.time() - 301)

    assert response.status_code == 401
    assert response.json()["code"] == "SIGNATURE_EXPIRED"


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"permit_type": "IUP_EMAS"}, 400, "VALIDATION_ERROR", "permit_type"),
        ({"applicant": {"company": "CV Tanpa Nama"}}, 400, "VALIDATION_ERROR", "applicant.name"),
        ({"submitted_at": "14-03-2019"}, 400, "VALIDATION_ERROR", "submitted_at"),
        (
            {
                "location": {
                    "type": "Polygon",
                    "coordinates": [[[110.4, -7.0], [110.5, -7.0], [110.5, -7.1], [110.4, -7.1]]],
                }
            },
            422,
            "INVALID_LOCATION",
            "location.coordinates[0]",
        ),
        (
            {"location": {"type": "Point", "coordinates": [110.4, -97.0]}},
            422,
            "INVALID_LOCATION",
            "location.coordinates[1]",
        ),
    ],
    ids=["permit-type", "no-name", "date-format", "open-ring", "latitude"],
)
def test_invalid_applications_are_refused_and_nothing_is_created(
    stack: RunningStack, change: dict, status: int, code: str, field: str
) -> None:
    no = fresh_no()

    response = stack.client.send_application({**application(no, "Aceng Sudegdo"), **change})

    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert response.json()["field"] == field
    assert stack.client.call("GET", f"/tickets/{no}", KADIS).status_code == 404
    assert executions_named(stack, no) == []


def test_not_json_is_400_after_a_valid_signature(stack: RunningStack) -> None:
    body = "{bukan json"
    response = _post(stack, body, sign(stack.env["PTSP_WEBHOOK_SECRET"], "msg_x", body))

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_JSON"


# --- limits: what can never be stored is refused at once, naming the limit ----------------


def _ring(vertices: int) -> dict:
    """A closed polygon of `vertices` points (valid, just very detailed), written compactly."""
    ring = [[110 + i % 2, -7] for i in range(vertices - 1)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _send_compact(stack: RunningStack, application_body: dict) -> requests.Response:
    body = json.dumps(application_body, separators=(",", ":"))
    no = application_body["ticket_no"]
    return _post(stack, body, sign(stack.env["PTSP_WEBHOOK_SECRET"], f"msg_{no}", body))


@pytest.mark.parametrize(
    "location",
    [
        {"type": "Point", "coordinates": [110.4, -7.0], "catatan": "x" * 450_000},
        _ring(100_000),
    ],
    ids=["450KB-foreign-member", "100k-vertices"],
)
def test_a_body_over_the_size_limit_is_413_naming_the_limit(
    stack: RunningStack, location: dict
) -> None:
    # GIVEN an application far too big to ever be stored
    no = fresh_no()

    # WHEN PTSP sends it, signed
    response = _send_compact(stack, {**application(no, "Aceng"), "location": location})

    # THEN it is refused with 413 naming the limit (PTSP must not retry it), nothing created
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["code"] == "PAYLOAD_TOO_LARGE"
    assert "256 KB" in body["message"]
    assert stack.client.call("GET", f"/tickets/{no}", KADIS).status_code == 404


def test_a_polygon_with_too_many_vertices_is_422_naming_the_limit(stack: RunningStack) -> None:
    # GIVEN a 20,000-vertex polygon written compactly enough to pass the size limit
    no = fresh_no()

    # WHEN PTSP sends it
    response = _send_compact(stack, {**application(no, "Aceng"), "location": _ring(20_000)})

    # THEN it is refused with 422 naming the vertex limit, nothing created
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "LOCATION_TOO_DETAILED"
    assert body["field"] == "location.coordinates"
    assert "5.000 titik" in body["message"] and "20.000" in body["message"]
    assert stack.client.call("GET", f"/tickets/{no}", KADIS).status_code == 404


def test_foreign_members_of_the_location_are_dropped(stack: RunningStack) -> None:
    # GIVEN a location with members GeoJSON does not define (RFC 7946 "foreign members")
    no = fresh_no()
    location = {
        "type": "Point",
        "coordinates": [110.4, -7.0],
        "properties": {"sumber": "SIAP Jateng"},
        "crs": {"type": "name"},
    }

    # WHEN PTSP sends it
    response = stack.client.send_application({**application(no, "Aceng"), "location": location})

    # THEN the ticket is created and its map holds the geometry only
    assert response.status_code == 201, response.text
    geometry = stack.client.ok("GET", f"/tickets/{no}/map", KADIS)["geometry"]
    assert geometry == {"type": "Point", "coordinates": [110.4, -7.0]}


def test_the_most_detailed_location_allowed_is_stored(stack: RunningStack) -> None:
    # GIVEN a polygon of exactly 5,000 vertices at full double precision
    no = fresh_no()
    ring = [
        [110.12345678901234 + i * 1e-7, -7.123456789012345 - (i % 2) * 1e-7] for i in range(4999)
    ]
    location = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    # WHEN PTSP sends it
    response = _send_compact(stack, {**application(no, "Aceng"), "location": location})

    # THEN the ticket exists with every vertex
    assert response.status_code == 201, response.text
    geometry = stack.client.ok("GET", f"/tickets/{no}/map", KADIS)["geometry"]
    assert len(geometry["coordinates"][0]) == 5000
