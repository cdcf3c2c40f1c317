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
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from chalice.cli.factory import CLIFactory

from chalicelib.adapters import email
from chalicelib.adapters.users import UserDirectory
from local import fake_whatsapp, pkkpr_demo, sent_messages
from local.client import ApiClient
from local.gateway import SEEDING_CODE, SEEDING_MARKER_ENV
from local.provision import ROOT, Provisioner, extra_roots
from local.seed import DEFAULT_DEMO_PASSWORD, demo_tickets, seed_tickets, seed_users
from local.signing_ca import ensure_signer

DEFAULT_REGION = "ap-southeast-3"
# Local-only demo secrets (Standard Webhooks form); production passes its own parameters.
DEMO_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"andesit-ptsp-masuk-demo-2026").decode()
DEMO_CALLBACK_SECRET = "whsec_" + base64.b64encode(b"andesit-ptsp-keluar-demo-2026").decode()
# Children started again when they die (API workers api-N too); moto holds every datum in
# memory, so a dead moto ends the stack.
RESTARTABLE = ("dispatcher", "scheduler")
LOOPBACK_NAMES = ("127.0.0.1", "localhost")
FIRST_ACCOUNT = "kadis@esdm.demo"  # demo ticket 27419 waits for Kepala Dinas
MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 60
LOCAL_RETRY_BASE_SECONDS = "0.005"  # PTSP retry schedule × 1/6000: 1, 1, 1, 2, 3, 6, 6 s
DEMO_CURSOR_SECRET = base64.b64encode(b"andesit-kursor-halaman-demo-2026").decode()
DEMO_TRACKING_SECRET = base64.b64encode(b"siapnloss-kode-akses-lacak-demo-2026").decode()


# The local signer: a certificate from the stack's own CA for a demo Kepala DPMPTSP.
DEMO_SIGNER_NAME = "Drs. Hendro Wibowo, M.Si."
DEMO_SIGNER_NIK = "3505010101700001"
DEMO_TTE_PASSPHRASE = "Demo#TTE2026"
DEMO_WHATSAPP_TOKEN = "token-whatsapp-lokal"
DEMO_WHATSAPP_SENDER = "102030405060708"


def template_parameters(url: str, local: dict[str, str] | None = None) -> dict[str, str]:
    """CloudFormation parameters of the local stack, overridable by the environment;
    `local`: what the stack made for itself (the signer's folder, the WhatsApp fake)."""
    env = os.environ
    parameters = {
        "WebOrigin": url.rstrip("/"),
        "PtspWebhookSecret": env.get("PTSP_WEBHOOK_SECRET") or DEMO_WEBHOOK_SECRET,
        "PtspCallbackSecret": env.get("PTSP_CALLBACK_SECRET") or DEMO_CALLBACK_SECRET,
        "CursorSecret": env.get("CURSOR_SECRET") or DEMO_CURSOR_SECRET,
        "TrackingSecret": env.get("TRACKING_SECRET") or DEMO_TRACKING_SECRET,
        "PtspCallbackUrl": env.get("PTSP_CALLBACK_URL") or f"{url}ptsp-sink/callbacks",
        # 30 is the real day-long schedule; locally it is squeezed into ~20 s to watch it.
        "PtspRetryBaseSeconds": env.get("PTSP_RETRY_BASE_SECONDS") or LOCAL_RETRY_BASE_SECONDS,
        "OutboxLeaseSeconds": env.get("OUTBOX_LEASE_SECONDS") or "2",
        **(local or {}),
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


def wait_http(
    url: str, timeout: float, ready: Callable[[int, bytes], bool] = lambda status, _: status == 200
) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if ready(response.status, response.read()):
                    return
                last = str(response.status)
        except urllib.error.HTTPError as error:
            body = error.read()
            if ready(error.code, body):
                return
            last = f"{error.code} {body[:300]!r}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready after {timeout:.0f}s: {last}")


def _serving(status: int, body: bytes) -> bool:
    """Health of a front that serves: 200, or 503 only because the demo data is not in yet."""
    if status == 200:
        return True
    try:
        return status == 503 and json.loads(body).get("code") == SEEDING_CODE
    except ValueError:
        return False


def local_origins(url: str) -> list[str]:
    """The console's origin under both names of this machine: browsers treat
    http://localhost:8000 and http://127.0.0.1:8000 as different origins."""
    parsed = urllib.parse.urlsplit(url)
    names = {parsed.hostname or ""}
    if names & set(LOOPBACK_NAMES):
        names |= set(LOOPBACK_NAMES)
    return sorted(f"{parsed.scheme}://{name}:{parsed.port}" for name in names)


