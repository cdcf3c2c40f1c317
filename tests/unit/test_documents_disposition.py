"""Downloads name their file per RFC 6266: a safe ASCII fallback plus the exact UTF-8 name."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from chalicelib.core.disposition import ascii_fallback, content_disposition

PDF = "application/pdf"


@pytest.mark.parametrize(
    "name",
    [
        "rekomtek.pdf",
        'Rekomtek "final" – Semarang.pdf',
        "Peta Désa Kaliwungu.png",
        "back\\slash; titik=koma.pdf",
        "ﾊﾟｽﾎﾟｰﾄ 申請書.pdf",
        "100% selesai.pdf",
    ],
)
def test_the_exact_name_comes_back_from_filename_star(name: str) -> None:
    header = content_disposition(name, PDF)
    assert header.isascii() and header.isprintable()
    fallback, encoded = header.split("; filename*=UTF-8''", 1)
    assert fallback.count('"') == 2 and ";" not in encoded and " " not in encoded
    assert unquote(encoded, encoding="utf-8") == name


def test_quotes_and_an_en_dash_become_a_readable_ascii_fallback() -> None:
    assert content_disposition('Rekomtek "final" – Semarang.pdf', PDF) == (
        'inline; filename="Rekomtek _final_ - Semarang.pdf"; '
        "filename*=UTF-8''Rekomtek%20%22final%22%20%E2%80%93%20Semarang.pdf"
    )


def test_accents_are_dropped_and_other_letters_replaced_in_the_fallback() -> None:
    assert ascii_fallback("Peta Désa.png") == "Peta Desa.png"
    assert ascii_fallback("申請書.pdf") == "___.pdf"
    assert ascii_fallback("’’") == "__"


def test_a_name_of_only_spaces_falls_back_to_dokumen() -> None:
    assert ascii_fallback("   ") == "dokumen"


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "image/jpeg"])
def test_checked_types_open_inline(content_type: str) -> None:
    assert content_disposition("a", content_type).startswith("inline;")


@pytest.mark.parametrize("content_type", ["text/html", "image/svg+xml", "application/zip"])
def test_anything_else_is_only_downloaded(content_type: str) -> None:
    assert content_disposition("a", content_type).startswith("attachment;")
