"""Records the use cases hand to the repository."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from chalicelib.core.definition import Step


@dataclass(frozen=True)
class Decision:
    """An official's decision on a waiting step, as it will be recorded."""

    step: Step
    action: str
    actor_email: str
    actor_name: str
    actor_role: str
    result: str | None
    note: str | None
    forms: dict[str, Any]
    document_ids: list[str]
    decided_at: str
    # The applicant's corrected data (AJUKAN ULANG): the ticket's new `application`,
    # `location` and `region`, and `corrected`, what changed, for the history.
    correction: dict[str, Any] | None = None

    def as_last(self) -> dict[str, Any]:
        """The decision as the ticket keeps it: its last decision."""
        return {
            "step": self.step.step,
            "state": self.step.state,
            "action": self.action,
            "result": self.result,
            "note": self.note,
            "role": self.actor_role,
            "actor": self.actor_email,
            "actor_name": self.actor_name,
            "decided_at": self.decided_at,
        }

    def as_history(self) -> dict[str, Any]:
        """The decision as the ticket's history records it (besides when its step began)."""
        details = {
            "forms": self.forms,
            "document_ids": self.document_ids,
            "corrected": (self.correction or {}).get("corrected"),
        }
        return {
            "kind": "DECISION",
            "state": self.step.state,
            "step": self.step.step,
            "status": self.step.status,
            "role": self.actor_role,
            "actor_key": self.actor_email,
            "actor_name": self.actor_name,
            "action": self.action,
            "result": self.result,
            "note": self.note,
            "decided_at": self.decided_at,
            "details": {k: v for k, v in details.items() if v} or None,
        }


def final_event(status: str, at: str | None) -> SimpleNamespace:
    """The final event of a history, as the workflow records it once it ends: the final
    status, at the time of the decision that caused it."""
    blank = ("state", "step", "role", "actor_key", "actor_name", "result", "note", "details")
    return SimpleNamespace(
        kind="FINAL",
        status=status,
        action=status,
        entered_at=at,
        decided_at=at,
        **dict.fromkeys(blank),
    )


def pending_of(step: Step, message: dict[str, Any]) -> dict[str, Any]:
    """The pending step as the ticket keeps it (with the task token that completes it)."""
    return {
        "state": step.state,
        "step": step.step,
        "status": step.status,
        "role": step.role,
        "region_scoped": step.region_scoped,
        "options": [
            {"action": o.action, "requires": o.requires, "result": o.result} for o in step.options
        ],
        "task_token": message["task_token"],
        "execution": message.get("execution"),
        "entered_at": message["entered_at"],
    }


def enter_step(ticket: Any, step: Step, message: dict[str, Any]) -> Any:
    """`ticket` (a copy) as recording this waiting step leaves it."""
    ticket.pending = pending_of(step, message)
    ticket.status, ticket.state, ticket.step, ticket.role = (
        step.status,
        step.state,
        step.step,
        step.role,
    )
    return ticket
