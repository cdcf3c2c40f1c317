"""Standard Webhooks signatures exchanged with PTSP: what a sender must do to be accepted.

Expected signatures are computed here with hmac/hashlib/base64 from the spec
(standardwebhooks.com): HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed
with the base64-decoded part of the secret after `whsec_`, sent as `v1,<base64>`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pytest

from chalicelib.adapters.signatures import sign, verify
from chalicelib.errors import Unauthorized

# The secret and vector published with the Standard Webhooks / Svix reference libraries.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = '{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

WEBHOOK_ID = "msg_pengajuan_27419"
BODY = '{"ticket_no":"27419","permit_type":"WIUP","applicant":{"name":"Aceng Śudegdo"}}'


def spec_signature(secret: str, webhook_id: str, timestamp: int | str, body: str) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{webhook_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def spec_headers(
    secret: str = SECRET, webhook_id: str = WEBHOOK_ID, body: str = BODY, offset: int = 0
) -> dict[str, str]:
    """Headers as an independent sender would build them, `offset` seconds from now."""
    stamp = int(time.time()) + offset
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": spec_signature(secret, webhook_id, stamp, body),
    }


def rejected(body: bytes | str | None, headers: dict[str, str], secret: str = SECRET) -> str:
    """Verify expecting a 401; returns the error code."""
    with pytest.raises(Unauthorized) as caught:
        verify(secret, body, headers)
    assert caught.value.status == 401
    return caught.value.code


# --- the spec's test vector ----------------------------------------------------------------


def test_independent_computation_reproduces_the_published_vector() -> None:
    # Guards the helper itself: if this fails, the other expectations mean nothing.
    assert spec_signature(SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_sign_produces_the_published_vector() -> None:
    headers = sign(SECRET, VECTOR_ID, VECTOR_BODY, at=VECTOR_TIMESTAMP)

    assert headers["webhook-id"] == VECTOR_ID
    assert headers["webhook-timestamp"] == str(VECTOR_TIMESTAMP)
    assert headers["webhook-signature"] == VECTOR_SIGNATURE
    assert headers["Content-Type"] == "application/json"


def test_sign_truncates_a_fractional_time_to_whole_seconds() -> None:
    headers = sign(SECRET, VECTOR_ID, VECTOR_BODY, at=VECTOR_TIMESTAMP + 0.9)

    assert headers["webhook-timestamp"] == str(VECTOR_TIMESTAMP)
    assert headers["webhook-signature"] == VECTOR_SIGNATURE


def test_sign_without_a_time_stamps_now() -> None:
    before = int(time.time())

    headers = sign(SECRET, WEBHOOK_ID, BODY)

    stamp = int(headers["webhook-timestamp"])
    assert before <= stamp <= int(time.time())
    assert headers["webhook-signature"] == spec_signature(SECRET, WEBHOOK_ID, stamp, BODY)


# --- accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes-body", "str-body"])
def test_round_trip_returns_the_webhook_id(as_bytes: bool) -> None:
    headers = sign(SECRET, WEBHOOK_ID, BODY)
    body = BODY.encode() if as_bytes else BODY

    assert verify(SECRET, body, headers) == WEBHOOK_ID


def test_a_request_signed_independently_per_the_spec_is_accepted() -> None:
    assert verify(SECRET, BODY.encode("utf-8"), spec_headers()) == WEBHOOK_ID


@pytest.mark.parametrize("offset", [-240, 240], ids=["4-minutes-old", "4-minutes-ahead"])
def test_clock_skew_within_five_minutes_is_accepted(offset: int) -> None:
    assert verify(SECRET, BODY.encode(), spec_headers(offset=offset)) == WEBHOOK_ID


@pytest.mark.parametrize(
    "names",
    [
        ("WEBHOOK-ID", "WEBHOOK-TIMESTAMP", "WEBHOOK-SIGNATURE"),
        ("Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"),
        ("wEbHoOk-iD", "webhook-TIMESTAMP", "Webhook-signature"),
    ],
    ids=["upper", "title", "mixed"],
)
def test_header_names_are_case_insensitive(names: tuple[str, str, str]) -> None:
    # GIVEN headers as API Gateway may pass them on, in whatever case the sender used
    plain = spec_headers()
    headers = dict(zip(names, plain.values(), strict=True))

    assert verify(SECRET, BODY.encode(), headers) == WEBHOOK_ID


@pytest.mark.parametrize("position", ["first", "middle", "last"])
def test_one_matching_signature_in_a_list_is_enough(position: str) -> None:
    # GIVEN several space-separated signatures, as during a secret rotation
    headers = spec_headers()
    stamp = headers["webhook-timestamp"]
    right = headers["webhook-signature"]
    wrong = [
        spec_signature(OTHER_SECRET, WEBHOOK_ID, stamp, BODY),
        spec_signature(SECRET, WEBHOOK_ID, stamp, BODY + " "),
    ]
    index = {"first": 0, "middle": 1, "last": 2}[position]
    entries = [*wrong[:index], right, *wrong[index:]]
    headers["webhook-signature"] = " ".join(entries)

    assert verify(SECRET, BODY.encode(), headers) == WEBHOOK_ID


def test_signatures_of_another_version_are_skipped() -> None:
    headers = spec_headers()
    right = headers["webhook-signature"]
    headers["webhook-signature"] = f"v1a,{right[3:]} {right}"

    assert verify(SECRET, BODY.encode(), headers) == WEBHOOK_ID


# --- rejected: signature does not match ----------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        BODY.replace("27419", "27418"),
        BODY + "\n",
        BODY.replace('"WIUP"', '"IUJP"'),
        "",
    ],
    ids=["changed-ticket", "trailing-newline", "changed-permit", "emptied"],
)
def test_tampered_body_is_rejected(body: str) -> None:
    assert rejected(body.encode(), spec_headers()) == "SIGNATURE_INVALID"


def test_body_signed_with_another_secret_is_rejected() -> None:
    assert rejected(BODY.encode(), spec_headers(secret=OTHER_SECRET)) == "SIGNATURE_INVALID"


def test_changed_webhook_id_is_rejected() -> None:
    headers = spec_headers()
    headers["webhook-id"] = "msg_pengajuan_27420"

    assert rejected(BODY.encode(), headers) == "SIGNATURE_INVALID"


def test_changed_timestamp_within_the_window_is_rejected() -> None:
    headers = spec_headers()
    headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) - 1)

    assert rejected(BODY.encode(), headers) == "SIGNATURE_INVALID"


def test_body_that_is_not_utf8_is_rejected_not_a_crash() -> None:
    assert rejected(b"\xff\xfe not utf-8", spec_headers()) == "SIGNATURE_INVALID"


@pytest.mark.parametrize(
    "signature",
    [
        "v1",
        "garbage",
        "v1,",
        "v1,%%%not-base64%%%",
        "v1,abc",
        "v1,é-non-ascii",
        "v1,a,b",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        " ",
    ],
    ids=[
        "version-only",
        "garbage",
        "empty-signature",
        "not-base64",
        "bad-padding",
        "non-ascii",
        "three-parts",
        "no-version",
        "unknown-version-only",
        "blank",
    ],
)
def test_malformed_signature_header_is_signature_invalid(signature: str) -> None:
    headers = spec_headers()
    headers["webhook-signature"] = signature

    # Never another exception: the handler turns only AppErrors into a 401 response.
    assert rejected(BODY.encode(), headers) == "SIGNATURE_INVALID"


# --- rejected: headers missing -------------------------------------------------------------


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
@pytest.mark.parametrize("how", ["absent", "empty"])
def test_missing_header_is_signature_missing(header: str, how: str) -> None:
    headers = spec_headers()
    if how == "absent":
        del headers[header]
    else:
        headers[header] = ""

    with pytest.raises(Unauthorized) as caught:
        verify(SECRET, BODY.encode(), headers)

    assert caught.value.status == 401
    assert caught.value.code == "SIGNATURE_MISSING"
    assert header in caught.value.message


@pytest.mark.parametrize("headers", [{}, None], ids=["no-headers", "none"])
def test_no_headers_at_all_is_signature_missing(headers: dict[str, str] | None) -> None:
    assert rejected(BODY.encode(), headers) == "SIGNATURE_MISSING"  # type: ignore[arg-type]


# --- rejected: timestamp -------------------------------------------------------------------


@pytest.mark.parametrize("offset", [-360, 360], ids=["6-minutes-old", "6-minutes-ahead"])
def test_timestamp_more_than_five_minutes_off_is_expired(offset: int) -> None:
    # GIVEN a correctly signed request whose only fault is its time (a replay, or a bad clock)
    headers = spec_headers(offset=offset)

    assert rejected(BODY.encode(), headers) == "SIGNATURE_EXPIRED"


@pytest.mark.parametrize(
    "stamp",
    ["kemarin", "2019-03-14T08:30:00Z", "12:30", "0x5f5e100"],
    ids=["word", "iso-date", "clock-time", "hex"],
)
def test_non_numeric_timestamp_is_rejected_as_expired(stamp: str) -> None:
    headers = spec_headers()
    headers["webhook-timestamp"] = stamp
    headers["webhook-signature"] = spec_signature(SECRET, WEBHOOK_ID, stamp, BODY)

    assert rejected(BODY.encode(), headers) == "SIGNATURE_EXPIRED"


@pytest.mark.parametrize("stamp", ["nan", "inf", "-inf", "1e400"])
def test_special_float_timestamp_is_a_401_not_a_crash(stamp: str) -> None:
    headers = spec_headers()
    headers["webhook-timestamp"] = stamp
    headers["webhook-signature"] = spec_signature(SECRET, WEBHOOK_ID, stamp, BODY)

    assert rejected(BODY.encode(), headers) in {"SIGNATURE_EXPIRED", "SIGNATURE_INVALID"}
