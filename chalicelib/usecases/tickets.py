"""Use cases of tickets of any declared workflow: arrival, officials' lists, detail, decision.

What differs between workflows (roles and who sees what, forms, document kinds, permit
types, service time) is read from the workflow's declaration and ASL, never named here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from aws_lambda_powertools import Logger

from chalicelib import declared, geo
from chalicelib.auth.principal import Principal
from chalicelib.auth.session import CallerSession, SessionChanged, SessionCheck
from chalicelib.clock import parse_iso, seconds_between
from chalicelib.core import currency, policy, requirements, service_time, views
from chalicelib.core.catalog import Workflow
from chalicelib.core.definition import Step, WorkflowDefinition
from chalicelib.core.records import Decision, final_event
from chalicelib.errors import Conflict, Forbidden, NotFound, StepNoLongerWaiting, Unprocessable
from chalicelib.ports import Entry, Ticket, ports
from chalicelib.settings import settings
from chalicelib.usecases import application_data, effects

logger = Logger(child=True)


def definition_of(ticket: Ticket) -> WorkflowDefinition:
    return ports().runtime.definition(declared.workflow_of(ticket).id)


# --- arrival from PTSP ----------------------------------------------------------------------


def receive_application(data: dict[str, Any], webhook_id: str) -> tuple[Ticket, bool]:
    """Create the ticket and start its workflow once, however often PTSP sends it."""
    existing = ports().tickets.ticket_for_webhook(webhook_id)
    if existing is None:
        geometry = geo.validate_geometry(data["location"])
        applicant = data["applicant"]
        now = ports().clock.now_iso()
        workflow = _intake_workflow("ptsp", data["permit_type"])
        start = ports().runtime.definition(workflow.id).start
        ticket = ports().tickets.new_ticket(
            data["ticket_no"],
            workflow=workflow.id,
            agency=workflow.agency,
            permit_type=data["permit_type"],
            region=" ".join(data["region"].split()).upper(),
            applicant=applicant,
            applicant_name=applicant["name"].strip(),
            submitted_at=data["submitted_at"],
            location=geometry,
            ptsp_documents=data.get("documents", []),
            documents={},
            search_text=ports().tickets.search_text(
                data["ticket_no"], applicant["name"], applicant.get("company")
            ),
            status=start.status,
            state=start.state,
            step=start.step,
            role=start.role,
            webhook_id=webhook_id,
            created_at=now,
            updated_at=now,
        )
        owed = [effects.owe(effects.START_WORKFLOW, start_payload(ticket))]
        source = workflow.intake.get("source_label") or "PTSP"
        ticket, created = ports().tickets.create(ticket, webhook_id, owed, source)
        if created:
            effects.carry_out(owed)
            return ticket, created
    else:
        ticket, created = existing, False
    if not ticket.execution_arn:  # started by the outbox soon; a repeat may as well do it
        effects.start_workflow(start_payload(ticket))
    return ticket, created


def _intake_workflow(channel: str, permit_type: str) -> Workflow:
    workflow = declared.catalog().for_intake(channel, permit_type)
    if workflow is None:  # the request schema lists the declared types: only a race gets here
        raise Unprocessable(
            f"Jenis izin {permit_type} tidak diterima lewat saluran ini.",
            code="UNKNOWN_PERMIT_TYPE",
            field="permit_type",
        )
    return workflow


def step_timeout_seconds(workflow: Workflow) -> int:
    """The declared service time of a step; the deployment may set a shorter one (tests)."""
    return int(settings().step_timeout_seconds or workflow.service_seconds)


def start_payload(ticket: Ticket) -> dict[str, Any]:
    workflow = declared.workflow_of(ticket)
    return {
        "ticket_no": ticket.ticket_no,
        "workflow": workflow.id,
        "input": {
            "ticket_no": ticket.ticket_no,
            "workflow": workflow.id,
            "permit_type": ticket.permit_type,
            "region": ticket.region,
            "step_timeout_seconds": step_timeout_seconds(workflow),
        },
    }


# --- access ---------------------------------------------------------------------------------


def visible_ticket(ticket_no: str, who: Principal) -> Ticket:
    """The ticket, if the caller may see it: 404 unknown or another agency's (the same
    answer: an agency cannot learn which numbers another one has); 403 another region's
    for a region-scoped role of the same agency."""
    ticket = ports().tickets.get(ticket_no)
    try:
        workflow = declared.workflow_of(ticket)
    except KeyError:  # a workflow no longer declared here: nobody may see its tickets
        raise NotFound(f"Ticket {ticket_no} tidak ditemukan.", code="TICKET_NOT_FOUND") from None
    seen = policy.access(workflow, ticket, who)
    if getattr(ticket, "draft", False) and not _may_edit_draft(ticket, who):
        seen = policy.Access.NONE  # a draft is its editors' until AJUKAN
    if seen is policy.Access.SEE:
        return ticket
    if seen is policy.Access.OTHER_REGION:
        raise Forbidden(
            f"Ticket {ticket.ticket_no} berada di wilayah lain; Anda hanya dapat melihat ticket "
            "wilayah Anda.",
            code="REGION_NOT_ALLOWED",
        )
    raise NotFound(f"Ticket {ticket_no} tidak ditemukan.", code="TICKET_NOT_FOUND")


def _may_edit_draft(ticket: Ticket, who: Principal) -> bool:
    from chalicelib.usecases.applications import may_edit

    return may_edit(ticket, who)


def pending_step(ticket: Ticket) -> Step | None:
    if not ticket.pending:
        return None
    return Step.from_message(ticket.pending)


def may_act(step: Step, ticket: Ticket, who: Principal) -> bool:
    return policy.may_act(declared.workflow_of(ticket), step, ticket, who)


def workflows_of(who: Principal) -> list[Workflow]:
    """The workflows of the caller's agency in which the caller holds a role."""
    return [
        w
        for w in declared.catalog().of_agency(who.agency)
        if policy.visibility(w, who.roles) is not None
    ]


