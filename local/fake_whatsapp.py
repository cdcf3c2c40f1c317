"""A stand-in for Meta's WhatsApp Cloud API (`POST /{version}/{phone-number-id}/messages`),
for the local stack and the tests: nothing leaves the machine, and every message can be read.

It refuses what Meta refuses, in Meta's error shape: a wrong or missing bearer token (190),
a malformed body (100), a template it does not know (132001) or with the wrong number of
parameters (132000), a parameter with a line break (132018). An accepted message gets a
"wamid.…" id and is recorded, in memory and as one JSON line in `<dir>/whatsapp-messages.jsonl`;
`GET /messages` lists them. `POST /_fail {"count": N, "status": 500, "code": 131000,
"delay": 0, "message": "…"}` makes the next N sends (N = -1: all) wait `delay` seconds and
then fail that way, to watch the outbox retry (429/130429: a rate limit; a long delay: a
server that hangs).

    python -m local.fake_whatsapp --port 8025 --dir .local
    url, stop = start(port=0, directory=tmp, token="rahasia")
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORD_FILE = "whatsapp-messages.jsonl"
DEFAULT_TOKEN = "token-whatsapp-lokal"
_SEND_PATH = re.compile(r"/(v\d+\.\d+)/([^/]+)/messages")
# Meta's default code for an injected status, when the test does not name one.
_CODE_FOR_STATUS = {429: 130429, 500: 131000, 503: 131016}
_BAD_PARAMETER = "Param text cannot have new-line/tab characters or more than 4 consecutive spaces"

Answer = tuple[int, dict[str, Any]]


def meta_error(status: int, code: int, message: str, details: str | None = None) -> Answer:
    """An error answer in the Graph API's shape."""
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "Afake" + secrets.token_hex(8),
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return status, {"error": error}


class FakeWhatsApp:
    """The fake's state: who may send, what it knows, what it has accepted, what is to fail."""

    def __init__(
        self,
        directory: Path,
        token: str,
        phone_number_id: str | None = None,
        templates: Mapping[str, int] | None = None,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.templates = dict(templates) if templates is not None else None
        self.records_path = directory / RECORD_FILE
        directory.mkdir(parents=True, exist_ok=True)
        self.records = self._load()
        self.failure: dict[str, Any] = {"count": 0}
        self.lock = threading.Lock()

    def _load(self) -> list[dict[str, Any]]:
        if not self.records_path.exists():
            return []
        lines = self.records_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def send(self, path: str, authorization: str | None, raw: bytes) -> Answer:
        """POST /{version}/{phone-number-id}/messages, checked in the order Meta checks."""
        route = _SEND_PATH.fullmatch(path)
        if not route:
            return meta_error(400, 2500, f"Unknown path components: {path}")
        if authorization != f"Bearer {self.token}":
            return meta_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if self.phone_number_id and route.group(2) != self.phone_number_id:
            return meta_error(
                400,
                100,
                f"Unsupported post request. Object with ID '{route.group(2)}' does not exist",
            )
        injected = self._take_failure()
        if injected:
            time.sleep(float(injected.get("delay", 0)))
            status = int(injected.get("status", 500))
            code = int(injected.get("code") or _CODE_FOR_STATUS.get(status, 131000))
            message = str(injected.get("message") or "Injected failure of the fake")
            return meta_error(status, code, f"(#{code}) {message}")
        try:
            body = json.loads(raw)
        except ValueError:
            return meta_error(400, 100, "(#100) The request body is not valid JSON")
        return self._accept(route.group(2), body)

    def _take_failure(self) -> dict[str, Any] | None:
        with self.lock:
            plan = self.failure
            if plan["count"] == 0:
                return None
            if plan["count"] > 0:
                plan = {**plan}
                self.failure["count"] -= 1
            return plan

    def _accept(self, phone_number_id: str, body: Any) -> Answer:
        problem = message_problem(body)
        if problem:
            return problem
        template = body["template"]
        parameters = body_parameters(template)
        known = self._template_problem(template, parameters)
        if known:
            return known
        record = {
            "id": "wamid." + secrets.token_urlsafe(24),
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "phone_number_id": phone_number_id,
            "to": body["to"],
            "template": template["name"],
            "language": template["language"]["code"],
            "parameters": parameters,
        }
        with self.lock:
            self.records.append(record)
            with self.records_path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"].removeprefix("+")}],
            "messages": [{"id": record["id"], "message_status": "accepted"}],
        }

    def _template_problem(self, template: dict[str, Any], parameters: list[str]) -> Answer | None:
        if any(re.search(r"[\n\t]| {5,}", text) for text in parameters):
            return meta_error(
                400,
                132018,
                "(#132018) There was an issue with the parameters in your template.",
                _BAD_PARAMETER,
            )
        if self.templates is None:
            return None
        name, language = template["name"], template["language"]["code"]
        if name not in self.templates:
            return meta_error(
                404,
                132001,
                "(#132001) Template name does not exist in the translation",
                f"template name ({name}) does not exist in {language}",
            )
        expected = self.templates[name]
        if len(parameters) != expected:
            return meta_error(
                400,
                132000,
                "(#132000) Number of parameters does not match the expected number of params",
                f"body: number of localizable_params ({len(parameters)}) does not match the "
                f"expected number of params ({expected})",
            )
        return None

    def fail_next(self, plan: Any) -> Answer:
        """POST /_fail: the next `count` sends wait `delay` s, then answer `status`/`code`."""
        if not isinstance(plan, dict) or not isinstance(plan.get("count"), int):
            return 400, {"message": 'Kirim {"count": N, "status": 500, "code": 131000}.'}
        with self.lock:
            self.failure = {
                "count": plan["count"],
                "status": int(plan.get("status", 500)),
                "code": plan.get("code"),
                "delay": float(plan.get("delay", 0)),
                "message": plan.get("message"),
            }
            return 200, dict(self.failure)

    def messages(self) -> Answer:
        with self.lock:
            return 200, {"items": list(self.records), "count": len(self.records)}


