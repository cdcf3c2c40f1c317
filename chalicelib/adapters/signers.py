"""Signing the SK (PAdES) and checking a signed PDF.

Two signers share one call, `sign(pdf, *, nik=, passphrase=, qr_link=) -> bytes`:

- `LocalSigner` signs here with pyHanko and a key held in memory (the local stack's CA);
- `BsreSigner` asks BSrE's Esign Client Service (API v1, HTTP Basic) to sign.

Refusals become the project's errors: a wrong passphrase or a NIK without a certificate is
`Unprocessable` (PASSPHRASE_SALAH, SERTIFIKAT_TIDAK_ADA), BSrE unreachable or failing is
`ServiceUnavailable` (retryable). The passphrase is used for the one call and then dropped:
it is never stored, logged, or put into an error message.

`verify(pdf, trust_roots_pem)` checks a PDF's signatures against explicit trust roots only.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from io import BytesIO
from typing import Any, TypeVar

from chalicelib.core.sk import NOT_SIGNED, SIGNATURE_BOX, SignatureBox, Verification
from chalicelib.errors import ServiceUnavailable, Unprocessable

T = TypeVar("T")

FIELD_NAME = "TTE"
REASON = "Persetujuan PKKPR"
LOCATION = "Kabupaten Blitar"

# BSrE's status codes (Esign Client Service v1) that this adapter recognises.
BSRE_PASSPHRASE_WRONG = 2031
BSRE_USER_NOT_REGISTERED = 2011
BSRE_CERTIFICATE_ISSUED = 1111

WIB = timezone(timedelta(hours=7), "WIB")

PassphraseCheck = Callable[[str], bool]


def passphrase_refused() -> Unprocessable:
    return Unprocessable(
        "Passphrase TTE salah. Dokumen belum ditandatangani; periksa lalu coba lagi.",
        code="PASSPHRASE_SALAH",
    )


def no_certificate() -> Unprocessable:
    return Unprocessable(
        "NIK ini belum memiliki sertifikat elektronik yang aktif di BSrE. "
        "Dokumen belum ditandatangani.",
        code="SERTIFIKAT_TIDAK_ADA",
    )


def signing_unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "Layanan tanda tangan elektronik (BSrE) sedang tidak dapat dihubungi. Dokumen belum "
        "ditandatangani; silakan coba lagi beberapa saat lagi.",
        code="TTE_TIDAK_TERSEDIA",
        retryable=True,
    )


def signing_misconfigured() -> ServiceUnavailable:
    return ServiceUnavailable(
        "Layanan tanda tangan elektronik (BSrE) menolak kredensial aplikasi. Dokumen belum "
        "ditandatangani; hubungi admin untuk memeriksa konfigurasi BSrE.",
        code="TTE_KONFIGURASI_SALAH",
        retryable=False,
    )


def unreadable_pdf() -> Unprocessable:
    return Unprocessable(
        "Dokumen yang akan ditandatangani bukan PDF yang dapat dibaca.",
        code="DOKUMEN_TIDAK_VALID",
    )


# ----- passphrases of the local signers ----------------------------------------------------

_PBKDF2_ITERATIONS = 120_000


def hash_passphrase(passphrase: str, *, salt: bytes | None = None) -> str:
    """A salted PBKDF2 digest to keep instead of the passphrase (local signers only)."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, _PBKDF2_ITERATIONS)
    parts = [base64.b64encode(part).decode() for part in (salt, digest)]
    return f"pbkdf2_sha256${_PBKDF2_ITERATIONS}${parts[0]}${parts[1]}"


def passphrase_matches(passphrase: str, stored: str) -> bool:
    """Whether `passphrase` gives `stored` (from hash_passphrase); constant-time compare."""
    try:
        scheme, rounds, salt, digest = stored.strip().split("$")
        if scheme != "pbkdf2_sha256":
            return False
        again = hashlib.pbkdf2_hmac(
            "sha256", passphrase.encode(), base64.b64decode(salt), int(rounds)
        )
    except ValueError:
        return False
    return hmac.compare_digest(again, base64.b64decode(digest))


def hashed_passphrase_check(stored: str) -> PassphraseCheck:
    """The `passphrase_check` for LocalSigner from a stored digest."""
    return lambda passphrase: passphrase_matches(passphrase, stored)


# ----- the local signer (pyHanko) ------------------------------------------------------


