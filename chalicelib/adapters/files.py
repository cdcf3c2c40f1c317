"""Documents' files on S3: presigned upload and download, and the few object operations the
upload check needs. Keys and rules are the use case's; this only speaks S3."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.adapters.aws import client
from chalicelib.settings import settings


def _bucket() -> str:
    return settings().documents_bucket


def presigned_upload(key: str, content_type: str, max_bytes: int, seconds: int) -> dict[str, Any]:
    return client("s3").generate_presigned_post(
        Bucket=_bucket(),
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=seconds,
    )


def size(key: str) -> int | None:
    """The object's size in bytes; None when nothing was uploaded under `key`."""
    try:
        return int(client("s3").head_object(Bucket=_bucket(), Key=key)["ContentLength"])
    except ClientError:
        return None


def read(key: str) -> bytes:
    return client("s3").get_object(Bucket=_bucket(), Key=key)["Body"].read()


def write(key: str, body: bytes, content_type: str) -> None:
    """Store bytes the server made itself (an SK drawn or signed)."""
    client("s3").put_object(Bucket=_bucket(), Key=key, Body=body, ContentType=content_type)


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=_bucket(), Key=key)


def keep(source: str, target: str, content_type: str) -> None:
    """Copy a checked upload to its place, stored under the type detected from its bytes."""
    client("s3").copy_object(
        Bucket=_bucket(),
        Key=target,
        CopySource={"Bucket": _bucket(), "Key": source},
        ContentType=content_type,
        MetadataDirective="REPLACE",
    )


def download_url(key: str, content_type: str, disposition: str, seconds: int) -> str:
    return client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": _bucket(),
            "Key": key,
            "ResponseContentType": content_type,
            "ResponseContentDisposition": disposition,
        },
        ExpiresIn=seconds,
    )
