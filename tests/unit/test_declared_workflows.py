"""Every declared workflow conforms: its ASL is a sound graph, its declarations cover it.

Parametrised over every workflow of the catalogue the engine serves (chalicelib/) and the
test-only declarations (tests/fixtures/declarations/), so a new workflow is checked the
moment its folder exists. The ASL is walked as a plain graph (Next, Choices[].Next, Default,
Catch[].Next); its human steps are read with `WorkflowDefinition`, the code the API uses.
Only the shipped workflows must be deployable: a Cognito group per role and a state machine
resource in infra/resources.json; the test fixtures never reach AWS.
"""

from __future__ import annotations

import json
import string
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from chalicelib.core import events
from chalicelib.core.catalog import APPLICANT, Catalog, Workflow
from chalicelib.core.definition import WorkflowDefinition

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_ROOT = ROOT / "chalicelib"
FIXTURE_ROOT = ROOT / "tests" / "fixtures" / "declarations"
CATALOG = Catalog.load([SHIPPED_ROOT, FIXTURE_ROOT])
SHIPPED = Catalog.load([SHIPPED_ROOT])
FIXTURES = Catalog.load([FIXTURE_ROOT])
WORKFLOWS = sorted(CATALOG.workflows.values(), key=lambda w: w.id)
SHIPPED_WORKFLOWS = sorted(SHIPPED.workflows.values(), key=lambda w: w.id)

WAIT_FOR_TOKEN = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
SEND_MESSAGE = "arn:aws:states:::sqs:sendMessage"
DECISION_PATH = "$.decision.action"
WALKABLE_TYPES = {"Task", "Choice", "Pass", "Wait", "Succeed", "Fail"}
REQUIRES_KEYS = {
    "note",
    "forms",
    "documents",
    "documents_complete",
    "signature",
    "corrects_application",
}
OUTCOMES = {"approved", "rejected"}
# What a human step's message carries, as in statemachine/andesit.asl.json.
STEP_BODY_KEYS = {
    "type",
    "task_token.$",
    "ticket_no.$",
    "state.$",
    "execution.$",
    "entered_at.$",
    "step",
    "status",
    "role",
    "region_scoped",
    "options",
}
# The keys a notification template may use (str.format), each with a sample value.
NOTIFICATION_KEYS = {
    "ticket_no": "27422",
    "permit": "Wilayah Izin Usaha Pertambangan",
    "next_role": "Kepala Bidang",
    "decided_by": "Kepala Dinas",
    "what_happened": "diterima Kepala Dinas",
    "reason": " Alasan: berkas kurang.",
    "status": "DITOLAK DINAS ESDM",
    "step_role": "Cabang Dinas Wilayah",
    "position": "Front End DPMPTSP",
}
STEP_ROLE = "$step_role"  # a recipient: the role whose step it is
AGENCY_KEYS = {"id", "name", "office", "landing", "downloads", "channels", "integrations"}
# app and title as the landing page shows them (capitals); name and subtitle as they are
# written in running text and in the top bar ("SIAP n LOSS", "Sistem Informasi … Non OSS")
LANDING_KEYS = {"app", "title", "name", "subtitle", "text", "footer"}
DOWNLOAD_KEYS = {"id", "label", "href"}


def _ids(workflows: Iterable[Workflow]) -> list[str]:
    return [w.id for w in workflows]


def _asl(workflow: Workflow) -> dict[str, Any]:
    return json.loads(workflow.asl_path.read_text(encoding="utf-8"))


def _states(workflow: Workflow) -> dict[str, dict[str, Any]]:
    return _asl(workflow)["States"]


def _definition(workflow: Workflow) -> WorkflowDefinition:
    return WorkflowDefinition(_asl(workflow))


def _body(state: dict[str, Any]) -> dict[str, Any]:
    return state.get("Parameters", {}).get("MessageBody", {})


