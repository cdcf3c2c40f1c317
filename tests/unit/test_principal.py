"""The verified caller, read from Cognito token claims."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.auth.principal import Principal
from chalicelib.errors import AppError, Forbidden

SUB = "6c1f0e3a-1111-2222-3333-444455556666"


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": SUB, **extra}


def test_claims_map_to_a_principal() -> None:
    who = Principal.from_claims(
        claims(
            email="Siti.Rahma@DPMPTSP.go.id",
            **{
                "cognito:username": "ignored-when-email-present",
                "cognito:groups": ["CABANG_DINAS", "PEMERIKSA"],
                "custom:region": "Semarang",
                "custom:agency": "ESDM",
            },
        )
    )

    assert who == Principal(
        email="siti.rahma@dpmptsp.go.id",
        subject=SUB,
        roles=frozenset({"CABANG_DINAS", "PEMERIKSA"}),
        region="Semarang",
        agency="ESDM",
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"cognito:username": "Budi@ESDM.go.id"}, "budi@esdm.go.id"),
        ({"email": "", "cognito:username": "Budi@ESDM.go.id"}, "budi@esdm.go.id"),
        ({"email": None, "cognito:username": "budi@esdm.go.id"}, "budi@esdm.go.id"),
        ({}, ""),
    ],
    ids=["username-only", "empty-email", "null-email", "neither"],
)
def test_email_falls_back_to_the_username(extra: dict[str, Any], expected: str) -> None:
    assert Principal.from_claims(claims(**extra)).email == expected


@pytest.mark.parametrize(
    "extra", [{}, {"cognito:groups": None}, {"cognito:groups": []}], ids=["absent", "null", "empty"]
)
def test_no_groups_means_no_roles(extra: dict[str, Any]) -> None:
    who = Principal.from_claims(claims(email="a@b.go.id", **extra))

    assert who.roles == frozenset()
    assert not who.has_any("ADMIN", "PEMOHON")


def test_empty_region_and_agency_read_as_none() -> None:
    who = Principal.from_claims(claims(**{"custom:region": "", "custom:agency": ""}))

    assert who.region is None
    assert who.agency is None


def test_missing_region_and_agency_read_as_none() -> None:
    who = Principal.from_claims(claims(email="a@b.go.id"))

    assert who.region is None
    assert who.agency is None


def test_require_passes_when_one_role_matches() -> None:
    who = Principal.from_claims(claims(**{"cognito:groups": ["PEMOHON", "ADMIN"]}))

    who.require("KEPALA_DINAS", "ADMIN")
    assert who.has_any("ADMIN")


@pytest.mark.parametrize(
    "groups", [[], ["PEMOHON"], ["admin"]], ids=["no-roles", "other-role", "wrong-case"]
)
def test_require_forbids_when_no_role_matches(groups: list[str]) -> None:
    who = Principal.from_claims(claims(**{"cognito:groups": groups}))

    with pytest.raises(Forbidden) as caught:
        who.require("ADMIN", "KEPALA_DINAS")

    error = caught.value
    assert isinstance(error, AppError)
    assert error.status == 403
    assert error.code == "ROLE_NOT_ALLOWED"
    assert error.body() == {
        "code": "ROLE_NOT_ALLOWED",
        "message": "Peran Anda tidak berwenang untuk tindakan ini.",
    }


def test_require_with_no_roles_listed_forbids_everyone() -> None:
    who = Principal.from_claims(claims(**{"cognito:groups": ["ADMIN"]}))

    with pytest.raises(Forbidden):
        who.require()
