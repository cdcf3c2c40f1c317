"""Applications made by applicants (the portal) or for them at the front office (loket).

An application is a draft the applicant (or, at the loket, the front office) edits until
AJUKAN: only then is the checklist checked, the data required whole, and the workflow
started. A draft is seen by its editors only; the application belongs to its applicant by
email, who sees it among "Data Permohonan" once logged in with that address.
"""

from __future__ import annotations

from typing import Any

from chalicelib import declared, phones
from chalicelib.auth.principal import Principal
from chalicelib.core import policy, tracking
from chalicelib.core.catalog import Workflow
from chalicelib.errors import AppError, Forbidden, NotFound, Unprocessable
from chalicelib.ports import Ticket, ports
from chalicelib.settings import settings
from chalicelib.usecases import application_data, effects
from chalicelib.usecases import tickets as service

DRAFT_STATUS = "DRAFT"
DRAFT_STEP = "DRAFT"  # the documents of a draft are uploaded at this pseudo-step
DRAFT_LABEL = "Draf (belum diajukan)"
PORTAL, LOKET = "portal", "loket"


# --- what the public reads ------------------------------------------------------------------


def offered() -> list[dict[str, Any]]:
    """The workflows that take applications from applicants, with their checklists."""
    return [requirements(w) for w in declared.catalog().workflows.values() if w.applicant_role]


def requirements_of(workflow_id: str) -> dict[str, Any]:
    workflow = declared.catalog().workflows.get(workflow_id)
    if workflow is None or not workflow.applicant_role:
        raise NotFound("Jenis layanan tidak ditemukan.", code="WORKFLOW_NOT_FOUND")
    return requirements(workflow)


def requirements(workflow: Workflow) -> dict[str, Any]:
    """'Lihat Persyaratan': the checklist and the data asked, read off the declaration."""
    agency = declared.catalog().agencies[workflow.agency]
    return {
        "workflow": workflow.id,
        "title": workflow.title,
        "description": workflow.description,
        "agency": agency.name,
        "category": workflow.category,
        "permit_types": [
            {"id": p.id, "short": p.short, "label": p.label} for p in workflow.permit_types
        ],
        "checklist": [
            {
                "kind": item.kind,
                "label": workflow.documents[item.kind].label,
                "formats": list(workflow.documents[item.kind].formats),
                "max_bytes": workflow.documents[item.kind].max_bytes,
                "required": item.required,
                "note": item.note,
            }
            for item in workflow.checklist
        ],
        "application": workflow.application,
        "service_days": workflow.service_time.working_days if workflow.service_time else None,
    }


# --- drafts ---------------------------------------------------------------------------------