def allow_both_local_origins(s3: Any, url: str) -> None:
    """Uploads go straight from the browser to S3, which allows the console's origin only
    (the template's WebOrigin). Locally the console may be opened as localhost or 127.0.0.1:
    each bucket that allows one is told to allow the other too."""
    origin = url.rstrip("/")
    for bucket in s3.list_buckets()["Buckets"]:
        try:
            rules = s3.get_bucket_cors(Bucket=bucket["Name"])["CORSRules"]
        except s3.exceptions.ClientError:
            continue  # no CORS configuration
        changed = False
        for rule in rules:
            if origin in rule.get("AllowedOrigins", []):
                rule["AllowedOrigins"] = sorted({*rule["AllowedOrigins"], *local_origins(url)})
                changed = True
        if changed:
            s3.put_bucket_cors(Bucket=bucket["Name"], CORSConfiguration={"CORSRules": rules})


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
        extra_declarations: list[Path] | None = None,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.aws_port = aws_port or free_port(host)
        self.workers = workers
        self.region = region
        self.demo_password = demo_password
        self.log_dir = log_dir
        self.seed = seed
        # Declaration roots besides chalicelib/ (EXTRA_DECLARATIONS), e.g. the tests' fixtures.
        self.extra_declarations = list(extra_declarations or [])
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        # How each child was started, so that a dead worker can be started again.
        self.specs: dict[str, tuple[list[str], dict[str, str], tuple[int, ...]]] = {}
        self.restarts: dict[str, list[float]] = {}
        self.restarted = False
        self.started_at = time.monotonic()
        self.logs: list[IO[bytes]] = []
        self.listener: socket.socket | None = None
        self.app_env: dict[str, str] = {}
        self.stop_whatsapp: Callable[[], None] = lambda: None
        self.applications: list[dict[str, str]] = []  # the PKKPR demo, for the banner

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
        self.specs[name] = (args, env, pass_fds)
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

    def progress(self, step: str) -> None:
        """One line per step of a start that takes a minute or two, with the time so far."""
        elapsed = time.monotonic() - self.started_at
        print(f"Menyiapkan {step} … ({elapsed:.0f} detik)", flush=True)

    @property
    def seeding_marker(self) -> Path:
        return self.log_dir.parent / f".seeding-{os.getpid()}"

    def start(self) -> None:
        self.started_at = time.monotonic()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._listen()
        base_env = self._base_env()
        self.progress("AWS tiruan (moto)")
        self._start_moto(base_env)
        self.progress("sumber daya dari infra/resources.json (tabel, bucket, antrean, Cognito)")
        provisioner = Provisioner(
            self.aws_endpoint, self.region, template_parameters(self.url, self._local_parts())
        )
        state = provisioner.run()
        if self.extra_declarations:
            self.progress("alur kerja tambahan (EXTRA_DECLARATIONS)")
            for root in self.extra_declarations:
                if not root.is_dir():
                    print(f"EXTRA_DECLARATIONS: {root} tidak ada; dilewati.", flush=True)
            provisioner.provision_workflows(r for r in self.extra_declarations if r.is_dir())
        allow_both_local_origins(provisioner.client("s3"), self.url)
        self.app_env = self._app_env(base_env, provisioner, state.refs["UserPool"])
        if self.seed:
            self.progress("akun demo")
            self._seed_users(provisioner, state.refs)
            self.seeding_marker.write_text("")
            self.app_env[SEEDING_MARKER_ENV] = str(self.seeding_marker)
        self.progress(f"API ({self.workers} proses) dan pengantar antrean SQS")
        self._start_front()
        wait_http(f"{self.url}api/health", timeout=60, ready=_serving)
        if self.seed:
            self._seed_tickets()

    def _local_parts(self) -> dict[str, str]:
        """The signer's certificate (the stack's own CA) and the WhatsApp fake, as template
        parameters: SIGNER=local and a WhatsApp endpoint on this machine."""
        folder = self.log_dir.parent / "tte"
        ensure_signer(
            folder, name=DEMO_SIGNER_NAME, nik=DEMO_SIGNER_NIK, passphrase=DEMO_TTE_PASSPHRASE
        )
        whatsapp_url, self.stop_whatsapp = fake_whatsapp.start(
            directory=self.log_dir.parent,
            token=DEMO_WHATSAPP_TOKEN,
            host=self.host,
            phone_number_id=DEMO_WHATSAPP_SENDER,
        )
        return {
            "Signer": "local",
            "SignerDir": str(folder),
            "SignerNik": DEMO_SIGNER_NIK,
            "WhatsappEndpoint": whatsapp_url,
            "WhatsappPhoneNumberId": DEMO_WHATSAPP_SENDER,
            "WhatsappToken": DEMO_WHATSAPP_TOKEN,
        }

    def _listen(self) -> None:
        # Bind the public port first: a busy port fails at once, and port 0 picks one.
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((self.host, self.requested_port))
        self.listener.listen(128)
        self.listener.set_inheritable(True)

    def _base_env(self) -> dict[str, str]:
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
        return base_env

    def _start_moto(self, base_env: dict[str, str]) -> None:
        sent = str(self.log_dir.parent / sent_messages.SENT_FILE)
        self._spawn(
            "moto",
            ["-m", "local.moto_server", "-H", self.host, "-p", str(self.aws_port)],
            {**base_env, "MOTO_PORT": str(self.aws_port), sent_messages.SENT_LOG_ENV: sent},
        )
        wait_http(f"{self.aws_endpoint}/moto-api/", timeout=60)
        request = urllib.request.Request(
            f"{self.aws_endpoint}/moto-api/config",
            method="POST",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).close()

    def _app_env(
        self, base_env: dict[str, str], provisioner: Provisioner, pool_id: str
    ) -> dict[str, str]:
        chalice_env = (
            CLIFactory(project_dir=str(ROOT))
            .create_config_obj(chalice_stage_name="dev")
            .environment_variables
        )
        return {
            **base_env,
            **chalice_env,
            **provisioner.function_environment(),
            "AWS_ENDPOINT_URL": self.aws_endpoint,
            "COGNITO_JWKS_URL": f"{self.aws_endpoint}/{pool_id}/.well-known/jwks.json",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "PTSP_SINK_DIR": str(self.log_dir.parent),
            # The template's value is "" (AWS reads chalicelib/ only); locally it may name more.
            "EXTRA_DECLARATIONS": os.pathsep.join(str(r) for r in self.extra_declarations),
        }

    def _seed_users(self, provisioner: Provisioner, refs: dict[str, str]) -> None:
        sns = provisioner.client("sns")
        alerts = refs["OfficialAlertsTopic"]
        directory = UserDirectory(
            provisioner.client("cognito-idp"),
            refs["UserPool"],
            refs["UserPoolClient"],
            on_created=lambda profile: email.subscribe(sns, alerts, profile.email),
        )
        seed_users(directory, self.demo_password)

    def _start_front(self) -> None:
        fd = self.listener.fileno() if self.listener else -1
        for i in range(self.workers):
            self._spawn(
                f"api-{i + 1}",
                ["-m", "local.gateway", "--fd", str(fd)],
                self.app_env,
                pass_fds=(fd,),
            )
        self._spawn("dispatcher", ["-m", "local.dispatcher"], self.app_env)
        self._spawn("scheduler", ["-m", "local.scheduler"], self.app_env)

    def _seed_tickets(self) -> None:
        """Demo tickets through the real webhook and API; health says 503 until they are in."""
        count = len(demo_tickets())
        self.progress(f"{count} ticket demo (webhook PTSP, lalu keputusan para pejabat)")
        client = ApiClient(self.url, self.app_env["PTSP_WEBHOOK_SECRET"], self.demo_password)
        seed_tickets(
            client, on_ticket=lambda i, no: self.progress(f"ticket demo {no} ({i}/{count})")
        )
        total = len(pkkpr_demo.DEMO["seed"])
        self.applications = pkkpr_demo.seed_applications(
            client,
            on_application=lambda i, what: self.progress(
                f"permohonan PKKPR demo: {what} ({i}/{total})"
            ),
        )
        self.seeding_marker.unlink(missing_ok=True)

    def describe(self) -> dict[str, Any]:
        keys = [
            k
            for k in self.app_env
            if k.isupper()
            and (
                k.endswith(
                    ("_TABLE", "_BUCKET", "_ARN", "_URL", "_ID", "_SECRET", "_SECONDS", "_PREFIX")
                )
                or k.startswith(("AWS_", "SIGNER", "WHATSAPP_"))
                or k == "EXTRA_DECLARATIONS"
            )
        ]
        return {
            "url": self.url,
            "api_url": f"{self.url}api/",
            "aws_endpoint": self.aws_endpoint,
            "region": self.region,
            "logs": str(self.log_dir),
            "pid": os.getpid(),
            "processes": self.pids(),
            "env": {k: self.app_env[k] for k in sorted(keys)},
        }

    def check_children(self) -> str | None:
        """Start again a worker or the dispatcher that died, as Lambda starts a new container;
        only the emulated AWS (whose data lives in its memory) or a worker dying over and over
        stops the stack. Returns why it must stop, or None."""
        for index, (name, process) in enumerate(self.children):
            if process.poll() is None:
                continue
            why = f"{name} exited with {process.returncode} (see {self.log_dir}/{name}.log)"
            if name not in RESTARTABLE and not name.startswith("api-"):
                return why
            if self._restarted_too_often(name):
                return f"{why}; berhenti {MAX_RESTARTS} kali dalam {RESTART_WINDOW_SECONDS} detik"
            print(f"{name} berhenti (kode {process.returncode}); dijalankan ulang.", flush=True)
            self.children.pop(index)
            self._spawn(name, *self.specs[name])
            self.restarted = True
            return None
        return None

    def _restarted_too_often(self, name: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self.restarts.get(name, []) if now - t < RESTART_WINDOW_SECONDS]
        self.restarts[name] = [*recent, now]
        return len(recent) >= MAX_RESTARTS

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.children}

    def stop(self) -> None:
        self.stop_whatsapp()
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
        self.seeding_marker.unlink(missing_ok=True)
        for log in self.logs:
            log.close()


