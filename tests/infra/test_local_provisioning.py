"""The template provisioned on moto in process: event routing of the ticket-events topic,
the extra declaration roots' state machines and groups, and the demo accounts' agencies.

No stack and no network: the provisioner's clients are intercepted by `mock_aws`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws

from local.provision import ROOT, Provisioned, Provisioner, load_template

REGION = "ap-southeast-3"
PARAMETERS = {
    "PtspWebhookSecret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "PtspCallbackSecret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    "CursorSecret": "k3Qv9yZr2Lw8PbXc6NfT1hJm4SdGa7Ue",
}


@pytest.fixture
def provisioned(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Provisioner, Provisioned]]:
    """Every resource of infra/resources.json, created by the local provisioner on moto."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        provisioner = Provisioner(None, REGION, PARAMETERS)
        yield provisioner, provisioner.run()


# --- SNS: which events reach the PTSP callbacks queue ---------------------------------------


def _drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages", [])
        if not batch:
            return messages
        messages += batch
        for message in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _attributes(event_type: str, integrations: list[str] | None) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "event_type": {"DataType": "String", "StringValue": event_type},
        "workflow": {"DataType": "String", "StringValue": "andesit"},
        "agency": {"DataType": "String", "StringValue": "esdm-jateng"},
    }
    if integrations is not None:
        attributes["integrations"] = {
            "DataType": "String.Array",
            "StringValue": json.dumps(integrations),
        }
    return attributes


def test_ptsp_callbacks_get_only_decisions_of_workflows_that_declare_the_integration(
    provisioned: tuple[Provisioner, Provisioned],
) -> None:
    provisioner, state = provisioned
    sns, sqs = provisioner.client("sns"), provisioner.client("sqs")
    # GIVEN events as the app publishes them: String.Array `integrations` from the workflow
    events = {
        "decided-ptsp": ("ticket.decided", ["ptsp_callback"]),
        "decided-ptsp-and-more": ("ticket.decided", ["whatsapp", "ptsp_callback"]),
        "decided-no-integration": ("ticket.decided", []),
        "decided-other-integration": ("ticket.decided", ["ptsp_callback_v2"]),
        "decided-without-attribute": ("ticket.decided", None),
        "moved-ptsp": ("ticket.moved", ["ptsp_callback"]),
    }

    # WHEN each is published on the ticket-events topic
    for name, (event_type, integrations) in events.items():
        sns.publish(
            TopicArn=state.refs["TicketEventsTopic"],
            Message=json.dumps({"name": name}),
            MessageAttributes=_attributes(event_type, integrations),
        )

    # THEN PTSP gets the decisions of workflows declaring ptsp_callback, and nothing else
    to_ptsp = _drain(sqs, state.refs["PtspCallbacksQueue"])
    assert sorted(json.loads(m["Body"])["name"] for m in to_ptsp) == [
        "decided-ptsp",
        "decided-ptsp-and-more",
    ]
    # … while the notifications queue (no filter) gets every event
    notified = _drain(sqs, state.refs["NotificationsQueue"])
    assert sorted(json.loads(m["Body"])["name"] for m in notified) == sorted(events)


def test_the_filter_policy_is_the_templates(
    provisioned: tuple[Provisioner, Provisioned],
) -> None:
    provisioner, state = provisioned

    attributes = provisioner.client("sns").get_subscription_attributes(
        SubscriptionArn=state.refs["PtspCallbacksSubscription"]
    )["Attributes"]

    assert json.loads(attributes["FilterPolicy"]) == {
        "event_type": ["ticket.decided"],
        "integrations": ["ptsp_callback"],
    }
    assert attributes["FilterPolicyScope"] == "MessageAttributes"


# --- extra declaration roots -----------------------------------------------------------------


def _declare(root: Path, workflow_id: str, agency: str, roles: dict[str, str]) -> None:
    """A declaration root with one workflow (Andesit's ASL under another id) and its agency."""
    (root / "agencies").mkdir(parents=True, exist_ok=True)
    (root / "agencies" / f"{agency}.json").write_text(
        json.dumps({"id": agency, "name": f"Instansi {agency}"})
    )
    folder = root / "workflows" / workflow_id
    folder.mkdir(parents=True)
    (folder / "workflow.json").write_text(
        json.dumps(
            {
                "id": workflow_id,
                "agency": agency,
                "title": f"Alur {workflow_id}",
                "permit_types": [{"id": "UJI", "short": "Uji", "label": "Izin Uji"}],
                "roles": {role: {"label": label} for role, label in roles.items()},
            }
        )
    )
    (root / "statemachine").mkdir(exist_ok=True)
    shutil.copy(
        ROOT / "statemachine" / "andesit.asl.json",
        root / "statemachine" / f"{workflow_id}.asl.json",
    )


