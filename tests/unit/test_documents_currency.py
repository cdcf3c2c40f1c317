"""Which documents are current: the latest decision attaching a kind supersedes the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.core.currency import annotate, attachments


@dataclass
class Entry:
    kind: str
    decided_at: str | None
    details: dict[str, Any] | None = None


def doc(document_id: str, at: str, kind: str = "REKOMTEK", **extra: Any) -> dict[str, Any]:
    return {"id": document_id, "kind": kind, "uploaded_at": at, "confirmed": True, **extra}


def attached(*decisions: tuple[str, list[str]]) -> list[tuple[str, frozenset[str]]]:
    return attachments([Entry("DECISION", at, {"document_ids": ids}) for at, ids in decisions])


def states(rows: list[dict[str, Any]]) -> dict[str, tuple[bool, str | None]]:
    return {r["id"]: (r["current"], r["superseded_at"]) for r in rows}


def test_two_returns_leave_the_third_letter_current_and_two_superseded() -> None:
    # GIVEN three rekomtek letters, each attached by Cabang Dinas after a return
    documents = [doc("r1", "01"), doc("r2", "04"), doc("r3", "07")]
    decisions = attached(("02", ["r1"]), ("05", ["r2"]), ("08", ["r3"]))

    rows = annotate(documents, decisions)

    assert states(rows) == {"r1": (False, "05"), "r2": (False, "08"), "r3": (True, None)}


def test_documents_of_a_kind_no_decision_attached_stay_current() -> None:
    documents = [doc("m1", "01", "PETA"), doc("r1", "02")]
    assert states(annotate(documents, attached(("03", ["r1"])))) == {
        "m1": (True, None),
        "r1": (True, None),
    }


def test_an_upload_not_chosen_by_the_decision_is_superseded_by_it() -> None:
    documents = [doc("wrong", "01"), doc("right", "02")]
    assert states(annotate(documents, attached(("03", ["right"])))) == {
        "wrong": (False, "03"),
        "right": (True, None),
    }


def test_a_new_upload_waiting_for_its_decision_is_current_until_then() -> None:
    documents = [doc("r1", "01"), doc("r2", "05")]
    assert states(annotate(documents, attached(("02", ["r1"])))) == {
        "r1": (True, None),
        "r2": (True, None),
    }


def test_a_letter_attached_again_is_current_again() -> None:
    documents = [doc("r1", "01"), doc("r2", "03")]
    decisions = attached(("02", ["r1"]), ("04", ["r2"]), ("06", ["r1"]))
    assert states(annotate(documents, decisions)) == {"r1": (True, None), "r2": (False, "06")}


def test_unconfirmed_entries_are_not_documents() -> None:
    documents = [doc("r1", "01"), {**doc("draft", "02"), "confirmed": False}]
    assert [r["id"] for r in annotate(documents, [])] == ["r1"]


def test_only_decisions_with_documents_count_and_in_time_order() -> None:
    history = [
        Entry("ARRIVAL", "00"),
        Entry("DECISION", "05", {"document_ids": ["b"]}),
        Entry("DECISION", "03", None),
        Entry("DECISION", "02", {"document_ids": ["a"], "rekomtek": {}}),
        Entry("FINAL", "09"),
    ]
    assert attachments(history) == [("02", frozenset({"a"})), ("05", frozenset({"b"}))]
