"""The local provisioner's pure parts: creation order, intrinsic functions, coverage of types.

No AWS call is made: a Provisioner only builds a boto3 session in __init__ and creates clients
when a resource is actually created, which none of these tests reaches.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import pytest

from local.provision import (
    ACCOUNT_ID,
    NO_LOCAL_EFFECT,
    Provisioned,
    Provisioner,
    creation_order,
    extra_roots,
    load_template,
)

UNREACHABLE = "http://127.0.0.1:9"
REGION = "ap-southeast-3"
SUPPORTED_INTRINSICS = {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def referenced_names(value: Any) -> set[str]:
    """Names a template fragment points at, found independently of the code under test."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref":
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else arg.partition(".")[0])
            elif key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else arg
                found |= {m.partition(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)}
                found -= set(variables)
                found |= referenced_names(variables)
            else:
                found |= referenced_names(arg)
    elif isinstance(value, list):
        for item in value:
            found |= referenced_names(item)
    return found


def intrinsic_keys(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        found |= {k for k in value if k == "Ref" or k.startswith("Fn::")}
        for item in value.values():
            found |= intrinsic_keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= intrinsic_keys(item)
    return found


# --- creation_order ------------------------------------------------------------------------


@pytest.mark.parametrize("declared", ["as-written", "reversed"])
def test_real_template_creates_every_resource_after_what_it_references(
    template: dict[str, Any], declared: str
) -> None:
    # The template happens to be written in a valid order; reversed, the sort must do the work.
    resources = template["Resources"]
    if declared == "reversed":
        resources = dict(reversed(list(resources.items())))

    order = creation_order(resources)

    assert sorted(order) == sorted(resources), "each resource exactly once"
    position = {name: i for i, name in enumerate(order)}
    checked = 0
    for name, resource in resources.items():
        for dependency in referenced_names(resource) & set(resources):
            assert position[dependency] < position[name], f"{dependency} must precede {name}"
            checked += 1
    assert checked > 20, "the template is expected to have many internal references"


def test_creation_order_follows_references_not_declaration_order() -> None:
    # GIVEN resources declared before the ones they depend on, through every reference form
    resources = {
        "Subscription": {
            "Type": "T",
            "Properties": {"Endpoint": {"Fn::GetAtt": "Queue.Arn"}, "Topic": {"Ref": "Topic"}},
        },
        "Queue": {
            "Type": "T",
            "Properties": {
                "Redrive": {"Fn::GetAtt": ["DeadLetters", "Arn"]},
                "Name": {"Fn::Sub": ["${Base}-q", {"Base": {"Ref": "Topic"}}]},
            },
        },
        "Topic": {"Type": "T", "Properties": {"Name": {"Fn::Sub": "${DeadLetters.QueueName}-t"}}},
        "DeadLetters": {"Type": "T", "Properties": {"Name": {"Fn::Sub": "${AWS::Region}-dlq"}}},
    }

    order = creation_order(resources)

    assert order == ["DeadLetters", "Topic", "Queue", "Subscription"]


def test_creation_order_ignores_parameters_pseudo_parameters_and_outside_resources() -> None:
    resources = {
        "B": {"Properties": {"X": {"Ref": "ResourcePrefix"}, "Y": {"Fn::Sub": "${RestAPI}"}}},
        "A": {"Properties": {"Z": {"Ref": "AWS::AccountId"}}},
    }

    assert creation_order(resources) == ["B", "A"]


@pytest.mark.parametrize(
    "resources",
    [
        {
            "A": {"Properties": {"X": {"Ref": "B"}}},
            "B": {"Properties": {"Y": {"Fn::GetAtt": ["A", "Arn"]}}},
        },
        {
            "A": {"Properties": {"X": {"Fn::Sub": "${C.Arn}"}}},
            "B": {"Properties": {"Y": {"Ref": "A"}}},
            "C": {"Properties": {"Z": {"Ref": "B"}}},
        },
        {"A": {"Properties": {"Self": {"Ref": "A"}}}},
    ],
    ids=["two", "three-via-sub", "self"],
)
def test_creation_order_rejects_a_cycle(resources: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="circular reference"):
        creation_order(resources)


# --- Provisioned.resolve -------------------------------------------------------------------


@pytest.fixture
def state() -> Provisioned:
    return Provisioned(
        region=REGION,
        parameters={"ResourcePrefix": "etr", "WebOrigin": "https://perizinan.test"},
        refs={"Queue": "http://sqs.local/123456789012/etr-q", "Pool": "ap-southeast-3_abc"},
        attributes={
            ("Queue", "Arn"): "arn:aws:sqs:ap-southeast-3:123456789012:etr-q",
            ("Queue", "QueueName"): "etr-q",
            ("Db", "Endpoint.Address"): "db.local",
        },
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "ResourcePrefix"}, "etr"),
        ({"Ref": "AWS::Region"}, REGION),
        ({"Ref": "AWS::AccountId"}, ACCOUNT_ID),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::StackName"}, "etr"),
        ({"Ref": "Queue"}, "http://sqs.local/123456789012/etr-q"),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, "arn:aws:sqs:ap-southeast-3:123456789012:etr-q"),
        ({"Fn::GetAtt": "Queue.QueueName"}, "etr-q"),
        ({"Fn::GetAtt": "Db.Endpoint.Address"}, "db.local"),
        ({"Fn::Sub": "${ResourcePrefix}-tickets"}, "etr-tickets"),
        ({"Fn::Sub": "${Queue.Arn}/*"}, "arn:aws:sqs:ap-southeast-3:123456789012:etr-q/*"),
        (
            {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Pool}"},
            f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:ap-southeast-3_abc",
        ),
        (
            {"Fn::Sub": ["${Name}@${ResourcePrefix}", {"Name": {"Fn::GetAtt": "Queue.QueueName"}}]},
            "etr-q@etr",
        ),
        ({"Fn::Sub": ["${ResourcePrefix}", {"ResourcePrefix": "local-var"}]}, "local-var"),
        (
            {"Fn::Join": [":", ["a", {"Ref": "AWS::Region"}, {"Fn::GetAtt": "Queue.QueueName"}]]},
            f"a:{REGION}:etr-q",
        ),
        ({"Fn::Join": ["", []]}, ""),
    ],
    ids=[
        "ref-parameter",
        "ref-region",
        "ref-account",
        "ref-partition",
        "ref-stack-name",
        "ref-resource",
        "getatt-list",
        "getatt-dotted",
        "getatt-dotted-attribute-with-dot",
        "sub-parameter",
        "sub-attribute",
        "sub-pseudo-and-resource",
        "sub-with-variables",
        "sub-variable-shadows-parameter",
        "join",
        "join-empty",
    ],
)
def test_resolve_intrinsic(state: Provisioned, value: Any, expected: str) -> None:
    assert state.resolve(value) == expected


