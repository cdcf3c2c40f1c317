"""The declared workflows and agencies: what a workflow is besides its ASL, read as data.

A declaration root holds `workflows/<id>/` (workflow.json, forms/*.schema.json,
documents.json, notifications.json) and `agencies/<id>.json`; its ASL files live in
`statemachine/` beside the root (the repository's for `chalicelib/`, the fixture's own for a
test root). The ASL stays the one truth for steps, roles, options and routing; nothing here
repeats it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEES = ("agency", "region", "own")
# The events a workflow words (chalicelib/core/events.py); a step has two wordings: the
# first step after arrival, and one after a decision.
NOTIFIED_EVENTS = ("ticket.step", "ticket.overdue", "ticket.decided")
STEP_WORDINGS = ("first", "after_decision")
STEP_ROLE = "$step_role"
APPLICANT = "$applicant"  # the ticket's own applicant (a workflow with an applicant role)
# A decision carries each form under its name beside its own fields: no form may take one.
DECISION_FIELDS = ("step", "action", "checked", "note", "document_ids", "passphrase")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class DeclarationError(ValueError):
    """A declaration folder is malformed: found at load time, never at request time."""


@dataclass(frozen=True)
class PermitType:
    id: str
    short: str
    label: str


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    sees: str  # "agency": every ticket of the agency; "region": its region's; "own": own

    @property
    def region_scoped(self) -> bool:
        return self.sees == "region"


@dataclass(frozen=True)
class DocumentKind:
    id: str
    label: str
    formats: tuple[str, ...]
    max_bytes: int = DEFAULT_MAX_BYTES
    steps: tuple[str, ...] = ()  # empty: any step, by the role whose turn it is
    required_message: str = ""

    @property
    def missing_message(self) -> str:
        return self.required_message or f"Pilihan ini memerlukan unggahan {self.label}."


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def public_view(self) -> dict[str, Any]:
        return {**self.data, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class ChecklistItem:
    """A document the applicant uploads before AJUKAN ("Daftar Persyaratan")."""

    kind: str
    required: bool
    note: str = ""


@dataclass(frozen=True)
class ServiceTime:
    """The service level the applicant is promised, in working days: it starts when a
    step's decision gives `starts_with`, and stands still while `paused_for` roles act."""

    working_days: int
    starts_with: str
    paused_for: frozenset[str]


@dataclass(frozen=True)
class Workflow:
    id: str
    agency: str
    title: str
    category: dict[str, str]
    permit_types: tuple[PermitType, ...]
    roles: dict[str, Role]
    intake: dict[str, Any]
    service_seconds: int
    integrations: frozenset[str]
    public_fields: tuple[str, ...]
    forms: dict[str, dict[str, Any]]
    documents: dict[str, DocumentKind]
    notifications: dict[str, Any]
    asl_path: Path
    description: str = ""
    decisions_sent_to: str = ""  # who final decisions are sent to, as people name it
    applicant_role: str | None = None  # the role of applicants who see their own tickets
    application: dict[str, Any] | None = None  # the JSON Schema of the application data
    checklist: tuple[ChecklistItem, ...] = ()
    service_time: ServiceTime | None = None
    signing: dict[str, Any] = field(default_factory=dict)  # form, document, signed document

    def permit(self, permit_type: str) -> PermitType | None:
        return next((p for p in self.permit_types if p.id == permit_type), None)

    def permit_label(self, permit_type: str) -> str:
        found = self.permit(permit_type)
        return found.label if found else permit_type

    def permit_short(self, permit_type: str) -> str:
        found = self.permit(permit_type)
        return found.short if found else permit_type

    def role_label(self, role: str | None) -> str:
        found = self.roles.get(role or "")
        return found.label if found else (role or "-")

    def sees(self, role: str) -> str | None:
        found = self.roles.get(role)
        return found.sees if found else None

    def declares(self, integration: str) -> bool:
        return integration in self.integrations

    def accepts_channel(self, channel: str) -> bool:
        return channel in self.intake.get("channels", ())

    def form_title(self, name: str) -> str:
        return self.forms.get(name, {}).get("title", name)


