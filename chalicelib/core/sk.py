"""The PKKPR Non Berusaha decree ("SK"): what it says, how Indonesians write its dates and
numbers, where its signature goes, and what a verification found.

Pure: the PDF is drawn by `adapters/sk_pdf.py`, signed and verified by `adapters/signers.py`.
Dates and numbers are formatted here by hand, so that no server locale can change them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

BLITAR_LETTERHEAD = (
    "PEMERINTAH KABUPATEN BLITAR",
    "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
)
BLITAR_SIGNER_POSITION = (
    "Kepala Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Blitar"
)
DEFAULT_VALIDITY_YEARS = 3  # PKKPR: 3 tahun (DOMAIN §1.9, to be confirmed per Perbup)

# Generous limits so that the first page always has room for the signature block.
MAX_TEXT = 300
MIN_POLYGON_POINTS = 3
MAX_POLYGON_POINTS = 500


class SkDataInvalid(ValueError):
    """An SK cannot be drawn from these data; `field` names the culprit, the message is
    for the official (Bahasa Indonesia)."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def indonesian_date(day: date) -> str:
    """26 November 2026 — the long form used in decrees, whatever the machine's locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def indonesian_number(value: float | int | Decimal, max_decimals: int = 2) -> str:
    """1.234,5 — dots group thousands, a comma marks decimals; trailing zeros dropped."""
    quantum = Decimal(1).scaleb(-max_decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    fraction = fraction.rstrip("0")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def area_m2(value: float | int | Decimal) -> str:
    """1.234,5 m²"""
    return f"{indonesian_number(value)} m²"


def coordinate(value: float) -> str:
    """A longitude or latitude in decimal degrees, six places (about 10 cm), comma decimal."""
    return indonesian_number(Decimal(str(value)).quantize(Decimal("0.000001")), 6)


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Reference:
    """A letter the decree rests on (KRK, Pertek, Rekomendasi DPUPR): its number and date."""

    number: str
    dated: date

    def text(self) -> str:
        return f"Nomor {self.number} tanggal {indonesian_date(self.dated)}"


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: 1-based page, lower-left corner and size in PDF
    points (origin bottom-left, as BSrE's `xAxis`/`yAxis`/`width`/`height`)."""

    page: int
    x: float
    y: float
    width: float
    height: float

    def rect(self) -> tuple[int, int, int, int]:
        """(x1, y1, x2, y2) in whole points, as pyHanko's field spec wants it."""
        x, y = round(self.x), round(self.y)
        return x, y, x + round(self.width), y + round(self.height)


# The box the SK leaves for the signature on page 1 (A4 portrait, 595 x 842 pt).
SIGNATURE_BOX = SignatureBox(page=1, x=330.0, y=176.0, width=200.0, height=70.0)


@dataclass(frozen=True)
class SkData:
    """Everything the decree prints. Built by the API from the ticket at INPUT NOMOR SK."""

    sk_number: str
    registration_number: str
    issued_on: date
    applicant_name: str
    activity_name: str
    activity_type: str
    address: str
    village: str
    district: str
    requested_area_m2: Decimal
    approved_area_m2: Decimal
    krk: Reference
    pertek: Reference
    rekomendasi: Reference
    sps_pnbp_number: str
    coordinates: tuple[tuple[float, float], ...]  # (lon, lat) of the approved polygon
    verification_url: str
    map_image: bytes | None = field(default=None, repr=False)
    validity_years: int = DEFAULT_VALIDITY_YEARS
    signer_position: str = BLITAR_SIGNER_POSITION
    signer_name: str = ""
    letterhead: tuple[str, ...] = BLITAR_LETTERHEAD
    agency_address: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in _REQUIRED_TEXT:
            _check_text(name, getattr(self, name))
        _check_areas(self.requested_area_m2, self.approved_area_m2)
        _check_references(self)
        _check_polygon(self.coordinates)
        _check_url(self.verification_url)
        if not 1 <= self.validity_years <= 50:
            raise SkDataInvalid("validity_years", "Masa berlaku harus antara 1 dan 50 tahun.")
        if self.map_image is not None and not _is_png_or_jpeg(self.map_image):
            raise SkDataInvalid("map_image", "Gambar peta harus berformat PNG atau JPEG.")

    @property
    def valid_until(self) -> date:
        return add_years(self.issued_on, self.validity_years)


