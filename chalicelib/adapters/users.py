"""User directory on Cognito: login, profile, password, and the admin operations.

Cognito is the single store of identities; its errors become domain errors here so that
callers never see a botocore exception.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.auth.roles import REGION_SCOPED, ROLES
from chalicelib.errors import (
    AppError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
)

WRONG_CREDENTIALS = "Email atau password salah."
SESSION_EXPIRED = "Sesi berakhir; silakan masuk kembali."
PASSWORD_POLICY = (
    "Password minimal 8 karakter dan memuat huruf besar, huruf kecil, angka, serta simbol."
)


@dataclass(frozen=True)
class UserProfile:
    email: str
    name: str
    phone: str | None
    roles: list[str]
    region: str | None
    agency: str | None
    enabled: bool = True
    status: str = "CONFIRMED"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LoginResult:
    token: str
    expires_in: int
    refresh_token: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_region(region: str | None) -> str | None:
    if region is None:
        return None
    cleaned = " ".join(region.split()).upper()
    return cleaned or None


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def _throttled(error: ClientError) -> AppError | None:
    if _code(error) in (
        "TooManyRequestsException",
        "LimitExceededException",
        "TooManyFailedAttemptsException",
    ):
        return TooManyRequests("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.")
    return None


class UserDirectory:
    def __init__(
        self,
        client: Any,
        user_pool_id: str,
        client_id: str,
        on_created: Callable[[UserProfile], None] | None = None,
        on_changed: Callable[[str], None] | None = None,
    ) -> None:
        self._idp = client
        self._pool = user_pool_id
        self._client_id = client_id
        self._on_created = on_created  # e.g. subscribe the new official to email alerts
        self._on_changed = on_changed  # e.g. revoke the user's tokens issued before now

    # --- sign-in and self-service -------------------------------------------------------

    def login(self, email: str, password: str, new_password: str | None = None) -> LoginResult:
        email = normalise_email(email)
        try:
            result = self._idp.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        except ClientError as error:
            raise self._login_error(error) from None
        if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            if not new_password:
                raise Forbidden(
                    "Akun ini masih memakai password sementara. Kirim juga 'new_password' "
                    "untuk menetapkan password baru.",
                    code="NEW_PASSWORD_REQUIRED",
                )
            try:
                result = self._idp.respond_to_auth_challenge(
                    ClientId=self._client_id,
                    ChallengeName="NEW_PASSWORD_REQUIRED",
                    Session=result["Session"],
                    ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
                )
            except ClientError as error:
                if _code(error) == "InvalidPasswordException":
                    raise Unprocessable(
                        PASSWORD_POLICY, code="WEAK_PASSWORD", field="new_password"
                    ) from None
                raise self._login_error(error) from None
        elif "ChallengeName" in result:
            raise Forbidden(
                "Login memerlukan langkah tambahan yang belum didukung.",
                code="UNSUPPORTED_CHALLENGE",
            )
        auth = result["AuthenticationResult"]
        return LoginResult(
            token=auth["IdToken"],
            expires_in=int(auth.get("ExpiresIn", 3600)),
            refresh_token=auth.get("RefreshToken"),
        )

    def refresh(self, refresh_token: str) -> LoginResult:
        """A new ID token for a session still valid (not signed out, user not disabled)."""
        try:
            result = self._idp.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh_token},
            )
        except ClientError as error:
            if _code(error) in (
                "NotAuthorizedException",
                "UserNotFoundException",
                "ResourceNotFoundException",
                "InvalidParameterException",
            ):
                raise Unauthorized(SESSION_EXPIRED, code="SESSION_EXPIRED") from None
            raise _throttled(error) or self._unexpected(error) from None
        auth = result["AuthenticationResult"]
        return LoginResult(token=auth["IdToken"], expires_in=int(auth.get("ExpiresIn", 3600)))

    def _login_error(self, error: ClientError) -> AppError:
        code = _code(error)
        message = error.response.get("Error", {}).get("Message", "")
        if code == "NotAuthorizedException" and "disabled" in message.lower():
            return Unauthorized(
                "Akun Anda dinonaktifkan. Hubungi administrator.", code="ACCOUNT_DISABLED"
            )
        if code in ("NotAuthorizedException", "UserNotFoundException"):
            return Unauthorized(WRONG_CREDENTIALS, code="WRONG_CREDENTIALS")
        if code == "PasswordResetRequiredException":
            return Forbidden(
                "Password harus diatur ulang. Hubungi administrator.",
                code="PASSWORD_RESET_REQUIRED",
            )
        if code == "UserNotConfirmedException":
            return Forbidden("Akun belum dikonfirmasi.", code="USER_NOT_CONFIRMED")
        return _throttled(error) or self._unexpected(error)

    def get(self, email: str) -> UserProfile:
        email = normalise_email(email)
        try:
            user = self._idp.admin_get_user(UserPoolId=self._pool, Username=email)
        except ClientError as error:
            if _code(error) == "UserNotFoundException":
                raise NotFound(
                    f"Pengguna {email} tidak ditemukan.", code="USER_NOT_FOUND"
                ) from None
            raise _throttled(error) or self._unexpected(error) from None
        return self._profile(
            email,
            user.get("UserAttributes", []),
            self._groups(email),
            enabled=user.get("Enabled", True),
            status=user.get("UserStatus", ""),
        )

    def update_profile(self, email: str, changes: dict[str, Any]) -> UserProfile:
        """Apply name/phone whole or not at all.

        Cognito sets and removes attributes in two calls, so only what differs from the
        current profile is written (removing an absent phone is no change), the removal
        first, and it is put back if the second call fails.
        """
        current = self.get(email)
        updates: list[dict[str, str]] = []
        if "name" in changes and " ".join(changes["name"].split()) != current.name:
            updates.append({"Name": "name", "Value": " ".join(changes["name"].split())})
        phone = changes.get("phone") or None
        if "phone" in changes and phone and phone != current.phone:
            updates.append({"Name": "phone_number", "Value": phone})
        remove_phone = "phone" in changes and not phone and current.phone is not None
        if remove_phone:
            self._write_attributes(current.email, deletes=["phone_number"])
        try:
            if updates:
                self._write_attributes(current.email, updates=updates)
        except AppError:
            if remove_phone:
                restore = [{"Name": "phone_number", "Value": current.phone or ""}]
                self._write_attributes(current.email, updates=restore)
            raise
        return self.get(email)

    def _write_attributes(
        self,
        email: str,
        updates: list[dict[str, str]] | None = None,
        deletes: list[str] | None = None,
    ) -> None:
        try:
            if updates:
                self._idp.admin_update_user_attributes(
                    UserPoolId=self._pool, Username=email, UserAttributes=updates
                )
            if deletes:
                self._idp.admin_delete_user_attributes(
                    UserPoolId=self._pool, Username=email, UserAttributeNames=deletes
                )
        except ClientError as error:
            if _code(error) == "InvalidParameterException":
                raise BadRequest("Data profil tidak valid.", code="INVALID_PROFILE") from None
            raise _throttled(error) or self._unexpected(error) from None

    def change_password(self, email: str, old_password: str, new_password: str) -> None:
        email = normalise_email(email)
        if old_password == new_password:
            raise Unprocessable(
                "Password baru harus berbeda dari password lama.",
                code="SAME_PASSWORD",
                field="new_password",
            )
        try:
            self._idp.initiate_auth(
                ClientId=self._client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": old_password},
            )
        except ClientError as error:
            if _code(error) in ("NotAuthorizedException", "UserNotFoundException"):
                raise BadRequest(
                    "Password lama salah.", code="WRONG_PASSWORD", field="old_password"
                ) from None
            raise _throttled(error) or self._unexpected(error) from None
        self._set_password(email, new_password, field="new_password")

    # --- administration ----------------------------------------------------------------

    def create(
        self,
        email: str,
        name: str,
        roles: list[str],
        region: str | None = None,
        agency: str | None = None,
        phone: str | None = None,
        password: str | None = None,
    ) -> tuple[UserProfile, str | None]:
        """Create a user; without `password`, returns a temporary one to change at first login."""
        email = normalise_email(email)
        region = normalise_region(region)
        _check_roles(roles, region)
        attributes = [
            {"Name": "email", "Value": email},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "name", "Value": " ".join(name.split())},
        ]
        if region:
            attributes.append({"Name": "custom:region", "Value": region})
        if agency:
            attributes.append({"Name": "custom:agency", "Value": agency})
        if phone:
            attributes.append({"Name": "phone_number", "Value": phone})
        temporary = None if password else _temporary_password()
        try:
            self._idp.admin_create_user(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=attributes,
                TemporaryPassword=password or temporary,
                MessageAction="SUPPRESS",
            )
        except ClientError as error:
            if _code(error) == "UsernameExistsException":
                raise Conflict(f"Pengguna {email} sudah terdaftar.", code="USER_EXISTS") from None
            if _code(error) == "InvalidPasswordException":
                raise Unprocessable(
                    PASSWORD_POLICY, code="WEAK_PASSWORD", field="password"
                ) from None
            raise _throttled(error) or self._unexpected(error) from None
        if password:
            self._set_password(email, password, field="password")
        for role in roles:
            self._idp.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=role)
        profile = self.get(email)
        if self._on_created:
            self._on_created(profile)
        return profile, temporary

    def update(self, email: str, changes: dict[str, Any]) -> UserProfile:
        """Apply roles / region / enabled together; the resulting combination is checked first.

        The last enabled administrator of an agency is never disabled nor demoted (409
        LAST_ADMIN).
        Any change signs the user out everywhere (refresh tokens revoked) and is reported
        to `on_changed` before and after it is applied: before, so that old tokens stop at
        once even if a step fails halfway; after, for tokens issued while it was applied.
        """
        current = self.get(email)
        roles = changes.get("roles", current.roles)
        region = normalise_region(changes["region"]) if "region" in changes else current.region
        enabled = changes.get("enabled", current.enabled)
        _check_roles(roles, region)
        if (set(roles), region, enabled) == (set(current.roles), current.region, current.enabled):
            return current
        losing_admin = (
            current.enabled and "ADMIN" in current.roles and not (enabled and "ADMIN" in roles)
        )
        admins = partial(self.members, "ADMIN", agency=current.agency)
        if losing_admin and not [p for p in admins() if p.email != current.email]:
            raise _last_admin(current)
        self._changed(current.email)
        if region != current.region:
            self._set_region(current.email, region)
        self._set_roles(current.email, current.roles, roles)
        self._idp.admin_user_global_sign_out(UserPoolId=self._pool, Username=current.email)
        self._set_enabled(current.email, enabled, current.enabled)
        self._changed(current.email)
        if losing_admin and not admins():
            # Two administrators demoting each other at the same moment both passed the
            # check above; the one that finds nobody left undoes its own change.
            self._set_roles(current.email, roles, current.roles)
            self._set_enabled(current.email, current.enabled, enabled)
            raise _last_admin(current)
        return self.get(email)

    def _set_enabled(self, email: str, enabled: bool, was: bool) -> None:
        if enabled != was:
            toggle = self._idp.admin_enable_user if enabled else self._idp.admin_disable_user
            toggle(UserPoolId=self._pool, Username=email)

    def _changed(self, email: str) -> None:
        if self._on_changed:
            self._on_changed(email)

    def _set_roles(self, email: str, before: list[str], after: list[str]) -> None:
        for role in set(before) - set(after):
            self._idp.admin_remove_user_from_group(
                UserPoolId=self._pool, Username=email, GroupName=role
            )
        for role in set(after) - set(before):
            self._idp.admin_add_user_to_group(UserPoolId=self._pool, Username=email, GroupName=role)

    def _set_region(self, email: str, region: str | None) -> None:
        if region:
            self._idp.admin_update_user_attributes(
                UserPoolId=self._pool,
                Username=email,
                UserAttributes=[{"Name": "custom:region", "Value": region}],
            )
        else:
            self._idp.admin_delete_user_attributes(
                UserPoolId=self._pool, Username=email, UserAttributeNames=["custom:region"]
            )

    def list(self, role: str | None = None) -> list[UserProfile]:
        if role is not None and role not in ROLES:
            raise BadRequest(f"Peran '{role}' tidak dikenal.", code="UNKNOWN_ROLE", field="role")
        profiles = [self.get(_username(user)) for user in self._iter_users(role)]
        return sorted(profiles, key=lambda p: p.email)

    def members(
        self, role: str, region: str | None = None, agency: str | None = None
    ) -> list[UserProfile]:
        """Enabled users who act for `role` (of `region` and `agency`, when given)."""
        wanted = normalise_region(region) if region else None
        found = []
        for user in self._iter_users(role):
            if not user.get("Enabled", True):
                continue
            profile = self._profile(
                _username(user),
                user.get("Attributes", []),
                [role],
                True,
                user.get("UserStatus", ""),
            )
            if wanted and normalise_region(profile.region) != wanted:
                continue
            if agency and profile.agency != agency:
                continue
            found.append(profile)
        return sorted(found, key=lambda p: p.email)

    # --- helpers -------------------------------------------------------------------------

    def _iter_users(self, role: str | None) -> Iterator[dict[str, Any]]:
        if role:
            paginator = self._idp.get_paginator("list_users_in_group")
            pages = paginator.paginate(UserPoolId=self._pool, GroupName=role)
        else:
            paginator = self._idp.get_paginator("list_users")
            pages = paginator.paginate(UserPoolId=self._pool)
        for page in pages:
            yield from page.get("Users", [])

    def _groups(self, email: str) -> list[str]:
        paginator = self._idp.get_paginator("admin_list_groups_for_user")
        names = [
            group["GroupName"]
            for page in paginator.paginate(UserPoolId=self._pool, Username=email)
            for group in page.get("Groups", [])
        ]
        return sorted(names, key=lambda r: ROLES.index(r) if r in ROLES else len(ROLES))

    def _set_password(self, email: str, password: str, *, field: str) -> None:
        try:
            self._idp.admin_set_user_password(
                UserPoolId=self._pool, Username=email, Password=password, Permanent=True
            )
        except ClientError as error:
            if _code(error) == "InvalidPasswordException":
                raise Unprocessable(PASSWORD_POLICY, code="WEAK_PASSWORD", field=field) from None
            raise _throttled(error) or self._unexpected(error) from None

    @staticmethod
    def _profile(
        email: str, attributes: list[dict[str, str]], roles: list[str], enabled: bool, status: str
    ) -> UserProfile:
        attrs = {a["Name"]: a["Value"] for a in attributes}
        return UserProfile(
            email=attrs.get("email", email),
            name=attrs.get("name", ""),
            phone=attrs.get("phone_number") or None,
            roles=roles,
            region=attrs.get("custom:region") or None,
            agency=attrs.get("custom:agency") or None,
            enabled=enabled,
            status=status,
        )

    @staticmethod
    def _unexpected(error: ClientError) -> AppError:
        return AppError(
            f"Layanan pengguna gagal: {_code(error) or 'tidak diketahui'}.",
            code="USER_DIRECTORY_ERROR",
        )


def _username(user: dict[str, Any]) -> str:
    attrs = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    return attrs.get("email") or user["Username"]


def _last_admin(current: UserProfile) -> Conflict:
    return Conflict(
        f"{current.email} adalah administrator aktif terakhir; tambahkan atau aktifkan "
        "administrator lain sebelum menonaktifkan akun ini atau mencabut peran ADMIN-nya.",
        code="LAST_ADMIN",
    )


def _check_roles(roles: list[str], region: str | None) -> None:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise BadRequest(
            f"Peran tidak dikenal: {', '.join(unknown)}.", code="UNKNOWN_ROLE", field="roles"
        )
    if not roles:
        raise BadRequest(
            "Pengguna harus memiliki minimal satu peran.", code="NO_ROLE", field="roles"
        )
    scoped = [r for r in roles if r in REGION_SCOPED]
    if scoped and not region:
        raise Unprocessable(
            f"Peran {', '.join(scoped)} wajib memiliki wilayah (region).",
            code="REGION_REQUIRED",
            field="region",
        )


def _temporary_password() -> str:
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"Tmp{core}#9a"
