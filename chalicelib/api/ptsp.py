"""PTSP (SIAP Jateng) sends applications here, signed per Standard Webhooks."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.routing import signed_webhook
from chalicelib.container import verified_ptsp_webhook
from chalicelib.usecases import tickets as service
from chalicelib.validation import check_body_size, parse_json, validate

bp = Blueprint(__name__)


@bp.route("/ptsp/applications", methods=["POST"])
@signed_webhook("ptsp_application")
def receive_application() -> Response:
    """A new application: 201 with the ticket; the same one again: 200, nothing duplicated.

    A body too big to ever be stored is a 413 before anything else (even the signature):
    PTSP must learn at once that retrying cannot help."""
    request = bp.current_request
    check_body_size(request.raw_body)
    webhook_id = verified_ptsp_webhook(request.raw_body, request.headers)
    data = validate("ptsp_application", parse_json(request.raw_body))
    ticket, created = service.receive_application(data, webhook_id)
    return Response(
        {"created": created, "ticket": service.summary(ticket)},
        status_code=201 if created else 200,
    )
