"""Which documents are current: a decision that attaches documents of a kind supersedes
the earlier documents of that kind when it is taken.

A rekomtek sent back by Kepala Bidang or Kepala Dinas is replaced by the letter Cabang Dinas
attaches with the next decision; only that one is current (and goes to PTSP). The earlier
ones stay as history, marked with the time they were superseded. Worked out from the
decisions' `document_ids` in the ticket's history, so nothing extra is written on a decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol


class HistoryEntry(Protocol):
    kind: str
    decided_at: str | None
    details: dict[str, Any] | None


Attachment = tuple[str, frozenset[str]]  # (decided_at, document ids the decision attached)


def attachments(history: Iterable[HistoryEntry]) -> list[Attachment]:
    """The decisions that attached documents, oldest first."""
    found = [
        (entry.decided_at, frozenset((entry.details or {}).get("document_ids") or ()))
        for entry in history
        if entry.kind == "DECISION" and entry.decided_at
    ]
    return sorted((at, ids) for at, ids in found if ids)


def annotate(
    documents: Iterable[dict[str, Any]], attached: list[Attachment]
) -> list[dict[str, Any]]:
    """The confirmed documents, oldest first, each with `current` and `superseded_at`."""
    confirmed = sorted((d for d in documents if d.get("confirmed")), key=_uploaded)
    kinds = {d["id"]: d["kind"] for d in confirmed}
    result = []
    for document in confirmed:
        superseded_at = _superseded_at(document, attached, kinds)
        result.append(
            {**document, "current": superseded_at is None, "superseded_at": superseded_at}
        )
    return result


def _superseded_at(
    document: dict[str, Any], attached: list[Attachment], kinds: dict[str, str]
) -> str | None:
    superseded_at = None
    since = document.get("confirmed_at") or _uploaded(document)
    for at, ids in attached:
        if at < since:
            continue  # decided before this document existed
        if document["id"] in ids:
            superseded_at = None  # attached (again): current
        elif superseded_at is None and document["kind"] in {kinds.get(i) for i in ids}:
            superseded_at = at
    return superseded_at


def _uploaded(document: dict[str, Any]) -> str:
    return document.get("uploaded_at") or ""
