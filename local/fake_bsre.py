"""A fake of BSrE's Esign Client Service (API v1) for the local stack and the tests.

Endpoints, behind HTTP Basic auth as the real one:

- `POST /api/sign/pdf` (multipart: file, nik, passphrase, tampilan, linkQR, page, xAxis,
  yAxis, width, height, reason, location) → the PDF signed by the local CA
  (`local/signing_ca.py`), header `id_dokumen`;
- `GET /api/user/status/{nik}` → `{"status_code": 1111, "status": "ISSUE", …}` or 1110
  `NOT_REGISTERED`;
- `POST /api/sign/verify` (multipart: signed_file) → BSrE's verification JSON.

Errors look like BSrE's: HTTP 400 `{"error": "Passphrase anda salah", "status_code": 2031}`,
HTTP 400 `{"error": "User tidak terdaftar", "status_code": 2011}`, HTTP 401 for bad client
credentials. Codes other than 2011/2031 are this fake's own. No passphrase is written
anywhere: `records` and the log hold method, path, NIK and status only.

    python -m local.fake_bsre --port 8093 --dir .local/bsre
"""

from __future__ import annotations

import argparse
import base64
import hmac
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from chalicelib.adapters.signers import LocalSigner, hashed_passphrase_check, verify
from chalicelib.core.sk import SignatureBox
from chalicelib.errors import Unprocessable
from local.signing_ca import SignerFiles, ensure_root, ensure_signer

DEFAULT_USERNAME = "siapnloss"
DEFAULT_PASSWORD = "esign-lokal"
# One demo official: Kepala DPMPTSP (NIK of Kabupaten Blitar, 3505…; not a real person).
DEMO_SIGNERS = (("Kepala DPMPTSP Kabupaten Blitar (demo)", "3505010101700001", "Demo#TTE2026"),)
MAX_BODY = 20 * 1024 * 1024


@dataclass
class FakeBsre:
    """The fake's state: who may sign, the client credentials, what was asked."""

    directory: Path
    username: str
    password: str
    signers: dict[str, SignerFiles] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, **entry: Any) -> None:
        with self.lock:
            self.records.append(entry)

    def trust_roots(self) -> list[bytes]:
        return [ensure_root(self.directory)[1].read_bytes()]


def build(
    directory: Path,
    *,
    username: str = DEFAULT_USERNAME,
    password: str = DEFAULT_PASSWORD,
    signers: tuple[tuple[str, str, str], ...] = DEMO_SIGNERS,
) -> FakeBsre:
    """The fake's state with each (name, NIK, passphrase) given a certificate."""
    fake = FakeBsre(directory=directory, username=username, password=password)
    for name, nik, passphrase in signers:
        fake.signers[nik] = ensure_signer(directory, name=name, nik=nik, passphrase=passphrase)
    return fake


def start(
    port: int = 0, directory: Path | None = None, *, host: str = "127.0.0.1", **options: Any
) -> tuple[str, Callable[[], None]]:
    """Serve in a background thread; returns (base URL, stop)."""
    url, stop, _ = start_fake(port, directory, host=host, **options)
    return url, stop


