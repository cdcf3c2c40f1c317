"""Login and token checks against the emulated Cognito, over HTTP."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import jwt
import moto
import pytest

from local.seed import demo_users
from tests.stack import DEMO_PASSWORD, RunningStack

DEMO = demo_users()


@pytest.mark.parametrize("user", DEMO, ids=[u["email"] for u in DEMO])
def test_every_demo_account_logs_in_with_its_roles_and_region(
    stack: RunningStack, user: dict
) -> None:
    response = stack.api(
        "POST", "/auth/login", json={"email": user["email"], "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["user"]["email"] == user["email"]
    assert body["user"]["roles"] == user["roles"]
    assert body["user"]["region"] == user.get("region")
    me = stack.api("GET", "/me", body["token"])
    assert me.status_code == 200
    assert me.json()["name"] == user["name"]


def test_login_ignores_email_case_and_spaces(stack: RunningStack) -> None:
    response = stack.api(
        "POST", "/auth/login", json={"email": "  KaBid@ESDM.demo ", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "kabid@esdm.demo"


@pytest.mark.parametrize("email", ["kadis@esdm.demo", "tidak-ada@esdm.demo"])
def test_wrong_password_and_unknown_user_get_the_same_401(stack: RunningStack, email: str) -> None:
    response = stack.api("POST", "/auth/login", json={"email": email, "password": "Salah#1234"})
    assert response.status_code == 401
    assert response.json() == {
        "code": "WRONG_CREDENTIALS",
        "message": "Email atau password salah.",
    }


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": "x"}, "email"),
        ({"email": "kadis@esdm.demo"}, "password"),
        ({"email": "bukan-email", "password": "x"}, "email"),
        ({"email": 42, "password": "x"}, "email"),
        ({"email": "kadis@esdm.demo", "password": "x", "role": "ADMIN"}, "role"),
    ],
)
def test_bad_login_bodies_get_400_naming_the_field(
    stack: RunningStack, body: dict, field: str
) -> None:
    response = stack.api("POST", "/auth/login", json=body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert f"'{field}'" in response.json()["message"]


@pytest.mark.parametrize("raw", ["", "{", "[1, 2", "null"])
def test_malformed_json_gets_400(stack: RunningStack, raw: str) -> None:
    response = stack.api(
        "POST", "/auth/login", data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"code", "message"}


def _moto_signing_key() -> object:
    """moto signs every pool's tokens with this key, shipped in the package."""
    path = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-private.json.gz"
    return jwt.algorithms.RSAAlgorithm.from_jwk(gzip.decompress(path.read_bytes()).decode())


def _claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.parametrize(
    "change, code",
    [
        ({"exp": int(time.time()) - 120}, "TOKEN_EXPIRED"),
        ({"aud": "another-app-client"}, "INVALID_TOKEN"),
        ({"iss": "https://cognito-idp.ap-southeast-3.amazonaws.com/other-pool"}, "INVALID_TOKEN"),
        ({"token_use": "access"}, "INVALID_TOKEN"),
    ],
)
def test_tokens_signed_by_the_pool_key_but_wrong_claims_get_401(
    stack: RunningStack, change: dict, code: str
) -> None:
    claims = {**_claims_of(stack.login("kadis@esdm.demo")), **change}
    forged = jwt.encode(claims, _moto_signing_key(), algorithm="RS256", headers={"kid": "dummy"})

    response = stack.api("GET", "/me", forged)

    assert response.status_code == 401
    assert response.json()["code"] == code


def test_tampered_token_gets_401(stack: RunningStack) -> None:
    header, payload, signature = stack.login("kabid@esdm.demo").split(".")
    claims = _claims_of(stack.login("kabid@esdm.demo"))
    claims["cognito:groups"] = ["ADMIN"]
    payload = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()

    response = stack.api("GET", "/admin/users", f"{header}.{payload}.{signature}")

    assert response.status_code == 401
    assert response.json()["code"] == "INVALID_TOKEN"


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Basic abc", "Bearer not.a.jwt"])
def test_missing_or_malformed_authorization_gets_401(
    stack: RunningStack, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = stack.api("GET", "/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json()["message"]


@pytest.mark.parametrize(
    "email", ["kadis@esdm.demo", "kabid@esdm.demo", "cabdin.semarang@esdm.demo"]
)
def test_admin_routes_refuse_other_roles_with_403(stack: RunningStack, email: str) -> None:
    token = stack.login(email)
    assert stack.api("GET", "/admin/users", token).status_code == 403
    created = stack.api(
        "POST",
        "/admin/users",
        token,
        json={"email": "x@contoh.go.id", "name": "X", "roles": ["ADMIN"]},
    )
    assert created.status_code == 403
    assert created.json()["code"] == "ROLE_NOT_ALLOWED"


def test_a_session_renews_with_the_refresh_token(stack: RunningStack) -> None:
    login = stack.api(
        "POST", "/auth/login", json={"email": "kabid@esdm.demo", "password": DEMO_PASSWORD}
    ).json()
    assert login["refresh_token"]

    response = stack.api("POST", "/auth/refresh", json={"refresh_token": login["refresh_token"]})

    assert response.status_code == 200, response.text
    renewed = response.json()
    assert set(renewed) == {"token", "token_type", "expires_in"}
    assert renewed["token_type"] == "Bearer"
    assert isinstance(renewed["expires_in"], int) and renewed["expires_in"] > 0
    me = stack.api("GET", "/me", renewed["token"])
    assert me.status_code == 200
    assert me.json()["email"] == "kabid@esdm.demo"


@pytest.mark.parametrize(
    "refresh_token",
    ["6f1c0f3e-0000-4000-8000-000000000000", "bukan-token", "eyJhbGciOiJub25lIn0.e30."],
)
def test_an_unknown_refresh_token_ends_the_session(stack: RunningStack, refresh_token: str) -> None:
    response = stack.api("POST", "/auth/refresh", json={"refresh_token": refresh_token})

    assert response.status_code == 401
    assert response.json() == {
        "code": "SESSION_EXPIRED",
        "message": "Sesi berakhir; silakan masuk kembali.",
    }


@pytest.mark.parametrize("body", [{}, {"refresh_token": ""}, {"refresh_token": 5}, {"token": "x"}])
def test_bad_refresh_bodies_get_400(stack: RunningStack, body: dict) -> None:
    response = stack.api("POST", "/auth/refresh", json=body)

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
