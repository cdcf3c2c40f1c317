"""Real, small files for the demo data and the tests: a one-page PDF and a 2×2 PNG.

Outside chalicelib/ on purpose: the Lambda bundle carries no test or demo generators."""

from __future__ import annotations

import struct
import textwrap
import zlib

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small, real one-page A4 PDF (Helvetica text) for demo seed data and tests.

    Written by hand with an exact xref table so that it opens in any viewer and pypdf can
    extract the text. Characters outside Windows-1252 become '?'; lines that do not fit on
    the page are left out.
    """
    width, height, margin = 595, 842, 56
    ops = ["BT", "/F2 16 Tf", f"{margin} {height - margin - 16} Td", f"({_pdf_text(title)}) Tj"]
    ops += ["/F1 11 Tf", "14 TL", "0 -10 Td"]
    wrapped = [part for line in lines for part in (textwrap.wrap(line, width=90) or [""])]
    room = (height - 2 * margin - 26) // 14
    ops += [f"T* ({_pdf_text(part)}) Tj" for part in wrapped[:room]]
    ops.append("ET")
    stream = "\n".join(ops).encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            "/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        ).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        f"<< /Title ({_pdf_text(title)}) /Producer (eTracking Perizinan) >>".encode(
            "cp1252", errors="replace"
        ),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def demo_png() -> bytes:
    """A tiny valid 2×2 RGB PNG (correct CRCs) standing in for a map image in demos and tests."""
    width, height = 2, 2
    pixels = [[(0, 102, 204), (255, 255, 255)], [(255, 255, 255), (0, 153, 76)]]
    raw = b"".join(b"\x00" + b"".join(bytes(px) for px in row) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        _PNG_MAGIC
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _pdf_text(text: str) -> str:
    # Literal strings: escape the delimiters and backslash; drop control characters.
    cleaned = "".join(ch if ch >= " " else " " for ch in text)
    return cleaned.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