def start_fake(
    port: int = 0, directory: Path | None = None, *, host: str = "127.0.0.1", **options: Any
) -> tuple[str, Callable[[], None], FakeBsre]:
    """As `start`, also giving the fake's state (its records, log and trust roots)."""
    fake = build(directory or Path(".local/bsre"), **options)
    server = ThreadingHTTPServer((host, port), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="fake-bsre", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return f"http://{host}:{server.server_address[1]}", stop, fake


def _handler(fake: FakeBsre) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeBSrE/1"

        def log_message(self, format: str, *args: Any) -> None:
            # The request line only (no body, no query): the passphrase never travels there.
            with fake.lock:
                fake.log.append(format % args)

        def do_GET(self) -> None:
            if not self._authorized():
                return
            prefix = "/api/user/status/"
            if self.path.startswith(prefix):
                self._user_status(self.path[len(prefix) :])
            else:
                self._json(404, {"error": "Not Found", "status_code": 404})

        def do_POST(self) -> None:
            if not self._authorized():
                return
            routes = {"/api/sign/pdf": self._sign, "/api/sign/verify": self._verify}
            route = routes.get(self.path)
            if route is None:
                self._json(404, {"error": "Not Found", "status_code": 404})
                return
            form = self._form()
            if form is not None:
                route(form)

        def _authorized(self) -> bool:
            expected = (
                "Basic " + base64.b64encode(f"{fake.username}:{fake.password}".encode()).decode()
            )
            given = self.headers.get("Authorization", "")
            if hmac.compare_digest(given.encode(), expected.encode()):
                return True
            fake.record(method=self.command, path=self.path, status=401)
            self._json(
                401,
                {"status": 401, "error": "Unauthorized", "message": "Unauthorized"},
                {"WWW-Authenticate": 'Basic realm="esign"'},
            )
            return False

        def _form(self) -> dict[str, Any] | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._json(413, {"error": "File terlalu besar", "status_code": 4130})
                return None
            raw = self.rfile.read(length)
            head = f"Content-Type: {self.headers.get('Content-Type', '')}\r\n\r\n".encode()
            message = BytesParser(policy=HTTP).parsebytes(head + raw)
            if not message.is_multipart():
                self._json(400, {"error": "Permintaan harus multipart", "status_code": 4000})
                return None
            form: dict[str, Any] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True) or b""
                form[name] = payload if part.get_filename() else payload.decode()
            return form

        def _sign(self, form: dict[str, Any]) -> None:
            nik = str(form.get("nik", ""))
            files = fake.signers.get(nik)
            if files is None:
                self._refuse(nik, {"error": "User tidak terdaftar", "status_code": 2011})
                return
            pdf = form.get("file")
            if not isinstance(pdf, bytes) or not pdf.startswith(b"%PDF"):
                self._refuse(nik, {"error": "File PDF tidak valid", "status_code": 2001})
                return
            try:
                signed = _signer(files, form).sign(
                    pdf,
                    nik=nik,
                    passphrase=str(form.get("passphrase", "")),
                    qr_link=str(form.get("linkQR", "")),
                    box=_box(form),
                )
            except Unprocessable as refused:
                self._refuse(nik, _bsre_error(refused))
                return
            document_id = secrets.token_hex(8)
            fake.record(method="POST", path=self.path, nik=nik, status=200, id=document_id)
            self._send(200, signed, "application/pdf", {"id_dokumen": document_id})

        def _refuse(self, nik: str, error: dict[str, Any]) -> None:
            fake.record(method="POST", path=self.path, nik=nik, status=400, error=error)
            self._json(400, error)

        def _user_status(self, nik: str) -> None:
            fake.record(method="GET", path="/api/user/status/{nik}", nik=nik, status=200)
            if nik in fake.signers:
                message = "User sudah terdaftar dan memiliki sertifikat dengan status ISSUE"
                self._json(200, {"status_code": 1111, "status": "ISSUE", "message": message})
            else:
                message = "User belum terdaftar"
                self._json(
                    200, {"status_code": 1110, "status": "NOT_REGISTERED", "message": message}
                )

        def _verify(self, form: dict[str, Any]) -> None:
            pdf = form.get("signed_file")
            found = verify(pdf if isinstance(pdf, bytes) else b"", fake.trust_roots())
            fake.record(method="POST", path=self.path, status=200, signed=found.signed)
            self._json(200, _verification_body(found))

        def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
            self._send(status, json.dumps(body).encode(), "application/json", headers)

        def _send(
            self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _signer(files: SignerFiles, form: dict[str, Any]) -> LocalSigner:
    key, cert, chain = files.read()
    stored = files.passphrase_hash.read_text() if files.passphrase_hash else ""
    return LocalSigner(
        key,
        cert,
        chain,
        hashed_passphrase_check(stored),
        reason=str(form.get("reason") or "Dokumen ini ditandatangani secara elektronik"),
        location=str(form.get("location") or ""),
    )


def _box(form: dict[str, Any]) -> SignatureBox | None:
    """BSrE's visible box: lower-left xAxis/yAxis and width/height on `page` (1-based)."""
    if str(form.get("tampilan", "invisible")).lower() != "visible":
        return None
    try:
        return SignatureBox(
            page=int(form.get("page", 1)),
            x=float(form["xAxis"]),
            y=float(form["yAxis"]),
            width=float(form["width"]),
            height=float(form["height"]),
        )
    except (KeyError, ValueError):
        return None


def _bsre_error(refused: Unprocessable) -> dict[str, Any]:
    if refused.code == "PASSPHRASE_SALAH":
        return {"error": "Passphrase anda salah", "status_code": 2031}
    if refused.code == "SERTIFIKAT_TIDAK_ADA":
        return {"error": "User tidak terdaftar", "status_code": 2011}
    return {"error": "File PDF tidak valid", "status_code": 2001}


def _verification_body(found: Any) -> dict[str, Any]:
    if not found.signed:
        return {"jumlah_signature": 0, "notes": None, "details": [], "summary": None}
    valid = found.intact and found.trusted
    notes = (
        "Tanda tangan elektronik valid dan dokumen merupakan dokumen asli sejak ditandatangani"
        if valid
        else "Konten Dokumen mengalami perubahan oleh pihak yang tidak berhak"
        if not found.intact
        else "Sertifikat penanda tangan tidak dipercaya"
    )
    detail = {
        "info_signer": {"signer_name": found.signer_name, "cert_user_certified": found.trusted},
        "signature_document": {
            "document_integrity": found.intact,
            "signed_in": found.signed_at.isoformat() if found.signed_at else None,
        },
    }
    summary = "DOCUMENT VALID !!!" if valid else "DOCUMENT NOT VALID !!!"
    return {"jumlah_signature": 1, "notes": notes, "details": [detail], "summary": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake BSrE Esign Client Service (API v1)")
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--dir", type=Path, default=Path(".local/bsre"))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    url, stop = start(args.port, args.dir, host=args.host)
    names = ", ".join(f"{name} (NIK {nik})" for name, nik, _ in DEMO_SIGNERS)
    print(f"Fake BSrE di {url} — klien {DEFAULT_USERNAME}; penanda tangan: {names}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stop()


if __name__ == "__main__":
    main()
