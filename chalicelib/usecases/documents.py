"""Documents of a ticket on S3: presigned upload, server-side check, short-lived download.

An upload request only creates a grant (the uploads port) with its own lifetime; the
ticket item receives the document once its bytes passed the checks, within the bounds of
usecases/document_limits.py — so no client can grow the ticket item towards DynamoDB's 400 KB.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from chalicelib import declared
from chalicelib.auth.principal import Principal
from chalicelib.core.catalog import DocumentKind
from chalicelib.core.disposition import content_disposition
from chalicelib.core.limits import UPLOAD_SECONDS
from chalicelib.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from chalicelib.ports import Ticket, Upload, ports
from chalicelib.usecases import document_content as content
from chalicelib.usecases import document_limits as limits
from chalicelib.usecases import tickets as service

DOWNLOAD_SECONDS = 300
NAME_CHARS = 120  # the uploader's name as shown, kept short on the ticket item
# Uploads land here until confirmed; the bucket's lifecycle rule deletes what is left.
PENDING_PREFIX = "pending/"


class UploadExpired(AppError):
    status = 410
    code = "UPLOAD_EXPIRED"


def _check_my_turn(ticket: Ticket, who: Principal) -> dict[str, Any]:
    """The step whose documents the caller may upload now; a draft's are its editors'."""
    if getattr(ticket, "draft", False):
        from chalicelib.usecases.applications import DRAFT_STEP, may_edit

        if may_edit(ticket, who):
            return {"step": DRAFT_STEP}
    step = service.pending_step(ticket)
    if step is None or not service.may_act(step, ticket, who):
        raise Forbidden(
            "Hanya peran yang sedang memproses langkah ticket ini yang dapat mengunggah dokumen.",
            code="NOT_YOUR_TURN",
        )
    return ticket.pending


def _declared_kind(ticket: Ticket, kind: str, step: str) -> DocumentKind:
    """The workflow's document kind, if it may be uploaded at this step."""
    kinds = declared.workflow_of(ticket).documents
    found = kinds.get(kind)
    if found is None:
        raise Unprocessable(
            f"Jenis dokumen '{kind}' tidak dikenal pada alur ini; gunakan salah satu dari: "
            f"{', '.join(kinds)}.",
            code="INVALID_DOCUMENT_KIND",
            field="kind",
        )
    if found.steps and step not in found.steps:
        raise Unprocessable(
            f"{found.label} tidak diunggah pada langkah ini.",
            code="DOCUMENT_NOT_AT_THIS_STEP",
            field="kind",
        )
    return found


