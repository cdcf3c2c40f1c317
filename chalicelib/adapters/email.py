"""Email alerts through SNS: one topic, each official subscribed with a filter on their
own address, so a message published for a recipient reaches only that inbox.

SNS asks each address to confirm its subscription once (an email with a link); alerts
before that confirmation are not delivered, as SNS does for every email subscription.
"""

from __future__ import annotations

import json
from typing import Any

RECIPIENT = "recipient"


def subscribe(sns: Any, topic_arn: str, email: str) -> str:
    return sns.subscribe(
        TopicArn=topic_arn,
        Protocol="email",
        Endpoint=email,
        Attributes={"FilterPolicy": json.dumps({RECIPIENT: [email]})},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]


def send(sns: Any, topic_arn: str, email: str, subject: str, text: str) -> None:
    sns.publish(
        TopicArn=topic_arn,
        Subject=subject[:100],  # SNS's limit for email subjects
        Message=text,
        MessageAttributes={RECIPIENT: {"DataType": "String", "StringValue": email}},
    )
