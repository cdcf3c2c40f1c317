"""Which words index a ticket, and how a cancelled transaction is read (no network)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from chalicelib.adapters import index, store


def test_a_word_that_begins_another_is_not_indexed_so_one_search_finds_a_ticket_once() -> None:
    text = store.search_text("27419", "Budi Budiman", "CV Budi Jaya")

    assert index.words(text) == ["27419", "budiman", "cv", "jaya"]


def test_words_are_distinct_and_at_most_the_limit() -> None:
    text = store.search_text(" ".join(f"kata{i:02d}x" for i in range(20)), "kata00x")

    assert index.words(text) == [f"kata{i:02d}x" for i in range(index.MAX_WORDS)]


def test_search_splits_on_the_longest_word() -> None:
    assert index._split(" sri mulyani") == ("mulyani", ["sri"])


def error(code: str, *reasons: str | None) -> SimpleNamespace:
    return SimpleNamespace(
        cause_response_code=code,
        cancellation_reasons=[SimpleNamespace(code=r) if r else None for r in reasons],
    )


@pytest.mark.parametrize(
    ("failure", "condition", "transient"),
    [
        (error("ConditionalCheckFailedException"), True, False),
        (error("TransactionCanceledException", None, "ConditionalCheckFailed"), True, False),
        (error("TransactionCanceledException", "TransactionConflict", None), False, True),
        (error("TransactionCanceledException", "ThrottlingError"), False, True),
        (error("TransactionCanceledException", "ValidationError"), False, False),
        (error("TransactionInProgressException"), False, True),
    ],
)
def test_a_collision_is_tried_again_and_only_a_failed_condition_means_done_before(
    failure: SimpleNamespace, condition: bool, transient: bool
) -> None:
    assert store.condition_failed(failure) is condition  # type: ignore[arg-type]
    assert store._transient(failure) is transient  # type: ignore[arg-type]