def create(who: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """A new draft: the caller's own (portal), or a walk-in applicant's (loket)."""
    workflow = _workflow_taking(data["permit_type"])
    channel = _channel(workflow, who)
    applicant = _applicant(who, data.get("applicant") or {}, channel)
    application, area = application_data.parsed(workflow, data.get("data") or {}, whole=False)
    now = ports().clock.now_iso()
    prefix = workflow.intake.get("prefix") or workflow.id.upper()
    year = now[:4]
    number = ports().tickets.next_number(f"{prefix}#{year}")
    ticket_no = f"{prefix}-{year}-{number:05d}"
    ticket = ports().tickets.new_ticket(
        ticket_no,
        workflow=workflow.id,
        agency=workflow.agency,
        permit_type=data["permit_type"],
        applicant=applicant,
        applicant_name=applicant["name"],
        submitted_at=now[:10],
        documents={},
        **application_data.stored(application, area),
        search_text=ports().tickets.search_text(ticket_no, applicant["name"]),
        status=DRAFT_STATUS,
        draft=True,
        channel=channel,
        created_at=now,
        updated_at=now,
    )
    return view(ports().tickets.create_draft(ticket), who)


def update(ticket_no: str, who: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """Change a draft's data or applicant (each given part replaces the old one); from a
    screen that names the revision it shows, only while the draft is still at it."""
    ticket = editable_draft(ticket_no, who)
    workflow = declared.workflow_of(ticket)
    changes: dict[str, Any] = {}
    if "data" in data:
        application, area = application_data.parsed(workflow, data["data"], whole=False)
        changes |= application_data.stored(application, area)
    if "applicant" in data:
        applicant = _applicant(who, data["applicant"], ticket.channel or PORTAL)
        if ticket.channel == LOKET and applicant["email"] != ticket.applicant_email:
            raise Unprocessable(
                "Email pemohon tidak dapat diubah setelah draf dibuat: permohonan sudah "
                "menjadi milik pemilik email itu.",
                code="APPLICANT_EMAIL_FIXED",
                field="applicant.email",
            )
        changes["applicant"] = {**applicant, "email": ticket.applicant_email}
        changes["applicant_name"] = applicant["name"]
        changes["search_text"] = ports().tickets.search_text(ticket_no, applicant["name"])
    return view(ports().tickets.update_draft(ticket, changes, data.get("revision")), who)


def submit(ticket_no: str, who: Principal) -> dict[str, Any]:
    """AJUKAN: the data whole and every required document uploaded; the workflow starts."""
    ticket = editable_draft(ticket_no, who)
    workflow = declared.workflow_of(ticket)
    application_data.parsed(
        workflow, application_data.without_computed(ticket.application or {}), whole=True
    )
    missing = missing_documents(workflow, ticket)
    if missing:
        raise Unprocessable(
            "Dokumen persyaratan belum lengkap: " + "; ".join(missing) + ".",
            code="CHECKLIST_INCOMPLETE",
            field="documents",
            missing=missing,
        )
    start = ports().runtime.definition(workflow.id).start
    now = ports().clock.now_iso()
    changes = {
        "status": start.status,
        "state": start.state,
        "step": start.step,
        "role": start.role,
        "submitted_at": now,
        "updated_at": now,
    }
    owed = [effects.owe(effects.START_WORKFLOW, service.start_payload(ticket))]
    source = "Loket DPMPTSP" if ticket.channel == LOKET else "Pemohon"
    submitted = ports().tickets.submit_draft(ticket, changes, source, owed)
    effects.carry_out(owed)
    # whoever pressed AJUKAN (the applicant, or the loket for her) is given the code once
    return {**view(submitted, who), "access_code": access_code(submitted)}


def missing_documents(workflow: Workflow, ticket: Ticket) -> list[str]:
    """The labels of the required checklist documents not yet uploaded."""
    have = {d["kind"] for d in (ticket.documents or {}).values() if d.get("confirmed")}
    return [
        workflow.documents[item.kind].label
        for item in workflow.checklist
        if item.required and item.kind not in have
    ]


def editable_draft(ticket_no: str, who: Principal) -> Ticket:
    """The draft, for its editors; the same 404 as any ticket the caller may not see."""
    ticket = service.visible_ticket(ticket_no, who)
    if not ticket.draft:
        raise Unprocessable(
            "Permohonan ini sudah diajukan; data tidak dapat diubah lagi.",
            code="ALREADY_SUBMITTED",
        )
    return ticket


def may_edit(ticket: Ticket, who: Principal) -> bool:
    """A draft is its applicant's; one made at the loket is also the front office's."""
    workflow = declared.workflow_of(ticket)
    if policy.access(workflow, ticket, who) is not policy.Access.SEE:
        return False
    if workflow.applicant_role in who.roles:
        return True
    return ticket.channel == LOKET and _front_office(workflow) in who.roles


# --- the applicant's own list and view ----------------------------------------------------


def mine(who: Principal, limit: int, cursor: str | None) -> dict[str, Any]:
    page = ports().tickets.own_page(who.email, limit, cursor)
    rows = [row(t) for t in page.tickets if policy_sees(t, who)]
    return {"items": rows, "next_cursor": page.next_cursor}


def policy_sees(ticket: Ticket, who: Principal) -> bool:
    return policy.access(declared.workflow_of(ticket), ticket, who) is policy.Access.SEE


def row(ticket: Ticket) -> dict[str, Any]:
    """A line of "Data Permohonan": the ticket's summary, a draft's status in words."""
    found = {
        **service.summary(ticket),
        "draft": bool(ticket.draft),
        "created_at": ticket.created_at,
        "activity": (ticket.application or {}).get("nama_kegiatan"),
    }
    if ticket.draft:
        found["status"] = DRAFT_LABEL
    return found


def view(ticket: Ticket, who: Principal) -> dict[str, Any]:
    """A draft as its editor sees it: data, checklist with what is uploaded, what is missing."""
    workflow = declared.workflow_of(ticket)
    uploaded: dict[str, list[dict[str, Any]]] = {}
    for document in (ticket.documents or {}).values():
        if document.get("confirmed"):
            uploaded.setdefault(document["kind"], []).append(
                {k: document.get(k) for k in ("id", "filename", "size", "uploaded_at")}
            )
    return {
        **row(ticket),
        "channel": ticket.channel,
        "applicant": ticket.applicant,
        "application": ticket.application or {},
        "checklist": [
            {
                "kind": item.kind,
                "label": workflow.documents[item.kind].label,
                "required": item.required,
                "note": item.note,
                "uploaded": uploaded.get(item.kind, []),
            }
            for item in workflow.checklist
        ],
        "missing": missing_documents(workflow, ticket) if ticket.draft else [],
        # the applicant's alone (officials see the application, not its tracking code)
        "access_code": access_code(ticket)
        if not ticket.draft and policy.is_applicant(ticket, who)
        else None,
        "version": ticket.version,
        "revision": ticket.revision or 0,
    }


def access_code(ticket: Ticket) -> str:
    generation = ticket.access_generation or 0
    return tracking.access_code(settings().tracking_secret, ticket.ticket_no, generation)


def renew_access_code(ticket_no: str, who: Principal) -> dict[str, Any]:
    """ "Ganti Kode Akses": the applicant replaces a code she shared; the old one stops
    tracking her application at once. Hers alone: officials see the application, not its code."""
    ticket = service.visible_ticket(ticket_no, who)
    if not _tracked(ticket):
        raise Unprocessable(
            "Permohonan ini tidak dilacak dengan kode akses.", code="NO_ACCESS_CODE"
        )
    if not policy.is_applicant(ticket, who):
        raise Forbidden(
            "Hanya pemohon yang dapat mengganti kode akses permohonannya.",
            code="NOT_THE_APPLICANT",
        )
    if ticket.draft:
        raise Unprocessable(
            "Permohonan ini belum diajukan; kode akses diberikan setelah AJUKAN.",
            code="NOT_SUBMITTED",
        )
    key = f"access-code#ticket#{ticket.ticket_no}"
    if ports().throttle.failures(key, TRACK_WINDOW_SECONDS) >= MAX_RENEWALS_PER_HOUR:
        raise TooManyAttempts(
            "Kode akses sudah terlalu sering diganti. Coba lagi dalam satu jam.",
            retry_after=TRACK_WINDOW_SECONDS,
        )
    renewed = ports().tickets.renew_access(ticket)
    ports().throttle.fail(key, TRACK_WINDOW_SECONDS)  # counted: renewals, not failures
    return {"ticket_no": renewed.ticket_no, "access_code": access_code(renewed)}


# --- helpers --------------------------------------------------------------------------------


def _workflow_taking(permit_type: str) -> Workflow:
    for workflow in declared.catalog().workflows.values():
        if workflow.applicant_role and workflow.permit(permit_type):
            return workflow
    raise Unprocessable(
        "Jenis izin ini tidak menerima permohonan dari pemohon.",
        code="UNKNOWN_PERMIT_TYPE",
        field="permit_type",
    )


def _front_office(workflow: Workflow) -> str:
    """The role that receives applications: the one acting on the workflow's first step."""
    return ports().runtime.definition(workflow.id).start.role


def _channel(workflow: Workflow, who: Principal) -> str:
    if workflow.applicant_role in who.roles:
        return PORTAL
    if _front_office(workflow) in who.roles and who.agency == workflow.agency:
        return LOKET
    raise Forbidden(
        "Hanya pemohon atau petugas Front End yang dapat membuat permohonan.",
        code="NOT_AN_APPLICANT",
    )


def _applicant(who: Principal, given: dict[str, Any], channel: str) -> dict[str, Any]:
    """Who the application belongs to: the caller online; the walk-in applicant at the loket."""
    email = who.email if channel == PORTAL else (given.get("email") or "").strip().lower()
    if not email:
        raise Unprocessable(
            "Email pemohon wajib diisi: permohonan menjadi milik pemilik email ini.",
            code="APPLICANT_EMAIL_REQUIRED",
            field="applicant.email",
        )
    name = " ".join((given.get("name") or who.name or "").split())
    if not name:
        raise Unprocessable(
            "Nama pemohon wajib diisi.", code="APPLICANT_NAME_REQUIRED", field="applicant.name"
        )
    applicant = {"name": name, "email": email}
    if given.get("phone"):
        applicant["phone"] = phones.normalize_phone(given["phone"], field="applicant.phone")
    for key in ("nik", "address"):
        if given.get(key):
            applicant[key] = " ".join(str(given[key]).split())
    return applicant


# --- public tracking ------------------------------------------------------------------------

TRACK_WINDOW_SECONDS = 3600
MAX_RENEWALS_PER_HOUR = 5  # "Ganti Kode Akses" of one application
MAX_FAILURES_PER_CALLER = 30  # wrong number/code pairs from one address in an hour
NOT_MATCHED = (
    "Nomor registrasi atau kode akses tidak cocok. Periksa kembali bukti pendaftaran Anda."
)


def track(ticket_no: str, code: str, caller: str) -> dict[str, Any]:
    """'Lacak Permohonan': status, timeline and service time for whoever holds the code;
    an unknown number and a wrong code get the same answer. Guessing is throttled per
    caller, not per number: a number is never locked against its owner (and a code has 40
    bits: no number can be guessed at 30 tries an hour)."""
    number = ticket_no.strip().upper()
    throttle = ports().throttle
    key = f"track#caller#{caller}"
    if throttle.failures(key, TRACK_WINDOW_SECONDS) >= MAX_FAILURES_PER_CALLER:
        raise TooManyAttempts(
            "Terlalu banyak percobaan yang salah. Coba lagi dalam satu jam.",
            retry_after=TRACK_WINDOW_SECONDS,
        )
    ticket = ports().tickets.find(number)
    known = ticket is not None and not ticket.draft and _tracked(ticket)
    generation = (ticket.access_generation or 0) if known else 0
    if not known or not tracking.matches(settings().tracking_secret, number, code, generation):
        throttle.fail(key, TRACK_WINDOW_SECONDS)
        raise NotFound(NOT_MATCHED, code="TRACKING_NOT_MATCHED")
    return public_view(ticket)


def _tracked(ticket: Ticket) -> bool:
    """Only applications of workflows that have applicants are tracked publicly."""
    try:
        return bool(declared.workflow_of(ticket).applicant_role)
    except KeyError:
        return False


def public_view(ticket: Ticket) -> dict[str, Any]:
    workflow = declared.workflow_of(ticket)
    office = declared.catalog().agencies[workflow.agency].name
    history = service.history_of(ticket)
    return {
        "ticket_no": ticket.ticket_no,
        "permit_label": workflow.permit_label(ticket.permit_type),
        "status": ticket.status,
        "status_kind": service.status_kind(ticket),
        "final": service.is_final(ticket),
        "position": service.position(ticket),
        "office": office,
        "submitted_at": ticket.submitted_at,
        "timeline": tracking.timeline(workflow, history, office),
        "service_time": service.service_clock(ticket, history),
    }


class TooManyAttempts(AppError):
    status = 429
    code = "TOO_MANY_ATTEMPTS"


def detail(ticket_no: str, who: Principal) -> dict[str, Any]:
    """The application as its applicant (or the loket, for a draft it made) sees it."""
    ticket = service.visible_ticket(ticket_no, who)
    if ticket.draft:
        return view(ticket, who)
    history = service.history_of(ticket)
    workflow = declared.workflow_of(ticket)
    office = declared.catalog().agencies[workflow.agency].name
    ticket_view = service.detail(ticket, who, history)
    return {
        **view(ticket, who),
        "ticket": ticket_view,
        "timeline": tracking.timeline(workflow, history, office),
        "service_time": ticket_view["service_time"],
        "forms_shown": forms_shown(workflow, ticket.forms or {}, ticket_view["documents"]),
        "step_documents": step_documents(workflow, ticket),
    }


def forms_shown(
    workflow: Workflow, forms: dict[str, Any], documents: list[dict[str, Any]]
) -> dict[str, Any]:
    """The forms officials filled (KRK, SPS PNBP, Pertek, Rekomendasi, Nomor SK), each field
    with its declared title and format, as the applicant reads them, with the letters in
    force that the form declares (`x-documents`: the SPS PNBP she pays by)."""
    shown = {}
    for name, values in forms.items():
        schema = workflow.forms.get(name)
        if not schema or not isinstance(values, dict):
            continue  # what the server adds (the SK files) is not a form
        properties = schema.get("properties", {})
        shown[name] = {
            "title": schema.get("title", name),
            "documents": _letters(workflow, schema.get("x-documents", []), documents),
            "fields": [
                {
                    "name": field,
                    "title": spec.get("title", field),
                    "value": values[field],
                    "format": spec.get("x-format") or spec.get("format") or spec.get("type"),
                }
                for field, spec in properties.items()
                if field in values and spec.get("x-widget") != "polygon"
            ],
        }
    return shown


def _letters(
    workflow: Workflow, kinds: list[str], documents: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The documents of these kinds still in force (not superseded), named as declared."""
    return [
        {"id": d["id"], "kind": d["kind"], "label": workflow.documents[d["kind"]].label}
        for d in documents
        if d["kind"] in kinds and d["kind"] in workflow.documents and d.get("current", True)
    ]


def step_documents(workflow: Workflow, ticket: Ticket) -> dict[str, Any]:
    """The documents the applicant's own step asks for, as declared (label, formats)."""
    step = service.pending_step(ticket)
    kinds = {k for o in (step.options if step else ()) for k in o.required_documents}
    return {
        kind: {
            "label": workflow.documents[kind].label,
            "formats": list(workflow.documents[kind].formats),
            "max_bytes": workflow.documents[kind].max_bytes,
        }
        for kind in sorted(kinds)
        if kind in workflow.documents
    }