def banner(stack: Stack, password: str) -> str:
    from local.seed import demo_users

    elapsed = time.monotonic() - stack.started_at
    lines = [
        "",
        f"E-Tracking Perizinan berjalan (stack lokal, siap dalam {elapsed:.0f} detik).",
        f"  Konsol web : {stack.url}",
        f"  API        : {stack.url}api/   (kesehatan: {stack.url}api/health)",
        f"  AWS (moto) : {stack.aws_endpoint}",
        f"  Log        : {stack.log_dir}/",
        "  Data       : di memori saja; hilang saat stack dihentikan.",
    ]
    if stack.seed:
        lines += ["", *start_here(stack.url, password)]
    lines += ["", f"Akun demo (password untuk semua: {password}):"]
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for user in demo_users():
        by_agency.setdefault(user.get("agency") or "", []).append(user)
    for agency, users in sorted(by_agency.items(), key=lambda item: not item[0]):
        lines.append(f"  Instansi {agency}:" if agency else "  Tanpa instansi (pemohon):")
        for user in users:
            region = f" — {user['region']}" if user.get("region") else ""
            lines.append(f"    {user['email']:<28} {', '.join(user['roles'])}{region}")
    lines += siap_n_loss(stack)
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


def siap_n_loss(stack: Stack) -> list[str]:
    """The SIAP n LOSS demo: its applications with their access codes, and where to look."""
    url = stack.url
    lines = [
        "",
        "SIAP n LOSS (DPMPTSP Kabupaten Blitar), PKKPR Non Berusaha:",
        f"  Passphrase TTE Kepala DPMPTSP (CA lokal, bukan BSrE): {DEMO_TTE_PASSPHRASE}",
        f"  Lacak Permohonan : {url}lacak",
        f"  Pesan terkirim (WhatsApp, SMS, email): {url}lokal/pesan",
    ]
    if stack.applications:
        lines.append(
            "  Permohonan demo (nomor registrasi, kode akses, pemohon, status dan posisi):"
        )
    for app in stack.applications:
        lines.append(
            f"    {app['ticket_no']:<17} {app['access_code']:<10} {app['applicant']:<20} "
            f"{app['status']}"
        )
    return lines


