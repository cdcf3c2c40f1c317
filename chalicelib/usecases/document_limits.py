"""How much an official may leave on a ticket: the ticket item must stay far below
DynamoDB's 400 KB whatever clients do (the location alone may legally take ~340 KB)."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.errors import Conflict

# Confirmed documents on the ticket item itself.
MAX_DOCUMENTS_PER_STEP = 10
MAX_DOCUMENTS_PER_TICKET = 20
# Worst case of the `documents` attribute as stored (JSON with \u escapes): a safety net
# behind the counts for very long non-ASCII names.
MAX_DOCUMENTS_BYTES = 48 * 1024


def check_room(documents: dict[str, dict[str, Any]], step: str) -> None:
    """Refuse (409) a new document when the ticket or the step already holds the maximum.

    The official can still decide: a document already uploaded may be chosen instead."""
    confirmed = [d for d in documents.values() if d.get("confirmed")]
    if len(confirmed) >= MAX_DOCUMENTS_PER_TICKET:
        raise _full(
            f"Ticket ini sudah memiliki {MAX_DOCUMENTS_PER_TICKET} dokumen, batas maksimum "
            "per tiket."
        )
    if sum(1 for d in confirmed if d.get("step") == step) >= MAX_DOCUMENTS_PER_STEP:
        raise _full(
            f"Ticket ini sudah memiliki {MAX_DOCUMENTS_PER_STEP} dokumen pada langkah {step}, "
            "batas maksimum per langkah."
        )


def with_document(
    documents: dict[str, dict[str, Any]], document: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The ticket's documents with `document` added, within every bound.

    Entries never confirmed (left by earlier versions, which stored each upload request on
    the ticket) are dropped here, so a ticket bloated by them heals on its next upload."""
    kept = {k: v for k, v in documents.items() if v.get("confirmed")}
    if document["id"] not in kept:
        check_room(kept, document["step"])
    result = {**kept, document["id"]: document}
    if len(json.dumps(result)) > MAX_DOCUMENTS_BYTES:
        raise _full(
            "Data dokumen ticket ini sudah mencapai batas ukuran; gunakan nama berkas "
            "yang lebih pendek."
        )
    return result


def _full(reason: str) -> Conflict:
    return Conflict(
        f"{reason} Pilih dokumen yang sudah diunggah untuk keputusan Anda.",
        code="DOCUMENT_LIMIT_REACHED",
    )