class LocalSigner:
    """Signs PAdES baseline-B with a key in memory; for the local stack and the fake BSrE.

    The certificate's subject serialNumber is the signer's NIK: any other NIK is refused
    as having no certificate, as BSrE refuses it.
    """

    def __init__(
        self,
        key_pem: bytes,
        cert_pem: bytes,
        chain_pem: list[bytes],
        passphrase_check: PassphraseCheck,
        *,
        reason: str = REASON,
        location: str = LOCATION,
    ) -> None:
        from asn1crypto import keys, pem, x509
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        def der(blob: bytes) -> bytes:
            return pem.unarmor(blob)[2] if pem.detect(blob) else blob

        cert = x509.Certificate.load(der(cert_pem))
        chain = [x509.Certificate.load(der(c)) for c in chain_pem]
        self._signer = signers.SimpleSigner(
            signing_cert=cert,
            signing_key=keys.PrivateKeyInfo.load(der(key_pem)),
            cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
        )
        self.nik = str(cert.subject.native.get("serial_number", ""))
        self.signer_name = str(cert.subject.native.get("common_name", ""))
        self._check = passphrase_check
        self._reason, self._location = reason, location

    def __repr__(self) -> str:
        return f"LocalSigner(nik={self.nik!r})"

    def sign(
        self,
        pdf: bytes,
        *,
        nik: str,
        passphrase: str,
        qr_link: str,
        box: SignatureBox | None = SIGNATURE_BOX,
    ) -> bytes:
        """The signed PDF; a visible stamp in `box` (None: invisible)."""
        if not hmac.compare_digest(nik.encode(), self.nik.encode()):
            raise no_certificate()
        if not self._check(passphrase):
            raise passphrase_refused()
        return _off_event_loop(lambda: self._sign(pdf, qr_link, box))

    def _sign(self, pdf: bytes, qr_link: str, box: SignatureBox | None) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.misc import PdfError
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import TextStampStyle

        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason=self._reason,
            location=self._location,
        )
        spec = None
        if box is not None:
            spec = fields.SigFieldSpec(FIELD_NAME, on_page=box.page - 1, box=box.rect())
        style = TextStampStyle(
            stamp_text="Ditandatangani secara elektronik oleh:\n%(signer)s\n%(wib)s\n%(link)s",
            border_width=0,
        )
        try:
            writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
            out = signers.PdfSigner(
                meta, signer=self._signer, stamp_style=style, new_field_spec=spec
            ).sign_pdf(writer, appearance_text_params={"link": _short(qr_link), "wib": _wib()})
        except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise unreadable_pdf() from exc
        return out.getvalue()


def _wib() -> str:
    """Now as Indonesians read it in Blitar (WIB), for the stamp; the signature's own time
    is pyHanko's, in UTC."""
    return datetime.now(WIB).strftime("%d-%m-%Y %H:%M:%S WIB")


def _short(link: str, limit: int = 60) -> str:
    return link if len(link) <= limit else link[: limit - 1] + "…"


# ----- BSrE Esign Client Service v1 --------------------------------------------------------


