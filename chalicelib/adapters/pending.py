"""Upload grants not yet confirmed: their own items, never the ticket's.

A grant (`upload#<ticket>#<document>`) holds the document's metadata until the file is
checked; it expires (TTL attribute `expiration`, also checked on confirm, since DynamoDB
deletes expired items only eventually). Each grant occupies one of MAX_PENDING_UPLOADS
slots (`upload-slot#<ticket>#<step>#<official>#<n>`) taken with a conditional write, so
the bound holds however many requests arrive at once. Both live in the idempotency table,
which already has the TTL attribute.
"""

from __future__ import annotations

import time
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import DeleteError, DoesNotExist, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.models import _meta
from chalicelib.adapters.store import condition_failed
from chalicelib.errors import TooManyRequests
from chalicelib.usecases.document_limits import (
    CONFIRM_GRACE_SECONDS,
    MAX_PENDING_UPLOADS,
    UPLOAD_SECONDS,
)


class PendingUploadModel(Model):
    """A grant (with `document`) or a slot (with `document_id`) of an unconfirmed upload."""

    Meta = _meta("IDEMPOTENCY_TABLE", "etracking-idempotency")

    id = UnicodeAttribute(hash_key=True)
    ticket_no = UnicodeAttribute()
    expiration = NumberAttribute()
    document = JSONAttribute(null=True)
    document_id = UnicodeAttribute(null=True)


def grant_id(ticket_no: str, document_id: str) -> str:
    return f"upload#{ticket_no}#{document_id}"


def _slot_id(ticket_no: str, document: dict[str, Any], index: int) -> str:
    return f"upload-slot#{ticket_no}#{document['step']}#{document['uploaded_by']}#{index}"


def reserve(ticket_no: str, document: dict[str, Any]) -> str | None:
    """Store the grant in a free slot: the id of the expired grant the slot held before,
    if any (its file is left over). TooManyRequests when every slot holds a live grant."""
    now = int(time.time())
    expiration = now + UPLOAD_SECONDS + CONFIRM_GRACE_SECONDS
    for index in range(MAX_PENDING_UPLOADS):
        slot_id = _slot_id(ticket_no, document, index)
        previous = _find(slot_id)
        if previous is not None and previous.expiration >= now:
            continue
        slot = PendingUploadModel(
            slot_id,
            ticket_no=ticket_no,
            expiration=expiration,
            document_id=document["id"],
        )
        grant = PendingUploadModel(
            grant_id(ticket_no, document["id"]),
            ticket_no=ticket_no,
            expiration=expiration,
            document={**document, "slot": slot_id},
        )
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(
                    slot,
                    condition=PendingUploadModel.id.does_not_exist()
                    | (PendingUploadModel.expiration < now),
                )
                tx.save(grant, condition=PendingUploadModel.id.does_not_exist())
        except TransactWriteError as error:
            if condition_failed(error):
                continue  # taken a moment ago by a concurrent request: try the next slot
            raise
        return previous.document_id if previous is not None else None
    raise TooManyRequests(
        f"Anda masih memiliki {MAX_PENDING_UPLOADS} unggahan yang belum selesai pada langkah "
        "ini. Selesaikan unggahan tersebut atau tunggu hingga izin unggahnya kedaluwarsa "
        f"(paling lama {(UPLOAD_SECONDS + CONFIRM_GRACE_SECONDS) // 60} menit), lalu coba lagi.",
        code="TOO_MANY_PENDING_UPLOADS",
    )


def find(ticket_no: str, document_id: str) -> PendingUploadModel | None:
    return _find(grant_id(ticket_no, document_id))


def expired(grant: PendingUploadModel) -> bool:
    return grant.expiration < int(time.time())


def release(grant: PendingUploadModel) -> None:
    """Forget the grant and free its slot (unless the slot already serves a newer grant)."""
    slot_id = (grant.document or {}).get("slot")
    if slot_id:
        try:
            PendingUploadModel(slot_id).delete(
                condition=PendingUploadModel.document_id == grant.document["id"]
            )
        except DeleteError as error:
            if not condition_failed(error):
                raise
    grant.delete()


def _find(item_id: str) -> PendingUploadModel | None:
    try:
        return PendingUploadModel.get(item_id, consistent_read=True)
    except DoesNotExist:
        return None


def _connection() -> Connection:
    meta = PendingUploadModel.Meta
    return Connection(region=meta.region, host=meta.host)


def discard(item: PendingUploadModel) -> None:
    """Delete a stale grant (its slot was reused)."""
    item.delete()