@dataclass(frozen=True)
class Catalog:
    workflows: dict[str, Workflow]
    agencies: dict[str, Agency]

    @classmethod
    def load(cls, roots: Iterable[Path]) -> Catalog:
        workflows: dict[str, Workflow] = {}
        agencies: dict[str, Agency] = {}
        for root in roots:
            for path in sorted((root / "agencies").glob("*.json")):
                agency = _agency(path)
                agencies[agency.id] = agency
            for folder in sorted((root / "workflows").glob("*/workflow.json")):
                workflow = _workflow(folder.parent, _asl_dir(root))
                if workflow.id in workflows:
                    raise DeclarationError(f"workflow {workflow.id} declared twice")
                workflows[workflow.id] = workflow
        for workflow in workflows.values():
            if workflow.agency not in agencies:
                raise DeclarationError(f"{workflow.id}: unknown agency {workflow.agency}")
        _check_form_names(workflows.values())
        return cls(workflows, agencies)

    def workflow(self, workflow_id: str) -> Workflow:
        return self.workflows[workflow_id]

    def of_agency(self, agency: str | None) -> list[Workflow]:
        return [w for w in self.workflows.values() if w.agency == agency]

    def for_intake(self, channel: str, permit_type: str) -> Workflow | None:
        """The workflow a channel's application of this permit type goes to."""
        return next(
            (
                w
                for w in self.workflows.values()
                if w.accepts_channel(channel) and w.permit(permit_type)
            ),
            None,
        )

    def permit_types(self, channel: str) -> list[str]:
        return [
            p.id
            for w in self.workflows.values()
            if w.accepts_channel(channel)
            for p in w.permit_types
        ]

    def document_kinds(self) -> dict[str, DocumentKind]:
        """Every declared document kind (a kind's id means the same in every workflow)."""
        return {k: d for w in self.workflows.values() for k, d in w.documents.items()}

    def forms(self) -> dict[str, dict[str, Any]]:
        """Every declared form's schema by name (one schema per name: checked at load)."""
        return {n: embedded(f) for w in self.workflows.values() for n, f in w.forms.items()}

    def all_permit_types(self) -> list[str]:
        return [p.id for w in self.workflows.values() for p in w.permit_types]

    def roles(self) -> list[str]:
        """Every declared role (each a Cognito group), in declaration order."""
        return list(dict.fromkeys(r for w in self.workflows.values() for r in w.roles))

    def role_label(self, role: str) -> str:
        for workflow in self.workflows.values():
            if role in workflow.roles:
                return workflow.roles[role].label
        return role

    def region_scoped_roles(self) -> frozenset[str]:
        return frozenset(
            r.id for w in self.workflows.values() for r in w.roles.values() if r.region_scoped
        )

    def agencies_with_workflows(self) -> list[Agency]:
        used = {w.agency for w in self.workflows.values()}
        return [a for a in self.agencies.values() if a.id in used]


def embedded(schema: dict[str, Any]) -> dict[str, Any]:
    """A form's schema as it sits inside another document: without its own `$schema`."""
    return {k: v for k, v in schema.items() if k != "$schema"}


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DeclarationError(f"{path}: {error}") from error


def _asl_dir(root: Path) -> Path:
    own = root / "statemachine"
    return own if own.is_dir() else root.parent / "statemachine"


def _agency(path: Path) -> Agency:
    data = _read(path)
    return Agency(id=data["id"], name=data["name"], data=data)


