"""Text messages and email through SNS. A refusal SNS will repeat forever (a malformed
number, an opted-out phone) is a permanent failure: the outbox drops it instead of
retrying."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.adapters import email
from chalicelib.adapters.aws import client
from chalicelib.errors import PermanentFailure
from chalicelib.settings import settings

PERMANENT_SNS_ERRORS = {"InvalidParameter", "InvalidParameterValue", "OptedOut"}


def _sns(call: Any, **kwargs: Any) -> None:
    try:
        call(**kwargs)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in PERMANENT_SNS_ERRORS:
            raise PermanentFailure(str(error)) from error
        raise


def send_sms(phone: str, text: str) -> None:
    _sns(client("sns").publish, PhoneNumber=phone, Message=text)


def send_email(address: str, subject: str, text: str) -> None:
    _sns(
        email.send,
        sns=client("sns"),
        topic_arn=settings().official_alerts_topic_arn,
        email=address,
        subject=subject,
        text=text,
    )


def send_whatsapp(phone: str, template: str, parameters: list[str], language: str) -> str:
    """A template message through the WhatsApp Cloud API (Meta): its message id."""
    from chalicelib.adapters.whatsapp import WhatsAppCloud

    s = settings()
    cloud = WhatsAppCloud(
        s.whatsapp_endpoint, s.whatsapp_api_version, s.whatsapp_phone_number_id, s.whatsapp_token
    )
    return cloud.send_template(phone, template, parameters, language)
