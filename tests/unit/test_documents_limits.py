"""The ticket item stays far below DynamoDB's 400 KB whatever officials upload."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.adapters.models import TicketModel
from chalicelib.errors import Conflict
from chalicelib.usecases.document_limits import (
    MAX_DOCUMENTS_BYTES,
    MAX_DOCUMENTS_PER_STEP,
    MAX_DOCUMENTS_PER_TICKET,
    check_room,
    with_document,
)

# The longest filename the upload schema allows, in characters that JSON escapes the most.
WORST_NAME = "😀" * 200


def document(number: int, step: str = "A4", name: str = "rekomtek.pdf") -> dict[str, Any]:
    return {
        "id": f"{number:032x}",
        "kind": "REKOMTEK",
        "filename": name,
        "content_type": "application/pdf",
        "size": 10 * 1024 * 1024,
        "key": f"tickets/T{number:09d}/{number:032x}",
        "step": step,
        "uploaded_by": "a" * 64 + "@" + "b" * 180 + ".go.id",
        "uploaded_by_name": "N" * 120,
        "uploaded_at": "2026-11-26T13:00:00.000000+00:00",
        "sha256": "f" * 64,
        "confirmed": True,
        "confirmed_at": "2026-11-26T13:00:01.000000+00:00",
    }


def fill(count: int, steps: list[str], name: str = "rekomtek.pdf") -> dict[str, Any]:
    documents: dict[str, Any] = {}
    for number in range(count):
        documents = with_document(documents, document(number, steps[number % len(steps)], name))
    return documents


def test_a_step_holds_at_most_its_bound() -> None:
    full = fill(MAX_DOCUMENTS_PER_STEP, ["A4"])
    with pytest.raises(Conflict) as caught:
        with_document(full, document(99))
    assert caught.value.code == "DOCUMENT_LIMIT_REACHED"
    assert f"{MAX_DOCUMENTS_PER_STEP} dokumen pada langkah A4" in caught.value.message
    assert len(with_document(full, document(99, "A10"))) == MAX_DOCUMENTS_PER_STEP + 1


def test_a_ticket_holds_at_most_its_bound_over_all_steps() -> None:
    steps = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10"]
    full = fill(MAX_DOCUMENTS_PER_TICKET, steps)
    with pytest.raises(Conflict) as caught:
        check_room(full, "A3")
    assert f"{MAX_DOCUMENTS_PER_TICKET} dokumen" in caught.value.message


def test_confirming_the_same_document_twice_is_not_counted_twice() -> None:
    full = fill(MAX_DOCUMENTS_PER_STEP, ["A4"])
    assert with_document(full, document(0)) == full


def test_entries_never_confirmed_are_dropped_so_a_bloated_ticket_heals() -> None:
    bloated = {f"{n:032x}": {**document(n), "confirmed": False} for n in range(600)}
    healed = with_document(bloated, document(1000))
    assert list(healed) == [f"{1000:032x}"]


def test_worst_case_documents_stay_within_their_byte_budget() -> None:
    steps = ["A4", "A10"]
    documents: dict[str, Any] = {}
    refused = 0
    for number in range(MAX_DOCUMENTS_PER_TICKET):
        try:
            documents = with_document(documents, document(number, steps[number % 2], WORST_NAME))
        except Conflict:
            refused += 1
    stored = TicketModel.documents.serialize(documents)
    assert len(stored.encode()) <= MAX_DOCUMENTS_BYTES
    assert refused > 0  # the byte budget, not only the counts, held the line
    assert len(json.dumps(documents)) <= MAX_DOCUMENTS_BYTES
