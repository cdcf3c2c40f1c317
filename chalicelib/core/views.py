"""What a console needs to know of a workflow, so that it never keeps a copy of its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.core.catalog import Agency, Workflow, embedded
from chalicelib.core.definition import WorkflowDefinition


def workflow_view(
    workflow: Workflow, definition: WorkflowDefinition, roles: Iterable[str]
) -> dict[str, Any]:
    held = set(roles)
    return {
        "id": workflow.id,
        "title": workflow.title,
        "description": workflow.description,
        "permit_types": [
            {"id": p.id, "short": p.short, "label": p.label} for p in workflow.permit_types
        ],
        "roles": {r.id: {"label": r.label, "sees": r.sees} for r in workflow.roles.values()},
        "my_roles": [r for r in workflow.roles if r in held],
        "final_statuses": definition.final_outcomes(),
        "statuses": definition.status_kinds(),
        "steps": [
            {
                "step": s.step,
                "status": s.status,
                "role": s.role,
                "role_label": workflow.role_label(s.role),
            }
            for s in definition.steps()
        ],
        "forms": {name: embedded(form) for name, form in workflow.forms.items()},
        "documents": {
            kind.id: {
                "label": kind.label,
                "formats": list(kind.formats),
                "max_bytes": kind.max_bytes,
                "steps": list(kind.steps),
            }
            for kind in workflow.documents.values()
        },
        "service_time_seconds": workflow.service_seconds,
        "integrations": sorted(workflow.integrations),
        "decisions_sent_to": workflow.decisions_sent_to or None,
        "intake": {
            "channels": list(workflow.intake.get("channels", ())),
            "source_label": workflow.intake.get("source_label", ""),
        },
        "signing": _signing(workflow, definition),
    }


def _signing(workflow: Workflow, definition: WorkflowDefinition) -> dict[str, Any] | None:
    """Where an SK is numbered and who signs it at which step (read off the ASL option that
    requires a signature), for the signing screen; None where nothing is signed."""
    if not workflow.signing:
        return None
    signs = next(
        (s for s in definition.steps() if any(o.requires_signature for o in s.options)), None
    )
    return {
        "form": workflow.signing.get("form"),
        "role": signs.role if signs else None,
        "step": signs.step if signs else None,
    }


def categories_view(
    workflows: Iterable[tuple[Workflow, WorkflowDefinition]], roles: Iterable[str]
) -> list[dict[str, Any]]:
    """Categories in declaration order, each with its workflows."""
    held = list(roles)
    categories: dict[str, dict[str, Any]] = {}
    for workflow, definition in workflows:
        category = categories.setdefault(
            workflow.category["id"],
            {"id": workflow.category["id"], "title": workflow.category["title"], "workflows": []},
        )
        category["workflows"].append(workflow_view(workflow, definition, held))
    return list(categories.values())


def agency_view(agency: Agency | None) -> dict[str, Any] | None:
    return agency.public_view() if agency else None
