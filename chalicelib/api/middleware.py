"""Middleware wired once for every route: logs/traces/metrics, error shape, auth, body."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from chalice import Chalice, Response
from chalice.app import Request

from chalicelib import paging
from chalicelib.api.routing import list_scope
from chalicelib.auth.principal import Principal
from chalicelib.auth.session import CallerSession, SessionCheck
from chalicelib.container import ensure_current_session, users, verified_claims
from chalicelib.errors import AppError, NotFound
from chalicelib.validation import parse_json, validate

logger = Logger()
metrics = Metrics()

# Reading routes trust the token until it expires; every other method re-checks the account.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@cache
def tracer() -> Tracer | None:
    """The X-Ray tracer, built at the first request and only where tracing is on.

    Building it loads the X-Ray SDK, whose recorder creates botocore clients (~0.5 s): a
    cost every cold start paid at import, even where powertools then disables tracing
    (outside Lambda, or POWERTOOLS_TRACE_DISABLED). Its own rule decides (the static
    `Tracer._is_tracer_disabled`, pinned with powertools 3.37), not ours.
    """
    return None if Tracer._is_tracer_disabled() else Tracer()


def traced(name: str) -> AbstractContextManager[Any]:
    """A subsegment named `name` when tracing is on; nothing otherwise."""
    active = tracer()
    return active.provider.in_subsegment(name) if active else nullcontext()


INTERNAL_ERROR_MESSAGE = "Terjadi kesalahan pada server. Silakan coba lagi atau hubungi admin."

# Chalice answers a few requests itself, in its own {"Code", "Message"} shape.
_CHALICE_ERRORS: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "Permintaan tidak valid."),
    405: ("METHOD_NOT_ALLOWED", "Metode HTTP ini tidak didukung untuk alamat tersebut."),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Content-Type harus application/json."),
    500: ("INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE),
}


def error_response(
    status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
) -> Response:
    return Response(
        body=payload,
        status_code=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def install(app: Chalice) -> None:
    """Register the middleware in order: outermost first."""

    def view_of(request: Request) -> Callable[..., Any] | None:
        entry = app.routes.get(request.path, {}).get(request.method)
        return entry.view_function if entry else None

    @app.middleware("http")
    def observe(event: Request, get_response: Callable[[Request], Response]) -> Response:
        route = f"{event.method} {event.path}"
        logger.remove_keys(["user"])  # keys persist across warm invocations
        logger.append_keys(route=route, request_id=event.context.get("requestId"))
        with traced(f"## {route}"):
            response = get_response(event)
        metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
        if response.status_code >= 500:
            metrics.add_metric(name="ServerErrors", unit=MetricUnit.Count, value=1)
        elif response.status_code >= 400:
            metrics.add_metric(name="ClientErrors", unit=MetricUnit.Count, value=1)
        metrics.flush_metrics()
        logger.info("request", extra={"status": response.status_code})
        return response

    @app.middleware("sqs")
    def observe_queue(event: Any, get_response: Callable[[Any], Any]) -> Any:
        """Queue handlers log with their batch's context; failures are counted."""
        records = event.to_dict().get("Records", [])
        logger.remove_keys(["route", "request_id", "user"])
        logger.append_keys(
            queue=(records[0].get("eventSourceARN", "").rsplit(":", 1)[-1] if records else ""),
            records=len(records),
        )
        with traced("## sqs batch"):
            result = get_response(event)
        failed = len(result.get("batchItemFailures", [])) if isinstance(result, dict) else 0
        metrics.add_metric(name="QueueRecords", unit=MetricUnit.Count, value=len(records))
        metrics.add_metric(name="QueueRecordFailures", unit=MetricUnit.Count, value=failed)
        metrics.flush_metrics()
        logger.info("batch", extra={"failed": failed})
        return result

    @app.middleware("http")
    def render_errors(event: Request, get_response: Callable[[Request], Response]) -> Response:
        try:
            response = get_response(event)
        except AppError as error:
            if error.status >= 500:
                logger.exception("request failed", extra={"code": error.code})
            headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
            return error_response(error.status, error.body(), headers)
        except Exception:
            logger.exception("unhandled error")
            return error_response(
                500, {"code": "INTERNAL_ERROR", "message": INTERNAL_ERROR_MESSAGE}
            )
        return _translate_chalice_error(response)

    @app.middleware("http")
    def authenticate(event: Request, get_response: Callable[[Request], Response]) -> Response:
        view = view_of(event)
        who, confirm = None, _nothing_to_confirm
        if view is not None and not getattr(view, "is_public", False):
            who, confirm = _caller(event, getattr(view, "confirms_session", False))
        try:
            allowed = getattr(view, "roles_allowed", None)
            if who and allowed:
                who.require(*allowed)
            paging.bind(list_scope(event))
            schema = getattr(view, "request_schema", None)
            if schema:
                event.context["validated_body"] = validate(schema, parse_json(event.raw_body))
            response = get_response(event)
        except AppError:
            confirm()  # a revoked session hears that first, whatever else was wrong
            raise
        confirm()
        return response


def _nothing_to_confirm() -> None:
    return None


def _caller(event: Request, carried: bool) -> tuple[Principal, Callable[[], None]]:
    """The verified caller, and what confirms its account still stands as the token says
    (on a state-changing route; see `auth/session.py`). A route that `confirms_session`
    itself gets the `CallerSession`, to confirm before it writes or to carry in its
    transaction; what it left unconfirmed is confirmed here. Any other route has it done
    here, before the route runs."""
    claims = verified_claims(event.headers.get("authorization"))
    who = Principal.from_claims(claims)
    event.context["principal"] = who
    logger.append_keys(user=who.email)
    if event.method in READ_ONLY_METHODS:
        return who, _nothing_to_confirm
    if not carried:
        ensure_current_session(who, claims, _current_principal)
        return who, _nothing_to_confirm
    session = CallerSession(
        SessionCheck(who.email, int(claims.get("iat", 0))),
        lambda: ensure_current_session(who, claims, _current_principal),
    )
    event.context["caller_session"] = session
    return who, session.confirm


def _current_principal(email: str) -> Principal | None:
    """The account as Cognito knows it now (None when disabled or gone)."""
    try:
        profile = users().get(email)
    except NotFound:
        return None
    if not profile.enabled:
        return None
    return Principal(
        email=profile.email,
        subject="",
        roles=frozenset(profile.roles),
        region=profile.region,
        agency=profile.agency,
    )


def _translate_chalice_error(response: Response) -> Response:
    body = response.body
    if isinstance(body, str | bytes) and response.status_code >= 400:
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if isinstance(body, dict) and set(body) == {"Code", "Message"}:
        code, message = _CHALICE_ERRORS.get(
            response.status_code, ("ERROR", "Permintaan tidak dapat diproses.")
        )
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
        return error_response(response.status_code, {"code": code, "message": message}, headers)
    return response
