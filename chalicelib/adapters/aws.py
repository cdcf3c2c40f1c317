"""boto3 clients, one per service per process (reused across warm invocations).

Endpoints come from the environment (AWS_ENDPOINT_URL locally), never from code.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.settings import settings

_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=30
)


@cache
def client(service: str) -> Any:
    return boto3.session.Session().client(service, region_name=settings().region, config=_CONFIG)


_ONE_TRY = Config(
    retries={"mode": "standard", "max_attempts": 1}, connect_timeout=5, read_timeout=30
)


@cache
def single_try_client(service: str) -> Any:
    """For calls that must not be repeated blindly: a SendTaskSuccess retried after a lost
    reply finds its token spent. The outbox repeats them, knowing what it repeats."""
    return boto3.session.Session().client(service, region_name=settings().region, config=_ONE_TRY)