def permit_types(who: Principal) -> list[dict[str, str]]:
    """The permit types of the caller's workflows (another agency's are not its business)."""
    return [
        {"code": p.id, "short": p.short, "label": p.label, "workflow": w.id}
        for w in workflows_of(who)
        for p in w.permit_types
    ]


def inbox_keys(who: Principal) -> list[str]:
    """The inboxes the caller reads: per workflow of the agency, one per role held at a step
    (region-scoped: the caller's own region)."""
    return [
        key
        for workflow in workflows_of(who)
        for key in policy.inbox_keys(workflow, ports().runtime.definition(workflow.id).steps(), who)
    ]


def console(who: Principal) -> dict[str, Any]:
    """What the console builds itself from: the caller's agency and its workflows."""
    mine = [(w, ports().runtime.definition(w.id)) for w in workflows_of(who)]
    agency = declared.catalog().agencies.get(who.agency or "")
    return {
        "agency": views.agency_view(agency),
        "categories": views.categories_view(mine, who.roles),
    }


# --- views ----------------------------------------------------------------------------------


def is_final(ticket: Ticket) -> bool:
    """Final once decided: the claim already shows the final status before the workflow's
    final message is recorded (a moment later), so the status itself also says it."""
    return ticket.final or ticket.status in definition_of(ticket).final_outcomes()


def history_of(ticket: Ticket, history: list[Any] | None = None) -> list[Any]:
    """The ticket's history as the ticket reads: a claim that ends the workflow shows the
    final status at once and the workflow records the final event a moment later; until it
    does, the history ends with that event all the same (the detail and its track agree)."""
    items = list(ports().tickets.history(ticket.ticket_no) if history is None else history)
    if is_final(ticket) and not any(item.kind == "FINAL" for item in items):
        items.append(final_event(ticket.status, (ticket.last_decision or {}).get("decided_at")))
    return items


