"""SKs drawn with reportlab and signed by the configured signer: BSrE's Esign Client in
production, a local certificate authority on the local stack (configuration, not code)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from chalicelib.core.sk import SkData, Verification
from chalicelib.settings import settings


def render(data: SkData) -> bytes:
    from chalicelib.adapters.sk_pdf import render_sk

    return render_sk(data)


def sign(pdf: bytes, *, passphrase: str, qr_link: str) -> bytes:
    return _signer().sign(pdf, nik=settings().signer_nik, passphrase=passphrase, qr_link=qr_link)


def verify(pdf: bytes) -> Verification:
    from chalicelib.adapters.signers import verify as check

    return check(pdf, _trust_roots())


@cache
def _signer() -> Any:
    from chalicelib.adapters import signers

    s = settings()
    if s.signer == "local":
        folder = Path(s.signer_dir)
        chain = [folder / "root-ca.cert.pem"]
        return signers.LocalSigner(
            (folder / f"signer-{s.signer_nik}.key.pem").read_bytes(),
            (folder / f"signer-{s.signer_nik}.cert.pem").read_bytes(),
            [p.read_bytes() for p in chain],
            signers.hashed_passphrase_check(
                (folder / f"signer-{s.signer_nik}.passphrase-hash").read_text().strip()
            ),
        )
    # Well under API Gateway's 29 s, so that the official hears how it ended.
    return signers.BsreSigner(s.bsre_url, s.bsre_username, s.bsre_password, timeout=20.0)


@cache
def _trust_roots() -> list[bytes]:
    s = settings()
    if s.signer == "local":
        return [(Path(s.signer_dir) / "root-ca.cert.pem").read_bytes()]
    return [s.sk_trust_roots.encode()] if s.sk_trust_roots else []
