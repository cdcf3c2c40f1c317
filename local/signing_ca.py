"""A local certificate authority for signing SKs on this machine (never BSrE's).

Creates, once, a root CA "CA Lokal SIAP n LOSS (bukan BSrE)" and, per official, a signing
certificate whose subject serialNumber is the NIK, as PEM files in one directory. Calling
again returns the same files; a signer certificate not issued by the current root is
issued again. A passphrase, when given, is kept only as a salted hash next to the key.

    python -m local.signing_ca --dir .local/signing --name "Kepala DPMPTSP (demo)" \
        --nik 3505012345670001 --passphrase '…'
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from chalicelib.adapters.signers import hash_passphrase, passphrase_matches

ROOT_NAME = "CA Lokal SIAP n LOSS (bukan BSrE)"
ORGANIZATION = "DPMPTSP Kabupaten Blitar (lokal)"
ROOT_YEARS = 10
SIGNER_YEARS = 2


@dataclass(frozen=True)
class SignerFiles:
    """Where one signer's material is: key, certificate, the chain up to the root (root
    last) and, when a passphrase was set, its hash."""

    name: str
    nik: str
    key: Path
    cert: Path
    chain: tuple[Path, ...]
    passphrase_hash: Path | None

    def read(self) -> tuple[bytes, bytes, list[bytes]]:
        """(key_pem, cert_pem, chain_pem) as LocalSigner takes them."""
        return self.key.read_bytes(), self.cert.read_bytes(), [p.read_bytes() for p in self.chain]


def ensure_root(directory: Path) -> tuple[Path, Path]:
    """The root CA's (key, certificate) paths, created if missing."""
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / "root-ca.key.pem", directory / "root-ca.cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, ROOT_NAME),
        ]
    )
    cert = (
        _builder(name, name, key.public_key(), ROOT_YEARS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def ensure_signer(
    directory: Path, *, name: str, nik: str, passphrase: str | None = None
) -> SignerFiles:
    """This official's signing material, issued by the local root (created if needed)."""
    if not (nik.isdigit() and len(nik) == 16):
        raise ValueError("NIK harus 16 digit angka.")
    root_key_path, root_cert_path = ensure_root(directory)
    key_path = directory / f"signer-{nik}.key.pem"
    cert_path = directory / f"signer-{nik}.cert.pem"
    if not (key_path.exists() and _issued_by(cert_path, root_cert_path, name)):
        _issue(key_path, cert_path, root_key_path, root_cert_path, name, nik)
    hash_path = directory / f"signer-{nik}.passphrase-hash"
    if passphrase is not None and not (
        hash_path.exists() and passphrase_matches(passphrase, hash_path.read_text())
    ):
        hash_path.write_text(hash_passphrase(passphrase) + "\n")
        os.chmod(hash_path, 0o600)
    return SignerFiles(
        name=name,
        nik=nik,
        key=key_path,
        cert=cert_path,
        chain=(root_cert_path,),
        passphrase_hash=hash_path if hash_path.exists() else None,
    )


def _issued_by(cert_path: Path, root_cert_path: Path, name: str) -> bool:
    if not cert_path.exists():
        return False
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    root = x509.load_pem_x509_certificate(root_cert_path.read_bytes())
    try:
        cert.verify_directly_issued_by(root)
    except Exception:  # InvalidSignature, or another key type: issue again
        return False
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return bool(names) and names[0].value == name


def _issue(
    key_path: Path, cert_path: Path, root_key_path: Path, root_cert_path: Path, name: str, nik: str
) -> None:
    root_key = serialization.load_pem_private_key(root_key_path.read_bytes(), password=None)
    root = x509.load_pem_x509_certificate(root_cert_path.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, nik),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    cert = (
        _builder(subject, root.subject, key.public_key(), SIGNER_YEARS)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: rsa.RSAPublicKey, years: int
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=not cert_sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(path, 0o600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--nik", required=True)
    parser.add_argument("--passphrase")
    args = parser.parse_args()
    files = ensure_signer(args.dir, name=args.name, nik=args.nik, passphrase=args.passphrase)
    print(f"root: {files.chain[-1]}\nkey:  {files.key}\ncert: {files.cert}")


if __name__ == "__main__":
    main()