def status_kind(ticket: Ticket) -> str:
    """in_progress, returned (a step reached by a refusal or a return), approved or rejected:
    read off the workflow's ASL, never from the status' words."""
    kind = definition_of(ticket).status_kinds().get(ticket.status, "in_progress")
    if kind in ("approved", "rejected") and not is_final(ticket):
        return "in_progress"
    return kind


def position(ticket: Ticket) -> str:
    if is_final(ticket):
        return "Selesai"
    return declared.workflow_of(ticket).role_label(ticket.role) if ticket.role else "-"


def summary(ticket: Ticket) -> dict[str, Any]:
    """A row of the list, and the table of a notification."""
    workflow = declared.workflow_of(ticket)
    return {
        "ticket_no": ticket.ticket_no,
        "workflow": workflow.id,
        "workflow_title": workflow.title,
        "applicant_name": ticket.applicant_name,
        "permit_type": ticket.permit_type,
        "permit_label": workflow.permit_label(ticket.permit_type),
        "permit_short": workflow.permit_short(ticket.permit_type),
        "submitted_at": ticket.submitted_at,
        "status": ticket.status,
        "status_kind": status_kind(ticket),
        "position": position(ticket),
        "region": ticket.region,
        "final": is_final(ticket),
        "waiting_since": (ticket.pending or {}).get("entered_at"),
        "overdue": bool(ticket.overdue_since) and not is_final(ticket),
        "due_at": due_at(ticket),
    }


def due_at(ticket: Ticket) -> str | None:
    """When the waiting step is (or was) due: from when it first waited at this step."""
    since = ticket.overdue_since or (ticket.pending or {}).get("entered_at")
    if not since or is_final(ticket):
        return None
    seconds = step_timeout_seconds(declared.workflow_of(ticket))
    return (parse_iso(since) + timedelta(seconds=seconds)).isoformat()


def detail(ticket: Ticket, who: Principal, history: list[Any] | None = None) -> dict[str, Any]:
    """`history`: the ticket's history, when the caller has it already."""
    workflow = declared.workflow_of(ticket)
    step = pending_step(ticket)
    mine = step is not None and may_act(step, ticket, who)
    history = history_of(ticket, history)
    # Every confirmed document, superseded ones as history (a returned rekomtek).
    documents = currency.annotate((ticket.documents or {}).values(), currency.attachments(history))
    awaiting = _awaiting_decision(ticket)
    return _for(
        who,
        ticket,
        {
            **summary(ticket),
            "applicant": ticket.applicant,
            "application": getattr(ticket, "application", None),
            "location": ticket.location,
            "ptsp_documents": ticket.ptsp_documents or [],
            "documents": [
                {
                    **document_view(d),
                    "current": d["current"],
                    "superseded_at": d["superseded_at"],
                    "awaiting_decision": d["id"] in awaiting,
                }
                for d in documents
            ],
            "forms": ticket.forms or {},
            "last_decision": _with_reason_flag(ticket, ticket.last_decision),
            "open_reason": open_reason(ticket, history, step),
            "decided_at": ticket.decided_at
            or ((ticket.last_decision or {}).get("decided_at") if is_final(ticket) else None),
            "created_at": ticket.created_at,
            "updated_at": ticket.updated_at,
            "overdue_count": ticket.overdue_count,
            "service_time": service_clock(ticket, history),
            "pending": (
                {
                    "step": step.step,
                    "status": step.status,
                    "role": step.role,
                    "role_label": workflow.role_label(step.role),
                    "entered_at": ticket.pending["entered_at"],
                    "my_turn": mine,
                    "options": [
                        {"action": o.action, "requires": o.requires, "result": o.result}
                        for o in step.options
                    ]
                    if mine
                    else [],
                }
                if step
                else None
            ),
        },
    )


