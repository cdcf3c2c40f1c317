"""A decision whose task token Step Functions no longer accepts is undone, not half-kept."""

from __future__ import annotations

import json
import uuid

from local.client import application
from local.pkkpr_demo import JOURNEY, WARGA, returned
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"


def test_a_dead_task_token_undoes_the_claim_and_answers_409(stack: RunningStack) -> None:
    # GIVEN a ticket waiting at A1 whose recorded task token Step Functions does not know
    # (what AWS answers for a step that timed out while the official was deciding)
    c = stack.client
    no = f"D{uuid.uuid4().hex[:10].upper()}"
    assert c.send_application(application(no, "Token Mati")).status_code == 201
    c.wait_for_step(no, KADIS, "A1")
    kill_task_token(stack, no)

    # WHEN Kepala Dinas decides
    answer = c.call(
        "POST",
        f"/tickets/{no}/decision",
        KADIS,
        json={"step": "A1", "action": "TERIMA", "checked": True},
    )

    # THEN the decision is refused and nothing of it remains
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "STEP_NO_LONGER_WAITING"
    detail = c.ok("GET", f"/tickets/{no}", KADIS)
    assert detail["status"] == "MENUNGGU PERSETUJUAN KEPALA DINAS"
    assert detail["pending"]["step"] == "A1"
    track = c.ok("GET", f"/tickets/{no}/track", KADIS)["items"]
    assert [t["kind"] for t in track] == ["ARRIVAL", "WAITING"]
    decided = c.ok("GET", f"/tickets?box=decided&q={no}", KADIS)["items"]
    assert decided == []


def kill_task_token(stack: RunningStack, no: str) -> None:
    """The recorded task token of the waiting step becomes one Step Functions never issued."""
    ddb = stack.boto3_client("dynamodb")
    table = stack.env["TICKETS_TABLE"]
    item = ddb.get_item(TableName=table, Key={"ticket_no": {"S": no}}, ConsistentRead=True)["Item"]
    pending = json.loads(item["pending"]["S"])
    pending["task_token"] = "AAAA" + uuid.uuid4().hex
    item["pending"] = {"S": json.dumps(pending)}
    ddb.put_item(TableName=table, Item=item)


def test_a_correction_whose_task_token_died_is_undone_with_its_decision(
    stack: RunningStack,
) -> None:
    # GIVEN Siti's returned application, waiting for her at P1 with a dead task token
    c = stack.client
    no = returned(c, "Alamat kurang lengkap.")
    kill_task_token(stack, no)

    # WHEN she hands it in again with a corrected address
    corrected = {**JOURNEY["data"], "alamat_lokasi": "Jl. Anggrek No. 9, RT 01 RW 02"}
    answer = c.call(
        "POST",
        f"/tickets/{no}/decision",
        WARGA,
        json={"step": "P1", "action": "AJUKAN ULANG", "checked": True, "application": corrected},
    )

    # THEN it is refused, and neither the decision nor the correction remains
    assert (answer.status_code, answer.json()["code"]) == (409, "STEP_NO_LONGER_WAITING")
    now = c.ok("GET", f"/applications/{no}", WARGA)
    assert now["application"]["alamat_lokasi"] == JOURNEY["data"]["alamat_lokasi"]
    assert now["ticket"]["pending"]["step"] == "P1"
