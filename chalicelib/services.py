"""Process-wide instances of the domain services, built lazily from settings."""

from __future__ import annotations

from functools import cache

from chalicelib.auth.tokens import TokenVerifier
from chalicelib.auth.users import UserDirectory
from chalicelib.aws import client
from chalicelib.settings import settings


@cache
def users() -> UserDirectory:
    s = settings()
    return UserDirectory(client("cognito-idp"), s.user_pool_id, s.user_pool_client_id)


@cache
def token_verifier() -> TokenVerifier:
    return TokenVerifier(settings())