def start_here(url: str, password: str) -> list[str]:
    """Where a newcomer clicks first: the button, the account, the ticket waiting for them."""
    first = demo_tickets()[0]["application"]
    return [
        "Mulai di sini:",
        f"  1. Buka {url} lalu tekan DINAS ESDM PROVINSI JAWA TENGAH.",
        f"  2. Masuk sebagai {FIRST_ACCOUNT} dengan password {password}",
        f"  3. Buka ticket {first['ticket_no']} ({first['applicant']['name']}): menunggu "
        "keputusan Kepala Dinas.",
        f"  Alamat {' dan '.join(local_origins(url))} sama-sama bisa dipakai.",
    ]


def write_state(stack: Stack, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    state = stack.describe()
    env_lines = [f"export {k}='{v}'" for k, v in state["env"].items()]
    _write_atomically(path.with_suffix(".env"), "\n".join(env_lines) + "\n")
    _write_atomically(path, json.dumps(state, indent=2))


def _write_atomically(path: Path, text: str) -> None:
    """Readers (tools, tests) never see half a file: it is rewritten when a worker restarts."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    partial.replace(path)


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
        extra_declarations=extra_roots(os.environ.get("EXTRA_DECLARATIONS")),
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
            if stack.restarted:
                stack.restarted = False
                write_state(stack, args.state_file)  # the new pid, for tools and tests
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
