"""One worker of the local HTTP front: `/api/*` → Chalice's LocalGateway, the rest → web/.

The stack starts several workers on one shared listening socket, like Lambda runs several
containers: each handles one API request at a time (a lock around the app), so concurrent
requests really run concurrently across workers. Answers API Gateway gives by itself
(unknown route…) use the GatewayResponses declared in infra/resources.json.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import signal
import socket
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalice.cli.factory import CLIFactory
from chalice.local import LocalGateway, LocalGatewayException

from local import ptsp_sink, sent_messages
from local.provision import ROOT, load_template

API_PREFIX = "/api"
# Paths the console answers itself (index.html reads location.pathname), like the CDN's rule.
PAGE_PATHS = ("/verifikasi/", "/lacak")
WEB_ROOT = ROOT / "web"
# Set by the stack: a file that exists while the demo data is being put in. Until it is
# gone, health answers 503, so nobody starts on a stack whose demo tickets are not there.
SEEDING_MARKER_ENV = "LOCAL_SEEDING_MARKER"
SEEDING_CODE = "SEEDING_DEMO_DATA"


def gateway_responses(template: dict[str, Any]) -> dict[str, tuple[int | None, str]]:
    """ResponseType → (status override, JSON body) from the template's GatewayResponses."""
    found = {}
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ApiGateway::GatewayResponse":
            props = resource["Properties"]
            status = props.get("StatusCode")
            found[props["ResponseType"]] = (
                int(status) if status else None,
                props["ResponseTemplates"]["application/json"],
            )
    return found


class ApiFront:
    def __init__(self, app: Any, config: Any, responses: dict[str, tuple[int | None, str]]) -> None:
        self._gateway = LocalGateway(app, config)
        self._responses = responses
        self._lock = threading.Lock()

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            with self._lock:
                response = self._gateway.handle_request(
                    method=method, path=path, headers=headers, body=body
                )
        except LocalGatewayException as error:
            return self._gateway_error(error)
        payload = response.get("body") or b""
        if response.get("isBase64Encoded"):
            payload = base64.b64decode(payload)
        elif isinstance(payload, str):
            payload = payload.encode("utf-8")
        out_headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            out_headers[name] = ", ".join(values)
        if not any(name.lower() == "content-type" for name in out_headers):
            # API Gateway's Lambda proxy integration sends application/json when the
            # function names no content type (Chalice names none for a dict body).
            out_headers["Content-Type"] = "application/json"
        return int(response["statusCode"]), out_headers, payload

    def _gateway_error(self, error: LocalGatewayException) -> tuple[int, dict[str, str], bytes]:
        body = error.body or b""
        if b"Missing Authentication Token" in body:
            kind = "MISSING_AUTHENTICATION_TOKEN"
        else:
            kind = "DEFAULT_5XX" if error.CODE >= 500 else "DEFAULT_4XX"
        status, template = self._responses.get(kind, (None, body.decode() or "{}"))
        return status or error.CODE, {"Content-Type": "application/json"}, template.encode("utf-8")


class Handler(SimpleHTTPRequestHandler):
    api: ApiFront
    protocol_version = "HTTP/1.1"
    server_version = "etracking-local"
    timeout = 30  # an idle keep-alive connection does not hold a thread forever

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, directory=str(WEB_ROOT), **kwargs)

    def _is_api(self) -> bool:
        return self.path == API_PREFIX or self.path.startswith((API_PREFIX + "/", API_PREFIX + "?"))

    def _is_sink(self) -> bool:
        return self.path.startswith(ptsp_sink.PREFIX)

    def _is_sent_messages(self) -> bool:
        return self.path.startswith(sent_messages.PREFIX)

    def _serve_api(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items()}
        if self._is_sink():
            status, out_headers, payload = ptsp_sink.handle(self.command, self.path, headers, body)
        elif self._is_sent_messages():
            status, out_headers, payload = sent_messages.handle(self.path)
        else:
            path = self.path[len(API_PREFIX) :] or "/"
            if path.startswith("?"):
                path = "/" + path
            status, out_headers, payload = self.api.handle(self.command, path, headers, body)
            if path.split("?", 1)[0] == "/health" and status == 200 and seeding():
                status, payload = 503, seeding_answer(payload)
        self.send_response(status)
        for name, value in out_headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _method_not_allowed(self) -> None:
        payload = json.dumps(
            {"code": "METHOD_NOT_ALLOWED", "message": "Metode HTTP ini tidak didukung di sini."}
        ).encode()
        self.send_response(405)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        local_page = self._is_sink() or self._is_sent_messages()
        if self.path.startswith(PAGE_PATHS):  # pages linked from outside (an SK's QR code)
            self.path = "/index.html"
        self._serve_api() if self._is_api() or local_page else super().do_GET()

    def do_HEAD(self) -> None:
        self._serve_api() if self._is_api() else super().do_HEAD()

    def _api_only(self) -> None:
        self._serve_api() if self._is_api() or self._is_sink() else self._method_not_allowed()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _api_only

    def __getattr__(self, name: str) -> Any:
        """Any other method (TRACE, CONNECT, PROPFIND…): http.server would answer an HTML 501;
        the API answers it as API Gateway does (the app's 405), the rest a JSON 405."""
        if name.startswith("do_"):
            return self._api_only
        raise AttributeError(name)

    def end_headers(self) -> None:
        if not self._is_api():
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def seeding() -> bool:
    marker = os.environ.get(SEEDING_MARKER_ENV)
    return bool(marker) and Path(marker).exists()


def seeding_answer(health: bytes) -> bytes:
    """Health while the demo data goes in: every resource answers, the data is not there."""
    return json.dumps(
        {
            "code": SEEDING_CODE,
            "message": "Data demo sedang disiapkan; coba lagi sebentar lagi.",
            "resources": json.loads(health or b"{}").get("resources", {}),
        }
    ).encode()


def build_front(project_dir: Path = ROOT) -> ApiFront:
    sys.path.insert(0, str(project_dir))
    factory = CLIFactory(project_dir=str(project_dir))
    config = factory.create_config_obj(chalice_stage_name="dev")
    app = factory.load_chalice_app()
    return ApiFront(app, config, gateway_responses(load_template()))


class SharedSocketServer(ThreadingHTTPServer):
    """Several processes accept on one socket: all wake on a connection, one gets it.

    The listening socket is non-blocking so the others return to their select loop
    (where shutdown is noticed) instead of blocking in accept().
    """

    daemon_threads = True

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = self.socket.accept()
        connection.setblocking(True)
        return connection, address


def serve(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    sock.setblocking(False)
    Handler.api = build_front()
    server = SharedSocketServer(sock.getsockname()[:2], Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fd", type=int, required=True, help="inherited listening socket")
    serve(parser.parse_args().fd)
