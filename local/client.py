"""A small client of the HTTP API, as PTSP and officials use it: for demo data and tests."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from chalicelib.adapters.signatures import sign


class ApiError(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"{response.status_code} {response.text[:500]}")
        self.response = response


@dataclass
class ApiClient:
    base_url: str  # http://host:port/ (the console's origin; the API is under /api)
    webhook_secret: str = ""
    password: str = "Demo#2026!"
    tokens: dict[str, str] = field(default_factory=dict)

    def call(
        self, method: str, path: str, who: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if who:
            headers["Authorization"] = f"Bearer {self.token(who)}"
        return requests.request(
            method, f"{self.base_url}api{path}", headers=headers, timeout=30, **kwargs
        )

    def ok(self, method: str, path: str, who: str | None = None, **kwargs: Any) -> Any:
        response = self.call(method, path, who, **kwargs)
        if response.status_code >= 300:
            raise ApiError(response)
        return response.json()

    def token(self, email: str, password: str | None = None) -> str:
        """A bearer token for `email` (logged in once per password, then reused)."""
        password = password or self.password
        key = f"{email}\0{password}"
        if key not in self.tokens:
            response = requests.post(
                f"{self.base_url}api/auth/login",
                json={"email": email, "password": password},
                timeout=30,
            )
            if response.status_code != 200:
                raise ApiError(response)
            self.tokens[key] = response.json()["token"]
        return self.tokens[key]

    # --- PTSP ---------------------------------------------------------------------------

    def send_application(
        self, application: dict[str, Any], webhook_id: str | None = None, at: float | None = None
    ) -> requests.Response:
        body = json.dumps(application)
        headers = sign(self.webhook_secret, webhook_id or f"msg_{uuid.uuid4().hex}", body, at)
        return requests.post(
            f"{self.base_url}api/ptsp/applications", data=body, headers=headers, timeout=30
        )

    # --- officials ------------------------------------------------------------------------

    def wait_for_step(
        self, ticket_no: str, who: str, step: str | None = None, timeout: float = 20
    ) -> dict[str, Any]:
        """The ticket once a step (or `step`) waits; the workflow hands it over asynchronously."""

        def waiting(detail: dict[str, Any]) -> bool:
            pending = detail.get("pending")
            return bool(pending) and (step is None or pending["step"] == step)

        return self._wait(ticket_no, who, waiting, f"step {step} not waiting", timeout)

    def wait_for_final(self, ticket_no: str, who: str, timeout: float = 20) -> dict[str, Any]:
        return self._wait(ticket_no, who, lambda d: d["final"], "not final", timeout)

    def _wait(
        self,
        ticket_no: str,
        who: str,
        done: Callable[[dict[str, Any]], bool],
        what: str,
        timeout: float,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            detail = self.ok("GET", f"/tickets/{ticket_no}", who)
            if done(detail):
                return detail
            if time.monotonic() > deadline:
                raise TimeoutError(f"{ticket_no}: {what}; now {detail['status']}")
            time.sleep(0.1)

    def decide(
        self, ticket_no: str, who: str, step: str, action: str, **extra: Any
    ) -> requests.Response:
        self.wait_for_step(ticket_no, who, step)
        body = {"step": step, "action": action, "checked": True, **extra}
        return self.call("POST", f"/tickets/{ticket_no}/decision", who, json=body)

    def upload(
        self,
        ticket_no: str,
        who: str,
        data: bytes,
        kind: str = "REKOMTEK",
        filename: str = "rekomtek.pdf",
        content_type: str = "application/pdf",
    ) -> requests.Response:
        """Ask for a presigned POST, upload straight to S3, then ask the API to check it."""
        grant = self.ok(
            "POST",
            f"/tickets/{ticket_no}/documents",
            who,
            json={
                "kind": kind,
                "filename": filename,
                "content_type": content_type,
                "size": len(data),
            },
        )
        upload = grant["upload"]
        stored = requests.post(
            upload["url"],
            data=upload["fields"],
            files={"file": (filename, data, content_type)},
            timeout=30,
        )
        if stored.status_code >= 300:
            raise ApiError(stored)
        return self.call("POST", f"/tickets/{ticket_no}/documents/{grant['id']}/confirm", who)


def application(
    ticket_no: str,
    name: str,
    region: str = "SEMARANG DEMAK",
    permit_type: str = "WIUP",
    lon: float = 110.42,
    lat: float = -7.01,
    **extra: Any,
) -> dict[str, Any]:
    """An application as PTSP sends it, with a small square around (lon, lat)."""
    d = 0.01
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    return {
        "ticket_no": ticket_no,
        "permit_type": permit_type,
        "applicant": {"name": name},
        "submitted_at": "2026-11-02",
        "region": region,
        "location": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        **extra,
    }
