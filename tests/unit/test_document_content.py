"""Uploaded document bytes are checked on the server; demo PDF and PNG are real files."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from chalicelib.errors import BadRequest, Unprocessable
from chalicelib.usecases.document_content import (
    MAX_BYTES,
    MAX_PIXELS,
    declared_kinds,
    inspect,
)
from local.demo_files import demo_pdf, demo_png

TITLE = "Surat Rekomendasi Teknis No. 12/REKOMTEK/2026"
LINES = ["Pemohon: PT Contoh Sejahtera", "Lokasi: Kota Semarang (110.42, -6.99)"]


def _jpeg(width: int, height: int, frame: bytes = b"\xc0") -> bytes:
    """A minimal JPEG: SOI, APP0 (JFIF), a start-of-frame header with the size, EOI.
    Only the markers and the frame header are checked."""
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff" + frame + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


JPEG = _jpeg(640, 480)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return demo_pdf(TITLE, LINES)


def _encrypted(pdf: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password, "pemilik", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _rejection(kind: str, data: bytes) -> Unprocessable:
    with pytest.raises(Unprocessable) as caught:
        inspect(kind, data)
    error = caught.value
    assert error.status == 422
    assert error.body()["code"] == "INVALID_DOCUMENT"
    return error


# --- the constants -------------------------------------------------------------------------


def test_every_kind_has_a_label_and_accepted_types() -> None:
    kinds = declared_kinds()
    assert {"REKOMTEK", "LAMPIRAN", "PETA", "KRK", "BUKTI_BAYAR", "GAMBAR_PETA"} <= set(kinds)
    assert all(kind.label for kind in kinds.values())
    assert kinds["REKOMTEK"].formats == kinds["LAMPIRAN"].formats == ("application/pdf",)
    assert kinds["PETA"].formats == ("image/png", "image/jpeg")
    assert MAX_BYTES == 10 * 1024 * 1024


# --- accepted files ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["REKOMTEK", "LAMPIRAN"])
def test_demo_pdf_is_accepted_for_pdf_kinds(kind: str, pdf: bytes) -> None:
    assert inspect(kind, pdf) == "application/pdf"


def test_demo_png_is_accepted_as_map() -> None:
    assert inspect("PETA", demo_png()) == "image/png"


def test_jpeg_is_accepted_as_map() -> None:
    assert inspect("PETA", JPEG) == "image/jpeg"


def test_file_of_exactly_the_limit_is_not_refused_for_its_size(pdf: bytes) -> None:
    # Padding after %%EOF is tolerated by PDF readers.
    padded = pdf + b"\n" * (MAX_BYTES - len(pdf))
    assert len(padded) == MAX_BYTES
    assert inspect("LAMPIRAN", padded) == "application/pdf"


# --- refused files -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(declared_kinds()))
def test_empty_file_is_refused(kind: str) -> None:
    error = _rejection(kind, b"")
    assert "kosong" in error.message


def test_file_over_10_mb_is_refused_with_its_size(pdf: bytes) -> None:
    too_big = pdf + b"\n" * (MAX_BYTES + 1 - len(pdf))
    error = _rejection("LAMPIRAN", too_big)
    assert "10,1 MB" in error.message
    assert "batas maksimum 10 MB" in error.message


def test_size_is_shown_in_megabytes() -> None:
    error = _rejection("PETA", b"\x89PNG\r\n\x1a\n" + b"\0" * (25 * 1024 * 1024 // 2))
    assert "Ukuran berkas 12,5 MB" in error.message


def test_png_renamed_as_pdf_is_refused() -> None:
    error = _rejection("REKOMTEK", demo_png())
    assert "harus berupa PDF" in error.message
    assert "gambar PNG" in error.message


def test_pdf_as_map_image_is_refused(pdf: bytes) -> None:
    error = _rejection("PETA", pdf)
    assert "gambar PNG atau gambar JPEG" in error.message


def test_text_file_is_not_a_pdf() -> None:
    error = _rejection("LAMPIRAN", b"Ini bukan PDF, hanya teks biasa.\n")
    assert "Berkas bukan PDF yang valid" in error.message
    assert "%PDF-" in error.message


def test_text_file_is_not_a_map_image() -> None:
    error = _rejection("PETA", b"GIF89a....")
    assert "bukan gambar PNG atau JPEG" in error.message


def test_truncated_pdf_is_refused(pdf: bytes) -> None:
    error = _rejection("REKOMTEK", pdf[:100])
    assert "Berkas bukan PDF yang valid" in error.message


def test_pdf_header_followed_by_garbage_is_refused() -> None:
    error = _rejection("LAMPIRAN", b"%PDF-1.7\n" + bytes(range(256)) * 8)
    assert "Berkas bukan PDF yang valid" in error.message


def test_pdf_without_pages_is_refused() -> None:
    writer = PdfWriter()
    out = io.BytesIO()
    writer.write(out)
    error = _rejection("LAMPIRAN", out.getvalue())
    assert "tidak memiliki halaman" in error.message


@pytest.mark.parametrize("user_password", ["rahasia", ""], ids=["password", "owner-only"])
def test_encrypted_pdf_is_refused(pdf: bytes, user_password: str) -> None:
    error = _rejection("REKOMTEK", _encrypted(pdf, user_password))
    assert "terenkripsi" in error.message


def test_png_signature_without_ihdr_is_refused() -> None:
    error = _rejection("PETA", demo_png()[:8] + b"\0\0\0\x0dIDAT" + b"\0" * 40)
    assert "bukan gambar PNG yang valid" in error.message


def test_truncated_jpeg_is_refused() -> None:
    error = _rejection("PETA", JPEG[:-2])
    assert "JPEG" in error.message
    assert "terpotong" in error.message


def test_error_names_the_document_kind() -> None:
    error = _rejection("LAMPIRAN", b"")
    assert error.body()["kind"] == "LAMPIRAN"


def test_unknown_kind_is_a_bad_request(pdf: bytes) -> None:
    with pytest.raises(BadRequest) as caught:
        inspect("NPWP", pdf)
    assert caught.value.status == 400
    assert "NPWP" in caught.value.message


# --- demo files ----------------------------------------------------------------------------


def test_demo_pdf_is_one_a4_page_with_the_text(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (595, 842)
    text = page.extract_text()
    assert TITLE in text
    for line in LINES:
        assert line in text
    assert reader.metadata is not None
    assert reader.metadata.title == TITLE


def test_demo_pdf_escapes_pdf_string_delimiters() -> None:
    title = r"Catatan (revisi) \ final"
    pdf = demo_pdf(title, [])
    assert title in PdfReader(io.BytesIO(pdf), strict=True).pages[0].extract_text()


def test_demo_pdf_xref_offsets_point_at_their_objects(pdf: bytes) -> None:
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[start:].startswith(b"xref\n0 ")
    rows = pdf[start:].split(b"\n")[3:]
    number = 1
    for row in rows:
        if not row.endswith(b" n "):
            break
        offset = int(row[:10])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
        number += 1
    assert number > 1


def test_demo_pdf_with_many_lines_stays_on_one_page() -> None:
    pdf = demo_pdf("Panjang", [f"Baris {i} " + "kata " * 40 for i in range(200)])
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    assert "Baris 0" in reader.pages[0].extract_text()


def test_demo_png_is_a_2x2_rgb_image_with_correct_crcs() -> None:
    png = demo_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    chunks = []
    pos = 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.append((kind, body))
        pos += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (width, height, depth, colour) == (2, 2, 8, 2)
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == height * (1 + width * 3)


# --- decode-size bound of images (decompression bombs) -------------------------------------


def _png(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims `width`×`height`; the pixel data is not what is checked."""
    chunks = demo_png().split(b"IHDR", 1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return chunks[0] + b"IHDR" + header + crc + chunks[1][13 + 4 :]


def test_png_of_20000_by_20000_pixels_is_refused_with_its_size() -> None:
    error = _rejection("PETA", _png(20000, 20000))
    assert "20.000 × 20.000 piksel (400 megapiksel)" in error.message
    assert "batas 50 megapiksel" in error.message


def test_png_of_exactly_50_megapixels_is_accepted() -> None:
    assert MAX_PIXELS == 50_000_000
    assert inspect("PETA", _png(10000, 5000)) == "image/png"


def test_png_of_zero_width_is_refused() -> None:
    error = _rejection("PETA", _png(0, 100))
    assert "0 piksel" in error.message


@pytest.mark.parametrize("frame", [b"\xc0", b"\xc2"], ids=["baseline", "progressive"])
def test_jpeg_above_50_megapixels_is_refused(frame: bytes) -> None:
    error = _rejection("PETA", _jpeg(65000, 65000, frame))
    assert "65.000 × 65.000 piksel" in error.message


def test_jpeg_size_is_read_after_other_segments_and_fill_bytes() -> None:
    plain = _jpeg(65000, 65000)
    padded = plain[:2] + b"\xff\xfe\x00\x06abcd" + b"\xff" + plain[2:]
    assert "megapiksel" in _rejection("PETA", padded).message


def test_jpeg_without_a_frame_header_is_refused() -> None:
    app0_only = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    error = _rejection("PETA", app0_only)
    assert "JPEG" in error.message


# --- active PDF content ----------------------------------------------------------------------


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _with_root(pdf: bytes, key: str, value: object) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer._root_object[NameObject(key)] = value
    return _written(writer)


def _action(kind: str, **entries: str) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def test_pdf_opening_with_javascript_is_refused(pdf: bytes) -> None:
    hostile = _with_root(pdf, "/OpenAction", _action("/JavaScript", JS="app.alert(1)"))
    error = _rejection("REKOMTEK", hostile)
    assert "konten aktif (JavaScript)" in error.message
    assert "Print to PDF" in error.message


def test_pdf_with_document_level_javascript_is_refused(pdf: bytes) -> None:
    # /Names << /JavaScript << /Names [(salam) <action>] >> >>, the action indirect.
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    action = writer._add_object(_action("/JavaScript", JS="app.alert(1)"))
    scripts = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("salam"), action])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(scripts)}
    )
    assert "JavaScript" in _rejection("REKOMTEK", _written(writer)).message


