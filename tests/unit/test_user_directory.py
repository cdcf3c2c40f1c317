"""Account rules of the user directory, against moto's Cognito in-process (no stack)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from chalicelib.adapters.users import UserDirectory
from chalicelib.auth.roles import ROLES
from chalicelib.errors import BadRequest, Conflict, Unauthorized

PASSWORD = "Rahasia#2026a"


@pytest.fixture
def directory() -> Iterator[tuple[UserDirectory, list[str]]]:
    """A pool shaped like infra's, and the e-mails `on_changed` was told about."""
    with mock_aws():
        idp = boto3.client("cognito-idp", region_name="ap-southeast-3")
        pool = idp.create_user_pool(
            PoolName="uji",
            Schema=[
                {"Name": "region", "AttributeDataType": "String", "Mutable": True},
                {"Name": "agency", "AttributeDataType": "String", "Mutable": True},
            ],
        )["UserPool"]["Id"]
        client = idp.create_user_pool_client(
            UserPoolId=pool,
            ClientName="konsol",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        for role in ROLES:
            idp.create_group(UserPoolId=pool, GroupName=role)
        changed: list[str] = []
        yield UserDirectory(idp, pool, client, on_changed=changed.append), changed


def _user(directory: UserDirectory, email: str, roles: list[str], **extra: Any) -> str:
    directory.create(email, "Pengguna Uji", roles, password=PASSWORD, **extra)
    return email


def test_the_last_enabled_administrator_cannot_be_disabled_or_demoted(
    directory: tuple[UserDirectory, list[str]],
) -> None:
    users, changed = directory
    admin = _user(users, "admin@contoh.go.id", ["ADMIN"])
    other = _user(users, "admin2@contoh.go.id", ["ADMIN"])
    users.update(other, {"enabled": False})  # a disabled administrator does not count

    for change in ({"enabled": False}, {"roles": ["KEPALA_DINAS"]}):
        with pytest.raises(Conflict) as refused:
            users.update(admin, change)
        assert refused.value.code == "LAST_ADMIN"
        assert "administrator aktif terakhir" in refused.value.message

    after = users.get(admin)
    assert (after.enabled, after.roles) == (True, ["ADMIN"])
    assert set(changed) == {other}


def test_an_administrator_may_go_while_another_stays(
    directory: tuple[UserDirectory, list[str]],
) -> None:
    users, changed = directory
    admin = _user(users, "admin@contoh.go.id", ["ADMIN"])
    _user(users, "admin2@contoh.go.id", ["ADMIN"])

    demoted = users.update(admin, {"roles": ["KEPALA_DINAS"]})

    assert demoted.roles == ["KEPALA_DINAS"]
    assert set(changed) == {admin}


def test_every_change_signs_the_user_out_and_is_reported(
    directory: tuple[UserDirectory, list[str]],
) -> None:
    users, changed = directory
    email = _user(users, "cabdin@contoh.go.id", ["CABANG_DINAS"], region="SEMARANG DEMAK")
    session = users.login(email, PASSWORD)
    assert session.refresh_token
    assert users.refresh(session.refresh_token).token

    users.update(email, {"region": "Kendeng  Muria"})

    assert set(changed) == {email}
    with pytest.raises(Unauthorized) as expired:
        users.refresh(session.refresh_token)
    assert expired.value.code == "SESSION_EXPIRED"


def test_a_change_to_the_same_state_changes_nothing(
    directory: tuple[UserDirectory, list[str]],
) -> None:
    users, changed = directory
    email = _user(users, "kabid@contoh.go.id", ["KEPALA_BIDANG"])
    session = users.login(email, PASSWORD)

    users.update(email, {"roles": ["KEPALA_BIDANG"], "enabled": True})

    assert changed == []
    assert users.refresh(session.refresh_token or "").token


def test_a_profile_change_that_fails_halfway_is_undone(
    directory: tuple[UserDirectory, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an official with a phone number, and Cognito refusing the next attribute update
    users, _ = directory
    email = _user(users, "kadis@contoh.go.id", ["KEPALA_DINAS"], phone="+6281311112222")
    idp = users._idp
    real_update = idp.admin_update_user_attributes
    calls: list[Any] = []

    def refuse_once(**kwargs: Any) -> Any:
        calls.append(kwargs)
        if len(calls) == 1:
            raise ClientError(
                {"Error": {"Code": "InvalidParameterException", "Message": "ditolak"}},
                "AdminUpdateUserAttributes",
            )
        return real_update(**kwargs)

    monkeypatch.setattr(idp, "admin_update_user_attributes", refuse_once)

    # WHEN the name changes and the phone is removed in one request
    with pytest.raises(BadRequest):
        users.update_profile(email, {"name": "Nama Baru", "phone": None})

    # THEN neither happened
    monkeypatch.setattr(idp, "admin_update_user_attributes", real_update)
    after = users.get(email)
    assert (after.name, after.phone) == ("Pengguna Uji", "+6281311112222")


def test_a_change_that_fails_halfway_has_already_revoked_the_old_tokens(
    directory: tuple[UserDirectory, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    users, changed = directory
    email = _user(users, "kabid@contoh.go.id", ["KEPALA_BIDANG"])

    def refuse(**kwargs: Any) -> Any:
        raise ClientError({"Error": {"Code": "InternalErrorException"}}, "AdminAddUserToGroup")

    monkeypatch.setattr(users._idp, "admin_add_user_to_group", refuse)
    with pytest.raises(ClientError):
        users.update(email, {"roles": ["KEPALA_DINAS"]})

    assert changed == [email]


def test_two_administrators_demoting_each_other_at_once_leave_one(
    directory: tuple[UserDirectory, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two administrators; while A demotes B, B's own request demotes A
    users, _ = directory
    first = _user(users, "admin@contoh.go.id", ["ADMIN"])
    second = _user(users, "admin2@contoh.go.id", ["ADMIN"])
    idp = users._idp
    real_remove = idp.admin_remove_user_from_group

    def meanwhile(**kwargs: Any) -> Any:
        real_remove(**kwargs)
        if kwargs["Username"] == second:
            real_remove(**{**kwargs, "Username": first})

    monkeypatch.setattr(idp, "admin_remove_user_from_group", meanwhile)

    # WHEN A's request finishes and finds no administrator left
    with pytest.raises(Conflict) as refused:
        users.update(second, {"roles": ["KEPALA_BIDANG"]})

    # THEN it undid its own change: an administrator remains
    assert refused.value.code == "LAST_ADMIN"
    assert [p.email for p in users.members("ADMIN")] == [second]