def _workflow(folder: Path, asl_dir: Path) -> Workflow:
    data = _read(folder / "workflow.json")
    roles = {
        role_id: Role(role_id, spec["label"], spec.get("sees", "agency"))
        for role_id, spec in data.get("roles", {}).items()
    }
    for role in roles.values():
        if role.sees not in SEES:
            raise DeclarationError(f"{folder}: role {role.id} sees {role.sees!r}")
    documents_file = folder / "documents.json"
    documents = {
        kind: DocumentKind(
            id=kind,
            label=spec["label"],
            formats=tuple(spec["formats"]),
            max_bytes=int(spec.get("max_bytes", DEFAULT_MAX_BYTES)),
            steps=tuple(spec.get("steps", ())),
            required_message=spec.get("required_message", ""),
        )
        for kind, spec in (_read(documents_file) if documents_file.exists() else {}).items()
    }
    notifications_file = folder / "notifications.json"
    notifications = _read(notifications_file) if notifications_file.exists() else {}
    applicant_role = data.get("applicant_role")
    if applicant_role and roles.get(applicant_role, Role("", "", "")).sees != "own":
        raise DeclarationError(f"{folder}: applicant role {applicant_role} must see 'own'")
    _check_notifications(folder, notifications, roles, bool(applicant_role))
    checklist = tuple(
        ChecklistItem(item["kind"], bool(item.get("required", True)), item.get("note", ""))
        for item in data.get("checklist", ())
    )
    for item in checklist:
        if item.kind not in documents:
            raise DeclarationError(f"{folder}: checklist names undeclared document {item.kind}")
    application_file = folder / "application.schema.json"
    return Workflow(
        id=data["id"],
        agency=data["agency"],
        title=data["title"],
        description=data.get("description", ""),
        decisions_sent_to=data.get("decisions_sent_to", ""),
        category=data.get("category") or {"id": data["id"], "title": data["title"]},
        permit_types=tuple(
            PermitType(p["id"], p["short"], p["label"]) for p in data["permit_types"]
        ),
        roles=roles,
        intake=data.get("intake", {}),
        service_seconds=int(data.get("service_time", {}).get("default_seconds", 172800)),
        integrations=frozenset(data.get("integrations", ())),
        public_fields=tuple(data.get("public_fields", ())),
        forms={
            path.name.removesuffix(".schema.json"): _read(path)
            for path in sorted((folder / "forms").glob("*.schema.json"))
        },
        documents=documents,
        notifications=notifications,
        asl_path=asl_dir / f"{data['id']}.asl.json",
        applicant_role=applicant_role,
        application=_read(application_file) if application_file.exists() else None,
        checklist=checklist,
        service_time=_service_time(data.get("service_time", {})),
        signing=data.get("signing", {}),
    )


def _service_time(spec: dict[str, Any]) -> ServiceTime | None:
    if "working_days" not in spec:
        return None
    return ServiceTime(
        working_days=int(spec["working_days"]),
        starts_with=spec["starts_with"],
        paused_for=frozenset(spec.get("paused_for", ())),
    )


def _check_notifications(
    folder: Path, spec: dict[str, Any], roles: dict[str, Role], has_applicants: bool
) -> None:
    """Every event worded, nothing else: a misspelt key would silently notify nobody. (No
    notifications.json at all: the workflow notifies nobody, on purpose.)"""
    if not spec:
        return
    if set(spec) != set(NOTIFIED_EVENTS):
        raise DeclarationError(
            f"{folder}/notifications.json: words {sorted(spec)}, must word {NOTIFIED_EVENTS}"
        )
    step = spec["ticket.step"]
    wordings = [step.get(w) for w in STEP_WORDINGS] + [spec[e] for e in NOTIFIED_EVENTS[1:]]
    if not all(w and w.get("title") and w.get("message") for w in wordings):
        raise DeclarationError(f"{folder}/notifications.json: a title or message is missing")
    for event in NOTIFIED_EVENTS:
        for recipient in spec[event].get("recipients", ()):
            if recipient == APPLICANT and has_applicants:
                continue
            if recipient != STEP_ROLE and recipient not in roles:
                raise DeclarationError(
                    f"{folder}/notifications.json: {event} tells {recipient}, not a declared role"
                )


def _check_form_names(workflows: Iterable[Workflow]) -> None:
    """One schema per form name (the decision body carries every declared form by name),
    and no form named like a field of the decision itself."""
    seen: dict[str, dict[str, Any]] = {}
    for workflow in workflows:
        for name, schema in workflow.forms.items():
            if name in DECISION_FIELDS:
                raise DeclarationError(f"{workflow.id}: form {name} is named like a decision field")
            if name in seen and seen[name] != schema:
                raise DeclarationError(f"{workflow.id}: form {name} declared twice, differently")
            seen[name] = schema
