"""The accounts of the test-only agency `uji-kota` (tests/fixtures/declarations/), with the
demo password: its administrator is created in Cognito as the seed creates the demo
accounts (no administrator of another agency may create it); it then creates its officials
through the admin API, once per stack."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from chalicelib.adapters.users import UserDirectory
from local.client import ApiClient
from tests.stack import DEMO_PASSWORD, RunningStack

AGENCY = "uji-kota"
PETUGAS, KEPALA = "PETUGAS_UJI", "KEPALA_UJI"


@dataclass(frozen=True)
class UjiAccounts:
    admin: str
    petugas: str
    kepala: str


_ACCOUNTS: dict[int, UjiAccounts] = {}


def _email(what: str) -> str:
    return f"{what}-{uuid.uuid4().hex[:8]}@uji-kota.contoh.go.id"


def uji_admin(stack: RunningStack) -> str:
    """An administrator of the test agency, created straight in the user pool."""
    email = _email("admin")
    directory = UserDirectory(
        stack.boto3_client("cognito-idp"),
        stack.env["USER_POOL_ID"],
        stack.env["USER_POOL_CLIENT_ID"],
    )
    directory.create(email, "Administrator Uji", ["ADMIN"], agency=AGENCY, password=DEMO_PASSWORD)
    return email


def uji_official(stack: RunningStack, admin: str, role: str) -> str:
    """An official of the test agency, created by its administrator through the admin API."""
    email = _email(role.lower().replace("_", "-"))
    body = {
        "email": email,
        "name": f"Pejabat {role.replace('_', ' ').title()}",
        "roles": [role],
        "agency": AGENCY,
        "password": DEMO_PASSWORD,
    }
    response = stack.api("POST", "/admin/users", stack.login(admin), json=body)
    assert response.status_code == 201, response.text
    assert response.json()["user"]["agency"] == AGENCY
    return email


def uji_accounts(stack: RunningStack) -> UjiAccounts:
    """The test agency's admin, Petugas Uji and Kepala Uji: created once per stack."""
    if id(stack) not in _ACCOUNTS:
        admin = uji_admin(stack)
        _ACCOUNTS[id(stack)] = UjiAccounts(
            admin, uji_official(stack, admin, PETUGAS), uji_official(stack, admin, KEPALA)
        )
    return _ACCOUNTS[id(stack)]


def client(stack: RunningStack) -> ApiClient:
    """The stack's client (the test agency's accounts share the demo password)."""
    uji_accounts(stack)
    return stack.client
