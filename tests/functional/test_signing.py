"""The SK from PDF to signature to verification: rendered with its attachment, signed by
the local CA and by (a fake of) BSrE, and checked the way the public page will check it.

Needs localhost only (the fake BSrE), not the local stack. Saves an unsigned and a signed
sample under test-artifacts/sk/.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from threading import Thread
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from chalicelib.adapters.signers import BsreSigner, LocalSigner, hashed_passphrase_check, verify
from chalicelib.adapters.sk_pdf import BSRE_FOOTER, SIGNATURE_BOX, UU_ITE_FOOTER, render_sk
from chalicelib.core.sk import SkData, SkDataInvalid, coordinate
from chalicelib.errors import AppError, ServiceUnavailable, Unprocessable
from local import fake_bsre
from local.signing_ca import SignerFiles, ensure_signer
from tests.unit.test_sk import sample_sk

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "sk"
OFFICIAL = ("Kepala DPMPTSP Uji", "3505010101700009")
PASSPHRASE = "Kata-Sandi TTE #1"
WRONG = "kata-sandi-yang-keliru-77"
BSRE_NAME, BSRE_NIK, BSRE_PASSPHRASE = fake_bsre.DEMO_SIGNERS[0]
QR_LINK = "https://siapnloss.blitarkab.go.id/verifikasi/sk/6f1c2a9e"


def map_png() -> bytes:
    """A small map-like picture (green plot on grey)."""
    picture = Image.new("RGB", (320, 200), (220, 220, 220))
    picture.paste((60, 160, 60), (100, 60, 220, 150))
    out = BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> SignerFiles:
    directory = tmp_path_factory.mktemp("ca")
    return ensure_signer(directory, name=OFFICIAL[0], nik=OFFICIAL[1], passphrase=PASSPHRASE)


@pytest.fixture(scope="module")
def local_signer(official: SignerFiles) -> LocalSigner:
    key, cert, chain = official.read()
    assert official.passphrase_hash is not None
    return LocalSigner(
        key, cert, chain, hashed_passphrase_check(official.passphrase_hash.read_text())
    )


@pytest.fixture(scope="module")
def sk() -> SkData:
    return sample_sk(map_image=map_png())


@pytest.fixture(scope="module")
def unsigned(sk: SkData) -> bytes:
    pdf = render_sk(sk)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "sk-unsigned.pdf").write_bytes(pdf)
    return pdf


@pytest.fixture(scope="module")
def signed(unsigned: bytes, local_signer: LocalSigner) -> bytes:
    pdf = local_signer.sign(unsigned, nik=OFFICIAL[1], passphrase=PASSPHRASE, qr_link=QR_LINK)
    (ARTIFACTS / "sk-signed-local.pdf").write_bytes(pdf)
    return pdf


@pytest.fixture(scope="module")
def bsre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, fake_bsre.FakeBsre]]:
    url, stop, fake = fake_bsre.start_fake(0, tmp_path_factory.mktemp("bsre"))
    yield url, fake
    stop()


def roots(files: SignerFiles) -> list[bytes]:
    return [files.chain[-1].read_bytes()]


def byte_range(pdf: bytes) -> list[int]:
    found = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert found, "no signature dictionary"
    return [int(n) for n in found.groups()]


# ----- the rendered SK ---------------------------------------------------------------------


def test_the_decree_page_says_what_was_approved_in_indonesian(unsigned: bytes) -> None:
    text = " ".join(PdfReader(BytesIO(unsigned)).pages[0].extract_text().split())
    for expected in (
        "PEMERINTAH KABUPATEN BLITAR",
        "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
        "NOMOR: 503/0127/PKKPR-NB/409.114/2026",
        "PKKPR-NB-2026-000127",
        "Yayasan Pendidikan Nurul Huda Kanigoro",
        "1.534,5 m²",
        "1.234,5 m²",
        "Nomor 650/311/KRK/409.115/2026 tanggal 14 September 2026",
        "Nomor SPS-35.05-2026-008812",
        "Masa Berlaku: 3 (tiga) tahun",
        "26 November 2029",
        "pada tanggal : 26 November 2026",
        "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Blitar",
    ):
        assert expected in text, expected
    assert " ".join(BSRE_FOOTER.split()) in text
    assert " ".join(UU_ITE_FOOTER.split()) in text


def test_the_verification_url_is_a_link_and_readable_text_under_the_qr(
    unsigned: bytes, sk: SkData
) -> None:
    page = PdfReader(BytesIO(unsigned)).pages[0]
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    assert links == [sk.verification_url]
    assert f"Verifikasi: {sk.verification_url}" in " ".join(page.extract_text().split())


def test_the_attachment_lists_every_coordinate_and_shows_the_map(
    unsigned: bytes, sk: SkData
) -> None:
    reader = PdfReader(BytesIO(unsigned))
    attachment = reader.pages[1]
    text = attachment.extract_text()
    assert "Lampiran: Peta dan Koordinat Lokasi" in text
    for lon, lat in sk.coordinates:
        assert coordinate(lon) in text and coordinate(lat) in text
    assert len(attachment.images) == 1
    assert not reader.pages[0].images  # the QR is vector drawing, not a picture


def test_the_pdf_is_plain(unsigned: bytes) -> None:
    reader = PdfReader(BytesIO(unsigned))
    catalog = reader.trailer["/Root"]
    assert not reader.is_encrypted
    assert "/OpenAction" not in catalog and "/AA" not in catalog
    assert "/JavaScript" not in catalog.get("/Names", {})
    assert b"/JavaScript" not in unsigned and b"/JS " not in unsigned


def test_the_signature_box_is_left_empty_for_the_signer(unsigned: bytes) -> None:
    # GIVEN where every piece of text on page 1 starts
    placed = text_positions(unsigned)
    x1, y1, x2, y2 = SIGNATURE_BOX.rect()
    # THEN nothing but the box's own label is written inside the box
    inside = {t for t, x, y in placed if x1 <= x <= x2 and y1 <= y <= y2}
    assert inside == {"Tempat tanda tangan elektronik"}


def test_a_long_decree_still_ends_above_the_signature_block() -> None:
    long = sample_sk(
        applicant_name="Yayasan " + "Pendidikan dan Sosial Kemasyarakatan " * 7,
        activity_name="Pembangunan " + "Gedung Serbaguna dan Fasilitas Umum " * 7,
        address="Jl. " + "Raya Panjang Sekali " * 14,
    )
    placed = text_positions(render_sk(long))
    body = [y for t, x, y in placed if "Keputusan ini." in t or "Yayasan" in t]
    block = [y for t, x, y in placed if t.startswith("Ditetapkan di")]
    assert len(body) == 2 and len(block) == 1
    assert min(body) > block[0] > SIGNATURE_BOX.y + SIGNATURE_BOX.height


def test_many_coordinates_flow_onto_more_attachment_pages() -> None:
    ring = [(112.2 + i / 10000, -8.1 - (i % 7) / 10000) for i in range(180)]
    reader = PdfReader(BytesIO(render_sk(sample_sk(coordinates=ring))))
    assert len(reader.pages) > 2
    assert "180" in reader.pages[-1].extract_text()
    assert "Bujur (X)" in reader.pages[-1].extract_text()  # the header row repeats


def test_a_broken_map_image_is_refused_not_rendered() -> None:
    broken = sample_sk(map_image=b"\x89PNG\r\n\x1a\n" + b"bukan gambar" * 20)
    with pytest.raises(SkDataInvalid) as refused:
        render_sk(broken)
    assert refused.value.field == "map_image"


def test_the_same_data_give_the_same_pdf(sk: SkData, unsigned: bytes) -> None:
    assert render_sk(sk) == unsigned


# ----- local signing and verification -----------------------------------------------------


def test_a_locally_signed_sk_is_signed_intact_and_trusted(
    signed: bytes, official: SignerFiles
) -> None:
    found = verify(signed, roots(official))
    assert (found.signed, found.intact, found.trusted) == (True, True, True)
    assert found.signer_name == OFFICIAL[0]
    assert found.signed_at is not None
    assert abs(datetime.now(UTC) - found.signed_at) < timedelta(minutes=5)


def test_the_signature_sits_in_the_box_the_sk_left(signed: bytes) -> None:
    page = PdfReader(BytesIO(signed)).pages[0]
    widgets = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    assert [w["/T"] for w in widgets] == ["TTE"]
    assert [round(float(v)) for v in widgets[0]["/Rect"]] == list(SIGNATURE_BOX.rect())
    value = widgets[0]["/V"]
    assert value["/SubFilter"] == "/ETSI.CAdES.detached"
    assert (value["/Reason"], value["/Location"]) == ("Persetujuan PKKPR", "Kabupaten Blitar")


def test_one_changed_byte_in_the_signed_range_breaks_integrity(
    signed: bytes, official: SignerFiles
) -> None:
    # GIVEN the registration number, inside the first signed range, with one digit changed
    start, length, *_ = byte_range(signed)
    at = signed.find(b"PKKPR-NB-2026-000127")
    assert start <= at < start + length
    tampered = bytearray(signed)
    tampered[at + len("PKKPR-NB-2026-00012")] = ord("8")
    # THEN the signature is still there but the document is no longer intact
    found = verify(bytes(tampered), roots(official))
    assert found.signed is True
    assert found.intact is False


def test_a_pdf_signed_under_another_ca_is_not_trusted(
    unsigned: bytes, official: SignerFiles, tmp_path: Path
) -> None:
    stranger = ensure_signer(tmp_path, name=OFFICIAL[0], nik=OFFICIAL[1], passphrase=PASSPHRASE)
    key, cert, chain = stranger.read()
    signer = LocalSigner(key, cert, chain, lambda given: given == PASSPHRASE)
    pdf = signer.sign(unsigned, nik=OFFICIAL[1], passphrase=PASSPHRASE, qr_link=QR_LINK)

    found = verify(pdf, roots(official))
    assert (found.signed, found.intact, found.trusted) == (True, True, False)
    assert verify(pdf, roots(stranger)).trusted is True


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"not a pdf at all",
        b"%PDF-1.7\n" + b"\x00\xff" * 500,
        bytes(range(256)) * 40,
    ],
    ids=["empty", "text", "header-then-junk", "binary"],
)
def test_garbage_is_reported_unsigned_never_raised(garbage: bytes, official: SignerFiles) -> None:
    assert verify(garbage, roots(official)).signed is False


def test_an_unsigned_or_truncated_sk_is_reported_unsigned(
    unsigned: bytes, signed: bytes, official: SignerFiles
) -> None:
    assert verify(unsigned, roots(official)).signed is False
    assert verify(signed[: len(signed) // 2], roots(official)).signed is False
    assert verify(signed[:-200], roots(official)).valid is False


def test_verification_needs_a_trust_root(signed: bytes) -> None:
    # no operating-system trust list stands in for the roots we give
    assert verify(signed, []).trusted is False


@pytest.mark.parametrize(
    ("nik", "passphrase", "code"),
    [
        (OFFICIAL[1], WRONG, "PASSPHRASE_SALAH"),
        ("3505019999990001", PASSPHRASE, "SERTIFIKAT_TIDAK_ADA"),
    ],
)
def test_the_local_signer_refuses_a_wrong_passphrase_or_nik(
    unsigned: bytes, local_signer: LocalSigner, nik: str, passphrase: str, code: str
) -> None:
    with pytest.raises(Unprocessable) as refused:
        local_signer.sign(unsigned, nik=nik, passphrase=passphrase, qr_link=QR_LINK)
    assert (refused.value.status, refused.value.code) == (422, code)
    assert_no_secret(refused.value, WRONG, PASSPHRASE)


def test_the_local_ca_is_made_once(official: SignerFiles) -> None:
    directory = official.key.parent
    before = {p.name: p.read_bytes() for p in directory.iterdir()}
    again = ensure_signer(directory, name=OFFICIAL[0], nik=OFFICIAL[1], passphrase=PASSPHRASE)
    assert again == official
    assert {p.name: p.read_bytes() for p in directory.iterdir()} == before
    assert all(PASSPHRASE.encode() not in content for content in before.values())


# ----- BSrE (the fake Esign Client Service) ------------------------------------------------


def bsre_signer(url: str, password: str = fake_bsre.DEFAULT_PASSWORD) -> BsreSigner:
    return BsreSigner(url, fake_bsre.DEFAULT_USERNAME, password, timeout=10)


def test_bsre_signs_and_the_result_verifies_against_its_root(
    bsre: tuple[str, fake_bsre.FakeBsre], unsigned: bytes
) -> None:
    url, fake = bsre
    pdf = bsre_signer(url).sign(unsigned, nik=BSRE_NIK, passphrase=BSRE_PASSPHRASE, qr_link=QR_LINK)
    (ARTIFACTS / "sk-signed-bsre.pdf").write_bytes(pdf)

    found = verify(pdf, fake.trust_roots())
    assert (found.valid, found.signer_name) == (True, BSRE_NAME)
    widget = next(
        a.get_object()
        for a in PdfReader(BytesIO(pdf)).pages[0]["/Annots"]
        if a.get_object().get("/FT") == "/Sig"
    )
    assert [round(float(v)) for v in widget["/Rect"]] == list(SIGNATURE_BOX.rect())


def test_bsre_says_whether_a_nik_has_a_certificate(bsre: tuple[str, fake_bsre.FakeBsre]) -> None:
    signer = bsre_signer(bsre[0])
    assert signer.user_status(BSRE_NIK) is True
    assert signer.user_status("3505019999990001") is False


@pytest.mark.parametrize(
    ("nik", "passphrase", "code"),
    [
        (BSRE_NIK, WRONG, "PASSPHRASE_SALAH"),
        ("3505019999990001", WRONG, "SERTIFIKAT_TIDAK_ADA"),
    ],
)
def test_bsre_refusals_become_unprocessable_with_their_code(
    bsre: tuple[str, fake_bsre.FakeBsre], unsigned: bytes, nik: str, passphrase: str, code: str
) -> None:
    with pytest.raises(Unprocessable) as refused:
        bsre_signer(bsre[0]).sign(unsigned, nik=nik, passphrase=passphrase, qr_link=QR_LINK)
    assert (refused.value.status, refused.value.code) == (422, code)
    assert_no_secret(refused.value, passphrase)


def test_bad_client_credentials_are_a_configuration_error_not_a_retry(
    bsre: tuple[str, fake_bsre.FakeBsre], unsigned: bytes
) -> None:
    with pytest.raises(ServiceUnavailable) as refused:
        bsre_signer(bsre[0], password="salah").sign(
            unsigned, nik=BSRE_NIK, passphrase=BSRE_PASSPHRASE, qr_link=QR_LINK
        )
    assert refused.value.code == "TTE_KONFIGURASI_SALAH"
    assert refused.value.extra["retryable"] is False
    assert "hubungi admin" in refused.value.message
    assert_no_secret(refused.value, BSRE_PASSPHRASE, "salah")


def test_an_unreachable_bsre_can_be_retried(unsigned: bytes) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ServiceUnavailable) as refused:
        bsre_signer(f"http://127.0.0.1:{port}").sign(
            unsigned, nik=BSRE_NIK, passphrase=BSRE_PASSPHRASE, qr_link=QR_LINK
        )
    assert (refused.value.status, refused.value.code) == (503, "TTE_TIDAK_TERSEDIA")
    assert refused.value.extra["retryable"] is True
    assert "coba lagi" in refused.value.message
    assert_no_secret(refused.value, BSRE_PASSPHRASE)


def test_a_failing_bsre_can_be_retried(unsigned: bytes) -> None:
    failing = serving(lambda handler: handler.send_error(502, "Bad Gateway"))
    with failing as url, pytest.raises(ServiceUnavailable) as refused:
        bsre_signer(url).sign(unsigned, nik=BSRE_NIK, passphrase=BSRE_PASSPHRASE, qr_link=QR_LINK)
    assert refused.value.code == "TTE_TIDAK_TERSEDIA"


def test_no_passphrase_is_recorded_by_the_fake_or_the_signers(
    bsre: tuple[str, fake_bsre.FakeBsre], unsigned: bytes
) -> None:
    url, fake = bsre
    signer = bsre_signer(url)
    # GIVEN one good and one wrong attempt
    signer.sign(unsigned, nik=BSRE_NIK, passphrase=BSRE_PASSPHRASE, qr_link=QR_LINK)
    with pytest.raises(Unprocessable):
        signer.sign(unsigned, nik=BSRE_NIK, passphrase=WRONG, qr_link=QR_LINK)
    # THEN neither passphrase is in what the fake kept, its files, nor the signer's repr
    kept = json.dumps(fake.records) + "\n".join(fake.log)
    assert fake.records and fake.log
    for secret in (BSRE_PASSPHRASE, WRONG):
        assert secret not in kept
        for path in fake.directory.iterdir():
            assert secret.encode() not in path.read_bytes()
    assert fake_bsre.DEFAULT_PASSWORD not in repr(signer)


def test_the_fake_verifies_like_bsre(
    bsre: tuple[str, fake_bsre.FakeBsre], unsigned: bytes, signed: bytes
) -> None:
    import urllib.request

    from chalicelib.adapters.signers import _multipart

    url, _ = bsre
    pdf = bsre_signer(url).sign(unsigned, nik=BSRE_NIK, passphrase=BSRE_PASSPHRASE, qr_link=QR_LINK)
    answers = []
    for document in (pdf, signed, unsigned):
        body, content_type = _multipart(
            {}, {"signed_file": ("sk.pdf", document, "application/pdf")}
        )
        request = urllib.request.Request(f"{url}/api/sign/verify", data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("Authorization", bsre_signer(url)._auth)
        with urllib.request.urlopen(request, timeout=10) as response:
            answers.append(json.loads(response.read()))
    assert answers[0]["summary"] == "DOCUMENT VALID !!!"
    assert answers[1]["summary"] == "DOCUMENT NOT VALID !!!"  # the local CA is not BSrE's root
    assert answers[2]["jumlah_signature"] == 0


# ----- helpers ----------------------------------------------------------------------------


def text_positions(pdf: bytes, page: int = 0) -> list[tuple[str, float, float]]:
    """Each piece of text on the page with where it starts, in page coordinates."""
    placed: list[tuple[str, float, float]] = []

    def seen(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            x, y = tm[4], tm[5]
            placed.append(
                (text.strip(), cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5])
            )

    PdfReader(BytesIO(pdf)).pages[page].extract_text(visitor_text=seen)
    return placed


def assert_no_secret(error: AppError, *secrets: str) -> None:
    said = f"{error} {error!r} {json.dumps(error.body(), default=str)} {error.__cause__!r}"
    for secret in secrets:
        assert secret not in said


class serving:
    """A throwaway localhost server answering every request with `answer(handler)`."""

    def __init__(self, answer: Callable[[BaseHTTPRequestHandler], None]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                answer(self)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    def __enter__(self) -> str:
        Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
