"""A change of an account (disabled, moved to another role or region) takes effect at once.

The ID token keeps its roles and region for its whole life; the server must not let an old
token keep deciding or uploading after the administrator changed the account.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests

from local.client import application
from tests.stack import RunningStack

PASSWORD = "Rahasia#2026a"
REVOKED = {
    "code": "SESSION_REVOKED",
    "message": "Sesi Anda tidak berlaku lagi karena akun Anda diubah; silakan masuk kembali.",
}
EXPIRED = {"code": "SESSION_EXPIRED", "message": "Sesi berakhir; silakan masuk kembali."}
# A decision that is well-formed but never the step waiting (so nothing can change).
NO_SUCH_STEP = {"step": "BUKAN_LANGKAH", "action": "SETUJUI", "checked": True}
UPLOAD = {"kind": "REKOMTEK", "filename": "rekomtek.pdf", "content_type": "application/pdf"}


def _login(stack: RunningStack, email: str) -> dict[str, Any]:
    response = stack.api("POST", "/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def _state_changing_calls(stack: RunningStack, token: str) -> list[requests.Response]:
    return [
        stack.api("POST", "/tickets/27422/decision", token, json=NO_SUCH_STEP),
        stack.api("POST", "/tickets/27422/documents", token, json=UPLOAD),
        stack.api("PATCH", "/me", token, json={"name": "Masih Bisa?"}),
        stack.api("POST", "/notifications/read-all", token),
    ]


def test_a_disabled_officials_old_token_can_no_longer_act(stack: RunningStack) -> None:
    # GIVEN a Cabang Dinas of Semarang, logged in
    email = stack.new_user(["CABANG_DINAS"], region="SEMARANG DEMAK", password=PASSWORD)
    token = _login(stack, email)["token"]
    # WHEN the administrator disables the account
    admin = stack.login("admin@demo.local")
    disabled = stack.api("PATCH", f"/admin/users/{email}", admin, json={"enabled": False})
    assert disabled.status_code == 200, disabled.text

    # THEN the token still in the browser decides, uploads and writes nothing
    for response in _state_changing_calls(stack, token):
        assert response.status_code == 401, response.request.url
        assert response.json() == REVOKED
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_decision_the_old_token_would_have_won_is_refused_and_nothing_changes(
    stack: RunningStack,
) -> None:
    # GIVEN a ticket waiting for Kepala Dinas, and a Kepala Dinas logged in
    no = f"S{uuid.uuid4().hex[:10].upper()}"
    assert stack.client.send_application(application(no, "Sesi Lama")).status_code == 201
    waiting = stack.client.wait_for_step(no, "kadis@esdm.demo", "A1")
    track = _entries(stack, no)
    email = stack.new_user(["KEPALA_DINAS"], password=PASSWORD)
    token = _login(stack, email)["token"]
    # WHEN the administrator moves the account to another role, and the old token decides
    admin = stack.login("admin@demo.local")
    moved = stack.api("PATCH", f"/admin/users/{email}", admin, json={"roles": ["KEPALA_BIDANG"]})
    assert moved.status_code == 200, moved.text
    body = {"step": "A1", "action": "TERIMA", "checked": True}
    response = stack.api("POST", f"/tickets/{no}/decision", token, json=body)

    # THEN it is refused, and the step still waits as it did
    assert (response.status_code, response.json()) == (401, REVOKED)
    after = stack.client.ok("GET", f"/tickets/{no}", "kadis@esdm.demo")
    assert (after["status"], after["pending"]) == (waiting["status"], waiting["pending"])
    assert after["last_decision"] is None
    assert _entries(stack, no) == track
    # ... and once moved back and logged in again, the same official decides it
    back = stack.api("PATCH", f"/admin/users/{email}", admin, json={"roles": ["KEPALA_DINAS"]})
    assert back.status_code == 200, back.text
    again = stack.api("POST", f"/tickets/{no}/decision", _login(stack, email)["token"], json=body)
    assert again.status_code == 200, again.text
    assert again.json()["last_decision"]["action"] == "TERIMA"


def _entries(stack: RunningStack, no: str) -> list[tuple[str, str, str]]:
    items = stack.client.ok("GET", f"/tickets/{no}/track", "kadis@esdm.demo")["items"]
    return [(i["kind"], i["step"], i["status"]) for i in items]


def test_an_official_moved_to_another_role_and_region_must_log_in_again(
    stack: RunningStack,
) -> None:
    email = stack.new_user(["CABANG_DINAS"], region="SEMARANG DEMAK", password=PASSWORD)
    old = _login(stack, email)["token"]
    admin = stack.login("admin@demo.local")

    moved = stack.api(
        "PATCH",
        f"/admin/users/{email}",
        admin,
        json={"roles": ["KEPALA_BIDANG"], "region": None},
    )
    assert moved.status_code == 200, moved.text

    for response in _state_changing_calls(stack, old):
        assert (response.status_code, response.json()) == (401, REVOKED)
    new = _login(stack, email)
    assert new["user"]["roles"] == ["KEPALA_BIDANG"]
    assert stack.api("PATCH", "/me", new["token"], json={"name": "Kabid Baru"}).status_code == 200
    refused = stack.api("POST", "/tickets/27422/documents", new["token"], json=UPLOAD)
    assert refused.json()["code"] != "SESSION_REVOKED"


def test_a_change_revokes_the_refresh_token_too(stack: RunningStack) -> None:
    email = stack.new_user(["KEPALA_BIDANG"], password=PASSWORD)
    session = _login(stack, email)
    admin = stack.login("admin@demo.local")

    stack.api("PATCH", f"/admin/users/{email}", admin, json={"roles": ["KEPALA_DINAS"]})

    response = stack.api("POST", "/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert (response.status_code, response.json()) == (401, EXPIRED)


def test_an_unchanged_account_keeps_working(stack: RunningStack) -> None:
    email = stack.new_user(["KEPALA_BIDANG"], password=PASSWORD)
    token = _login(stack, email)["token"]
    other = stack.new_user(["KEPALA_BIDANG"], password=PASSWORD)
    admin = stack.login("admin@demo.local")

    stack.api("PATCH", f"/admin/users/{other}", admin, json={"enabled": False})

    assert stack.api("PATCH", "/me", token, json={"name": "Tetap Aktif"}).status_code == 200
