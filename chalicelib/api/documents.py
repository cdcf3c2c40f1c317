"""Ticket documents: presigned upload, confirmation (server-side check), download link."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.routing import accepts, body, principal, roles
from chalicelib.auth.roles import OFFICIALS
from chalicelib.usecases import documents as storage

bp = Blueprint(__name__)

# Browsers must take the declared type, never guess one from the bytes.
NO_SNIFF = {"X-Content-Type-Options": "nosniff"}


@bp.route("/tickets/{ticket_no}/documents", methods=["POST"])
@roles(*OFFICIALS)
@accepts("document_upload")
def request_upload(ticket_no: str) -> Response:
    """A presigned POST for one file; only the role whose step it is may upload, with at
    most a few unconfirmed uploads at a time (429 beyond) and bounded documents (409)."""
    request = bp.current_request
    result = storage.request_upload(ticket_no, principal(request), body(request))
    return Response(result, status_code=201)


@bp.route("/tickets/{ticket_no}/documents/{document_id}/confirm", methods=["POST"])
@roles(*OFFICIALS)
def confirm(ticket_no: str, document_id: str) -> dict:
    """Check the uploaded file (PDF without active content, PNG/JPEG up to 50 megapixels,
    ≤ 10 MB); a bad or expired one is deleted with the reason."""
    return storage.confirm(ticket_no, document_id, principal(bp.current_request))


@bp.route("/tickets/{ticket_no}/documents/{document_id}", methods=["DELETE"])
@roles(*OFFICIALS)
def cancel(ticket_no: str, document_id: str) -> Response:
    """Withdraw an unconfirmed upload (e.g. after the file failed to reach S3), freeing its
    place at once; confirmed documents stay as the ticket's history (409)."""
    storage.cancel(ticket_no, document_id, principal(bp.current_request))
    return Response("", status_code=204)


@bp.route("/tickets/{ticket_no}/documents/{document_id}", methods=["GET"])
@roles(*OFFICIALS)
def download(ticket_no: str, document_id: str) -> Response:
    """A download link valid for five minutes; the file is served under its own name
    (RFC 6266), inline only for the types checked on upload, otherwise as an attachment."""
    result = storage.download(ticket_no, document_id, principal(bp.current_request))
    return Response(result, headers=NO_SNIFF)
