"""The PANDUAN downloaded from the landing page is a manual of the screens: real screenshots,
the seed's words, and nothing of the administration (commands, API paths)."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent.parent
PANDUAN = ROOT / "web" / "unduhan" / "panduan-andesit.pdf"
SOURCE = ROOT / "docs" / "panduan-andesit.md"
ADMINISTRATION = re.compile(r"python -m|chalicelib|/api/|\bCLI\b|curl |redrive|dead-letter", re.I)


def pdf_text(reader: PdfReader) -> str:
    """The words of every page, on one line (tables and line ends split phrases)."""
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def test_the_panduan_shows_the_screens_and_no_administration() -> None:
    reader = PdfReader(PANDUAN)
    text = pdf_text(reader)
    images = sum(len(page.images) for page in reader.pages)

    assert images >= 15, f"only {images} screenshots in the PANDUAN"
    assert not ADMINISTRATION.findall(text)
    assert "Untuk Administrator" not in text
    for words in ("nomor ticket", "password", "alasan", "wib", "data izin masuk terbaru"):
        assert words in text.lower()
    assert "Kata Sandi Baru" not in text
    assert PANDUAN.stat().st_size < 3 * 1024 * 1024


def test_every_screenshot_the_panduan_names_exists() -> None:
    named = re.findall(r"^!\[[^\]]*\]\(([^)]+)\)$", SOURCE.read_text(), flags=re.M)

    assert len(named) >= 15
    assert [name for name in named if not (SOURCE.parent / name).is_file()] == []
