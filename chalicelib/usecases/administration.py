"""An agency's administrator manages the accounts of that agency only.

Another agency's account is answered like an unknown one (404); roles given must belong to
the agency's workflows (or be ADMIN); a new account always joins the administrator's agency.
"""

from __future__ import annotations

from typing import Any

from chalicelib import declared
from chalicelib.auth.principal import Principal
from chalicelib.auth.roles import ADMIN
from chalicelib.errors import Forbidden, NotFound, Unprocessable
from chalicelib.ports import ports


def _own_agency(who: Principal) -> str:
    """An administrator administers one agency: an account without one administers none."""
    if not who.agency:
        raise Forbidden(
            "Akun administrator Anda belum terhubung ke instansi; hubungi operator sistem.",
            code="AGENCY_REQUIRED",
        )
    return who.agency


def list_users(who: Principal, role: str | None) -> list[Any]:
    agency = _own_agency(who)
    return [p for p in ports().users.list(role) if p.agency == agency]


def create_user(who: Principal, data: dict[str, Any]) -> tuple[Any, str | None]:
    agency = data.get("agency") or _own_agency(who)
    if agency != who.agency:
        raise Forbidden(
            "Anda hanya dapat membuat akun untuk instansi Anda sendiri.",
            code="AGENCY_NOT_ALLOWED",
            field="agency",
        )
    _check_agency_roles(who, data["roles"])
    return ports().users.create(
        data["email"],
        data["name"],
        data["roles"],
        region=data.get("region"),
        agency=agency,
        phone=data.get("phone"),
        password=data.get("password"),
    )


def update_user(who: Principal, email: str, changes: dict[str, Any]) -> Any:
    agency = _own_agency(who)
    target = ports().users.get(email)
    if target.agency != agency:
        raise NotFound(f"Pengguna {email.strip().lower()} tidak ditemukan.", code="USER_NOT_FOUND")
    if "roles" in changes:
        _check_agency_roles(who, changes["roles"])
    return ports().users.update(target.email, changes)


def _check_agency_roles(who: Principal, roles: list[str]) -> None:
    own = {ADMIN} | {r for w in declared.catalog().of_agency(who.agency) for r in w.roles}
    foreign = [r for r in roles if r not in own]
    if foreign:
        raise Unprocessable(
            f"Peran {', '.join(foreign)} bukan peran alur instansi Anda.",
            code="ROLE_NOT_IN_AGENCY",
            field="roles",
        )