def test_pdf_launching_a_program_is_refused(pdf: bytes) -> None:
    hostile = _with_root(pdf, "/OpenAction", _action("/Launch", F="cmd.exe"))
    assert "/Launch" in _rejection("REKOMTEK", hostile).message


def test_pdf_with_an_embedded_file_is_refused(pdf: bytes) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.add_attachment("bukan-virus.exe", b"MZ...")
    assert "berkas tertanam" in _rejection("LAMPIRAN", _written(writer)).message


def test_pdf_page_with_an_additional_action_is_refused(pdf: bytes) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/SubmitForm", F="http://contoh.invalid/")}
    )
    assert "/AA" in _rejection("REKOMTEK", _written(writer)).message


def test_pdf_with_an_xfa_form_is_refused(pdf: bytes) -> None:
    form = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp/>")}
    )
    assert "XFA" in _rejection("REKOMTEK", _with_root(pdf, "/AcroForm", form)).message


def test_pdf_hiding_javascript_behind_a_hex_escaped_name_is_refused(pdf: bytes) -> None:
    hostile = _with_root(pdf, "/OpenAction", _action("/JavaScript", JS="app.alert(1)"))
    escaped = hostile.replace(b"/JavaScript", b"/J#61vaScript")
    assert escaped != hostile
    assert "JavaScript" in _rejection("REKOMTEK", escaped).message


def test_pdf_opening_at_its_first_page_is_accepted(pdf: bytes) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    page = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])
    assert inspect("REKOMTEK", _written(writer)) == "application/pdf"
