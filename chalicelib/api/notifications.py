"""The signed-in user's notifications (the bell and the notification page)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import page_size, principal, query
from chalicelib.usecases import notify as center

bp = Blueprint(__name__)


@bp.route("/notifications", methods=["GET"])
def list_notifications() -> dict:
    """Unread count and the latest notifications, newest first."""
    request = bp.current_request
    return center.inbox(
        principal(request).email,
        page_size(request),
        query(request, "cursor"),
        unread_only=query(request, "unread") == "true",
    )


list_notifications.query_params = {  # type: ignore[attr-defined]
    "limit": "1–100, default 20.",
    "cursor": "next_cursor of the previous page.",
    "unread": "true: only unread ones.",
}


@bp.route("/notifications/{notification_id}/read", methods=["POST"])
def mark_read(notification_id: str) -> dict:
    return center.mark_read(principal(bp.current_request).email, notification_id)


@bp.route("/notifications/read-all", methods=["POST"])
def mark_all_read() -> dict:
    return {"marked": center.mark_all_read(principal(bp.current_request).email)}