def message_problem(body: Any) -> Answer | None:
    """Meta's 100 "invalid parameter" for a body that is not a template message."""
    if not isinstance(body, dict):
        return _invalid("The request body must be a JSON object")
    if body.get("messaging_product") != "whatsapp":
        return _invalid("The parameter messaging_product is required.")
    if body.get("recipient_type", "individual") != "individual":
        return _invalid("Param recipient_type must be 'individual'")
    to = body.get("to")
    if not isinstance(to, str) or not to.removeprefix("+").isdigit():
        return _invalid("The parameter to is required.")
    if body.get("type") != "template":
        return _invalid("This fake sends only messages of type 'template'")
    template = body.get("template")
    if not isinstance(template, dict) or not isinstance(template.get("name"), str):
        return _invalid("The parameter template['name'] is required.")
    language = template.get("language")
    if not isinstance(language, dict) or not isinstance(language.get("code"), str):
        return _invalid("The parameter template['language']['code'] is required.")
    return _components_problem(template.get("components", []))


def _components_problem(components: Any) -> Answer | None:
    if not isinstance(components, list):
        return _invalid("Param template['components'] must be an array")
    for component in components:
        if not isinstance(component, dict) or not isinstance(component.get("type"), str):
            return _invalid("Param template['components'][]['type'] is required")
        for parameter in component.get("parameters", []):
            if not isinstance(parameter, dict) or parameter.get("type") != "text":
                return _invalid("This fake knows only parameters of type 'text'")
            if not isinstance(parameter.get("text"), str) or not parameter["text"]:
                return _invalid(
                    "Param template['components'][]['parameters'][]['text'] is required"
                )
    return None


def _invalid(message: str) -> Answer:
    return meta_error(400, 100, f"(#100) {message}")


def body_parameters(template: dict[str, Any]) -> list[str]:
    """The texts of the body component's parameters, in order."""
    for component in template.get("components", []):
        if component["type"] == "body":
            return [parameter["text"] for parameter in component.get("parameters", [])]
    return []


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == "/messages":
            self._answer(*self.server.fake.messages())
        else:
            self._answer(*meta_error(404, 2500, f"Unknown path components: {self.path}"))

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake = self.server.fake
        if self.path == "/_fail":
            try:
                plan = json.loads(raw or b"null")
            except ValueError:
                plan = None
            self._answer(*fake.fail_next(plan))
        else:
            self._answer(*fake.send(self.path, self.headers.get("Authorization"), raw))

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout under test): nothing to tell it

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the records file is the log


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], fake: FakeWhatsApp) -> None:
        super().__init__(address, _Handler)
        self.fake = fake


def start(
    port: int = 0,
    directory: str | os.PathLike[str] = ".local",
    token: str = DEFAULT_TOKEN,
    host: str = "127.0.0.1",
    phone_number_id: str | None = None,
    templates: Mapping[str, int] | None = None,
) -> tuple[str, Callable[[], None]]:
    """Serve the fake in a thread; returns its base URL (WHATSAPP_ENDPOINT) and `stop`.

    `templates` maps each known template name to its number of body parameters; without it
    every name is accepted. `phone_number_id`, when given, is the only sender accepted."""
    fake = FakeWhatsApp(Path(directory), token, phone_number_id, templates)
    server = _Server((host, port), fake)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="fake-whatsapp",
        daemon=True,
    )
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join()

    return f"http://{host}:{server.server_address[1]}", stop


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fake of the WhatsApp Cloud API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", default=".local", help="where whatsapp-messages.jsonl goes")
    parser.add_argument("--token", default=os.environ.get("WHATSAPP_TOKEN") or DEFAULT_TOKEN)
    parser.add_argument("--phone-number-id", default=None)
    parser.add_argument("--templates", help='JSON file {"template_name": parameter_count}')
    args = parser.parse_args(argv)
    templates = json.loads(Path(args.templates).read_text()) if args.templates else None
    fake = FakeWhatsApp(Path(args.dir), args.token, args.phone_number_id, templates)
    server = _Server((args.host, args.port), fake)
    print(f"fake WhatsApp Cloud API at http://{args.host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