def test_resolve_walks_nested_dicts_and_lists_without_touching_the_input(
    state: Provisioned,
) -> None:
    value = {
        "QueueName": {"Fn::Sub": "${ResourcePrefix}-x"},
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["Queue", "Arn"]}, "max": 5},
        "Rules": [{"Origins": [{"Ref": "WebOrigin"}, "http://localhost"]}, True, None, 1.5],
        "Plain": {"Ref": "Queue", "Note": "two keys: not an intrinsic"},
    }
    original = copy.deepcopy(value)

    resolved = state.resolve(value)

    assert resolved == {
        "QueueName": "etr-x",
        "RedrivePolicy": {
            "deadLetterTargetArn": "arn:aws:sqs:ap-southeast-3:123456789012:etr-q",
            "max": 5,
        },
        "Rules": [{"Origins": ["https://perizinan.test", "http://localhost"]}, True, None, 1.5],
        "Plain": {"Ref": "Queue", "Note": "two keys: not an intrinsic"},
    }
    assert value == original


@pytest.mark.parametrize(
    "value",
    [{"Ref": "Nothing"}, {"Fn::GetAtt": ["Queue", "Nope"]}, {"Fn::Sub": "${Nothing.Arn}"}],
    ids=["ref", "getatt", "sub"],
)
def test_resolve_fails_loudly_on_an_unknown_name(state: Provisioned, value: Any) -> None:
    with pytest.raises(KeyError):
        state.resolve(value)


