"""Which tokens an account change revokes (the rule, without AWS)."""

from __future__ import annotations

import pytest

from chalicelib.adapters.sessions import ensure_current
from chalicelib.auth.principal import Principal
from chalicelib.errors import Unauthorized

CHANGED = 1_800_000_000.4  # the administrator's change, 0.4 s into a second
WHO = Principal("cabdin@contoh.go.id", "sub", frozenset({"CABANG_DINAS"}), "SEMARANG DEMAK", None)
MOVED = Principal("cabdin@contoh.go.id", "", frozenset({"KEPALA_BIDANG"}), None, None)


def _check(iat: int, now: Principal | None, changed: float | None = CHANGED) -> None:
    ensure_current(WHO, {"iat": iat}, lambda _: now, lambda _: changed)


def test_a_token_of_an_unchanged_account_is_accepted() -> None:
    _check(1_700_000_000, WHO, changed=None)


def test_a_token_issued_after_the_change_is_accepted() -> None:
    _check(int(CHANGED) + 1, MOVED)


@pytest.mark.parametrize("iat", [int(CHANGED) - 1, int(CHANGED) - 3600])
def test_a_token_issued_before_the_change_is_revoked(iat: int) -> None:
    with pytest.raises(Unauthorized) as revoked:
        _check(iat, WHO)
    assert revoked.value.code == "SESSION_REVOKED"
    assert revoked.value.message == (
        "Sesi Anda tidak berlaku lagi karena akun Anda diubah; silakan masuk kembali."
    )


@pytest.mark.parametrize("now", [MOVED, None], ids=["moved", "disabled"])
def test_in_the_second_of_the_change_a_token_that_no_longer_matches_is_revoked(
    now: Principal | None,
) -> None:
    with pytest.raises(Unauthorized):
        _check(int(CHANGED), now)


def test_in_the_second_of_the_change_a_token_matching_the_account_is_accepted() -> None:
    _check(int(CHANGED), WHO)