def request_upload(ticket_no: str, who: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """A presigned POST for one file, granted within the pending and confirmed bounds."""
    ticket = service.visible_ticket(ticket_no, who)
    step = _check_my_turn(ticket, who)["step"]
    kind = _declared_kind(ticket, data["kind"], step)
    if data["content_type"] not in kind.formats:
        raise Unprocessable(
            f"{kind.label} harus berjenis {', '.join(kind.formats)}.",
            code="INVALID_CONTENT_TYPE",
            field="content_type",
        )
    limits.check_room(ticket.documents or {}, step)
    document_id = uuid.uuid4().hex
    document = {
        "id": document_id,
        "kind": data["kind"],
        "filename": data["filename"],
        "content_type": data["content_type"],
        "size": data["size"],
        "key": _pending_key(ticket_no, document_id),
        "step": step,
        "uploaded_by": who.email,
        "uploaded_by_name": (who.name or who.email)[:NAME_CHARS],
        "uploaded_at": ports().clock.now_iso(),
    }
    stale = ports().uploads.reserve(ticket_no, document)
    if stale and stale not in (ticket.documents or {}):
        _forget(ticket_no, stale)
    post = ports().files.presigned_upload(
        document["key"], data["content_type"], content.MAX_BYTES, UPLOAD_SECONDS
    )
    return {"id": document_id, "upload": post, "expires_in": UPLOAD_SECONDS}


def confirm(ticket_no: str, document_id: str, who: Principal) -> dict[str, Any]:
    """Check what was really uploaded; a bad, late or surplus file is deleted with the reason."""
    ticket = service.visible_ticket(ticket_no, who)
    grant = ports().uploads.find(ticket_no, document_id)
    existing = (ticket.documents or {}).get(document_id)
    if existing is not None and existing.get("confirmed"):
        if grant is not None:  # a confirmation interrupted after the ticket was written
            ports().uploads.release(grant)
        return service.document_view(existing)
    if grant is None:
        raise NotFound("Dokumen tidak ditemukan.", code="DOCUMENT_NOT_FOUND")
    document = grant.document
    if document["uploaded_by"] != who.email:
        raise Forbidden("Hanya pengunggah yang dapat mengonfirmasi dokumen.", code="NOT_UPLOADER")
    if ports().uploads.expired(grant):
        _drop_upload(grant)
        raise UploadExpired("Izin unggah dokumen ini sudah kedaluwarsa; unggah ulang berkasnya.")
    data, detected = _checked_bytes(grant, declared.workflow_of(ticket).documents)
    confirmed = {
        **{k: v for k, v in document.items() if k != "slot"},
        "key": _key(ticket_no, document_id),
        "content_type": detected,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "confirmed": True,
        "confirmed_at": ports().clock.now_iso(),
    }
    _keep(document["key"], confirmed)
    try:
        ports().tickets.update_documents(
            ticket_no, lambda docs: limits.with_document(docs, confirmed)
        )
    except Conflict as error:
        if error.code == "DOCUMENT_LIMIT_REACHED":
            ports().files.delete(confirmed["key"])
            _drop_upload(grant)
        raise
    _drop_upload(grant)
    return service.document_view(confirmed)


def cancel(ticket_no: str, document_id: str, who: Principal) -> None:
    """Drop the caller's own unconfirmed upload and its file."""
    ticket = service.visible_ticket(ticket_no, who)
    if document_id in (ticket.documents or {}):
        raise Conflict(
            "Dokumen yang sudah dikonfirmasi tidak dapat dihapus; dokumen tetap tercatat "
            "sebagai riwayat tiket.",
            code="DOCUMENT_CONFIRMED",
        )
    grant = ports().uploads.find(ticket_no, document_id)
    if grant is None:
        raise NotFound("Dokumen tidak ditemukan.", code="DOCUMENT_NOT_FOUND")
    if grant.document["uploaded_by"] != who.email:
        raise Forbidden("Hanya pengunggah yang dapat membatalkan unggahan.", code="NOT_UPLOADER")
    _drop_upload(grant)


def _checked_bytes(grant: Upload, kinds: dict[str, DocumentKind]) -> tuple[bytes, str]:
    """The uploaded bytes and their detected type if they pass content.inspect; otherwise
    the upload is discarded."""
    document = grant.document
    uploaded = ports().files.size(document["key"])
    if uploaded is None:
        raise Unprocessable(
            "Berkas belum diunggah; unggah berkas terlebih dahulu.", code="UPLOAD_MISSING"
        )
    try:
        if uploaded > content.MAX_BYTES:
            size = f"{uploaded / 1048576:.1f}".replace(".", ",")
            raise Unprocessable(
                f"Berkas {size} MB melebihi batas {content.MAX_BYTES // 1048576} MB.",
                code=content.ERROR_CODE,
            )
        data = ports().files.read(document["key"])
        detected = content.inspect(document["kind"], data, kinds)
    except Unprocessable:
        _drop_upload(grant)
        raise
    return data, detected


def _keep(pending_key: str, document: dict[str, Any]) -> None:
    """Move the checked file out of `pending/` (where S3's lifecycle rule removes abandoned
    and rejected uploads) to the ticket's documents, under its detected type."""
    ports().files.keep(pending_key, document["key"], document["content_type"])


def _drop_upload(grant: Upload) -> None:
    """The file under `pending/` and its grant go together, whether the upload was refused,
    expired or kept (nothing half-written)."""
    ports().files.delete(grant.document["key"])
    ports().uploads.release(grant)


def _forget(ticket_no: str, document_id: str) -> None:
    """The leftovers of an expired grant whose slot was just reused."""
    ports().files.delete(_pending_key(ticket_no, document_id))
    stale = ports().uploads.find(ticket_no, document_id)
    if stale is not None:
        ports().uploads.discard(stale)


def _key(ticket_no: str, document_id: str) -> str:
    return f"tickets/{ticket_no}/{document_id}"


def _pending_key(ticket_no: str, document_id: str) -> str:
    return f"{PENDING_PREFIX}{ticket_no}/{document_id}"


def download(ticket_no: str, document_id: str, who: Principal) -> dict[str, Any]:
    ticket = service.visible_ticket(ticket_no, who)
    document = (ticket.documents or {}).get(document_id)
    if document is None or not document.get("confirmed"):
        raise NotFound("Dokumen tidak ditemukan.", code="DOCUMENT_NOT_FOUND")
    return {
        **service.document_view(document),
        "url": download_url(document, DOWNLOAD_SECONDS),
        "expires_in": DOWNLOAD_SECONDS,
    }


def download_url(document: dict[str, Any], seconds: int) -> str:
    """A presigned GET whose response names the file safely (RFC 6266) and keeps its type."""
    disposition = content_disposition(document["filename"], document["content_type"])
    return ports().files.download_url(
        document["key"], document["content_type"], disposition, seconds
    )
