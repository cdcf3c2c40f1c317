"""Phone numbers as applicants and officials write them, stored in one form (E.164).

People write the same WhatsApp number as "0812-3456-7890", "62812…", "+62 812 …" or even
"+62 0812…"; comparing, deduplicating and sending need one spelling, so every number is
normalised on the way in and refused with a message saying how to write it. libphonenumber
(the `phonenumbers` package, in its "lite" build without the 40 MB of geocoding data) knows
Indonesia's numbering plan: which lengths are valid, and which ranges are mobile — a landline
is a valid number but cannot receive WhatsApp.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

from chalicelib.errors import Unprocessable

ERROR_CODE = "INVALID_PHONE"
MESSAGE = "Nomor WhatsApp tidak valid: tulis seperti 0812-3456-7890."
DEFAULT_REGION = "ID"
# What a written number may contain: a leading "+", digits and the separators people use.
# libphonenumber would read letters as a keypad ("0812-ABCD" → 0812-2223), so they are
# refused here, before it sees them.
_WRITTEN = re.compile(r"\+?[\d\s().\-/]+")
_MAX_LENGTH = 32
# Types that can be a mobile phone: in some plans (the USA's) the number alone cannot tell.
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _parse(raw: object) -> PhoneNumber | None:
    """The number `raw` writes, or None when it is not a valid phone number anywhere."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > _MAX_LENGTH or not _WRITTEN.fullmatch(text):
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw: str, *, field: str | None = None) -> str:
    """E.164 ("+6281234567890") for a number written in any usual Indonesian way, or in
    international form for another country. Raises Unprocessable(code="INVALID_PHONE"),
    naming `field` when given, for anything else."""
    number = _parse(raw)
    if number is None:
        extra = {"field": field} if field else {}
        raise Unprocessable(MESSAGE, code=ERROR_CODE, **extra)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """Whether the number can be a mobile phone, so can receive WhatsApp (False for a
    landline such as "+62342123456" and for anything that is not a valid number)."""
    number = _parse(e164)
    return number is not None and phonenumbers.number_type(number) in _MOBILE_TYPES


def whatsapp_to(e164: str) -> str:
    """The number as WhatsApp's `to` field and Indonesian gateways want it: digits only,
    with the country code ("6281234567890")."""
    return normalize_phone(e164).removeprefix("+")
