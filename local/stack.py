"""`make run`: the whole system on one machine, no AWS account.

moto's server (executing Step Functions) emulates the AWS services; resources come from
infra/resources.json; the API and the web console share one port; SQS messages reach the
app's handlers. Ctrl-C or SIGTERM stops everything.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from chalice.cli.factory import CLIFactory

from chalicelib.auth.users import UserDirectory
from chalicelib.notifications import email
from local.client import ApiClient
from local.provision import ROOT, Provisioner
from local.seed import DEFAULT_DEMO_PASSWORD, seed_tickets, seed_users

DEFAULT_REGION = "ap-southeast-3"
# Local-only demo secrets (Standard Webhooks form); production passes its own parameters.
DEMO_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"andesit-ptsp-masuk-demo-2026").decode()
DEMO_CALLBACK_SECRET = "whsec_" + base64.b64encode(b"andesit-ptsp-keluar-demo-2026").decode()
DEMO_CURSOR_SECRET = base64.b64encode(b"andesit-kursor-halaman-demo-2026").decode()


def template_parameters(url: str) -> dict[str, str]:
    """CloudFormation parameters of the local stack, overridable by the environment."""
    env = os.environ
    parameters = {
        "WebOrigin": url.rstrip("/"),
        "PtspWebhookSecret": env.get("PTSP_WEBHOOK_SECRET") or DEMO_WEBHOOK_SECRET,
        "PtspCallbackSecret": env.get("PTSP_CALLBACK_SECRET") or DEMO_CALLBACK_SECRET,
        "CursorSecret": env.get("CURSOR_SECRET") or DEMO_CURSOR_SECRET,
        "PtspCallbackUrl": env.get("PTSP_CALLBACK_URL") or f"{url}ptsp-sink/callbacks",
        "PtspRetryBaseSeconds": env.get("PTSP_RETRY_BASE_SECONDS") or "2",
    }
    if env.get("STEP_TIMEOUT_SECONDS"):
        parameters["StepTimeoutSeconds"] = env["STEP_TIMEOUT_SECONDS"]
    return parameters


def _die_with_parent() -> None:
    """Children get SIGTERM if the stack process dies without cleaning up (Linux)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, ok: tuple[int, ...] = (200,)) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status in ok:
                    return
                last = str(response.status)
        except urllib.error.HTTPError as error:
            last = f"{error.code} {error.read()[:300]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s: {last}")


class Stack:
    def __init__(
        self,
        host: str,
        port: int,
        aws_port: int,
        workers: int,
        region: str,
        demo_password: str,
        log_dir: Path,
        seed: bool = True,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.aws_port = aws_port or free_port(host)
        self.workers = workers
        self.region = region
        self.demo_password = demo_password
        self.log_dir = log_dir
        self.seed = seed
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.logs: list[IO[bytes]] = []
        self.listener: socket.socket | None = None
        self.app_env: dict[str, str] = {}

    @property
    def aws_endpoint(self) -> str:
        return f"http://{self.host}:{self.aws_port}"

    @property
    def url(self) -> str:
        assert self.listener is not None
        return f"http://{self.host}:{self.listener.getsockname()[1]}/"

    def _spawn(
        self, name: str, args: list[str], env: dict[str, str], pass_fds: tuple[int, ...] = ()
    ) -> None:
        log = (self.log_dir / f"{name}.log").open("ab")
        self.logs.append(log)
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=pass_fds,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.children.append((name, process))

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        # Bind the public port first: a busy port fails at once, and port 0 picks one.
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((self.host, self.requested_port))
        self.listener.listen(128)
        self.listener.set_inheritable(True)

        base_env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "PYTHONUNBUFFERED": "1",
        }
        base_env.pop("AWS_PROFILE", None)
        base_env.pop("AWS_SESSION_TOKEN", None)
        self._spawn(
            "moto",
            ["-m", "local.moto_server", "-H", self.host, "-p", str(self.aws_port)],
            {**base_env, "MOTO_PORT": str(self.aws_port)},
        )
        wait_http(f"{self.aws_endpoint}/moto-api/", timeout=60)
        request = urllib.request.Request(
            f"{self.aws_endpoint}/moto-api/config",
            method="POST",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).close()

        provisioner = Provisioner(self.aws_endpoint, self.region, template_parameters(self.url))
        state = provisioner.run()
        chalice_env = (
            CLIFactory(project_dir=str(ROOT))
            .create_config_obj(chalice_stage_name="dev")
            .environment_variables
        )
        pool_id = state.refs["UserPool"]
        self.app_env = {
            **base_env,
            **chalice_env,
            **provisioner.function_environment(),
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "COGNITO_JWKS_URL": f"{self.aws_endpoint}/{pool_id}/.well-known/jwks.json",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "PTSP_SINK_DIR": str(self.log_dir.parent),
        }
        if self.seed:
            idp = provisioner.client("cognito-idp")
            sns = provisioner.client("sns")
            alerts = state.refs["OfficialAlertsTopic"]
            directory = UserDirectory(
                idp,
                pool_id,
                state.refs["UserPoolClient"],
                on_created=lambda profile: email.subscribe(sns, alerts, profile.email),
            )
            seed_users(directory, self.demo_password)

        fd = self.listener.fileno()
        for i in range(self.workers):
            self._spawn(
                f"api-{i + 1}",
                ["-m", "local.gateway", "--fd", str(fd)],
                self.app_env,
                pass_fds=(fd,),
            )
        self._spawn("dispatcher", ["-m", "local.dispatcher"], self.app_env)
        wait_http(f"{self.url}api/health", timeout=60)
        if self.seed:
            secret = self.app_env["PTSP_WEBHOOK_SECRET"]
            seed_tickets(ApiClient(self.url, secret, self.demo_password))

    def describe(self) -> dict[str, Any]:
        keys = [
            k
            for k in self.app_env
            if k.isupper()
            and (
                k.endswith(("_TABLE", "_BUCKET", "_ARN", "_URL", "_ID", "_SECRET", "_SECONDS"))
                or k.startswith("AWS_")
                or k in ("RESOURCE_PREFIX",)
            )
        ]
        return {
            "url": self.url,
            "api_url": f"{self.url}api/",
            "aws_endpoint": self.aws_endpoint,
            "region": self.region,
            "logs": str(self.log_dir),
            "pid": os.getpid(),
            "env": {k: self.app_env[k] for k in sorted(keys)},
        }

    def check_children(self) -> str | None:
        for name, process in self.children:
            if process.poll() is not None:
                return f"{name} exited with {process.returncode} (see {self.log_dir}/{name}.log)"
        return None

    def stop(self) -> None:
        # Front first (no new requests), then the dispatcher, then the emulated AWS.
        for _, process in reversed(self.children):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 10
        for name, process in self.children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(
                    f"{name} tidak berhenti dalam 10 detik; dihentikan paksa.",
                    file=sys.stderr,
                    flush=True,
                )
                process.kill()
                process.wait()
        if self.listener:
            self.listener.close()
        for log in self.logs:
            log.close()