# --- the real template is within what the provisioner understands --------------------------


def test_every_resource_type_is_creatable_locally_or_deliberately_skipped(
    template: dict[str, Any],
) -> None:
    provisioner = Provisioner(UNREACHABLE, REGION)
    creatable = set(provisioner._creators)

    types = {resource["Type"] for resource in template["Resources"].values()}

    assert not creatable & NO_LOCAL_EFFECT, "a type cannot be both created and skipped"
    assert types - creatable - NO_LOCAL_EFFECT == set()


def test_template_uses_only_intrinsics_that_resolve_understands(template: dict[str, Any]) -> None:
    assert intrinsic_keys(template["Resources"]) | intrinsic_keys(template["Globals"]) <= (
        SUPPORTED_INTRINSICS
    )


def test_template_has_no_resource_attributes_the_provisioner_would_ignore(
    template: dict[str, Any],
) -> None:
    # creation_order reads only references, and run() has no notion of conditions.
    allowed = {"Type", "Properties", "DeletionPolicy", "UpdateReplacePolicy"}
    for name, resource in template["Resources"].items():
        assert set(resource) <= allowed, name
    assert "Conditions" not in template


def test_run_stops_on_a_resource_type_without_local_provisioner() -> None:
    # creation_order runs first, then the type check comes before resolve() and any client.
    template = {"Resources": {"Mystery": {"Type": "AWS::Foo::Bar", "Properties": {}}}}
    provisioner = Provisioner(UNREACHABLE, REGION, template=template)

    with pytest.raises(ValueError, match=r"Mystery: resource type AWS::Foo::Bar"):
        provisioner.run()


def test_run_skips_types_with_no_local_effect_without_resolving_them() -> None:
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"Arn": {"Fn::GetAtt": ["NotDeclared", "Arn"]}},
            },
            "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {"R": {"Ref": "Role"}}},
        }
    }
    provisioner = Provisioner(UNREACHABLE, REGION, template=template)

    state = provisioner.run()

    assert state.refs == {}
    assert state.attributes == {}


# --- function_environment ------------------------------------------------------------------


def test_function_environment_resolves_globals_against_the_provisioned_state() -> None:
    template = {
        "Parameters": {
            "ResourcePrefix": {"Type": "String", "Default": "etracking"},
            "WebOrigin": {"Type": "String", "Default": "https://default.example"},
            "Retries": {"Type": "Number", "Default": 3},
        },
        "Globals": {
            "Function": {
                "Environment": {
                    "Variables": {
                        "TICKETS_TABLE": {"Ref": "TicketsTable"},
                        "QUEUE_ARN": {"Fn::GetAtt": ["Queue", "Arn"]},
                        "WEB_BASE_URL": {"Ref": "WebOrigin"},
                        "PREFIX_IN_REGION": {"Fn::Sub": "${ResourcePrefix}@${AWS::Region}"},
                        "RETRIES": {"Ref": "Retries"},
                        "LITERAL": 42,
                    }
                }
            }
        },
        "Resources": {},
    }
    provisioner = Provisioner(
        UNREACHABLE, REGION, parameters={"WebOrigin": "https://given.example"}, template=template
    )
    provisioner.state.refs["TicketsTable"] = "etracking-tickets"
    provisioner.state.attributes[("Queue", "Arn")] = "arn:aws:sqs:x:1:q"

    env = provisioner.function_environment()

    assert env == {
        "TICKETS_TABLE": "etracking-tickets",
        "QUEUE_ARN": "arn:aws:sqs:x:1:q",
        "WEB_BASE_URL": "https://given.example",
        "PREFIX_IN_REGION": f"etracking@{REGION}",
        "RETRIES": "3",
        "LITERAL": "42",
    }


