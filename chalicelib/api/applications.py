"""The applicants' side: the permits offered with their checklists, drafts and AJUKAN, the
applicant's own applications, and public tracking."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.routing import (
    accepts,
    body,
    caller,
    page_size,
    principal,
    public,
    query,
    roles,
)
from chalicelib.auth.roles import ROLES
from chalicelib.usecases import applications

bp = Blueprint(__name__)


@bp.route("/public/services", methods=["GET"])
@public
def services() -> dict:
    """The services that take applications, each with its 'Daftar Persyaratan'."""
    return {"items": applications.offered()}


@bp.route("/public/services/{workflow_id}", methods=["GET"])
@public
def service_requirements(workflow_id: str) -> dict:
    return applications.requirements_of(workflow_id)


@bp.route("/public/track", methods=["POST"])
@public
@accepts("tracking_request")
def track() -> dict:
    """'Lacak Permohonan' with the registration number and its access code."""
    request = bp.current_request
    data = body(request)
    return applications.track(data["no"], data["code"], caller(request))


@bp.route("/applications", methods=["GET"])
@roles(*ROLES)
def mine() -> dict:
    """'Data Permohonan': the caller's own applications, newest first."""
    request = bp.current_request
    return applications.mine(principal(request), page_size(request), query(request, "cursor"))


mine.query_params = {  # type: ignore[attr-defined]
    "cursor": "next_cursor of the previous page.",
    "limit": "1–100, default 20.",
}


@bp.route("/applications", methods=["POST"])
@roles(*ROLES)
@accepts("application_create")
def create() -> Response:
    """A new draft (online by the applicant, or at the loket by the front office)."""
    request = bp.current_request
    return Response(applications.create(principal(request), body(request)), status_code=201)


@bp.route("/applications/{ticket_no}", methods=["GET"])
@roles(*ROLES)
def draft(ticket_no: str) -> dict:
    request = bp.current_request
    return applications.detail(ticket_no, principal(request))


@bp.route("/applications/{ticket_no}", methods=["PATCH"])
@roles(*ROLES)
@accepts("application_update")
def update(ticket_no: str) -> dict:
    request = bp.current_request
    return applications.update(ticket_no, principal(request), body(request))


@bp.route("/applications/{ticket_no}/access-code", methods=["POST"])
@roles(*ROLES)
def renew_access_code(ticket_no: str) -> dict:
    """Ganti Kode Akses."""
    return applications.renew_access_code(ticket_no, principal(bp.current_request))


@bp.route("/applications/{ticket_no}/submit", methods=["POST"])
@roles(*ROLES)
def submit(ticket_no: str) -> dict:
    """AJUKAN."""
    return applications.submit(ticket_no, principal(bp.current_request))
