"""User administration for the ADMIN role (the CLI offers the same operations)."""

from __future__ import annotations

from urllib.parse import unquote

from chalice import Blueprint, Response

from chalicelib.api.routing import accepts, body, principal, query, roles
from chalicelib.usecases import administration

bp = Blueprint(__name__)


@bp.route("/admin/users", methods=["GET"])
@roles("ADMIN")
def list_users() -> dict:
    """List users, optionally only those with `role`."""
    request = bp.current_request
    found = administration.list_users(principal(request), query(request, "role"))
    return {"items": [p.to_dict() for p in found], "count": len(found)}


list_users.query_params = {"role": "Only users with this role."}  # type: ignore[attr-defined]


@bp.route("/admin/users", methods=["POST"])
@roles("ADMIN")
@accepts("user_create")
def create_user() -> Response:
    """Create a user; without `password`, a temporary one is returned to hand over."""
    request = bp.current_request
    profile, temporary = administration.create_user(principal(request), body(request))
    payload = {"user": profile.to_dict()}
    if temporary:
        payload["temporary_password"] = temporary
    return Response(status_code=201, body=payload)


@bp.route("/admin/users/{email}", methods=["PATCH"])
@roles("ADMIN")
@accepts("user_update")
def update_user(email: str) -> dict:
    """Change a user's roles, region or enabled state."""
    request = bp.current_request
    return administration.update_user(principal(request), unquote(email), body(request)).to_dict()


@bp.route("/admin/ptsp/dead-letters", methods=["GET"])
@roles("ADMIN")
def ptsp_dead_letters() -> dict:
    """Decisions PTSP did not accept after every retry."""
    from chalicelib.usecases import (
        ptsp_callbacks as callbacks,  # admin-only: not on every cold start
    )

    items = callbacks.dead_letters_of(principal(bp.current_request).agency)
    return {"items": items, "count": len(items)}


@bp.route("/admin/ptsp/dead-letters/redrive", methods=["POST"])
@roles("ADMIN")
def ptsp_redrive() -> dict:
    """Send every dead letter to PTSP again (same webhook-id, so PTSP can deduplicate)."""
    from chalicelib.usecases import ptsp_callbacks as callbacks

    return {"moved": callbacks.redrive(principal(bp.current_request).agency)}
