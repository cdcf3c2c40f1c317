"""What an option requires before a decision may be taken: a reason, forms, documents.

Everything is read off the ASL option's `requires` and the workflow's declaration (form
schemas and their `x-not-before` rules, document kinds and their labels); nothing here names a
workflow. The shapes of the forms are checked with the request body (the decision schema
carries every declared form); here: presence and the rules across fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core.catalog import Workflow
from chalicelib.core.definition import Option


@dataclass
class NotMet(Exception):
    """A requirement not met: a 422 with this code, message and field."""

    code: str
    message: str
    field: str
    extra: dict[str, Any] = field(default_factory=dict)


def note(option: Option, text: str | None) -> str | None:
    """A refusal or a return says why: the next official and the applicant read it."""
    cleaned = " ".join((text or "").split()) or None
    if option.requires_note and not cleaned:
        raise NotMet(
            "NOTE_REQUIRED",
            f"Alasan wajib diisi untuk pilihan {option.action}: tuliskan alasan penolakan atau "
            "pengembalian agar pejabat berikutnya dapat menindaklanjutinya.",
            "note",
        )
    return cleaned


def forms(workflow: Workflow, option: Option, sent: Mapping[str, Any]) -> dict[str, Any]:
    """The forms this option requires, each present and consistent; others are ignored."""
    taken: dict[str, Any] = {}
    for name in option.required_forms:
        schema = workflow.forms.get(name, {})
        data = sent.get(name)
        if not data:
            raise NotMet(
                f"{name.upper()}_REQUIRED",
                f"Pilihan ini memerlukan data {schema.get('title', name)}: "
                + ", ".join(_titles(schema))
                + ".",
                name,
            )
        for rule in schema.get("x-not-before", ()):
            later, earlier = data.get(rule["field"]), data.get(rule["other"])
            if later is not None and earlier is not None and later < earlier:
                raise NotMet(f"INVALID_{name.upper()}", rule["message"], f"{name}.{rule['field']}")
        taken[name] = data
    return taken


def _titles(schema: dict[str, Any]) -> list[str]:
    properties = schema.get("properties", {})
    return [properties[p].get("title", p) for p in schema.get("required", properties)]


def documents(
    workflow: Workflow,
    option: Option,
    attached: Mapping[str, dict[str, Any]],
    document_ids: list[str],
) -> list[str]:
    """The documents attached to the decision: each confirmed, one of every required kind."""
    for document_id in document_ids:
        found = attached.get(document_id)
        if not found or not found.get("confirmed"):
            raise NotMet(
                "DOCUMENT_NOT_FOUND",
                f"Dokumen {document_id} tidak ditemukan atau belum selesai diunggah.",
                "document_ids",
            )
    for kind in option.required_documents:
        if not any(attached[d]["kind"] == kind for d in document_ids):
            declared = workflow.documents.get(kind)
            message = declared.missing_message if declared else f"Unggah dokumen {kind}."
            raise NotMet("DOCUMENT_REQUIRED", message, "document_ids", {"kind": kind})
    return document_ids


def checklist(workflow: Workflow, option: Option, attached: Mapping[str, dict[str, Any]]) -> None:
    """Accepting an application (or handing it back in) needs every required document."""
    if not option.requires_complete_checklist:
        return
    have = {d["kind"] for d in attached.values() if d.get("confirmed")}
    missing = [
        workflow.documents[item.kind].label
        for item in workflow.checklist
        if item.required and item.kind not in have
    ]
    if missing:
        raise NotMet(
            "CHECKLIST_INCOMPLETE",
            "Dokumen persyaratan belum lengkap: " + "; ".join(missing) + ". Unggah dahulu.",
            "documents",
            {"missing": missing},
        )


def passphrase(option: Option, typed: str | None) -> str | None:
    """Signing needs the signer's passphrase, typed at this moment (never kept)."""
    if not option.requires_signature:
        return None
    if not typed:
        raise NotMet(
            "PASSPHRASE_REQUIRED",
            "Masukkan passphrase TTE Anda untuk menandatangani SK.",
            "passphrase",
        )
    return typed
