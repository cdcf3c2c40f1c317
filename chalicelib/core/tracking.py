"""Public tracking ("Lacak Permohonan"): the access code and what anyone holding it sees.

The access code is derived from the registration number with a server secret (HMAC), so it
is never stored and cannot be guessed from the number; its generation (kept on the ticket)
changes it when the applicant replaces a code she shared. What the public view shows is fixed
here: status, office and dates; never a name, NIK, address, phone, coordinates, documents
or the reasons officials wrote.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from typing import Any, Protocol

from chalicelib.core.catalog import Workflow

CODE_LENGTH = 8
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def access_code(secret: str, ticket_no: str, generation: int = 0) -> str:
    """The code given to the applicant, as "ABCD-EFGH" (Crockford-like: no I, L, O, U); the
    first generation's is the code given at AJUKAN."""
    message = f"access-code:{ticket_no}" + (f"#{generation}" if generation else "")
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256)
    raw = base64.b32encode(digest.digest()).decode().translate(_CONFUSED)[:CODE_LENGTH]
    return f"{raw[:4]}-{raw[4:]}"


def matches(secret: str, ticket_no: str, typed: str, generation: int = 0) -> bool:
    """The typed code is the ticket's now, however it was spaced, dashed or cased."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_CONFUSED)
    expected = access_code(secret, ticket_no, generation).replace("-", "")
    return hmac.compare_digest(cleaned.encode(), expected.encode())


class Entry(Protocol):
    kind: str
    role: str | None
    status: str
    action: str | None
    decided_at: str | None


def timeline(workflow: Workflow, history: Iterable[Entry], office: str) -> list[dict[str, Any]]:
    """Status, date and office of every change, oldest first; nothing about a person."""
    rows = []
    for entry in sorted(history, key=lambda e: e.decided_at or ""):
        if entry.kind == "ARRIVAL":
            rows.append({"status": "DIAJUKAN", "at": entry.decided_at, "office": office})
        elif entry.kind == "DECISION":
            where = workflow.role_label(entry.role) if entry.role else office
            status = getattr(entry, "result", None) or entry.action  # older: the action
            rows.append({"status": status, "at": entry.decided_at, "office": where})
        elif entry.kind == "FINAL" and not (rows and rows[-1]["status"] == entry.status):
            # the final status, unless the last decision already read as it (SELESAI)
            rows.append({"status": entry.status, "at": entry.decided_at, "office": office})
    return rows
