"""Administrators manage accounts through the API (the CLI calls the same code)."""

from __future__ import annotations

import uuid

from tests.stack import RunningStack


def _email() -> str:
    return f"baru-{uuid.uuid4().hex[:8]}@contoh.go.id"


def test_account_with_temporary_password_must_set_a_new_one_at_first_login(
    stack: RunningStack,
) -> None:
    admin = stack.login("admin@demo.local")
    email = _email()
    created = stack.api(
        "POST",
        "/admin/users",
        admin,
        json={"email": email, "name": "Kepala Bidang Baru", "roles": ["KEPALA_BIDANG"]},
    )
    assert created.status_code == 201, created.text
    temporary = created.json()["temporary_password"]

    first = stack.api("POST", "/auth/login", json={"email": email, "password": temporary})
    assert first.status_code == 403
    assert first.json()["code"] == "NEW_PASSWORD_REQUIRED"

    second = stack.api(
        "POST",
        "/auth/login",
        json={"email": email, "password": temporary, "new_password": "Tetap#2026xy"},
    )
    assert second.status_code == 200, second.text
    assert second.json()["user"]["roles"] == ["KEPALA_BIDANG"]
    third = stack.api("POST", "/auth/login", json={"email": email, "password": "Tetap#2026xy"})
    assert third.status_code == 200


def test_cabang_dinas_needs_a_region(stack: RunningStack) -> None:
    response = stack.api(
        "POST",
        "/admin/users",
        stack.login("admin@demo.local"),
        json={"email": _email(), "name": "Cabdin", "roles": ["CABANG_DINAS"]},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "region"


def test_duplicate_account_gets_409(stack: RunningStack) -> None:
    response = stack.api(
        "POST",
        "/admin/users",
        stack.login("admin@demo.local"),
        json={"email": "KADIS@esdm.demo", "name": "Lagi", "roles": ["KEPALA_DINAS"]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "USER_EXISTS"


def test_unknown_role_gets_400(stack: RunningStack) -> None:
    response = stack.api(
        "POST",
        "/admin/users",
        stack.login("admin@demo.local"),
        json={"email": _email(), "name": "X", "roles": ["BUPATI"]},
    )
    assert response.status_code == 400
    assert response.json()["field"].startswith("roles")


def test_list_by_role_shows_each_region(stack: RunningStack) -> None:
    response = stack.api(
        "GET", "/admin/users", stack.login("admin@demo.local"), params={"role": "CABANG_DINAS"}
    )
    assert response.status_code == 200
    regions = {u["email"]: u["region"] for u in response.json()["items"]}
    assert regions["cabdin.semarang@esdm.demo"] == "SEMARANG DEMAK"
    assert regions["cabdin.kendeng@esdm.demo"] == "KENDENG MURIA"
    assert all("CABANG_DINAS" in u["roles"] for u in response.json()["items"])


def test_roles_region_and_disabling_take_effect_at_next_login(stack: RunningStack) -> None:
    admin = stack.login("admin@demo.local")
    email = stack.new_user(["KEPALA_BIDANG"])

    changed = stack.api(
        "PATCH",
        f"/admin/users/{email}",
        admin,
        json={"roles": ["CABANG_DINAS"], "region": "kendeng muria"},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["roles"], changed.json()["region"]) == (
        ["CABANG_DINAS"],
        "KENDENG MURIA",
    )
    login = stack.api("POST", "/auth/login", json={"email": email, "password": "Rahasia#2026a"})
    assert login.json()["user"]["roles"] == ["CABANG_DINAS"]

    refused = stack.api("PATCH", f"/admin/users/{email}", admin, json={"region": None})
    assert refused.status_code == 422
    assert (
        stack.api("GET", "/admin/users", admin, params={"role": "CABANG_DINAS"}).json()["count"]
        >= 3
    )

    disabled = stack.api("PATCH", f"/admin/users/{email}", admin, json={"enabled": False})
    assert disabled.json()["enabled"] is False
    login = stack.api("POST", "/auth/login", json={"email": email, "password": "Rahasia#2026a"})
    assert login.status_code == 401
    assert login.json()["code"] == "ACCOUNT_DISABLED"


def test_unknown_user_gets_404(stack: RunningStack) -> None:
    response = stack.api(
        "PATCH",
        "/admin/users/tidak-ada@contoh.go.id",
        stack.login("admin@demo.local"),
        json={"enabled": False},
    )
    assert response.status_code == 404
