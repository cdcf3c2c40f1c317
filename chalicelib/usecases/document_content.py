"""Server-side checks of uploaded document bytes, and small demo documents.

Files arrive through presigned S3 uploads, so the declared content type and size cannot be
trusted (the S3 emulation does not even enforce the size limit). After the upload we read the
object and check here that it really is what the document kind requires.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Mapping
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:  # pypdf loads at the first PDF checked, not at every cold start
    from pypdf import PdfReader

from chalicelib.core.catalog import DocumentKind
from chalicelib.errors import BadRequest, Unprocessable

MAX_BYTES = 10 * 1024 * 1024
# An image is decoded into width × height × 4 bytes by whoever views it: 50 megapixels is
# ~200 MB, far beyond any map scan, and refuses decompression bombs (a 20000×20000 PNG of a
# few KB decodes to 1.6 GB).
MAX_PIXELS = 50_000_000
ERROR_CODE = "INVALID_DOCUMENT"

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"


def declared_kinds() -> dict[str, DocumentKind]:
    """Every document kind some workflow declares."""
    from chalicelib.declared import catalog

    return catalog().document_kinds()


_TYPE_NAMES = {PDF: "PDF", PNG: "gambar PNG", JPEG: "gambar JPEG"}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_START = b"\xff\xd8\xff"
_JPEG_END = b"\xff\xd9"


def inspect(kind: str, data: bytes, kinds: Mapping[str, DocumentKind] | None = None) -> str:
    """Return the content type detected from `data` if it is acceptable for document `kind`
    (of `kinds`: the ticket's workflow's; by default every declared kind).

    Raises Unprocessable(code="INVALID_DOCUMENT") saying why not, in Bahasa Indonesia, and
    BadRequest(code="INVALID_DOCUMENT_KIND") for a kind not declared.
    """
    kinds = declared_kinds() if kinds is None else kinds
    if kind not in kinds:
        raise BadRequest(
            f"Jenis dokumen '{kind}' tidak dikenal; gunakan salah satu dari: {', '.join(kinds)}.",
            code="INVALID_DOCUMENT_KIND",
        )
    label = kinds[kind].label
    if not data:
        _fail(kind, f"Berkas untuk {label} kosong (0 byte); unggah ulang berkasnya.")
    if len(data) > MAX_BYTES:
        size_mb = round(len(data) / (1024 * 1024), 1)
        if size_mb <= MAX_BYTES / (1024 * 1024):
            # Just over the limit: round up so that 10 MB + 1 byte does not read as "10,0 MB".
            size_mb = math.ceil(len(data) / (1024 * 1024) * 10) / 10
        shown = f"{size_mb:.1f}".replace(".", ",")
        _fail(
            kind,
            f"Ukuran berkas {shown} MB melebihi batas maksimum {MAX_BYTES // (1024 * 1024)} MB.",
        )
    detected = _sniff(data)
    allowed = kinds[kind].formats
    if detected is None:
        if allowed == (PDF,):
            _fail(
                kind,
                "Berkas bukan PDF yang valid: tidak diawali penanda %PDF-. "
                f"{label} harus berupa berkas PDF.",
            )
        _fail(kind, f"Berkas bukan gambar PNG atau JPEG yang valid. {label} diperlukan.")
    if detected not in allowed:
        wanted = " atau ".join(_TYPE_NAMES[t] for t in allowed)
        _fail(
            kind,
            f"{label} harus berupa {wanted}, tetapi berkas yang diunggah adalah "
            f"{_TYPE_NAMES[detected]}.",
        )
    if detected == PDF:
        _check_pdf(kind, data)
    elif detected == PNG:
        _check_png(kind, data)
    else:
        _check_jpeg(kind, data)
    return detected


# --- helpers -------------------------------------------------------------------------------


def _fail(kind: str, message: str) -> NoReturn:
    raise Unprocessable(message, code=ERROR_CODE, kind=kind)


def _sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_PNG_MAGIC):
        return PNG
    if data.startswith(_JPEG_START):
        return JPEG
    return None


def _check_pdf(kind: str, data: bytes) -> None:
    invalid = "Berkas bukan PDF yang valid (rusak atau tidak lengkap); simpan ulang sebagai PDF."
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception:  # pypdf raises many error types (PdfReadError, ValueError, KeyError...)
        _fail(kind, invalid)
    if encrypted:
        _fail(
            kind,
            "Berkas PDF terenkripsi atau dilindungi password tidak dapat diterima; "
            "unggah PDF tanpa password.",
        )
    if pages < 1:
        _fail(kind, "Berkas bukan PDF yang valid: PDF tidak memiliki halaman.")
    try:
        active = _active_content(reader)
    except Exception:  # a broken reference deep in the file: pypdf raises many error types
        _fail(kind, invalid)
    if active:
        _fail(
            kind,
            f"PDF berisi konten aktif ({active}) yang tidak diizinkan demi keamanan. Cetak "
            "ulang dokumen sebagai PDF biasa (Print to PDF) tanpa skrip, lampiran tertanam "
            "atau formulir, lalu unggah ulang.",
        )


# Keys and action types (/S) that make a viewer run code, open files or send data when the
# document is opened or touched. Names are compared after pypdf decodes #xx escapes.
_ACTIVE_KEYS = {
    "/JavaScript": "JavaScript",
    "/JS": "JavaScript",
    "/AA": "aksi otomatis /AA",
    "/XFA": "formulir XFA",
    "/EmbeddedFile": "berkas tertanam",
    "/EmbeddedFiles": "berkas tertanam",
    "/EF": "berkas tertanam",
    "/RichMedia": "media interaktif",
}
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "perintah menjalankan program /Launch",
    "/ImportData": "aksi /ImportData",
    "/SubmitForm": "aksi /SubmitForm",
    "/GoToE": "berkas tertanam",
    "/RichMediaExecute": "media interaktif",
}
MAX_PDF_OBJECTS = 200_000


def _active_content(reader: PdfReader) -> str | None:
    """What active content the PDF holds (a label), or None: every object reachable from the
    trailer is visited once, so an /OpenAction hidden in an object stream is found too."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    todo: list[object] = [reader.trailer]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            if len(seen) > MAX_PDF_OBJECTS:
                raise ValueError("too many objects")
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for name, value in item.items():
                if name in _ACTIVE_KEYS:
                    return _ACTIVE_KEYS[name]
                if name == "/S" and value in _ACTIVE_ACTIONS:
                    return _ACTIVE_ACTIONS[value]
                todo.append(value)
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    return None


