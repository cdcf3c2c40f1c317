"""PTSP (SIAP Jateng) sends applications here, signed per Standard Webhooks."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.routing import signed_webhook
from chalicelib.ptsp.signatures import verify
from chalicelib.settings import settings
from chalicelib.tickets import service
from chalicelib.validation import parse_json, validate

bp = Blueprint(__name__)


@bp.route("/ptsp/applications", methods=["POST"])
@signed_webhook("ptsp_application")
def receive_application() -> Response:
    """A new application: 201 with the ticket; the same one again: 200, nothing duplicated."""
    request = bp.current_request
    webhook_id = verify(settings().ptsp_webhook_secret, request.raw_body, request.headers)
    data = validate("ptsp_application", parse_json(request.raw_body))
    ticket, created = service.receive_application(data, webhook_id)
    return Response(
        {"created": created, "ticket": service.summary(ticket)},
        status_code=201 if created else 200,
    )