def _finals(states: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The tasks announcing a final status, by state name."""
    return {
        name: state
        for name, state in states.items()
        if state.get("Type") == "Task" and _body(state).get("type") == "final"
    }


def _waiting(states: dict[str, dict[str, Any]]) -> list[str]:
    return [
        name
        for name, state in states.items()
        if state.get("Type") == "Task" and state.get("Resource", "").endswith(".waitForTaskToken")
    ]


def _templates(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """Every title/message string of a notifications.json, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "message") and isinstance(value, str):
                yield f"{where}.{key}", value
            else:
                yield from _templates(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _templates(value, f"{where}[{i}]")


def _recipients(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "recipients":
                yield from value
            else:
                yield from _recipients(value)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return json.loads((ROOT / "infra" / "resources.json").read_text(encoding="utf-8"))


# --- the catalogue --------------------------------------------------------------------------


def test_both_roots_declare_workflows() -> None:
    assert "andesit" in SHIPPED.workflows
    assert "izin-uji" in FIXTURES.workflows
    assert set(CATALOG.workflows) == set(SHIPPED.workflows) | set(FIXTURES.workflows)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_the_workflow_is_named_after_its_folder_and_its_asl_exists(workflow: Workflow) -> None:
    roots = [r for r in (SHIPPED_ROOT, FIXTURE_ROOT) if (r / "workflows" / workflow.id).is_dir()]

    assert len(roots) == 1
    assert (roots[0] / "workflows" / workflow.id / "workflow.json").is_file()
    assert workflow.asl_path.name == f"{workflow.id}.asl.json"
    assert workflow.asl_path.is_file()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_the_agency_exists(workflow: Workflow) -> None:
    assert workflow.agency in CATALOG.agencies


@pytest.mark.parametrize("agency", sorted(CATALOG.agencies), ids=str)
def test_the_agency_declares_what_the_console_shows(agency: str) -> None:
    data = CATALOG.agencies[agency].data
    files = [
        root / "agencies" / f"{agency}.json"
        for root in (SHIPPED_ROOT, FIXTURE_ROOT)
        if (root / "agencies" / f"{agency}.json").is_file()
    ]

    assert len(files) == 1, "an agency is declared in one file named after its id"
    assert set(data) >= AGENCY_KEYS
    assert set(data["landing"]) >= LANDING_KEYS
    assert all(set(d) >= DOWNLOAD_KEYS for d in data["downloads"])
    assert len({d["id"] for d in data["downloads"]}) == len(data["downloads"])


def test_permit_type_ids_are_unique_among_workflows_sharing_an_intake_channel() -> None:
    owners: dict[tuple[str, str], list[str]] = defaultdict(list)
    for workflow in WORKFLOWS:
        for channel in workflow.intake.get("channels", ()):
            for permit in workflow.permit_types:
                owners[(channel, permit.id)].append(workflow.id)

    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_permit_types_are_unique_and_named(workflow: Workflow) -> None:
    ids = [p.id for p in workflow.permit_types]

    assert ids and len(ids) == len(set(ids))
    assert all(p.short and p.label for p in workflow.permit_types)


# --- the ASL graph --------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_state_is_of_a_walkable_type_and_every_transition_exists(
    workflow: Workflow,
) -> None:
    states = _states(workflow)
    successors = _definition(workflow).successors
    dangling = {(n, t) for n in states for t in successors(n) if t not in states}

    assert {s["Type"] for s in states.values()} - WALKABLE_TYPES == set()
    assert _asl(workflow)["StartAt"] in states
    assert dangling == set()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_state_is_reachable_from_start(workflow: Workflow) -> None:
    states = _states(workflow)

    start = _asl(workflow)["StartAt"]

    assert set(states) - _definition(workflow).reachable([start]) == set()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_state_reaches_a_final_decision(workflow: Workflow) -> None:
    # GIVEN the graph walked backwards from the tasks that announce a final status
    states = _states(workflow)
    finals = _finals(states)
    can_finish = _definition(workflow).reachable(finals, backwards=True)

    # THEN every state, every human step among them, can still end in a decision
    assert finals
    assert set(states) - can_finish - {s["Next"] for s in finals.values()} == set()
    assert set(_waiting(states)) <= can_finish


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_final_tasks_carry_their_outcome_and_end_in_success(workflow: Workflow) -> None:
    states = _states(workflow)
    finals = _finals(states)
    outcomes = {_body(s)["status"]: _body(s).get("outcome") for s in finals.values()}

    assert all(s["Resource"] == SEND_MESSAGE for s in finals.values())
    assert all(states[s["Next"]]["Type"] == "Succeed" for s in finals.values())
    assert {status: o for status, o in outcomes.items() if o not in OUTCOMES} == {}
    assert set(_definition(workflow).final_statuses()) == set(outcomes)
    # only final tasks lead into a Succeed state
    successors = _definition(workflow).successors
    into_succeed = {n for n in states for t in successors(n) if states[t]["Type"] == "Succeed"}
    assert into_succeed == set(finals)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_waiting_task_is_a_human_step_shaped_like_andesits(workflow: Workflow) -> None:
    states = _states(workflow)
    definition = _definition(workflow)
    waiting = _waiting(states)

    assert waiting, "a workflow has at least one human step"
    assert [s.state for s in definition.steps()] == waiting
    assert definition.start.state == _asl(workflow)["StartAt"]
    for name in waiting:
        state = states[name]
        body = _body(state)
        assert state["Resource"] == WAIT_FOR_TOKEN, name
        assert set(body) == STEP_BODY_KEYS, name
        assert (body["type"], body["task_token.$"]) == ("step", "$$.Task.Token"), name
        assert body["ticket_no.$"] == "$.ticket_no", name
        if not _applicants_step(workflow, state):  # officials are escalated, applicants not
            assert "TimeoutSeconds" in state or "TimeoutSecondsPath" in state, name
        assert state["ResultPath"] == "$.decision", name


def _applicants_step(workflow: Workflow, state: dict[str, Any]) -> bool:
    """A step the applicant acts on: no timeout (the service clock stands still instead)."""
    return bool(workflow.applicant_role) and _body(state)["role"] == workflow.applicant_role


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_a_timeout_sends_an_overdue_notice_then_reopens_the_same_step(workflow: Workflow) -> None:
    states = _states(workflow)
    for name in _waiting(states):
        if _applicants_step(workflow, states[name]):
            assert "Catch" not in states[name] and "TimeoutSecondsPath" not in states[name], name
            continue
        catchers = [
            c for c in states[name].get("Catch", []) if "States.Timeout" in c["ErrorEquals"]
        ]
        assert len(catchers) == 1, name
        overdue = states[catchers[0]["Next"]]
        assert (overdue["Type"], overdue["Resource"]) == ("Task", SEND_MESSAGE), name
        assert _body(overdue)["type"] == "overdue", name
        for key in ("step", "status", "role", "region_scoped", "ticket_no.$"):
            assert _body(overdue)[key] == _body(states[name])[key], (name, key)
        assert overdue["Next"] == name
        assert catchers[0].get("ResultPath", "$") != "$" and "ResultPath" in overdue


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_option_has_a_choice_rule_and_every_rule_is_an_option(workflow: Workflow) -> None:
    states = _states(workflow)
    definition = _definition(workflow)
    unrouted, strays = {}, {}
    for step in definition.steps():
        choice = states[states[step.state]["Next"]]
        assert choice["Type"] == "Choice", step.state
        rules = choice.get("Choices", [])
        assert all(rule.get("Variable") == DECISION_PATH for rule in rules), step.state
        assert all("StringEquals" in rule for rule in rules), step.state
        routed = [rule["StringEquals"] for rule in rules]
        actions = [o.action for o in step.options]
        assert len(routed) == len(set(routed)), f"{step.state}: an action is routed twice"
        assert len(actions) == len(set(actions)), f"{step.state}: an option is declared twice"
        assert choice.get("Default") == step.state, "an unknown action reopens the step"
        if set(actions) - set(routed):
            unrouted[step.state] = sorted(set(actions) - set(routed))
        if set(routed) - set(actions):
            strays[step.state] = sorted(set(routed) - set(actions))
        for option in step.options:  # and the engine follows each to a step or a final
            outcome = definition.outcome(step.state, option.action)
            assert outcome.final or outcome.step is not None

    assert unrouted == {}
    assert strays == {}


# --- what the ASL names is declared ---------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_role_acting_in_the_asl_is_declared(workflow: Workflow) -> None:
    steps = _definition(workflow).steps()

    assert {s.role for s in steps} - set(workflow.roles) == set()
    # region scoping in the ASL agrees with the declaration's `sees`
    assert {s.state for s in steps if s.region_scoped != workflow.roles[s.role].region_scoped} == (
        set()
    )


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_form_and_document_kind_an_option_requires_is_declared(workflow: Workflow) -> None:
    missing = []
    for step in _definition(workflow).steps():
        for option in step.options:
            where = f"{step.state}/{option.action}"
            extra = set(option.requires) - REQUIRES_KEYS
            if extra:
                missing.append(f"{where}: unknown requirement {sorted(extra)}")
            forms = option.requires.get("forms", [])
            documents = option.requires.get("documents", [])
            assert isinstance(forms, list) and isinstance(documents, list), where
            missing += [f"{where}: form {f}" for f in forms if f not in workflow.forms]
            missing += [f"{where}: document {d}" for d in documents if d not in workflow.documents]
            if option.corrects_application and step.role != workflow.applicant_role:
                missing.append(f"{where}: only the applicant corrects the application")

    assert missing == []


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_form_is_a_valid_schema_whose_rules_name_its_fields(workflow: Workflow) -> None:
    for name, schema in workflow.forms.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        fields = set(schema.get("properties", {}))
        assert schema.get("title"), name
        assert set(schema.get("required", [])) <= fields, name
        for rule in schema.get("x-not-before", []):
            assert {rule["field"], rule["other"]} <= fields, (name, rule)
            assert rule["message"], (name, rule)
        assert set(schema.get("x-documents", [])) <= set(workflow.documents), name


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_document_kind_is_uploadable_at_declared_steps(workflow: Workflow) -> None:
    steps = {s.step for s in _definition(workflow).steps()}
    if workflow.applicant_role:  # the applicant's draft, before the workflow starts
        steps.add("DRAFT")
    for kind in workflow.documents.values():
        assert kind.label and kind.formats and kind.max_bytes > 0, kind.id
        assert set(kind.steps) <= steps, kind.id
    for item in workflow.checklist:  # the applicant can upload every checklist document
        assert "DRAFT" in workflow.documents[item.kind].steps, item.kind


# --- notifications --------------------------------------------------------------------------


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_every_event_the_engine_notifies_is_worded(workflow: Workflow) -> None:
    notified = {events.STEP_ENTERED, events.STEP_OVERDUE, events.DECIDED}
    entered = workflow.notifications.get(events.STEP_ENTERED, {})

    assert set(workflow.notifications) == notified
    # a step entered at intake, and one entered after a decision, are worded apart
    for case in ("first", "after_decision"):
        assert {"title", "message"} <= set(entered.get(case, {})), case


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_notification_templates_render_with_the_documented_keys(workflow: Workflow) -> None:
    templates = list(_templates(workflow.notifications))
    failures = {}
    for where, text in templates:
        try:
            rendered = text.format(**NOTIFICATION_KEYS)
        except (KeyError, IndexError, ValueError) as error:
            failures[where] = repr(error)
            continue
        if not rendered.strip():
            failures[where] = "renders empty"
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        if any(not n for n in names):
            failures[where] = "positional field"

    assert templates, "a workflow declares its notifications"
    assert failures == {}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_notification_recipients_are_declared_roles(workflow: Workflow) -> None:
    recipients = set(_recipients(workflow.notifications))

    applicant = {APPLICANT} if workflow.applicant_role else set()

    assert recipients
    assert recipients - {STEP_ROLE} - applicant - set(workflow.roles) == set()


# --- deployable: the shipped workflows only -------------------------------------------------


def _groups(template: dict[str, Any]) -> set[str]:
    return {
        r["Properties"]["GroupName"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Cognito::UserPoolGroup"
    }


@pytest.mark.parametrize("workflow", SHIPPED_WORKFLOWS, ids=_ids(SHIPPED_WORKFLOWS))
def test_every_role_is_a_cognito_group(template: dict[str, Any], workflow: Workflow) -> None:
    assert set(workflow.roles) - _groups(template) == set()


@pytest.mark.parametrize("workflow", SHIPPED_WORKFLOWS, ids=_ids(SHIPPED_WORKFLOWS))
def test_a_state_machine_resource_deploys_the_workflow(
    template: dict[str, Any], workflow: Workflow
) -> None:
    machines = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::StateMachine"
        and r["Properties"].get("Name") == {"Fn::Sub": f"${{ResourcePrefix}}-{workflow.id}"}
    ]

    assert len(machines) == 1
    assert machines[0]["DefinitionUri"] == workflow.asl_path.relative_to(ROOT).as_posix()


def test_the_test_only_declarations_never_reach_the_template(template: dict[str, Any]) -> None:
    shipped_roles = set(SHIPPED.roles())
    fixture_roles = set(FIXTURES.roles()) - shipped_roles
    names = json.dumps(template)

    assert fixture_roles
    assert fixture_roles & _groups(template) == set()
    assert [w for w in FIXTURES.workflows if f"${{ResourcePrefix}}-{w}" in names] == []
    assert set(FIXTURES.workflows).isdisjoint(SHIPPED.workflows)
    assert set(FIXTURES.agencies).isdisjoint(SHIPPED.agencies)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_service_time_and_signing_name_what_the_asl_has(workflow: Workflow) -> None:
    """A misspelt `starts_with` would silently stop the clock; a `signing.form` no option
    fills would draw no SK."""
    steps = _definition(workflow).steps()
    actions = {o.action for s in steps for o in s.options}
    if workflow.service_time:
        assert workflow.service_time.starts_with in actions
        assert workflow.service_time.paused_for <= set(workflow.roles)
    if workflow.signing:
        form = workflow.signing["form"]
        assert form in workflow.forms
        assert any(form in o.required_forms for s in steps for o in s.options)
        assert any(o.requires_signature for s in steps for o in s.options)
