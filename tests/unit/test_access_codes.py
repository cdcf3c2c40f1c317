"""The access code of "Lacak Permohonan": the one given at AJUKAN until the applicant
replaces it, then only the new one."""

from __future__ import annotations

from chalicelib.core import tracking

SECRET = "rahasia-uji"
NO = "PKKPR-2026-00001"


def test_a_replaced_code_no_longer_matches_and_the_new_one_does() -> None:
    first = tracking.access_code(SECRET, NO)
    second = tracking.access_code(SECRET, NO, 1)

    assert tracking.access_code(SECRET, NO, 0) == first  # codes given before stay valid
    assert second != first
    assert tracking.matches(SECRET, NO, second.lower().replace("-", " "), 1)
    assert not tracking.matches(SECRET, NO, first, 1)
    assert not tracking.matches(SECRET, NO, second, 0)