def _for(who: Principal, ticket: Ticket, view: dict[str, Any]) -> dict[str, Any]:
    """What an applicant reads of officials: their names and roles, never their emails."""
    if policy.visibility(declared.workflow_of(ticket), who.roles) != "own":
        return view
    last = view.get("last_decision")
    if last:
        view["last_decision"] = {**last, "actor": None}
    view["documents"] = [
        {**d, "uploaded_by": d["uploaded_by"] if d["uploaded_by"] == who.email else None}
        for d in view.get("documents", [])
    ]
    return view


def track_for(ticket: Ticket, who: Principal) -> list[dict[str, Any]]:
    """The track, without officials' emails for an applicant."""
    items = track(ticket)
    if policy.visibility(declared.workflow_of(ticket), who.roles) == "own":
        items = [{**item, "actor": None} for item in items]
    return items


def _reason_required(ticket: Ticket, state: str | None, action: str | None) -> bool:
    """Whether the option taken required a reason (a refusal or a return), read off the ASL:
    the console says "Alasan" for those, "Catatan" for a note on any other decision."""
    try:
        option = definition_of(ticket).step(state or "").option(action or "")
    except KeyError:
        return False
    return bool(option and option.requires_note)


def _awaiting_decision(ticket: Ticket) -> set[str]:
    """The documents uploaded for the decision the pending step still waits for: not yet
    in force (an official who leaves without SIMPAN leaves them so), and shown as such."""
    pending = ticket.pending or {}
    step, since = pending.get("step"), pending.get("entered_at")
    if not step or not since:
        return set()
    return {
        d["id"]
        for d in (ticket.documents or {}).values()
        if d.get("step") == step and (d.get("uploaded_at") or "") >= since
    }


def open_reason(ticket: Ticket, history: list[Any], step: Step | None) -> dict[str, Any] | None:
    """The newest refusal or return, with its reason, that the role deciding now has not
    answered yet and that is not the last decision (shown already): the Kepala Dinas who
    decides after Kepala Bidang forwarded a Cabang Dinas refusal reads why it was refused.
    None once that role has decided the ticket since."""
    if step is None:
        return None
    last = (ticket.last_decision or {}).get("decided_at")
    decisions = [e for e in history if e.kind == "DECISION"]
    for entry in sorted(decisions, key=lambda e: e.decided_at or "", reverse=True):
        if entry.role == step.role:
            return None
        if entry.decided_at == last or not entry.note:
            continue
        if _reason_required(ticket, entry.state, entry.action):
            return {
                "action": entry.action,
                "result": entry.result,
                "role": entry.role,
                "actor_name": entry.actor_name,
                "note": entry.note,
                "decided_at": entry.decided_at,
                "reason_required": True,
            }
    return None


def _with_reason_flag(ticket: Ticket, decision: dict[str, Any] | None) -> dict[str, Any] | None:
    if not decision:
        return decision
    required = _reason_required(ticket, decision.get("state"), decision.get("action"))
    return {**decision, "reason_required": required}


def document_view(document: dict[str, Any]) -> dict[str, Any]:
    """A document as officials and PTSP see it: no storage key; the uploader by name (the
    email for documents uploaded before names were kept)."""
    keys = ("id", "kind", "filename", "content_type", "size", "uploaded_at", "uploaded_by", "step")
    view = {k: document.get(k) for k in keys}
    view["uploaded_by_name"] = document.get("uploaded_by_name") or document.get("uploaded_by")
    return view


