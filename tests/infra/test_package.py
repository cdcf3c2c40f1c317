"""The deployable template: what `make package` writes, checked by cfn-lint and by reading it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.stack import ROOT

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def packaged(chalice_package: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as `make package` leaves it: the state machines beside the template."""
    out = tmp_path_factory.mktemp("with-machines") / "package"
    shutil.copytree(chalice_package, out)
    if (ROOT / "statemachine").is_dir():
        shutil.copytree(ROOT / "statemachine", out / "statemachine")
    return out


@pytest.fixture(scope="module")
def template(packaged: Path) -> dict[str, Any]:
    return json.loads((packaged / "sam.json").read_text())


def test_cfn_lint_finds_nothing(packaged: Path) -> None:
    result = subprocess.run(
        [str(BIN / "cfn-lint"), str(packaged / "sam.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_function_role_gets_the_data_access_policy(template: dict[str, Any]) -> None:
    roles = {name for name, r in template["Resources"].items() if r["Type"] == "AWS::IAM::Role"}
    attached = {
        ref["Ref"] for ref in template["Resources"]["AppDataAccessPolicy"]["Properties"]["Roles"]
    }
    assert roles and roles == attached


def test_no_policy_grants_everything(template: dict[str, Any]) -> None:
    for name, resource in template["Resources"].items():
        documents = []
        if resource["Type"] == "AWS::IAM::Policy":
            documents.append(resource["Properties"]["PolicyDocument"])
        if resource["Type"] == "AWS::IAM::Role":
            documents += [p["PolicyDocument"] for p in resource["Properties"].get("Policies", [])]
        for document in documents:
            for statement in document["Statement"]:
                actions = statement["Action"]
                actions = actions if isinstance(actions, list) else [actions]
                assert not any(a == "*" or a.endswith(":*") for a in actions), (name, statement)


def test_api_is_served_under_the_api_stage(template: dict[str, Any]) -> None:
    rest_api = template["Resources"]["RestAPI"]["Properties"]
    assert rest_api["StageName"] == "api"


def test_functions_receive_the_resource_configuration(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["USER_POOL_ID"] == {"Ref": "UserPool"}
    assert variables["TICKETS_TABLE"] == {"Ref": "TicketsTable"}
    handler = template["Resources"]["APIHandler"]["Properties"]
    assert handler["Environment"]["Variables"]["RESOURCE_PREFIX"] == "etracking"


def test_every_sqs_handler_reports_partial_batch_failures(template: dict[str, Any]) -> None:
    sources = [
        (name, event)
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
        for event in (r["Properties"].get("Events") or {}).values()
        if event["Type"] == "SQS"
    ]
    assert len(sources) == 3
    for name, event in sources:
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        assert event["Properties"]["Queue"], name


def test_the_state_machine_is_packaged_with_its_definition(
    packaged: Path, template: dict[str, Any]
) -> None:
    machine = template["Resources"]["AndesitStateMachine"]["Properties"]
    assert machine["DefinitionUri"] == "statemachine/andesit.asl.json"
    assert (packaged / machine["DefinitionUri"]).is_file()
    assert set(machine["DefinitionSubstitutions"]) == {"WorkflowTasksQueueUrl"}
