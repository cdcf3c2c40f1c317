"""Ticket search (a word-prefix match stored as text).

The list filter is DynamoDB's `contains(search_text, term)`; here the same test is a Python
substring check, so these tests say which queries find which ticket.
"""

from __future__ import annotations

import pytest

from chalicelib.adapters.store import search_term, search_text

TICKET_NO, APPLICANT, COMPANY = "27419", "Aceng Sudegdo", "CV. Batu-Andesit Jaya"
TEXT = search_text(TICKET_NO, APPLICANT, COMPANY)
WORDS = ["27419", "aceng", "sudegdo", "cv", "batu", "andesit", "jaya"]


def finds(q: str, text: str = TEXT) -> bool:
    """Would the list show the ticket for this query? (None: no filter, everything shows.)"""
    term = search_term(q)
    assert term is not None, f"{q!r} should be a search"
    return term in text


# --- search_text / search_term -------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sude", True),
        ("Sudegdo", True),
        ("SUDEGDO", True),
        ("degdo", False),
        ("sudegdoo", False),
        ("274", True),
        ("27419", True),
        ("7419", False),
        ("274190", False),
        ("ace", True),
        ("ceng", False),
        ("andes", True),
        ("desit", False),
        ("jaya", True),
        ("bandung", False),
    ],
)
def test_query_finds_the_ticket_by_a_word_prefix(q: str, expected: bool) -> None:
    # GIVEN ticket 27419 of Aceng Sudegdo, CV. Batu-Andesit Jaya
    # WHEN a user types q in the search box
    # THEN the ticket shows exactly when q starts one of its words, in any case
    assert finds(q) is expected


def test_every_prefix_of_every_word_finds_and_no_other_part_of_a_word_does() -> None:
    for word in WORDS:
        for end in range(1, len(word) + 1):
            assert finds(word[:end]), word[:end]
            assert finds(word[:end].upper()), word[:end].upper()
        for start in range(1, len(word)):
            fragment = word[start:]
            starts_another = any(w.startswith(fragment) for w in WORDS)
            assert finds(fragment) is starts_another, fragment


@pytest.mark.parametrize(
    "q",
    ["  sude  ", "\tsude\n", "sude,", "'sude'", "(sude)", "#274", "274.", "«Sude»", "sude!?"],
)
def test_punctuation_and_spaces_around_a_query_are_ignored(q: str) -> None:
    assert finds(q)


@pytest.mark.parametrize(
    ("q", "parts"),
    [
        ("sude_", (TICKET_NO, APPLICANT, COMPANY)),
        ("_sude", (TICKET_NO, APPLICANT, COMPANY)),
        ("0012", ("IUP_0012", APPLICANT, None)),
        ("iup 0012", ("IUP_0012", APPLICANT, None)),
    ],
    ids=["trailing-underscore", "leading-underscore", "ticket-part", "ticket-typed-with-space"],
)
def test_underscore_is_punctuation_like_a_hyphen(q: str, parts: tuple[str | None, ...]) -> None:
    assert finds(q, search_text(*parts))


@pytest.mark.parametrize(
    "q", ["Aceng Sudegdo", "aceng   sude", "Aceng, Sude", "batu-andesit", "Batu Andesit Ja"]
)
def test_consecutive_words_typed_with_any_separator_find_the_ticket(q: str) -> None:
    assert finds(q)


def test_punctuation_in_the_stored_names_does_not_hide_words() -> None:
    # "CV." and "Batu-Andesit": the dot and hyphen separate words like a space does
    assert finds("cv")
    assert finds("andesit")
    assert TEXT == " 27419 aceng sudegdo cv batu andesit jaya"


def test_letters_beyond_ascii_are_matched_case_insensitively() -> None:
    text = search_text("31022", "Śantoso Ärifin", None)

    assert finds("śan", text)
    assert finds("ŚANTOSO", text)
    assert finds("äri", text)
    assert not finds("antoso", text)


def test_missing_parts_are_skipped() -> None:
    assert search_text(TICKET_NO, APPLICANT, None) == " 27419 aceng sudegdo"
    assert search_text(TICKET_NO, None, "") == " 27419"


@pytest.mark.parametrize("q", [None, "", " ", "   ", "\t\n", "!!!", " - , . "])
def test_empty_or_punctuation_only_query_means_no_filter(q: str | None) -> None:
    assert search_term(q) is None
