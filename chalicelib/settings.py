"""Configuration read from the environment, the only thing that differs between places.

On AWS the variables come from the template's `Globals.Function.Environment` (infra/);
locally the stack resolves that same block against the emulated resources.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    region: str
    resource_prefix: str
    tickets_table: str
    history_table: str
    search_table: str
    notifications_table: str
    idempotency_table: str
    outbox_table: str
    documents_bucket: str
    ticket_events_topic_arn: str
    official_alerts_topic_arn: str
    workflow_tasks_queue_url: str
    notifications_queue_url: str
    ptsp_callbacks_queue_url: str
    ptsp_callbacks_dlq_url: str
    user_pool_id: str
    user_pool_client_id: str
    web_base_url: str
    cognito_jwks_url: str
    state_machine_arn_prefix: str  # + workflow id = that workflow's state machine
    extra_declarations: str  # more declaration roots (os.pathsep-separated); empty on AWS
    ptsp_webhook_secret: str
    ptsp_callback_url: str
    ptsp_callback_secret: str
    step_timeout_seconds: str
    ptsp_retry_base_seconds: str
    outbox_lease_seconds: str
    cursor_secret: str
    tracking_secret: str  # derives each application's public tracking access code
    signer: str  # who signs SKs: "bsre" (BSrE's Esign Client) or "local" (a local CA)
    signer_dir: str  # local: the signer's key, certificate chain and passphrase hash
    signer_nik: str  # the NIK of the official whose certificate signs
    bsre_url: str
    bsre_username: str
    bsre_password: str
    sk_trust_roots: str  # PEM of the roots a signed SK must chain to (BSrE's); local: none
    whatsapp_endpoint: str
    whatsapp_api_version: str
    whatsapp_phone_number_id: str
    whatsapp_token: str

    @property
    def token_issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-3"
        values: dict[str, str] = {"region": region}
        for field in fields(cls):
            if field.name in values:
                continue
            values[field.name] = env.get(field.name.upper(), "")
        values["resource_prefix"] = values["resource_prefix"] or "etracking"
        if not values["cognito_jwks_url"] and values["user_pool_id"]:
            issuer = f"https://cognito-idp.{region}.amazonaws.com/{values['user_pool_id']}"
            values["cognito_jwks_url"] = f"{issuer}/.well-known/jwks.json"
        return cls(**values)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


def queue_name(suffix: str) -> str:
    """Queue names are fixed at import time: `chalice package` reads them off the decorators."""
    return f"{os.environ.get('RESOURCE_PREFIX', 'etracking')}-{suffix}"
