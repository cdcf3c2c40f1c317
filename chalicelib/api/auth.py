"""Login and the signed-in user's own profile."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.routing import accepts, body, caller, principal, public
from chalicelib.container import users
from chalicelib.usecases import registration

bp = Blueprint(__name__)


@bp.route("/auth/login", methods=["POST"])
@public
@accepts("login")
def login() -> dict:
    """Sign in with email and password; returns a bearer token, a refresh token and the user.

    An account created with a temporary password must also send `new_password`.
    """
    data = body(bp.current_request)
    result = users().login(data["email"], data["password"], data.get("new_password"))
    profile = users().get(data["email"])
    return {
        "token": result.token,
        "token_type": "Bearer",
        "expires_in": result.expires_in,
        "refresh_token": result.refresh_token,
        "user": profile.to_dict(),
    }


@bp.route("/auth/refresh", methods=["POST"])
@public
@accepts("token_refresh")
def refresh() -> dict:
    """A new bearer token for the session, so a long piece of work is not cut off.

    A revoked or unknown refresh token (account changed or disabled) is a 401
    SESSION_EXPIRED: log in again.
    """
    result = users().refresh(body(bp.current_request)["refresh_token"])
    return {"token": result.token, "token_type": "Bearer", "expires_in": result.expires_in}


@bp.route("/me", methods=["GET"])
def me() -> dict:
    """The signed-in user's profile: email, name, phone, roles, region, agency."""
    return users().get(principal(bp.current_request).email).to_dict()


@bp.route("/me", methods=["PATCH"])
@accepts("profile_update")
def update_me() -> dict:
    """Change own general information (name, phone)."""
    who = principal(bp.current_request)
    return users().update_profile(who.email, body(bp.current_request)).to_dict()


@bp.route("/me/password", methods=["POST"])
@accepts("password_change")
def change_password() -> dict:
    """Change own password; the old one must be given."""
    data = body(bp.current_request)
    users().change_password(
        principal(bp.current_request).email, data["old_password"], data["new_password"]
    )
    return {"message": "Password berhasil diubah."}


@bp.route("/auth/register", methods=["POST"])
@public
@accepts("register")
def register() -> Response:
    """An applicant's own account, confirmed by the code sent to WhatsApp and email."""
    request = bp.current_request
    return Response(registration.register(body(request), caller(request)), status_code=201)


@bp.route("/auth/register/confirm", methods=["POST"])
@public
@accepts("register_confirm")
def confirm_registration() -> dict:
    data = body(bp.current_request)
    return registration.confirm(data["email"], data["code"])


@bp.route("/auth/register/resend", methods=["POST"])
@public
@accepts("register_resend")
def resend_code() -> dict:
    """A new code (the same answer whether or not the address waits for one)."""
    request = bp.current_request
    return registration.resend(body(request)["email"], caller(request))