def test_function_environment_of_the_real_template(template: dict[str, Any]) -> None:
    # GIVEN the parameters a deployment must supply: three secrets without a default, and the
    # callback URL whose default ("") would leave the variable empty
    parameters = {
        "PtspWebhookSecret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "PtspCallbackSecret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        "CursorSecret": "k3Qv9yZr2Lw8PbXc6NfT1hJm4SdGa7Ue",
        "TrackingSecret": "t7Lp2Qw9Zx4Rc8Vb3Nm6Hj1Kd5Fs0Ga2",
        "PtspCallbackUrl": "https://ptsp.example.go.id/callback",
    }
    for name, value in parameters.items():
        declared = template["Parameters"][name]
        assert re.fullmatch(declared.get("AllowedPattern", ".*"), value), name
    provisioner = Provisioner(UNREACHABLE, REGION, parameters=parameters)
    for name in template["Resources"]:
        provisioner.state.refs[name] = f"<{name}>"

    # WHEN the app's environment is resolved
    env = provisioner.function_environment()

    # THEN every variable is set, resources by reference, parameters given or defaulted
    assert set(env) == set(template["Globals"]["Function"]["Environment"]["Variables"])
    assert env["TICKETS_TABLE"] == "<TicketsTable>"
    assert env["USER_POOL_ID"] == "<UserPool>"
    assert env["WEB_BASE_URL"] == template["Parameters"]["WebOrigin"]["Default"]
    assert env["PTSP_WEBHOOK_SECRET"] == parameters["PtspWebhookSecret"]
    assert env["PTSP_CALLBACK_SECRET"] == parameters["PtspCallbackSecret"]
    assert env["PTSP_CALLBACK_URL"] == parameters["PtspCallbackUrl"]
    assert env["CURSOR_SECRET"] == parameters["CursorSecret"]
    # … every workflow's machine is found by its id after this prefix (`etracking-andesit`)
    assert env["STATE_MACHINE_ARN_PREFIX"] == (
        f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:etracking-"
    )
    assert env["STATE_MACHINE_ARN_PREFIX"] + "andesit" == (
        f"arn:aws:states:{REGION}:{ACCOUNT_ID}:stateMachine:"
        + provisioner.state.resolve(
            template["Resources"]["AndesitStateMachine"]["Properties"]["Name"]
        )
    )
    # … and on AWS only chalicelib/'s declarations are read (the local stack may add roots)
    assert env.pop("EXTRA_DECLARATIONS") == ""
    # … the signer is BSrE's client unless configured otherwise; its address, credentials,
    # the signing NIK and trust roots are the deployment's (the local signer's folder unused)
    assert env.pop("SIGNER") == "bsre"
    signer_settings = ("SIGNER_DIR", "SIGNER_NIK", "BSRE_URL", "BSRE_USERNAME", "BSRE_PASSWORD")
    # … and so are WhatsApp's sender and token (Meta's endpoint and version have defaults)
    assert {env.pop(n) for n in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_TOKEN")} == {""}
    assert {env.pop(name) for name in (*signer_settings, "SK_TRUST_ROOTS")} == {""}
    assert all(isinstance(v, str) and v for v in env.values())


def test_function_environment_without_globals_is_empty() -> None:
    provisioner = Provisioner(UNREACHABLE, REGION, template={"Resources": {}})

    assert provisioner.function_environment() == {}


# --- extra declaration roots ----------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", os.pathsep, f" {os.pathsep} "])
def test_no_extra_roots_when_the_setting_is_empty(value: str | None) -> None:
    assert extra_roots(value) == []


def test_extra_roots_are_split_on_the_path_separator_and_made_absolute(tmp_path: Path) -> None:
    value = os.pathsep.join([str(tmp_path / "satu"), "", "relatif/dua"])

    roots = extra_roots(value)

    assert roots == [tmp_path / "satu", Path("relatif/dua").resolve()]
    assert all(root.is_absolute() for root in roots)


def test_the_cdn_answers_the_console_for_the_paths_the_local_gateway_does(
    template: dict[str, Any],
) -> None:
    """An SK's QR code opens /verifikasi/<token>: on AWS the CloudFront function rewrites it
    to index.html as local/gateway.py does locally, or every printed SK's link breaks."""
    from local.gateway import PAGE_PATHS

    code = template["Resources"]["WebPagePaths"]["Properties"]["FunctionCode"]
    behaviour = template["Resources"]["WebDistribution"]["Properties"]["DistributionConfig"][
        "DefaultCacheBehavior"
    ]

    assert all(f"'{path}'" in code for path in PAGE_PATHS)
    assert behaviour["FunctionAssociations"][0]["EventType"] == "viewer-request"
