"""The SK of an application: its print view before numbering, its download, and the public
verification its QR code leads to."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import accepts, body, caller, principal, public, roles
from chalicelib.auth.roles import ROLES
from chalicelib.usecases import decrees

bp = Blueprint(__name__)


@bp.route("/tickets/{ticket_no}/sk", methods=["GET"])
@roles(*ROLES)
def sk(ticket_no: str) -> dict:
    """A short-lived link to the signed SK (before signing: the drawn one, officials only)."""
    return decrees.download(ticket_no, principal(bp.current_request))


@bp.route("/tickets/{ticket_no}/sk/preview", methods=["GET"])
@roles(*ROLES)
def sk_preview(ticket_no: str) -> dict:
    """The SK as it will be drawn: Backend's print view before INPUT NOMOR SK."""
    return decrees.preview(ticket_no, principal(bp.current_request))


@bp.route("/public/verify/{token}", methods=["GET"])
@public
def verify(token: str) -> dict:
    """What the SK's QR code shows: authentic or not, and what the letter says."""
    return decrees.verify(token)


@bp.route("/public/verify/{token}", methods=["POST"])
@public
@accepts("sk_check")
def check(token: str) -> dict:
    """Is this PDF that SK, unchanged since it was signed?"""
    request = bp.current_request
    return decrees.check_document(token, body(request)["pdf"], caller(request))


@bp.route("/signing/batch", methods=["POST"])
@roles(*ROLES)
@accepts("batch_signing")
def sign_all() -> dict:
    """SETUJUI DAN TANDATANGANI on several SIAP DS tickets with one passphrase; each
    ticket answers for itself (signed, or why not)."""
    request = bp.current_request
    data = body(request)
    return decrees.sign_batch(principal(request), data["ticket_nos"], data["passphrase"])