_REQUIRED_TEXT = (
    "sk_number",
    "registration_number",
    "applicant_name",
    "activity_name",
    "activity_type",
    "address",
    "village",
    "district",
    "sps_pnbp_number",
    "signer_position",
)
_LABELS = {
    "sk_number": "Nomor SK",
    "registration_number": "Nomor pendaftaran",
    "applicant_name": "Nama pemohon",
    "activity_name": "Nama kegiatan",
    "activity_type": "Jenis kegiatan",
    "address": "Alamat lokasi",
    "village": "Desa/kelurahan",
    "district": "Kecamatan",
    "sps_pnbp_number": "Nomor SPS PNBP",
    "signer_position": "Jabatan penanda tangan",
}


def _check_text(name: str, value: str) -> None:
    label = _LABELS[name]
    if not isinstance(value, str) or not value.strip():
        raise SkDataInvalid(name, f"{label} wajib diisi.")
    if len(value) > MAX_TEXT:
        raise SkDataInvalid(name, f"{label} terlalu panjang (paling banyak {MAX_TEXT} karakter).")
    if any(ord(ch) < 32 for ch in value):
        raise SkDataInvalid(name, f"{label} tidak boleh memuat karakter kendali.")


def _check_areas(requested: Decimal, approved: Decimal) -> None:
    if not requested > 0:
        raise SkDataInvalid("requested_area_m2", "Luas yang dimohon harus lebih dari 0 m².")
    if not approved > 0:
        raise SkDataInvalid("approved_area_m2", "Luas yang disetujui harus lebih dari 0 m².")
    if approved > requested:
        raise SkDataInvalid(
            "approved_area_m2", "Luas yang disetujui tidak boleh melebihi luas yang dimohon."
        )


def _check_references(data: SkData) -> None:
    for name, label in (("krk", "KRK"), ("pertek", "Pertek"), ("rekomendasi", "Rekomendasi")):
        ref: Reference = getattr(data, name)
        if not ref.number.strip() or len(ref.number) > MAX_TEXT:
            raise SkDataInvalid(name, f"Nomor {label} wajib diisi.")
        if ref.dated > data.issued_on:
            raise SkDataInvalid(name, f"Tanggal {label} tidak boleh sesudah tanggal SK.")


def _check_polygon(points: tuple[tuple[float, float], ...]) -> None:
    if not MIN_POLYGON_POINTS <= len(points) <= MAX_POLYGON_POINTS:
        raise SkDataInvalid(
            "coordinates",
            f"Koordinat lokasi harus {MIN_POLYGON_POINTS} sampai {MAX_POLYGON_POINTS} titik.",
        )
    for number, (lon, lat) in enumerate(points, start=1):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise SkDataInvalid("coordinates", f"Koordinat titik {number} di luar jangkauan.")


def _check_url(url: str) -> None:
    if not url.startswith(("https://", "http://")) or len(url) > 500 or " " in url:
        raise SkDataInvalid("verification_url", "Alamat verifikasi harus URL http(s) yang sah.")


def _is_png_or_jpeg(image: bytes) -> bool:
    return image.startswith(b"\x89PNG\r\n\x1a\n") or image.startswith(b"\xff\xd8\xff")


@dataclass(frozen=True)
class Verification:
    """What checking a PDF's signature found. `trusted` means the signer's certificate leads
    to one of the trust roots given (BSrE's, or the local CA's on the local stack)."""

    signed: bool
    intact: bool
    trusted: bool
    signer_name: str | None
    signed_at: datetime | None

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted


NOT_SIGNED = Verification(
    signed=False, intact=False, trusted=False, signer_name=None, signed_at=None
)


class Signer(Protocol):
    """Signs a PDF for the official with this NIK, who typed `passphrase` just now.

    Raises Unprocessable (PASSPHRASE_SALAH, SERTIFIKAT_TIDAK_ADA, …) when the signer refuses,
    ServiceUnavailable when signing could not happen and may be retried.
    """

    def sign(self, pdf: bytes, *, nik: str, passphrase: str, qr_link: str) -> bytes: ...
