"""The Andesit state machine: a sound graph that routes exactly as WORKFLOWS.md says.

The expected workflow is transcribed in `andesit_workflow.json` (one row per status label, so
A10 has two rows). The ASL is walked as a plain graph — Next, Choices[].Next, Default and
Catch[].Next — and each decision is followed with `WorkflowDefinition.outcome`, the same code
the API uses to tell an official where a decision leads.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.definition import (
    DECISION_PATH,
    WAIT_FOR_TOKEN,
    Step,
    WorkflowDefinition,
)

ROOT = Path(__file__).resolve().parents[2]
STATEMACHINE_DIR = ROOT / "statemachine"
ASL_PATH = STATEMACHINE_DIR / "andesit.asl.json"
ASL_FILES = sorted(STATEMACHINE_DIR.glob("*.asl.json"))

ASL: dict[str, Any] = json.loads(ASL_PATH.read_text(encoding="utf-8"))
STATES: dict[str, dict[str, Any]] = ASL["States"]
DEFINITION = WorkflowDefinition(ASL)
HUMAN_STEPS: list[Step] = DEFINITION.steps()
WAITING_TASKS = [
    name
    for name, state in STATES.items()
    if state.get("Type") == "Task" and state.get("Resource", "").endswith(".waitForTaskToken")
]

WORKFLOW: dict[str, Any] = json.loads(
    Path(__file__).with_name("andesit_workflow.json").read_text(encoding="utf-8")
)
ROWS: list[dict[str, Any]] = WORKFLOW["steps"]
OPTION_CASES = [(row, option) for row in ROWS for option in row["options"]]

REKOMTEK = {"forms": ["rekomtek"], "documents": ["REKOMTEK"]}
SEND_MESSAGE = "arn:aws:states:::sqs:sendMessage"
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# State types whose transitions are all in Next / Choices / Default / Catch. Parallel and Map
# hide states in branches the walker below would not see.
WALKABLE_TYPES = {"Task", "Choice", "Pass", "Wait", "Succeed", "Fail"}


def _row_id(row: dict[str, Any]) -> str:
    return f"{row['step']} {row['status']}"


def _succeed_states() -> list[str]:
    return sorted(name for name, state in STATES.items() if state["Type"] == "Succeed")


def _body(name: str) -> dict[str, Any]:
    return STATES[name]["Parameters"]["MessageBody"]


def _asl_step(step_id: str, status: str) -> Step:
    matches = [s for s in HUMAN_STEPS if (s.step, s.status) == (step_id, status)]
    assert len(matches) == 1, f"{len(matches)} human steps are {step_id} '{status}'"
    return matches[0]


def _expected_target(to: dict[str, str]) -> tuple[str, str]:
    """(step, status) of a fixture target, or ("final", status)."""
    if "final" in to:
        return ("final", to["final"])
    if "status" in to:
        return (to["step"], to["status"])
    rows = [row for row in ROWS if row["step"] == to["step"]]
    assert len(rows) == 1, f"{to['step']} has several labels: the fixture must name the status"
    return (to["step"], rows[0]["status"])


def _keeps_input(state_or_catcher: dict[str, Any]) -> bool:
    """ResultPath null or `$.x` keeps the state input (ticket_no...); absent or `$` replaces it."""
    return "ResultPath" in state_or_catcher and state_or_catcher["ResultPath"] != "$"


# --- the graph ------------------------------------------------------------------------------


def test_walker_understands_every_state_type() -> None:
    assert {state["Type"] for state in STATES.values()} - WALKABLE_TYPES == set()


def test_start_at_names_a_state() -> None:
    assert ASL["StartAt"] in STATES


def test_every_transition_names_an_existing_state() -> None:
    dangling = {
        (name, target)
        for name in STATES
        for target in DEFINITION.successors(name)
        if target not in STATES
    }

    assert dangling == set()


def test_every_state_is_reachable_from_start() -> None:
    reachable = DEFINITION.reachable([ASL["StartAt"]])

    assert set(STATES) - reachable == set()


def test_every_state_can_reach_a_succeed_state() -> None:
    # GIVEN the graph walked backwards from the Succeed states
    can_finish = DEFINITION.reachable(_succeed_states(), backwards=True)

    # THEN no state is a dead end or a loop with no way out
    assert set(STATES) - can_finish == set()


def test_the_only_succeed_states_are_the_two_final_statuses() -> None:
    assert _succeed_states() == sorted(WORKFLOW["finals"])
    assert sorted(WORKFLOW["finals"]) == ["DISETUJUI DINAS ESDM", "DITOLAK DINAS ESDM"]


@pytest.mark.parametrize("status", WORKFLOW["finals"])
def test_final_status_is_announced_before_its_succeed_state(status: str) -> None:
    name = f"Keputusan akhir: {status}"
    state = STATES[name]

    assert (state["Type"], state["Resource"]) == ("Task", SEND_MESSAGE)
    assert (_body(name)["type"], _body(name)["status"]) == ("final", status)
    assert state["Next"] == status


# --- the steps against WORKFLOWS.md ---------------------------------------------------------


def test_human_steps_are_exactly_the_fixture_rows() -> None:
    in_asl = sorted((s.step, s.status) for s in HUMAN_STEPS)
    in_fixture = sorted((row["step"], row["status"]) for row in ROWS)

    assert in_asl == in_fixture


def test_the_workflow_starts_at_the_fixture_start() -> None:
    assert ASL["StartAt"] == DEFINITION.start.state
    assert DEFINITION.start.step == WORKFLOW["start"]


@pytest.mark.parametrize("row", ROWS, ids=_row_id)
def test_step_has_the_fixture_role_region_scope_and_options(row: dict[str, Any]) -> None:
    step = _asl_step(row["step"], row["status"])

    assert step.role == row["role"]
    assert step.region_scoped is row["region_scoped"]
    assert [(o.action, o.requires, o.result) for o in step.options] == [
        (o["action"], o["requires"], o["result"]) for o in row["options"]
    ]


@pytest.mark.parametrize(
    ("row", "option"),
    OPTION_CASES,
    ids=[f"{_row_id(row)} -> {option['action']}" for row, option in OPTION_CASES],
)
def test_option_leads_to_the_fixture_target(row: dict[str, Any], option: dict[str, Any]) -> None:
    # GIVEN the step as the ASL declares it
    step = _asl_step(row["step"], row["status"])

    # WHEN the official picks the option
    outcome = DEFINITION.outcome(step.state, option["action"])

    # THEN the ticket lands where WORKFLOWS.md says
    reached = ("final", outcome.status) if outcome.final else (outcome.step.step, outcome.status)
    assert reached == _expected_target(option["to"])


@pytest.mark.parametrize("step", HUMAN_STEPS, ids=lambda s: s.state)
def test_every_option_is_routed_by_a_choice_rule(step: Step) -> None:
    choice_name = STATES[step.state]["Next"]
    choice = STATES[choice_name]
    routed = {
        rule.get("StringEquals")
        for rule in choice.get("Choices", [])
        if rule.get("Variable") == DECISION_PATH
    }

    assert (choice_name, choice["Type"]) == (f"{step.state}: pilihan", "Choice")
    # no option falls through to Default ...
    assert {o.action for o in step.options} - routed == set()
    # ... which only re-opens the same step (a decision that matches nothing)
    assert choice["Default"] == step.state


@pytest.mark.parametrize("step", HUMAN_STEPS, ids=lambda s: s.state)
def test_no_choice_rule_names_an_action_that_is_not_an_option(step: Step) -> None:
    rules = STATES[f"{step.state}: pilihan"]["Choices"]
    actions = {o.action for o in step.options}

    assert all(set(rule) == {"Variable", "StringEquals", "Next"} for rule in rules), rules
    assert all(rule["Variable"] == DECISION_PATH for rule in rules)
    assert [r["StringEquals"] for r in rules if r["StringEquals"] not in actions] == []
    assert len(rules) == len({r["StringEquals"] for r in rules}), "an action is routed twice"


def test_only_a4_setujui_and_a10_setujui_dan_teruskan_require_rekomtek() -> None:
    requiring = {(s.step, o.action) for s in HUMAN_STEPS for o in s.options if o.required_forms}

    assert requiring == {("A4", "SETUJUI"), ("A10", "SETUJUI DAN TERUSKAN KE KEPALA BIDANG")}
    for step in HUMAN_STEPS:
        for option in step.options:
            if option.required_forms:
                assert option.requires == REKOMTEK
                assert option.required_forms == ("rekomtek",)
                assert option.required_documents == ("REKOMTEK",)


# --- waiting tasks: timeouts and messages ---------------------------------------------------


def test_every_waiting_task_is_a_human_step() -> None:
    assert [s.state for s in HUMAN_STEPS] == WAITING_TASKS
    assert all(STATES[name]["Resource"] == WAIT_FOR_TOKEN for name in WAITING_TASKS)


@pytest.mark.parametrize("name", WAITING_TASKS)
def test_waiting_task_has_a_timeout(name: str) -> None:
    state = STATES[name]

    assert "TimeoutSeconds" in state or "TimeoutSecondsPath" in state


@pytest.mark.parametrize("name", WAITING_TASKS)
def test_waiting_task_puts_the_decision_where_the_choice_reads_it(name: str) -> None:
    assert STATES[name]["ResultPath"] == DECISION_PATH.rsplit(".", 1)[0]


@pytest.mark.parametrize("name", WAITING_TASKS)
def test_timeout_sends_an_overdue_notice_then_reopens_the_same_step(name: str) -> None:
    # GIVEN the catcher for States.Timeout on the waiting task
    catchers = [c for c in STATES[name].get("Catch", []) if "States.Timeout" in c["ErrorEquals"]]
    assert len(catchers) == 1, f"{name}: {len(catchers)} catchers for States.Timeout"
    catcher = catchers[0]
    overdue_name = catcher["Next"]
    overdue = STATES[overdue_name]

    # THEN it leads to a plain (not waiting) SQS notice of type overdue about this step
    assert overdue_name == f"{name}: terlambat"
    assert (overdue["Type"], overdue["Resource"]) == ("Task", SEND_MESSAGE)
    body = _body(overdue_name)
    assert body["type"] == "overdue"
    for key in ("step", "status", "role", "region_scoped", "ticket_no.$"):
        assert body[key] == _body(name)[key], key
    # AND the step is opened again, with the ticket's input (ticket_no...) intact
    assert overdue["Next"] == name
    assert _keeps_input(catcher)
    assert _keeps_input(overdue)


@pytest.mark.parametrize("name", WAITING_TASKS)
def test_waiting_task_message_carries_the_token_and_the_ticket(name: str) -> None:
    body = _body(name)

    assert body["type"] == "step"
    assert body["task_token.$"] == "$$.Task.Token"
    assert body["ticket_no.$"] == "$.ticket_no"
    assert body["state.$"] == "$$.State.Name"
    assert body["entered_at.$"] == "$$.State.EnteredTime"


# --- ${placeholders} against the infra template ---------------------------------------------


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return json.loads((ROOT / "infra" / "resources.json").read_text(encoding="utf-8"))


def _resources_deploying(template: dict[str, Any], asl_file: Path) -> list[dict[str, Any]]:
    uri = asl_file.relative_to(ROOT).as_posix()
    return [
        resource
        for resource in template["Resources"].values()
        if resource.get("Properties", {}).get("DefinitionUri") == uri
    ]


def _placeholders(asl_file: Path) -> set[str]:
    return set(PLACEHOLDER.findall(asl_file.read_text(encoding="utf-8")))


def test_the_andesit_definition_is_among_the_asl_files() -> None:
    assert ASL_PATH in ASL_FILES


@pytest.mark.parametrize("asl_file", ASL_FILES, ids=lambda p: p.name)
def test_asl_file_is_deployed_by_a_state_machine_resource(
    template: dict[str, Any], asl_file: Path
) -> None:
    assert _resources_deploying(template, asl_file) != []


@pytest.mark.parametrize("asl_file", ASL_FILES, ids=lambda p: p.name)
def test_every_placeholder_has_a_substitution(template: dict[str, Any], asl_file: Path) -> None:
    for resource in _resources_deploying(template, asl_file):
        substitutions = resource["Properties"].get("DefinitionSubstitutions", {})

        assert _placeholders(asl_file) - set(substitutions) == set()


@pytest.mark.parametrize("asl_file", ASL_FILES, ids=lambda p: p.name)
def test_every_substitution_is_used(template: dict[str, Any], asl_file: Path) -> None:
    for resource in _resources_deploying(template, asl_file):
        substitutions = resource["Properties"].get("DefinitionSubstitutions", {})

        assert set(substitutions) - _placeholders(asl_file) == set()


def test_every_definition_uri_names_an_asl_file(template: dict[str, Any]) -> None:
    uris = [
        resource["Properties"]["DefinitionUri"]
        for resource in template["Resources"].values()
        if "DefinitionUri" in resource.get("Properties", {})
    ]

    assert "statemachine/andesit.asl.json" in uris
    assert [uri for uri in uris if ROOT / uri not in ASL_FILES] == []


# --- WorkflowDefinition ---------------------------------------------------------------------


def test_start_is_a1() -> None:
    definition = WorkflowDefinition.from_json(ASL_PATH.read_text(encoding="utf-8"))

    assert (definition.start.state, definition.start.step) == ("A1", "A1")
    assert definition.start.status == "MENUNGGU PERSETUJUAN KEPALA DINAS"


def test_final_statuses_are_the_two_decisions() -> None:
    assert sorted(DEFINITION.final_statuses()) == ["DISETUJUI DINAS ESDM", "DITOLAK DINAS ESDM"]


@pytest.mark.parametrize(
    ("state", "action", "next_state", "status"),
    [
        ("A1", "TERIMA", "A2", "DITERIMA KEPALA BIDANG"),
        ("A1", "TOLAK", None, "DITOLAK DINAS ESDM"),
        ("A9", "DISETUJUI DINAS ESDM", None, "DISETUJUI DINAS ESDM"),
        (
            "A5",
            "BERKAS DIKEMBALIKAN KE CABANG DINAS",
            "A10 dari Kepala Bidang",
            "REKOMTEK DITOLAK KE KEPALA BIDANG",
        ),
        (
            "A9",
            "BERKAS DIKEMBALIKAN KE CABANG DINAS",
            "A10 dari Kepala Dinas",
            "REKOMTEK DITOLAK KE KEPALA DINAS",
        ),
        # an action no rule names falls to Default: the same step again
        ("A4", "TIDAK ADA", "A4", "PROSES KAJIAN CABANG DINAS"),
    ],
)
def test_outcome(state: str, action: str, next_state: str | None, status: str) -> None:
    outcome = DEFINITION.outcome(state, action)

    assert outcome.status == status
    assert outcome.final is (next_state is None)
    assert (outcome.step.state if outcome.step else None) == next_state


def test_step_option_is_none_for_an_unknown_action() -> None:
    step = DEFINITION.step("A4")

    assert step.option("TIDAK ADA") is None
    assert step.option("SETUJUI") is not None
    assert step.option("SETUJUI").requires == REKOMTEK
    assert step.option("TOLAK").requires == {"note": True}


def test_every_refusal_and_return_requires_a_reason_and_nothing_else_does() -> None:
    for step in HUMAN_STEPS:
        for option in step.options:
            refuses_or_returns = "TOLAK" in option.action or "KEMBALI" in option.action
            assert option.requires_note is refuses_or_returns, (step.step, option.action)


def test_every_option_says_what_it_reads_as_afterwards_with_the_deciding_role() -> None:
    for step in HUMAN_STEPS:
        for option in step.options:
            assert option.result, (step.step, option.action)
            assert option.result.split()[0] in (
                "DITERIMA",
                "DISETUJUI",
                "DITOLAK",
                "DIKEMBALIKAN",
                "DITERUSKAN",
            )


@pytest.mark.parametrize("name", ["A1: pilihan", "A1: terlambat", "DITOLAK DINAS ESDM"])
def test_step_refuses_a_state_that_is_not_a_human_step(name: str) -> None:
    with pytest.raises(KeyError):
        DEFINITION.step(name)


def _tiny_workflow() -> WorkflowDefinition:
    """X1 -> choice; GO passes through a Pass state back to X1; anything else loops."""
    message = {
        "type": "step",
        "step": "X1",
        "status": "S",
        "role": "R",
        "options": [{"action": "GO"}],
    }
    return WorkflowDefinition(
        {
            "StartAt": "X1",
            "States": {
                "X1": {
                    "Type": "Task",
                    "Resource": WAIT_FOR_TOKEN,
                    "Parameters": {"MessageBody": message},
                    "Next": "X1: pilihan",
                },
                "X1: pilihan": {
                    "Type": "Choice",
                    "Choices": [{"Variable": DECISION_PATH, "StringEquals": "GO", "Next": "catat"}],
                    "Default": "putar",
                },
                "catat": {"Type": "Pass", "Next": "X1"},
                "putar": {"Type": "Pass", "Next": "X1: pilihan"},
            },
        }
    )


def test_outcome_passes_through_states_that_are_not_stops() -> None:
    definition = _tiny_workflow()

    outcome = definition.outcome("X1", "GO")

    assert outcome.step == definition.step("X1")
    assert outcome.step.option("GO").requires == {}
    assert outcome.step.region_scoped is False


def test_outcome_reports_a_route_that_never_stops() -> None:
    with pytest.raises(ValueError, match="no step or final reached"):
        _tiny_workflow().outcome("X1", "LAIN")