def _groups(provisioner: Provisioner, state: Provisioned) -> dict[str, str]:
    found = provisioner.client("cognito-idp").list_groups(
        UserPoolId=state.refs["UserPool"], Limit=60
    )["Groups"]
    return {g["GroupName"]: g.get("Description", "") for g in found}


def test_a_workflow_of_an_extra_root_gets_its_machine_and_groups_like_the_templates(
    provisioned: tuple[Provisioner, Provisioned], tmp_path: Path
) -> None:
    provisioner, state = provisioned
    sfn = provisioner.client("stepfunctions")
    before = _groups(provisioner, state)
    _declare(tmp_path / "satu", "izin-coba", "coba-kota", {"PETUGAS_COBA": "Petugas Coba"})
    _declare(tmp_path / "dua", "izin-dua", "dua-kota", {"PETUGAS_DUA": "Petugas", "ADMIN": "A"})

    created = provisioner.provision_workflows([tmp_path / "satu", tmp_path / "dua"])

    # THEN each workflow's machine is named and defined like AndesitStateMachine …
    assert created == ["izin-coba", "izin-dua"]
    andesit = sfn.describe_state_machine(stateMachineArn=state.refs["AndesitStateMachine"])
    prefix = andesit["stateMachineArn"].removesuffix("andesit")
    for workflow_id in created:
        machine = sfn.describe_state_machine(stateMachineArn=prefix + workflow_id)
        assert machine["name"] == f"etracking-{workflow_id}"
        assert machine["definition"] == andesit["definition"], "same ASL, same substitutions"
        assert state.refs["WorkflowTasksQueue"] in machine["definition"]
        assert "${" not in machine["definition"]
    # … and each role that was not a group is one now (ADMIN was already)
    after = _groups(provisioner, state)
    assert set(after) - set(before) == {"PETUGAS_COBA", "PETUGAS_DUA"}
    assert after["PETUGAS_COBA"] == "Petugas Coba"
    assert after["ADMIN"] == before["ADMIN"]


def test_a_workflow_whose_machine_the_template_declares_is_not_created_again(
    provisioned: tuple[Provisioner, Provisioned], tmp_path: Path
) -> None:
    provisioner, _ = provisioned
    _declare(tmp_path, "andesit", "esdm-jateng", {"KEPALA_DINAS": "Kepala Dinas"})

    assert provisioner.provision_workflows([tmp_path]) == []


def test_an_empty_or_missing_root_provisions_nothing(
    provisioned: tuple[Provisioner, Provisioned], tmp_path: Path
) -> None:
    provisioner, state = provisioned
    before = _groups(provisioner, state)

    assert provisioner.provision_workflows([tmp_path, tmp_path / "tidak-ada"]) == []
    assert _groups(provisioner, state) == before


# --- demo accounts ---------------------------------------------------------------------------


def test_the_seed_writes_each_demo_accounts_agency(
    provisioned: tuple[Provisioner, Provisioned],
) -> None:
    from chalicelib.adapters.users import UserDirectory
    from local.seed import demo_users, seed_users

    provisioner, state = provisioned
    idp = provisioner.client("cognito-idp")
    directory = UserDirectory(idp, state.refs["UserPool"], state.refs["UserPoolClient"])

    seed_users(directory, "Demo#2026!")

    for user in demo_users():
        got = idp.admin_get_user(UserPoolId=state.refs["UserPool"], Username=user["email"])
        attributes = {a["Name"]: a["Value"] for a in got["UserAttributes"]}
        assert attributes.get("custom:agency") == user.get("agency"), user["email"]


def test_demo_accounts_belong_to_declared_agencies_and_roles_are_groups() -> None:
    from chalicelib.core.catalog import Catalog
    from local.seed import demo_users

    agencies = set(Catalog.load([ROOT / "chalicelib"]).agencies)
    groups = {
        r["Properties"]["GroupName"]
        for r in load_template()["Resources"].values()
        if r["Type"] == "AWS::Cognito::UserPoolGroup"
    }
    users = demo_users()

    assert {u["agency"] for u in users if u.get("agency")} <= agencies
    assert {role for u in users for role in u["roles"]} <= groups
    assert [u for u in users if "PEMOHON" in u["roles"] and u.get("agency")] == []
    admins = {u["agency"] for u in users if "ADMIN" in u["roles"]}
    assert admins == agencies, "one administrator per agency"
