"""Documents of a ticket on S3: presigned upload, server-side check, short-lived download."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.auth.principal import Principal
from chalicelib.aws import client
from chalicelib.clock import now_iso
from chalicelib.documents import content
from chalicelib.errors import Forbidden, NotFound, Unprocessable
from chalicelib.settings import settings
from chalicelib.tickets import service, store
from chalicelib.tickets.models import TicketModel

UPLOAD_SECONDS = 900
DOWNLOAD_SECONDS = 300


def _check_my_turn(ticket: TicketModel, who: Principal) -> dict[str, Any]:
    step = service.pending_step(ticket)
    if step is None or not service.may_act(step, ticket, who):
        raise Forbidden(
            "Hanya peran yang sedang memproses langkah tiket ini yang dapat mengunggah dokumen.",
            code="NOT_YOUR_TURN",
        )
    return ticket.pending


def request_upload(ticket_no: str, who: Principal, data: dict[str, Any]) -> dict[str, Any]:
    ticket = service.visible_ticket(ticket_no, who)
    pending = _check_my_turn(ticket, who)
    allowed = content.KINDS[data["kind"]]
    if data["content_type"] not in allowed:
        raise Unprocessable(
            f"{content.KIND_LABELS[data['kind']]} harus berjenis {', '.join(allowed)}.",
            code="INVALID_CONTENT_TYPE",
            field="content_type",
        )
    document_id = uuid.uuid4().hex
    key = f"tickets/{ticket_no}/{document_id}"
    document = {
        "id": document_id,
        "kind": data["kind"],
        "filename": data["filename"],
        "content_type": data["content_type"],
        "size": data["size"],
        "key": key,
        "step": pending["step"],
        "uploaded_by": who.email,
        "uploaded_at": now_iso(),
        "confirmed": False,
    }
    store.update_documents(ticket_no, lambda docs: {**docs, document_id: document})
    post = client("s3").generate_presigned_post(
        Bucket=settings().documents_bucket,
        Key=key,
        Fields={"Content-Type": data["content_type"]},
        Conditions=[
            {"Content-Type": data["content_type"]},
            ["content-length-range", 1, content.MAX_BYTES],
        ],
        ExpiresIn=UPLOAD_SECONDS,
    )
    return {"id": document_id, "upload": post, "expires_in": UPLOAD_SECONDS}


def confirm(ticket_no: str, document_id: str, who: Principal) -> dict[str, Any]:
    """Check what was really uploaded; a bad file is deleted and the reason returned."""
    ticket = service.visible_ticket(ticket_no, who)
    document = (ticket.documents or {}).get(document_id)
    if document is None:
        raise NotFound("Dokumen tidak ditemukan.", code="DOCUMENT_NOT_FOUND")
    if document.get("confirmed"):
        return service.document_view(document)
    if document["uploaded_by"] != who.email:
        raise Forbidden("Hanya pengunggah yang dapat mengonfirmasi dokumen.", code="NOT_UPLOADER")
    s3 = client("s3")
    bucket = settings().documents_bucket
    try:
        head = s3.head_object(Bucket=bucket, Key=document["key"])
    except ClientError:
        raise Unprocessable(
            "Berkas belum diunggah; unggah berkas terlebih dahulu.", code="UPLOAD_MISSING"
        ) from None
    try:
        if head["ContentLength"] > content.MAX_BYTES:
            raise Unprocessable(
                f"Berkas {head['ContentLength'] / 1048576:.1f} MB melebihi batas 10 MB.",
                code=content.ERROR_CODE,
            )
        data = s3.get_object(Bucket=bucket, Key=document["key"])["Body"].read()
        detected = content.inspect(document["kind"], data)
    except Unprocessable:
        s3.delete_object(Bucket=bucket, Key=document["key"])
        store.update_documents(
            ticket_no, lambda docs: {k: v for k, v in docs.items() if k != document_id}
        )
        raise
    confirmed = {
        **document,
        "content_type": detected,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "confirmed": True,
        "confirmed_at": now_iso(),
    }
    store.update_documents(ticket_no, lambda docs: {**docs, document_id: confirmed})
    return service.document_view(confirmed)


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
    return client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": settings().documents_bucket,
            "Key": document["key"],
            "ResponseContentType": document["content_type"],
            "ResponseContentDisposition": f'inline; filename="{document["filename"]}"',
        },
        ExpiresIn=seconds,
    )
