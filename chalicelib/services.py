"""Process-wide instances of the domain services, built lazily from settings."""

from __future__ import annotations

from functools import cache

from chalicelib.auth import sessions
from chalicelib.auth.tokens import TokenVerifier
from chalicelib.auth.users import UserDirectory
from chalicelib.aws import client
from chalicelib.notifications import email
from chalicelib.settings import settings


@cache
def users() -> UserDirectory:
    s = settings()
    return UserDirectory(
        client("cognito-idp"),
        s.user_pool_id,
        s.user_pool_client_id,
        on_created=lambda profile: email.subscribe(
            client("sns"), s.official_alerts_topic_arn, profile.email
        ),
        on_changed=sessions.mark_changed,
    )


@cache
def token_verifier() -> TokenVerifier:
    return TokenVerifier(settings())