def track(ticket: Ticket) -> list[dict[str, Any]]:
    """Every event with its duration; the step waiting now comes last, still open."""
    workflow = declared.workflow_of(ticket)
    entries = []
    for item in history_of(ticket):
        entries.append(
            {
                "kind": item.kind,
                "step": item.step,
                "status": item.status,
                "role": item.role,
                "role_label": workflow.role_label(item.role)
                if item.role
                else (item.actor_name or "-"),
                "actor": item.actor_key,
                "actor_name": item.actor_name,
                "action": item.action,
                "result": item.result,
                "note": item.note,
                "corrected": (item.details or {}).get("corrected"),
                "reason_required": _reason_required(ticket, item.state, item.action),
                "entered_at": item.entered_at,
                "left_at": item.decided_at,
                "duration_seconds": seconds_between(item.entered_at, item.decided_at),
            }
        )
    step = pending_step(ticket)
    if step:
        since = ticket.pending["entered_at"]
        entries.append(
            {
                "kind": "WAITING",
                "step": step.step,
                "status": step.status,
                "role": step.role,
                "role_label": workflow.role_label(step.role),
                "actor": None,
                "actor_name": None,
                "action": None,
                "note": None,
                "entered_at": since,
                "left_at": None,
                "duration_seconds": seconds_between(since, ports().clock.now_iso()),
            }
        )
    return entries


def map_feature(ticket: Ticket) -> dict[str, Any]:
    """The location as a GeoJSON Feature; with the parcel an official approved, if any."""
    if not ticket.location:
        raise NotFound("Lokasi permohonan ini belum digambar.", code="NO_LOCATION")
    lon, lat = geo.centroid(ticket.location)
    approved = ((ticket.forms or {}).get("rekomendasi") or {}).get("poligon_disetujui")
    return {
        "type": "Feature",
        "geometry": ticket.location,
        "bbox": geo.bbox(ticket.location),
        "properties": {
            **summary(ticket),
            "centroid": [lon, lat],
            **({"approved_geometry": approved} if approved else {}),
        },
    }


# --- lists ----------------------------------------------------------------------------------


