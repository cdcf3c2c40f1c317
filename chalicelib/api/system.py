"""Health and the API description."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.api.routing import public
from chalicelib.container import readiness

bp = Blueprint(__name__)


@bp.route("/health", methods=["GET"])
@public
def health() -> Response:
    """Readiness of every AWS resource the app uses (200 only when all answer)."""
    resources = readiness()
    waiting = sorted(name for name, state in resources.items() if state != "ok")
    if waiting:
        return Response(
            status_code=503,
            body={
                "code": "NOT_READY",
                "message": f"Layanan belum siap: {', '.join(waiting)}.",
                "resources": resources,
            },
        )
    return Response(body={"status": "ok", "resources": resources})


@bp.route("/openapi.json", methods=["GET"])
@public
def openapi() -> dict:
    """This API described as OpenAPI 3.1."""
    from chalicelib.api.openapi import build  # only this route needs it: not at cold start

    return build(bp.current_app, title="E-Tracking Perizinan API", version="1")