def banner(stack: Stack, password: str) -> str:
    from local.seed import demo_users

    lines = [
        "",
        "E-Tracking Perizinan berjalan (stack lokal).",
        f"  Konsol web : {stack.url}",
        f"  API        : {stack.url}api/   (kesehatan: {stack.url}api/health)",
        f"  AWS (moto) : {stack.aws_endpoint}",
        f"  Log        : {stack.log_dir}/",
        "",
        f"Akun demo (kata sandi untuk semua: {password}):",
    ]
    for user in demo_users():
        region = f" — {user['region']}" if user.get("region") else ""
        lines.append(f"  {user['email']:<28} {', '.join(user['roles'])}{region}")
    env = stack.app_env
    lines += [
        "",
        "PTSP (SIAP Jateng):",
        f"  Pengajuan masuk : POST {stack.url}api/ptsp/applications (Standard Webhooks)",
        f"  Rahasia webhook : {env.get('PTSP_WEBHOOK_SECRET', '')}",
        f"  Keputusan keluar: {env.get('PTSP_CALLBACK_URL', '')}",
    ]
    if env.get("PTSP_CALLBACK_URL", "").startswith(f"{stack.url}ptsp-sink/"):
        lines.append(f"  Kiriman tercatat: {stack.url}ptsp-sink/deliveries")
    lines += ["", "Tekan Ctrl-C untuk berhenti.", ""]
    return "\n".join(lines)


def write_state(stack: Stack, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = stack.describe()
    path.write_text(json.dumps(state, indent=2))
    env_lines = [f"export {k}='{v}'" for k, v in state["env"].items()]
    path.with_suffix(".env").write_text("\n".join(env_lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--aws-port", type=int, default=int(os.environ.get("AWS_PORT", "0")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WORKERS", "3")))
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", DEFAULT_REGION))
    parser.add_argument(
        "--state-file",
        type=Path,
        default=Path(os.environ.get("STATE_FILE", ROOT / ".local" / "stack.json")),
    )
    parser.add_argument("--log-dir", type=Path, default=None)
    parser.add_argument("--no-seed", action="store_true", help="no demo data")
    args = parser.parse_args(argv)
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    log_dir = args.log_dir or args.state_file.parent / "logs"

    stopping = False

    def request_stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    stack = Stack(
        args.host,
        args.port,
        args.aws_port,
        args.workers,
        args.region,
        password,
        log_dir,
        seed=not args.no_seed,
    )
    code = 0
    try:
        stack.start()
        write_state(stack, args.state_file)
        print(banner(stack, password), flush=True)
        while not stopping:
            problem = stack.check_children()
            if problem:
                print(f"Berhenti: {problem}", file=sys.stderr, flush=True)
                code = 1
                break
            time.sleep(0.3)
    except OSError as error:
        print(f"Gagal memulai: {error}", file=sys.stderr, flush=True)
        code = 1
    except Exception as error:
        print(f"Gagal memulai: {error!r} (log: {log_dir}/)", file=sys.stderr, flush=True)
        code = 1
    finally:
        stack.stop()
        with contextlib.suppress(FileNotFoundError):
            args.state_file.unlink()
        print("Stack lokal dihentikan.", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
