"""Applicants register themselves: an account for the applicant role, confirmed by a code
sent to their email.

The code goes to the email only: applications belong to their applicant's email, so owning
the address is what the code proves (a WhatsApp number is the registrant's word). Cognito
lets only administrators create users in this pool, so the API creates the account
(disabled) and confirms it itself: the code is ours, kept only as a hash for 30 minutes,
sent through the same outbox as every notification (locally it shows on the page of sent
messages). Five wrong codes spend it; a new one can be asked for while the registration
waits, never for an account an administrator disabled. Registering and asking for codes are
throttled per caller.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from chalicelib import declared, phones
from chalicelib.clock import parse_iso
from chalicelib.errors import AppError, Conflict, NotFound, Unprocessable
from chalicelib.ports import ports
from chalicelib.settings import settings
from chalicelib.usecases import effects

CODE_MINUTES = 30
MAX_TRIES = 5
WRONG = "Kode konfirmasi salah atau sudah tidak berlaku. Minta kode baru bila perlu."


class TooManyCodes(AppError):
    status = 429
    code = "TOO_MANY_ATTEMPTS"


def applicant_role() -> str:
    """The role self-registered accounts get (the one workflows give their applicants)."""
    roles = {w.applicant_role for w in declared.catalog().workflows.values() if w.applicant_role}
    if not roles:
        raise NotFound("Pendaftaran pemohon tidak dibuka di sini.", code="NO_APPLICANT_ROLE")
    return sorted(roles)[0]


REGISTER_WINDOW_SECONDS = 3600
MAX_PER_CALLER = 10  # registrations and new codes asked from one address in an hour


def _throttled(caller: str) -> None:
    key = f"register#caller#{caller}"
    if ports().throttle.failures(key, REGISTER_WINDOW_SECONDS) >= MAX_PER_CALLER:
        raise TooManyCodes("Terlalu banyak permintaan pendaftaran. Coba lagi dalam satu jam.")
    ports().throttle.fail(key, REGISTER_WINDOW_SECONDS)


def register(data: dict[str, Any], caller: str) -> dict[str, Any]:
    _throttled(caller)
    email = data["email"].strip().lower()
    phone = phones.normalize_phone(data["phone"], field="phone")
    if not phones.is_mobile(phone):
        raise Unprocessable(
            "Nomor WhatsApp harus nomor ponsel (bukan telepon rumah/kantor).",
            code="INVALID_PHONE",
            field="phone",
        )
    users = ports().users
    _send_code(email)  # first: the registration waits from now (resend may repeat it)
    users.create(email, data["name"], [applicant_role()], phone=phone, password=data["password"])
    users.update(email, {"enabled": False})  # until the code is confirmed
    return {"email": email, "phone": phone, "expires_in_minutes": CODE_MINUTES}


def resend(email: str, caller: str) -> dict[str, Any]:
    """A new code while a registration waits (the same answer for any other email)."""
    _throttled(caller)
    email = email.strip().lower()
    if ports().tickets.registration(email) is not None:
        _send_code(email)
    return {"email": email, "expires_in_minutes": CODE_MINUTES}


def confirm(email: str, code: str) -> dict[str, Any]:
    email = email.strip().lower()
    pending = ports().tickets.registration(email)
    if pending is None or parse_iso(pending["expires_at"]) < parse_iso(ports().clock.now_iso()):
        raise Unprocessable(WRONG, code="CODE_INVALID", field="code")
    if not hmac.compare_digest(pending["hash"], _hash(email, code.strip())):
        if ports().tickets.registration_failed(email) >= MAX_TRIES:
            raise TooManyCodes("Terlalu banyak kode salah. Minta kode baru.")
        raise Unprocessable(WRONG, code="CODE_INVALID", field="code")
    if ports().tickets.registration_failures(email) >= MAX_TRIES:
        raise TooManyCodes("Terlalu banyak kode salah. Minta kode baru.")
    profile = ports().users.get(email)
    if profile.enabled:
        raise Conflict("Akun ini sudah dikonfirmasi; silakan masuk.", code="ALREADY_CONFIRMED")
    ports().users.update(email, {"enabled": True})
    ports().tickets.registration_done(email)
    return {"email": email, "confirmed": True}


def _send_code(email: str) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    expires = parse_iso(ports().clock.now_iso()) + timedelta(minutes=CODE_MINUTES)
    text = (
        f"Kode konfirmasi pendaftaran SIAP n LOSS Anda: {code}. Berlaku {CODE_MINUTES} menit. "
        "Jangan berikan kode ini kepada siapa pun, termasuk petugas."
    )
    owed = [
        effects.owe(
            effects.SEND_EMAIL,
            {"address": email, "title": "Kode konfirmasi SIAP n LOSS", "text": text},
        )
    ]
    ports().tickets.save_registration(email, _hash(email, code), expires.isoformat(), owed)
    effects.carry_out(owed)


def _hash(email: str, code: str) -> str:
    key = settings().tracking_secret.encode()
    return hmac.new(key, f"register:{email}:{code}".encode(), hashlib.sha256).hexdigest()