class BsreSigner:
    """Signs through BSrE's Esign Client Service (v1, multipart, HTTP Basic).

    The visible signature is BSrE's QR (image=false, linkQR) in `box`.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        timeout: float = 30.0,
        *,
        box: SignatureBox = SIGNATURE_BOX,
        reason: str = REASON,
        location: str = LOCATION,
    ) -> None:
        self._base = base_url.rstrip("/")
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self._auth = f"Basic {token}"
        self._timeout = timeout
        self._box, self._reason, self._location = box, reason, location

    def __repr__(self) -> str:
        return f"BsreSigner({self._base!r})"

    def sign(self, pdf: bytes, *, nik: str, passphrase: str, qr_link: str) -> bytes:
        fields = {
            "nik": nik,
            "passphrase": passphrase,
            "tampilan": "visible",
            "image": "false",
            "linkQR": qr_link,
            "page": str(self._box.page),
            "xAxis": _number(self._box.x),
            "yAxis": _number(self._box.y),
            "width": _number(self._box.width),
            "height": _number(self._box.height),
            "reason": self._reason,
            "location": self._location,
        }
        body, content_type = _multipart(fields, {"file": ("sk.pdf", pdf, "application/pdf")})
        status, answer = self._call("POST", "/api/sign/pdf", body, content_type, passphrase)
        if status == 200 and answer.startswith(b"%PDF"):
            return answer
        raise _refusal(status, answer, passphrase)

    def user_status(self, nik: str) -> bool:
        """Whether BSrE has an issued certificate for this NIK (status 1111 ISSUE)."""
        path = "/api/user/status/" + urllib.parse.quote(nik, safe="")
        status, answer = self._call("GET", path, None, None, "")
        if status != 200:
            raise _refusal(status, answer, "")
        found = _json(answer)
        found = found.get("data", found) if isinstance(found.get("data"), dict) else found
        return found.get("status_code") == BSRE_CERTIFICATE_ISSUED

    def _call(
        self, method: str, path: str, body: bytes | None, content_type: str | None, secret: str
    ) -> tuple[int, bytes]:
        request = urllib.request.Request(self._base + path, data=body, method=method)
        request.add_header("Authorization", self._auth)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError):
            raise signing_unavailable() from None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    boundary = "----siapnloss" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
        )
    for name, (filename, content, mime) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _json(raw: bytes) -> dict[str, Any]:
    try:
        found = json.loads(raw.decode("utf-8", "replace"))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _refusal(status: int, answer: bytes, secret: str) -> Exception:
    """The project's error for a BSrE answer that is not a signed PDF."""
    if status >= 500:
        return signing_unavailable()
    if status in (401, 403):
        return signing_misconfigured()
    error = _json(answer)
    code = error.get("status_code")
    text = str(error.get("error") or error.get("message") or "")
    if code == BSRE_PASSPHRASE_WRONG or "passphrase" in text.lower():
        return passphrase_refused()
    if code == BSRE_USER_NOT_REGISTERED or "tidak terdaftar" in text.lower():
        return no_certificate()
    if secret:
        text = text.replace(secret, "***")
    said = f" BSrE: {text[:200]}" if text else ""
    return Unprocessable(
        f"BSrE menolak permintaan tanda tangan.{said}", code="TTE_DITOLAK", bsre_code=code
    )


# ----- verification -------------------------------------------------------------------


def _off_event_loop(call: Callable[[], T]) -> T:
    """pyHanko's synchronous API runs its own event loop (asyncio.run), which cannot start
    where a loop already runs in this thread (an async host, a browser test driver): there
    it runs on a worker thread instead."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(call).result()


def verify(pdf: bytes, trust_roots_pem: list[bytes]) -> Verification:
    """What the PDF's signatures say, trusting only `trust_roots_pem`.

    Never raises on the input: anything unreadable, unsigned or truncated is `signed=False`.
    `intact` needs every signature to cover what it claims with nothing changed after it
    but what a signature policy allows; the name and time are the last signature's.
    """
    try:
        signatures = _embedded_signatures(pdf)
    except Exception:
        return NOT_SIGNED
    if not signatures:
        return NOT_SIGNED
    context = _validation_context(trust_roots_pem)
    findings = _off_event_loop(lambda: [_check(signature, context) for signature in signatures])
    last = findings[-1]
    return Verification(
        signed=True,
        intact=all(f[0] for f in findings),
        trusted=all(f[1] for f in findings),
        signer_name=last[2],
        signed_at=last[3],
    )


def _embedded_signatures(pdf: bytes) -> list[Any]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return list(reader.embedded_signatures)


def _validation_context(trust_roots_pem: list[bytes]) -> Any:
    from asn1crypto import pem, x509
    from pyhanko_certvalidator import ValidationContext

    roots = [
        x509.Certificate.load(pem.unarmor(root)[2] if pem.detect(root) else root)
        for root in trust_roots_pem
    ]
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def _check(signature: Any, context: Any) -> tuple[bool, bool, str | None, datetime | None]:
    """(intact, trusted, signer's name, signing time) of one embedded signature."""
    from pyhanko.sign.validation import validate_pdf_signature

    name = _signer_name(signature)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception:
        return False, False, name, None
    intact = bool(status.intact and status.valid and status.docmdp_ok is not False)
    when = status.timestamp_validity.timestamp if status.timestamp_validity else None
    return intact, bool(status.trusted), name, when or status.signer_reported_dt


def _signer_name(signature: Any) -> str | None:
    try:
        subject = signature.signer_cert.subject.native
    except Exception:
        return None
    return subject.get("common_name")
