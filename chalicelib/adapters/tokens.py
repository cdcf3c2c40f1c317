"""Verification of Cognito ID tokens: signature (pool JWKS), issuer, audience, expiry, use."""

from __future__ import annotations

from typing import Any

import jwt
from jwt import PyJWKClient

from chalicelib.errors import ServiceUnavailable, Unauthorized
from chalicelib.settings import Settings

LEEWAY_SECONDS = 30


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        # Keys are cached across invocations of a warm Lambda; an unknown kid refetches once.
        self._jwks = PyJWKClient(
            settings.cognito_jwks_url, cache_keys=True, lifespan=3600, timeout=5
        )

    def verify(self, token: str) -> dict[str, Any]:
        try:
            signing_key = self._jwks.get_signing_key_from_jwt(token)
        except jwt.exceptions.PyJWKClientConnectionError:
            raise ServiceUnavailable(
                "Layanan login sedang tidak dapat dihubungi. Coba lagi sebentar lagi.",
                code="AUTH_UNAVAILABLE",
            ) from None
        except (jwt.exceptions.PyJWKClientError, jwt.exceptions.InvalidTokenError):
            raise Unauthorized(
                "Token login tidak valid. Silakan login kembali.", code="INVALID_TOKEN"
            ) from None
        try:
            claims = jwt.decode(
                token,
                signing_key.key,
                algorithms=["RS256"],
                audience=self._settings.user_pool_client_id,
                issuer=self._settings.token_issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized(
                "Sesi login Anda telah berakhir. Silakan login kembali.", code="TOKEN_EXPIRED"
            ) from None
        except jwt.InvalidTokenError:
            raise Unauthorized(
                "Token login tidak valid. Silakan login kembali.", code="INVALID_TOKEN"
            ) from None
        if claims.get("token_use") != "id":
            raise Unauthorized("Gunakan token yang diberikan saat login.", code="INVALID_TOKEN")
        return claims


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise Unauthorized("Silakan login terlebih dahulu.", code="LOGIN_REQUIRED")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Header Authorization harus berbentuk 'Bearer <token>'.", code="INVALID_TOKEN"
        )
    return token.strip()
