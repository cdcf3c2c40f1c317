"""The code's configuration, roles and prefix agree with what infra/ declares."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from chalicelib.auth.roles import REGION_SCOPED, ROLE_LABELS, ROLES
from chalicelib.core.catalog import Catalog, Workflow
from chalicelib.settings import Settings
from chalicelib.validation import load_schema

ROOT = Path(__file__).resolve().parents[2]

# Settings fields that do not come from the template's Globals: the region is Lambda's own,
# the prefix is set in .chalice/config.json and the JWKS URL is derived.
NOT_FROM_TEMPLATE = {"region", "resource_prefix", "cognito_jwks_url"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return json.loads((ROOT / "infra" / "resources.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def function_variables(template: dict[str, Any]) -> dict[str, Any]:
    return template["Globals"]["Function"]["Environment"]["Variables"]


# --- settings <-> Globals.Function.Environment ---------------------------------------------


def test_every_setting_is_provided_by_the_template(function_variables: dict[str, Any]) -> None:
    needed = {f.name.upper() for f in fields(Settings) if f.name not in NOT_FROM_TEMPLATE}

    assert needed - set(function_variables) == set()


def test_every_template_variable_is_read_by_settings(function_variables: dict[str, Any]) -> None:
    known = {f.name.upper() for f in fields(Settings)}

    assert set(function_variables) - known == set()


def test_template_variables_read_into_the_matching_settings_field(
    function_variables: dict[str, Any],
) -> None:
    env = {name: f"value-of-{name}" for name in function_variables}

    settings = Settings.from_env(env)

    for name in function_variables:
        assert getattr(settings, name.lower()) == f"value-of-{name}"


# --- roles ---------------------------------------------------------------------------------


def _cognito_groups(template: dict[str, Any]) -> list[str]:
    return [
        resource["Properties"]["GroupName"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Cognito::UserPoolGroup"
    ]


def test_roles_are_unique() -> None:
    assert len(set(ROLES)) == len(ROLES)


def test_cognito_groups_are_exactly_the_roles(template: dict[str, Any]) -> None:
    groups = _cognito_groups(template)

    assert len(groups) == len(set(groups)), "a group is declared twice"
    assert set(groups) == set(ROLES)


@pytest.mark.parametrize("schema", ["user_create", "user_update"])
def test_role_enum_of_user_schemas_is_exactly_the_roles(schema: str) -> None:
    enum = load_schema(schema)["$defs"]["role"]["enum"]

    assert len(enum) == len(set(enum))
    assert set(enum) == set(ROLES)


def test_every_role_has_a_label_and_no_label_is_orphaned() -> None:
    assert set(ROLE_LABELS) == set(ROLES)
    assert all(label.strip() for label in ROLE_LABELS.values())


def test_region_scoped_roles_are_roles() -> None:
    assert set(REGION_SCOPED) <= set(ROLES)


# --- declared workflows <-> template ---------------------------------------------------------

WORKFLOWS: list[Workflow] = list(Catalog.load([ROOT / "chalicelib"]).workflows.values())
MACHINE_PREFIX = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:"


def _resources_of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in template["Resources"].items() if r["Type"] == rtype}


def test_chalicelib_declares_workflows() -> None:
    assert "andesit" in {w.id for w in WORKFLOWS}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.id)
def test_every_role_of_a_workflow_is_a_cognito_group(
    template: dict[str, Any], workflow: Workflow
) -> None:
    assert set(workflow.roles) - set(_cognito_groups(template)) == set()


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda w: w.id)
def test_every_workflow_has_its_state_machine_named_after_it(
    template: dict[str, Any], workflow: Workflow
) -> None:
    machines = _resources_of_type(template, "AWS::Serverless::StateMachine").values()
    named = [
        m["Properties"]
        for m in machines
        if m["Properties"]["Name"] == {"Fn::Sub": "${ResourcePrefix}-" + workflow.id}
    ]

    assert len(named) == 1, (
        f"one AWS::Serverless::StateMachine named ${{ResourcePrefix}}-{workflow.id}"
    )
    assert named[0]["DefinitionUri"] == f"statemachine/{workflow.id}.asl.json"
    assert (ROOT / named[0]["DefinitionUri"]).resolve() == workflow.asl_path.resolve()
    assert workflow.asl_path.is_file()
    assert set(named[0].get("DefinitionSubstitutions", {})) == {"WorkflowTasksQueueUrl"}


def test_every_state_machine_is_found_by_the_prefix_and_allowed_by_iam(
    template: dict[str, Any], function_variables: dict[str, Any]
) -> None:
    # The Lambda finds a workflow's machine as STATE_MACHINE_ARN_PREFIX + its id, and IAM
    # allows this stack's machines by the same prefix (no Ref to one machine).
    prefix = function_variables["STATE_MACHINE_ARN_PREFIX"]
    statements = {
        s["Sid"]: s
        for s in template["Resources"]["AppDataAccessPolicy"]["Properties"]["PolicyDocument"][
            "Statement"
        ]
    }

    assert prefix == {"Fn::Sub": MACHINE_PREFIX + "${ResourcePrefix}-"}
    assert statements["Workflows"]["Resource"] == {
        "Fn::Sub": MACHINE_PREFIX + "${ResourcePrefix}-*"
    }
    assert statements["WorkflowExecutions"]["Resource"] == {
        "Fn::Sub": MACHINE_PREFIX.replace(":stateMachine:", ":execution:") + "${ResourcePrefix}-*:*"
    }
    for name, machine in _resources_of_type(template, "AWS::Serverless::StateMachine").items():
        assert machine["Properties"]["Name"]["Fn::Sub"].startswith("${ResourcePrefix}-"), name


# --- resource prefix -----------------------------------------------------------------------


def test_chalice_resource_prefix_equals_template_default(template: dict[str, Any]) -> None:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))

    prefix = config["environment_variables"]["RESOURCE_PREFIX"]

    assert prefix == template["Parameters"]["ResourcePrefix"]["Default"]


# --- Settings.from_env ---------------------------------------------------------------------


def test_region_defaults_to_jakarta_when_no_aws_region_is_set() -> None:
    assert Settings.from_env({}).region == "ap-southeast-3"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AWS_DEFAULT_REGION": "eu-west-1"}, "eu-west-1"),
        ({"AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "eu-west-1"}, "us-east-1"),
        ({"AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-1"}, "eu-west-1"),
    ],
    ids=["default-region", "aws-region-wins", "empty-aws-region-ignored"],
)
def test_region_comes_from_the_aws_variables(env: dict[str, str], expected: str) -> None:
    assert Settings.from_env(env).region == expected


def test_resource_prefix_defaults_and_can_be_overridden() -> None:
    assert Settings.from_env({}).resource_prefix == "etracking"
    assert Settings.from_env({"RESOURCE_PREFIX": "etr-dev"}).resource_prefix == "etr-dev"


def test_missing_variables_read_as_empty_strings() -> None:
    settings = Settings.from_env({})

    assert settings.tickets_table == ""
    assert settings.user_pool_id == ""
    assert settings.cognito_jwks_url == "", "no pool, nothing to derive the JWKS URL from"


def test_jwks_url_is_derived_from_region_and_pool() -> None:
    settings = Settings.from_env({"AWS_REGION": "eu-west-1", "USER_POOL_ID": "eu-west-1_Abc123"})

    assert settings.cognito_jwks_url == (
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123/.well-known/jwks.json"
    )


def test_explicit_jwks_url_is_kept() -> None:
    env = {
        "USER_POOL_ID": "ap-southeast-3_Abc123",
        "COGNITO_JWKS_URL": "http://127.0.0.1:5000/ap-southeast-3_Abc123/.well-known/jwks.json",
    }

    settings = Settings.from_env(env)

    assert settings.cognito_jwks_url == env["COGNITO_JWKS_URL"]


def test_token_issuer_names_region_and_pool() -> None:
    settings = Settings.from_env({"USER_POOL_ID": "ap-southeast-3_Abc123"})

    assert (
        settings.token_issuer
        == "https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Abc123"
    )
    assert settings.cognito_jwks_url == f"{settings.token_issuer}/.well-known/jwks.json"


def test_from_env_reads_the_process_environment_when_given_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-1")
    monkeypatch.setenv("TICKETS_TABLE", "from-process-env")

    settings = Settings.from_env()

    assert settings.region == "ap-southeast-1"
    assert settings.tickets_table == "from-process-env"
