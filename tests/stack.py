"""A running local stack for tests: started as `make run` starts it, driven over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from local.client import ApiClient

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "Demo#2026!"
# Test-only workflows and agencies, declared beside chalicelib/'s (`make run` has none of them).
FIXTURE_DECLARATIONS = ROOT / "tests" / "fixtures" / "declarations"


def eventually(check: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    """The first truthy result of `check`, polled until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.25)


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    state: dict[str, Any]
    state_file: Path
    _client: ApiClient | None = None

    def output(self) -> str:
        return self.state_file.with_name("stack.out").read_text(errors="replace")

    @property
    def url(self) -> str:
        return self.state["url"]

    @property
    def aws_endpoint(self) -> str:
        return self.state["aws_endpoint"]

    @property
    def env(self) -> dict[str, str]:
        return self.state["env"]

    def api(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(
            method, f"{self.url}api{path}", headers=headers, timeout=30, **kwargs
        )

    def login(self, email: str, password: str = DEMO_PASSWORD) -> str:
        return self.client.token(email, password)

    def new_user(
        self, roles: list[str], region: str | None = None, password: str = "Rahasia#2026a"
    ) -> str:
        """A fresh account through the admin API, so tests never change the demo accounts."""
        email = f"uji-{uuid.uuid4().hex[:10]}@contoh.go.id"
        body: dict[str, Any] = {
            "email": email,
            "name": "Pengguna Uji",
            "roles": roles,
            "password": password,
        }
        if region:
            body["region"] = region
        admin = _admin_for(roles)
        response = self.api("POST", "/admin/users", self.login(admin), json=body)
        assert response.status_code == 201, response.text
        return email

    def sms_texts(self) -> list[str]:
        """Every SMS moto's SNS has recorded as sent, oldest first."""
        data = requests.get(f"{self.aws_endpoint}/moto-api/data.json", timeout=120).json()
        return [str(entry) for entry in data["sns"]["SMS"]]

    def sms_to(self, needle: str, timeout: float = 30) -> list[str]:
        """The SMS mentioning `needle`, waiting for the outbox to send it (it is sent after
        the state change it belongs to, so a test that looks at once may look too early)."""
        return eventually(
            lambda: [t for t in self.sms_texts() if needle in t], f"SMS about {needle}", timeout
        )

    @property
    def client(self) -> ApiClient:
        """PTSP and the officials, over HTTP (one login per account, reused)."""
        if self._client is None:
            self._client = ApiClient(self.url, self.env["PTSP_WEBHOOK_SECRET"], DEMO_PASSWORD)
        return self._client

    def sink(self, method: str = "GET", path: str = "/deliveries", **kwargs: Any) -> Any:
        """The local PTSP sink: what this system delivered to PTSP."""
        response = requests.request(method, f"{self.url}ptsp-sink{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response.json()

    def boto3_client(self, service: str) -> Any:
        import boto3

        return boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name=self.state["region"],
        ).client(service, endpoint_url=self.aws_endpoint)


# The demo administrator of each agency (an admin creates accounts of its own workflows' roles).
AGENCY_ADMINS = {"esdm-jateng": "admin@demo.local", "dpmptsp-blitar": "admin@blitar.demo"}


def _admin_for(roles: list[str]) -> str:
    from chalicelib.declared import catalog

    for workflow in catalog().workflows.values():
        if set(roles) & set(workflow.roles) - {"ADMIN"} and workflow.agency in AGENCY_ADMINS:
            return AGENCY_ADMINS[workflow.agency]
    return AGENCY_ADMINS["esdm-jateng"]


def start_stack(
    workdir: Path,
    extra_args: tuple[str, ...] = (),
    timeout: float = 180,
    declarations: tuple[Path, ...] = (FIXTURE_DECLARATIONS,),
) -> RunningStack:
    """`make run` plus the test-only declarations (EXTRA_DECLARATIONS; a root that does not
    exist is skipped by the stack)."""
    state_file = workdir / "stack.json"
    env = {
        **os.environ,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "EXTRA_DECLARATIONS": os.pathsep.join(str(root) for root in declarations),
    }
    log = (workdir / "stack.out").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "local.stack",
            "--port",
            "0",
            "--state-file",
            str(state_file),
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + timeout
    while not state_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            output = (workdir / "stack.out").read_text(errors="replace")
            raise RuntimeError(f"local stack did not start:\n{output[-4000:]}")
        time.sleep(0.2)
    time.sleep(0.1)  # the file is written in one go; give the banner a moment
    return RunningStack(process, json.loads(state_file.read_text()), state_file)


def stop_stack(stack: RunningStack, timeout: float = 30) -> int:
    stack.process.send_signal(signal.SIGTERM)
    return stack.process.wait(timeout=timeout)
