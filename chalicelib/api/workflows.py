"""The declared agencies and workflows, as the console builds itself from them."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib import declared
from chalicelib.api.routing import principal, public
from chalicelib.usecases import tickets as service

bp = Blueprint(__name__)


@bp.route("/agencies", methods=["GET"])
@public
def agencies() -> dict:
    """Each agency that has workflows: its entry on the landing page."""
    return {"items": [a.public_view() for a in declared.catalog().agencies_with_workflows()]}


@bp.route("/workflows", methods=["GET"])
def workflows() -> dict:
    """The caller's agency and the workflows in which the caller holds a role: categories,
    permit types, role labels, statuses, forms and document kinds."""
    return service.console(principal(bp.current_request))
