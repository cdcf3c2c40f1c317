"""Officials' tickets: lists, detail, track, map, decision."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import declared
from chalicelib.api.routing import (
    accepts,
    body,
    caller_session,
    confirms_session,
    page_size,
    principal,
    query,
    roles,
)
from chalicelib.auth.roles import OFFICIALS
from chalicelib.errors import BadRequest
from chalicelib.usecases import tickets as service

bp = Blueprint(__name__)
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 5


@bp.route("/permit-types", methods=["GET"])
def permit_types() -> dict:
    """The permit types of the caller's workflows, in the sidebar's order."""
    return {"items": service.permit_types(principal(bp.current_request))}


@bp.route("/tickets", methods=["GET"])
@roles(*OFFICIALS)
def list_tickets() -> dict:
    """Data Izin (box=pending: waiting for my role) or Data Disetujui (box=decided: by me)."""
    request = bp.current_request
    box = query(request, "box", "pending")
    permit_type = query(request, "permit_type")
    if box not in ("pending", "decided"):
        raise BadRequest("Parameter box harus pending atau decided.", code="INVALID_BOX")
    if permit_type and permit_type not in declared.catalog().all_permit_types():
        raise BadRequest("Jenis izin tidak dikenal.", code="INVALID_PERMIT_TYPE")
    q = query(request, "q")
    if q and (len(q) > MAX_QUERY_CHARS or len(q.split()) > MAX_QUERY_WORDS):
        raise BadRequest(
            f"Kata pencarian terlalu panjang: paling banyak {MAX_QUERY_CHARS} karakter dan "
            f"{MAX_QUERY_WORDS} kata (nomor ticket atau nama pemohon).",
            code="INVALID_QUERY",
            field="q",
        )
    return service.list_tickets(
        principal(request),
        box,
        permit_type,
        q,
        query(request, "cursor"),
        page_size(request),
    )


list_tickets.query_params = {  # type: ignore[attr-defined]
    "box": "pending (default) or decided.",
    "permit_type": "One of the permit type codes.",
    "q": "Ticket number or words of the applicant's name (prefix, any case; ≤ 100 chars, 5 words).",
    "cursor": "next_cursor of the previous page.",
    "limit": "1–100, default 20.",
}


@bp.route("/tickets/summary", methods=["GET"])
@roles(*OFFICIALS)
def ticket_counts() -> dict:
    """How many tickets wait for me, per permit type (the dashboard)."""
    return service.counts(principal(bp.current_request))


@bp.route("/tickets/{ticket_no}", methods=["GET"])
@roles(*OFFICIALS)
def ticket_detail(ticket_no: str) -> dict:
    """Everything about a ticket, and the options my role may choose now."""
    who = principal(bp.current_request)
    return service.detail(service.visible_ticket(ticket_no, who), who)


@bp.route("/tickets/{ticket_no}/track", methods=["GET"])
@roles(*OFFICIALS)
def ticket_track(ticket_no: str) -> dict:
    """Every step: status, who, role, action, note, entered/left, duration."""
    who = principal(bp.current_request)
    ticket = service.visible_ticket(ticket_no, who)
    return {"ticket": service.summary(ticket), "items": service.track_for(ticket, who)}


@bp.route("/tickets/{ticket_no}/map", methods=["GET"])
@roles(*OFFICIALS)
def ticket_map(ticket_no: str) -> dict:
    """The location as a GeoJSON Feature."""
    ticket = service.visible_ticket(ticket_no, principal(bp.current_request))
    return service.map_feature(ticket)


@bp.route("/tickets/{ticket_no}/decision", methods=["POST"])
@roles(*OFFICIALS)
@accepts("decision")
@confirms_session
def decide(ticket_no: str) -> dict:
    """Decide the pending step; exactly one decision per step wins."""
    request = bp.current_request
    who = principal(request)
    return service.decide(
        ticket_no, who, body(request), who.name or who.email, caller_session(request)
    )