def list_tickets(
    who: Principal,
    box: str,
    permit_type: str | None,
    q: str | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    if box == "decided":
        page = ports().tickets.decided_page(who.email, permit_type, q, limit, cursor)
    else:
        page = ports().tickets.pending_page(inbox_keys(who), permit_type, q, limit, cursor)
    return {
        "items": [summary(t) for t in page.tickets],
        "next_cursor": page.next_cursor,
        "total": page.total,
    }


DASHBOARD_ROWS = 5


def counts(who: Principal) -> dict[str, Any]:
    """The dashboard: what waits for me per permit type, the latest arrivals, the overdue."""
    keys = inbox_keys(who)
    waiting: Counter[str] = Counter()
    for key in keys:
        waiting.update(ports().tickets.waiting_counts(key))
    per_type = {
        permit.id: waiting[permit.id] for w in workflows_of(who) for permit in w.permit_types
    }
    latest = [no for key in keys for no in ports().tickets.latest(key, DASHBOARD_ROWS)]
    overdue = [no for key in keys for no in ports().tickets.overdue(key, DASHBOARD_ROWS)]
    rows = {t.ticket_no: t for t in ports().tickets.tickets(set(latest) | set(overdue))}
    newest = sorted(
        (rows[n] for n in set(latest) if n in rows), key=lambda t: t.entered_at or "", reverse=True
    )
    oldest = sorted(
        (rows[n] for n in set(overdue) if n in rows), key=lambda t: t.overdue_since or ""
    )
    return {
        "pending": per_type,
        "total": sum(per_type.values()),
        "latest": [summary(t) for t in newest[:DASHBOARD_ROWS]],
        "overdue": [summary(t) for t in oldest[:DASHBOARD_ROWS]],
        "overdue_total": sum(ports().tickets.overdue_count(key) for key in keys),
    }


# --- decision -------------------------------------------------------------------------------


def decide(
    ticket_no: str,
    who: Principal,
    data: dict[str, Any],
    name: str,
    session: CallerSession,
) -> dict[str, Any]:
    """Decide the pending step; the answer is the ticket's detail as the decision left it.
    Nothing is written unless the caller's account stands as its token says: the claim
    carries that check, and what is written before the claim (an SK) confirms it first."""
    # The history for the answer is read beside the ticket, not after the decision.
    with ThreadPoolExecutor(max_workers=1) as reader:
        history = reader.submit(ports().tickets.history, ticket_no)
        ticket = visible_ticket(ticket_no, who)
        claimed, decision, sent = _claim(ticket, who, data, name, session)
        _forward(sent)
        before = _history_before(history, ticket)
    if before is None:
        return detail(claimed, who)
    entered_at = (ticket.pending or {}).get("entered_at")
    this = SimpleNamespace(entered_at=entered_at, **decision.as_history())
    return detail(claimed, who, [*before, this])


def service_clock(ticket: Ticket, history: list[Any]) -> dict[str, Any] | None:
    """'Sisa Waktu Layanan' of a submitted application, where the workflow promises one
    (working days); a final one stops at its decision."""
    workflow = declared.workflow_of(ticket)
    if workflow.service_time is None or getattr(ticket, "draft", False):
        return None
    now = parse_iso(ports().clock.now_iso())
    if is_final(ticket) and ticket.decided_at:
        now = min(now, parse_iso(ticket.decided_at))
    clock = service_time.clock(
        workflow.service_time, declared.calendar(), history, ticket.pending, now
    )
    return service_time.view(clock, finished=is_final(ticket))


def _history_before(history: Future, ticket: Ticket) -> list[Any] | None:
    """The history before this decision, read beside the ticket; None when that read failed
    or predates the ticket's last decision (then it is read again, after)."""
    try:
        entries = history.result()
    except Exception:
        return None
    last = (ticket.last_decision or {}).get("decided_at")
    if last and not any(e.kind == "DECISION" and e.decided_at == last for e in entries):
        return None
    return entries


def _claim(
    ticket: Ticket,
    who: Principal,
    data: dict[str, Any],
    name: str,
    session: CallerSession,
) -> tuple[Ticket, Decision, Entry]:
    """The step taken for this decision, with the `SendTaskSuccess` it owes."""
    step = pending_step(ticket)
    if step is None or step.step != data["step"]:
        raise Conflict(
            f"Langkah {data['step']} tidak lagi menunggu keputusan; status saat ini: "
            f"{ticket.status}. Muat ulang halaman.",
            code="STEP_NOT_PENDING",
            current_status=ticket.status,
            current_step=step.step if step else None,
        )
    workflow = declared.workflow_of(ticket)
    if not may_act(step, ticket, who):
        raise Forbidden(
            f"Langkah ini menunggu {workflow.role_label(step.role)}"
            + (" wilayah ticket ini" if step.region_scoped else "")
            + "; peran Anda tidak dapat memutuskannya.",
            code="NOT_YOUR_TURN",
        )
    option = step.option(data["action"])
    if option is None:
        raise Unprocessable(
            f"Pilihan '{data['action']}' tidak tersedia pada langkah ini. Pilihan yang ada: "
            + ", ".join(o.action for o in step.options)
            + ".",
            code="INVALID_ACTION",
            field="action",
        )
    if data["checked"] is not True:
        raise Unprocessable(
            "Tekan CHECK setelah memeriksa detail dan peta sebelum menyimpan keputusan.",
            code="CHECK_REQUIRED",
            field="checked",
        )
    # before anything is made for the decision (an SK): bad data writes nothing
    correction = _correction(ticket, workflow, step, option, data.get("application"))
    try:
        note = requirements.note(option, data.get("note"))
        forms = _parcels_checked(workflow, requirements.forms(workflow, option, data))
        document_ids = requirements.documents(
            workflow, option, ticket.documents or {}, data.get("document_ids") or []
        )
        requirements.checklist(workflow, option, ticket.documents or {})
        passphrase = requirements.passphrase(option, data.get("passphrase"))
        made = _made_by_server(ticket, workflow, option, forms, passphrase, session)
        forms = {**forms, **made}
    except requirements.NotMet as unmet:
        raise Unprocessable(
            unmet.message, code=unmet.code, field=unmet.field, **unmet.extra
        ) from None
    decision = Decision(
        step=step,
        action=option.action,
        actor_email=who.email,
        actor_name=name,
        actor_role=step.role,
        result=option.result,
        note=note,
        forms=forms,
        document_ids=document_ids,
        decided_at=ports().clock.now_iso(),
        correction=correction,
    )
    outcome = definition_of(ticket).outcome(step.state, option.action)
    record = ports().tickets.claim_record(ticket, decision)
    sent = effects.owe(
        effects.COMPLETE_STEP,
        {
            "task_token": ticket.pending["task_token"],
            "execution": ticket.pending.get("execution"),
            # decided_at makes the output this decision's own in the execution's history
            "output": {
                "action": option.action,
                "actor": who.email,
                "role": step.role,
                "decided_at": decision.decided_at,
            },
            "claim": record,
        },
    )
    first = not record["marker_before"]
    claimed = _written_in(
        session,
        lambda check: ports().tickets.claim(ticket, decision, outcome, [sent], first, check),
    )
    return claimed, decision, sent


def _written_in(session: CallerSession, write: Callable[[SessionCheck | None], Ticket]) -> Ticket:
    """`write`, carrying the session check unless it was confirmed already. An account
    changed close to the token's issue refuses it; then the session is confirmed by reading
    (401 when it is revoked) and written without the check."""
    try:
        written = write(None if session.confirmed else session.check)
    except SessionChanged:
        session.confirm()
        written = write(None)
    session.written()
    return written


def _correction(
    ticket: Ticket, workflow: Workflow, step: Step, option: Any, given: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The applicant's corrected data, whole, for an option of the applicant's own step that
    takes it (AJUKAN ULANG after a return); None when nothing changed."""
    if given is None:
        return None
    if not option.corrects_application or workflow.sees(step.role) != "own":
        raise Unprocessable(
            "Data permohonan hanya dapat diperbaiki oleh pemohon ketika permohonan "
            "dikembalikan kepadanya.",
            code="APPLICATION_NOT_CORRECTABLE",
            field="application",
        )
    application, area = application_data.parsed(
        workflow, application_data.without_computed(given), whole=True, prefix="application"
    )
    before = application_data.without_computed(ticket.application or {})
    corrected = application_data.changes(workflow, before, application)
    if not corrected:
        return None
    return {**application_data.stored(application, area), "corrected": corrected}


def _parcels_checked(workflow: Workflow, forms: dict[str, Any]) -> dict[str, Any]:
    """A parcel drawn in a form (`x-widget: polygon`) is one simple polygon, like the
    applicant's: checked here, before an SK could print it."""
    for name, values in forms.items():
        for field, spec in workflow.forms.get(name, {}).get("properties", {}).items():
            if spec.get("x-widget") == "polygon" and field in values:
                values[field], _ = geo.parcel(values[field], f"{name}.{field}")
    return forms


def _made_by_server(
    ticket: Ticket,
    workflow: Workflow,
    option: Any,
    forms: dict[str, Any],
    passphrase: str | None,
    session: CallerSession,
) -> dict[str, Any]:
    """The SK drawn or signed with this decision (a workflow that declares signing). Both
    are written before the claim, so the session is confirmed first."""
    if not workflow.signing:
        return {}
    from chalicelib.usecases import decrees

    if not decrees.adds_to(workflow, option, forms):
        return {}
    session.confirm()
    return decrees.for_decision(ticket, workflow, option, forms, passphrase)


def _forward(sent: Entry) -> None:
    """Send the claimed decision to the workflow now. A dead token undoes the claim (409);
    an unreachable Step Functions leaves the entry to the sweeper: the decision stands.
    A delivered decision's entry is settled by the recording of what follows it."""
    try:
        effects.complete_step(sent.payload)
    except StepNoLongerWaiting:
        effects.done(sent)
        raise
    except Conflict as error:  # the undo met a busy ticket: the sweeper finishes it
        raise StepNoLongerWaiting(
            "Langkah ini sudah tidak menunggu keputusan; muat ulang halaman sebentar lagi."
        ) from error
    except Exception as error:
        logger.warning("decision forwarded later", extra={"error": repr(error)})
