"""Domain errors. Each carries the HTTP status, a stable code and a message in Bahasa Indonesia.

They subclass ChaliceUnhandledError so that Chalice lets them reach the error middleware
instead of turning them into its own 500 body.
"""

from __future__ import annotations

from typing import Any

from chalice import ChaliceUnhandledError


class AppError(ChaliceUnhandledError):
    status = 500
    code = "INTERNAL_ERROR"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.extra}


class BadRequest(AppError):
    status = 400
    code = "BAD_REQUEST"


class ValidationFailed(BadRequest):
    code = "VALIDATION_ERROR"


class Unauthorized(AppError):
    status = 401
    code = "UNAUTHORIZED"


class Forbidden(AppError):
    status = 403
    code = "FORBIDDEN"


class NotFound(AppError):
    status = 404
    code = "NOT_FOUND"


class Conflict(AppError):
    status = 409
    code = "CONFLICT"


class Unprocessable(AppError):
    status = 422
    code = "UNPROCESSABLE"


class TooManyRequests(AppError):
    status = 429
    code = "TOO_MANY_REQUESTS"


class StepNoLongerWaiting(Conflict):
    """The task token is dead: the workflow has moved on from this step."""

    status = 409
    code = "STEP_NO_LONGER_WAITING"


class DeliveryFailed(Exception):
    """PTSP did not accept the decision (an error status, no answer, or no connection)."""


class PermanentFailure(Exception):
    """An owed effect that can never succeed (say, an invalid phone number): drop it."""


class ServiceUnavailable(AppError):
    status = 503
    code = "SERVICE_UNAVAILABLE"


class WorkflowUnavailable(ServiceUnavailable):
    code = "WORKFLOW_UNAVAILABLE"
