"""Process-wide instances of the domain services, built lazily from settings."""

from __future__ import annotations

from functools import cache

from chalicelib.adapters import email, sessions
from chalicelib.adapters.aws import client
from chalicelib.adapters.tokens import TokenVerifier
from chalicelib.adapters.users import UserDirectory
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