def _check_png(kind: str, data: bytes) -> None:
    # After the 8-byte signature comes IHDR: length 13, type, 13 data bytes, CRC (33 in all).
    if len(data) < 33 or data[12:16] != b"IHDR" or struct.unpack(">I", data[8:12])[0] != 13:
        _fail(kind, "Berkas bukan gambar PNG yang valid (header IHDR tidak ditemukan).")
    width, height = struct.unpack(">II", data[16:24])
    _check_dimensions(kind, width, height)


def _check_jpeg(kind: str, data: bytes) -> None:
    if len(data) < 4 or not data.endswith(_JPEG_END):
        _fail(kind, "Berkas bukan gambar JPEG yang valid (berkas tidak lengkap atau terpotong).")
    size = _jpeg_size(data)
    if size is None:
        _fail(kind, "Berkas bukan gambar JPEG yang valid (header ukuran gambar tidak ditemukan).")
    _check_dimensions(kind, *size)


# Start-of-frame markers carry the image size; C4 (DHT), C8 (JPG) and CC (DAC) do not.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first start-of-frame segment, walking segment lengths
    from SOI up to the scan (SOS); None when the header is broken or has no frame."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
            continue
        if marker in _JPEG_STANDALONE:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image or start of scan: no frame header seen
            return None
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in _JPEG_FRAMES:
            if length < 7 or at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def _check_dimensions(kind: str, width: int, height: int) -> None:
    if width == 0 or height == 0:
        _fail(kind, "Berkas gambar tidak valid: lebar atau tinggi gambar 0 piksel.")
    if width * height > MAX_PIXELS:
        megapixels = _number(round(width * height / 1_000_000))
        _fail(
            kind,
            f"Gambar berukuran {_number(width)} × {_number(height)} piksel ({megapixels} "
            f"megapiksel) melebihi batas {_number(MAX_PIXELS // 1_000_000)} megapiksel; "
            "perkecil resolusi gambar lalu unggah ulang.",
        )


def _number(value: int) -> str:
    """As Indonesians write it: 20.000, not 20,000."""
    return f"{value:,}".replace(",", ".")
