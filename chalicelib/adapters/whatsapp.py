"""WhatsApp template messages through Meta's WhatsApp Cloud API.

A business may start a conversation only with a template Meta has approved (category
UTILITY for permit updates), sent as `POST {endpoint}/{version}/{phone-number-id}/messages`
with a bearer token. The outbox carries each message out and repeats it until it succeeds,
so what matters here is telling the two kinds of failure apart:

- Meta refuses *this message* (a number not on WhatsApp, a template that does not exist
  or is paused, the wrong number of parameters, a token that is no longer valid): repeating
  it changes nothing, so it is a PermanentFailure and the outbox drops it.
- Meta is busy or unreachable (a rate limit, a 5xx, a timeout, a broken connection): it is
  a DeliveryFailed, and the outbox tries again later.

The token is a credential that sends as the agency's WhatsApp number: it goes only into the
Authorization header, never into an exception text (which the outbox logs) or a repr.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from chalicelib.errors import DeliveryFailed, PermanentFailure

DEFAULT_ENDPOINT = "https://graph.facebook.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
# Meta's error codes that say "not now" rather than "not this message": API unknown/service
# (1, 2), call-rate limits (4, 17, 32, 613, 80007), Cloud API throughput (130429), something
# went wrong (131000), service unavailable (131016), spam rate limit (131048), pair rate
# limit (131056), account in maintenance (131057), server temporarily unavailable (133004).
# Any other refusal with a 4xx status is about the message or the configuration.
RETRYABLE_CODES = frozenset(
    {1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131048, 131056, 131057, 133004}
)
_MAX_ERROR_TEXT = 300


class WhatsAppCloud:
    """One sending phone number of a WhatsApp Business Account."""

    def __init__(
        self,
        endpoint: str,
        version: str,
        phone_number_id: str,
        token: str,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.url = (
            f"{(endpoint or DEFAULT_ENDPOINT).rstrip('/')}/{version}/{phone_number_id}/messages"
        )
        self.timeout = timeout
        self._token = token

    def __repr__(self) -> str:
        return f"WhatsAppCloud(url={self.url!r}, timeout={self.timeout!r})"

    def send_template(
        self, to_e164: str, template: str, parameters: list[str], language: str = "id"
    ) -> str:
        """Send one template message; returns Meta's message id ("wamid.…").

        Raises PermanentFailure when Meta refuses the message for good, DeliveryFailed when
        it may go through later."""
        if not self._token:
            raise PermanentFailure("WhatsApp: no access token configured")
        body = template_message(to_e164, template, parameters, language)
        return _message_id(self._post(body))

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _json(response.read())
        except urllib.error.HTTPError as error:
            raise self._refusal(error.code, _read(error)) from None
        except (OSError, http.client.HTTPException) as error:
            # URLError, timeouts and reset connections are OSErrors; a garbled status line
            # is an HTTPException. None of them says the message itself is wrong.
            text = self._redact(f"{type(error).__name__}: {error}")
            raise DeliveryFailed(f"WhatsApp unreachable: {text}") from None

    def _refusal(self, status: int, raw: bytes) -> Exception:
        """The exception for an error answer: see RETRYABLE_CODES."""
        error = _json(raw).get("error")
        error = error if isinstance(error, dict) else {}
        code = error.get("code")
        text = self._redact(_describe(status, error))
        if status == 429 or status >= 500 or code in RETRYABLE_CODES:
            return DeliveryFailed(text)
        return PermanentFailure(text)

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "[token]") if self._token else text


def template_message(
    to_e164: str, template: str, parameters: list[str], language: str = "id"
) -> dict[str, Any]:
    """The request body Meta documents for a template with body parameters."""
    to = to_e164.strip().removeprefix("+")
    if not (to.isascii() and to.isdigit() and 8 <= len(to) <= 15):
        raise PermanentFailure("WhatsApp: the recipient is not an E.164 phone number")
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template,
            "language": {"code": language},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": _clean(p)} for p in parameters],
                }
            ],
        },
    }


def _clean(value: object) -> str:
    """Meta refuses a parameter with a line break, a tab or more than four spaces in a row
    (132018), and an empty one: a reason typed over several lines is sent on one."""
    return " ".join(str(value).split()) or "-"


def _message_id(answer: dict[str, Any]) -> str:
    try:
        message_id = answer["messages"][0]["id"]
    except (KeyError, IndexError, TypeError):
        message_id = None
    if not isinstance(message_id, str) or not message_id:
        # Accepted or not? Unknown: repeating risks a duplicate, dropping risks a loss.
        raise DeliveryFailed("WhatsApp answered without a message id")
    return message_id


def _describe(status: int, error: dict[str, Any]) -> str:
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    parts = [
        f"WhatsApp refused the message: HTTP {status}",
        f"code {error.get('code')}" if error.get("code") is not None else "",
        str(error.get("message") or "")[:_MAX_ERROR_TEXT],
        str(details)[:_MAX_ERROR_TEXT] if details else "",
        f"fbtrace_id {error['fbtrace_id']}" if error.get("fbtrace_id") else "",
    ]
    return "; ".join(part for part in parts if part)


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (OSError, http.client.HTTPException):
        return b""


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
