"""The signed-in user changes their own profile and password."""

from __future__ import annotations

import pytest

from tests.stack import RunningStack


def test_profile_change_is_kept(stack: RunningStack) -> None:
    email = stack.new_user(["KEPALA_BIDANG"])
    token = stack.login(email, "Rahasia#2026a")

    response = stack.api(
        "PATCH", "/me", token, json={"name": "  Budi   Santoso ", "phone": "+6281311112222"}
    )

    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Budi Santoso"
    me = stack.api("GET", "/me", token).json()
    assert (me["name"], me["phone"]) == ("Budi Santoso", "+6281311112222")

    cleared = stack.api("PATCH", "/me", token, json={"phone": None})
    assert cleared.json()["phone"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"phone": "0813-1111"}, "phone"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"email": "lain@contoh.go.id"}, "email"),
        ({"roles": ["ADMIN"]}, "roles"),
    ],
)
def test_bad_profile_changes_get_400_and_change_nothing(
    stack: RunningStack, body: dict, field: str
) -> None:
    token = stack.login("kabid@esdm.demo")
    before = stack.api("GET", "/me", token).json()

    response = stack.api("PATCH", "/me", token, json=body)

    assert response.status_code == 400
    assert response.json()["field"] == field
    assert stack.api("GET", "/me", token).json() == before


def test_empty_profile_change_gets_400(stack: RunningStack) -> None:
    response = stack.api("PATCH", "/me", stack.login("kabid@esdm.demo"), json={})
    assert response.status_code == 400


def test_password_change_replaces_the_old_password(stack: RunningStack) -> None:
    email = stack.new_user(["CABANG_DINAS"], region="Semarang  demak")
    token = stack.login(email, "Rahasia#2026a")

    response = stack.api(
        "POST",
        "/me/password",
        token,
        json={"old_password": "Rahasia#2026a", "new_password": "Baru#2026bb"},
    )

    assert response.status_code == 200, response.text
    old = stack.api("POST", "/auth/login", json={"email": email, "password": "Rahasia#2026a"})
    assert old.status_code == 401
    new = stack.api("POST", "/auth/login", json={"email": email, "password": "Baru#2026bb"})
    assert new.status_code == 200
    assert new.json()["user"]["region"] == "SEMARANG DEMAK"


@pytest.mark.parametrize(
    "body, status, code, field",
    [
        (
            {"old_password": "Salah#2026a", "new_password": "Baru#2026bb"},
            400,
            "WRONG_PASSWORD",
            "old_password",
        ),
        (
            {"old_password": "Rahasia#2026a", "new_password": "lemahsekali"},
            422,
            "WEAK_PASSWORD",
            "new_password",
        ),
        (
            {"old_password": "Rahasia#2026a", "new_password": "Rahasia#2026a"},
            422,
            "SAME_PASSWORD",
            "new_password",
        ),
        (
            {"old_password": "Rahasia#2026a", "new_password": "Ab#1"},
            400,
            "VALIDATION_ERROR",
            "new_password",
        ),
        ({"new_password": "Baru#2026bb"}, 400, "VALIDATION_ERROR", "old_password"),
    ],
)
def test_refused_password_changes_keep_the_old_password(
    stack: RunningStack, body: dict, status: int, code: str, field: str
) -> None:
    email = stack.new_user(["KEPALA_DINAS"])
    token = stack.login(email, "Rahasia#2026a")

    response = stack.api("POST", "/me/password", token, json=body)

    assert response.status_code == status  # 422: well-formed, but the rule says no
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    again = stack.api("POST", "/auth/login", json={"email": email, "password": "Rahasia#2026a"})
    assert again.status_code == 200


def test_name_with_phone_removal_applies_whole_when_there_is_no_phone(
    stack: RunningStack,
) -> None:
    # GIVEN an official without a phone number
    email = stack.new_user(["KEPALA_BIDANG"])
    token = stack.login(email, "Rahasia#2026a")
    assert stack.api("GET", "/me", token).json()["phone"] is None

    # WHEN they save the profile form: new name, phone left empty
    response = stack.api("PATCH", "/me", token, json={"name": "Nama Baru", "phone": None})

    # THEN it is saved as a whole
    assert response.status_code == 200, response.text
    me = stack.api("GET", "/me", token).json()
    assert (me["name"], me["phone"]) == ("Nama Baru", None)


def test_refused_profile_change_leaves_the_name_as_it_was(stack: RunningStack) -> None:
    email = stack.new_user(["KEPALA_BIDANG"])
    token = stack.login(email, "Rahasia#2026a")
    before = stack.api("GET", "/me", token).json()

    response = stack.api("PATCH", "/me", token, json={"name": "Nama Lain", "phone": "0812"})

    assert response.status_code == 400
    assert stack.api("GET", "/me", token).json() == before
