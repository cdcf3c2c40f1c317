"""What officials see: their boxes, search, region scoping, documents, map, notifications."""

from __future__ import annotations

import json
import time
import uuid

import pytest
import requests

from local.client import application
from local.demo_files import demo_pdf, demo_png
from tests.stack import RunningStack

KADIS = "kadis@esdm.demo"
KABID = "kabid@esdm.demo"
SEMARANG = "cabdin.semarang@esdm.demo"
KENDENG = "cabdin.kendeng@esdm.demo"


def new_ticket(stack: RunningStack, name: str, **extra) -> str:
    no = f"O{uuid.uuid4().hex[:10].upper()}"
    response = stack.client.send_application(application(no, name, **extra))
    assert response.status_code == 201, response.text
    return no


def at_cabang_dinas(stack: RunningStack, name: str, region: str, who: str) -> str:
    c = stack.client
    no = new_ticket(stack, name, region=region)
    assert c.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    assert c.decide(no, KABID, "A2", "TERIMA").status_code == 200
    c.wait_for_step(no, who, "A4")
    return no


def numbers(page: dict) -> list[str]:
    return [item["ticket_no"] for item in page["items"]]


def test_cabang_dinas_sees_and_acts_on_its_own_region_only(stack: RunningStack) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Wahyu Hidayat", "KENDENG MURIA", KENDENG)

    kendeng_box = c.ok("GET", "/tickets?box=pending&q=" + no, KENDENG)
    semarang_box = c.ok("GET", "/tickets?box=pending&q=" + no, SEMARANG)
    semarang_detail = c.call("GET", f"/tickets/{no}", SEMARANG)
    semarang_decision = c.call(
        "POST",
        f"/tickets/{no}/decision",
        SEMARANG,
        json={"step": "A4", "action": "TOLAK", "checked": True},
    )

    assert numbers(kendeng_box) == [no]
    assert numbers(semarang_box) == []
    assert semarang_detail.status_code == 403
    assert semarang_detail.json()["code"] == "REGION_NOT_ALLOWED"
    assert semarang_decision.status_code == 403
    assert c.ok("GET", f"/tickets/{no}", KENDENG)["pending"]["my_turn"] is True


def test_detail_offers_options_only_to_the_role_whose_turn_it_is(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack, "Bambang Pamungkas")
    mine = c.wait_for_step(no, KADIS, "A1")

    theirs = c.ok("GET", f"/tickets/{no}", KABID)

    assert [o["action"] for o in mine["pending"]["options"]] == ["TERIMA", "TOLAK"]
    assert mine["pending"]["my_turn"] is True
    assert theirs["pending"]["options"] == [] and theirs["pending"]["my_turn"] is False
    assert theirs["position"] == "Kepala Dinas"


def test_search_by_word_prefix_of_the_name_or_the_ticket_number(stack: RunningStack) -> None:
    c = stack.client
    marker = uuid.uuid4().hex[:6]
    no = new_ticket(stack, f"Aceng Sudegdo{marker}", permit_type="IUJP")
    c.wait_for_step(no, KADIS, "A1")

    by_word = c.ok("GET", f"/tickets?q=SUDEGDO{marker[:3]}", KADIS)
    by_number = c.ok("GET", f"/tickets?q={no[:6].lower()}", KADIS)
    by_middle = c.ok("GET", f"/tickets?q=degdo{marker}", KADIS)
    by_type = c.ok("GET", f"/tickets?permit_type=IUJP&q=sudegdo{marker}", KADIS)
    other_type = c.ok("GET", f"/tickets?permit_type=WIUP&q=sudegdo{marker}", KADIS)

    assert no in numbers(by_word)
    assert no in numbers(by_number)
    assert no not in numbers(by_middle)
    assert numbers(by_type) == [no]
    assert numbers(other_type) == []


def test_pages_follow_the_cursor_without_repeats(stack: RunningStack) -> None:
    c = stack.client
    marker = f"Halaman{uuid.uuid4().hex[:6]}"
    made = [new_ticket(stack, f"{marker} {i}", permit_type="IZIN_SEMENTARA") for i in range(5)]
    for no in made:
        c.wait_for_step(no, KADIS, "A1")

    seen: list[str] = []
    cursor = None
    for _ in range(10):
        path = f"/tickets?permit_type=IZIN_SEMENTARA&q={marker}&limit=2"
        page = c.ok("GET", path + (f"&cursor={cursor}" if cursor else ""), KADIS)
        assert len(page["items"]) <= 2
        seen += numbers(page)
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert sorted(seen) == sorted(made)
    bad = c.call("GET", "/tickets?cursor=%%%", KADIS)
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID_CURSOR"


def test_decided_box_lists_what_i_decided_and_counts_follow(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack, f"Kotak{uuid.uuid4().hex[:6]}", permit_type="IUP_EKSPLORASI")
    c.wait_for_step(no, KADIS, "A1")
    before = c.ok("GET", "/tickets/summary", KADIS)["pending"]["IUP_EKSPLORASI"]

    assert c.decide(no, KADIS, "A1", "TERIMA").status_code == 200

    decided = c.ok("GET", f"/tickets?box=decided&q={no}", KADIS)
    assert numbers(decided) == [no]
    assert decided["items"][0]["status"] == "DITERIMA KEPALA BIDANG"
    assert numbers(c.ok("GET", f"/tickets?box=decided&q={no}", KABID)) == []
    after = c.ok("GET", "/tickets/summary", KADIS)["pending"]["IUP_EKSPLORASI"]
    assert after == before - 1


def test_next_role_is_notified_in_the_seed_form_and_can_mark_it_read(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack, "Aceng Sudegdo")
    assert c.decide(no, KADIS, "A1", "TERIMA").status_code == 200
    c.wait_for_step(no, KABID, "A2")

    found = None
    for _ in range(50):
        inbox = c.ok("GET", "/notifications?limit=50", KABID)
        found = next((n for n in inbox["items"] if n["ticket_no"] == no), None)
        if found:
            break
        time.sleep(0.2)

    assert found is not None
    assert found["title"] == f"Approval Kepala Dinas, no. ticket : {no}"
    assert found["message"] == (
        f"Pengajuan WIUP dengan no ticket {no}, DITERIMA KEPALA DINAS. Izin dapat diproses "
        "oleh KEPALA BIDANG untuk approval selanjutnya."
    )
    assert found["summary"]["Nomor Ticket"] == no
    assert found["summary"]["Status Saat Ini"] == "DITERIMA KEPALA BIDANG"
    assert found["summary"]["Posisi"] == "Kepala Bidang"
    assert found["link"].endswith(f"/#/tiket/{no}")
    unread = inbox["unread"]
    read = c.ok("POST", f"/notifications/{found['id']}/read", KABID)
    assert read["read"] is True
    assert c.ok("GET", "/notifications", KABID)["unread"] == unread - 1
    missing = c.call("POST", "/notifications/tidak-ada/read", KABID)
    assert missing.status_code == 404


def test_officials_with_a_phone_get_an_sms_with_the_link(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack, "Sms Uji")
    c.wait_for_step(no, KADIS, "A1")

    mine = stack.sms_to(no)  # moto records every SMS sent
    assert "+6281200000001" in mine[0] and f"/#/tiket/{no}" in mine[0]


def test_documents_only_real_files_from_the_role_whose_turn_it_is(stack: RunningStack) -> None:
    c = stack.client
    no = at_cabang_dinas(stack, "Dokumen Uji", "SEMARANG DEMAK", SEMARANG)

    not_pdf = c.upload(no, SEMARANG, b"PK\x03\x04 ini zip")
    png_as_pdf = c.upload(no, SEMARANG, demo_png())
    by_kabid = c.call(
        "POST",
        f"/tickets/{no}/documents",
        KABID,
        json={
            "kind": "REKOMTEK",
            "filename": "a.pdf",
            "content_type": "application/pdf",
            "size": 10,
        },
    )
    too_big = c.call(
        "POST",
        f"/tickets/{no}/documents",
        SEMARANG,
        json={
            "kind": "REKOMTEK",
            "filename": "a.pdf",
            "content_type": "application/pdf",
            "size": 10 * 1024 * 1024 + 1,
        },
    )
    map_image = c.upload(no, SEMARANG, demo_png(), "PETA", "peta.png", "image/png")
    pdf = c.upload(no, SEMARANG, demo_pdf("Surat Rekomendasi Teknis", ["Uji"]))

    assert (not_pdf.status_code, not_pdf.json()["code"]) == (422, "INVALID_DOCUMENT")
    assert (png_as_pdf.status_code, png_as_pdf.json()["code"]) == (422, "INVALID_DOCUMENT")
    assert (by_kabid.status_code, by_kabid.json()["code"]) == (403, "NOT_YOUR_TURN")
    assert too_big.status_code == 400 and too_big.json()["field"] == "size"
    assert map_image.status_code == 200, map_image.text
    assert pdf.status_code == 200, pdf.text
    detail = c.ok("GET", f"/tickets/{no}", KABID)
    assert sorted(d["kind"] for d in detail["documents"]) == ["PETA", "REKOMTEK"]
    link = c.ok("GET", f"/tickets/{no}/documents/{pdf.json()['id']}", KABID)
    downloaded = requests.get(link["url"], timeout=30)
    assert downloaded.status_code == 200 and downloaded.content.startswith(b"%PDF-")
    assert "key" not in link


def test_map_is_a_geojson_feature_of_the_location(stack: RunningStack) -> None:
    c = stack.client
    no = new_ticket(stack, "Peta Uji", lon=110.5, lat=-6.9)

    feature = c.ok("GET", f"/tickets/{no}/map", KABID)

    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["bbox"] == pytest.approx([110.49, -6.91, 110.51, -6.89])
    assert feature["properties"]["ticket_no"] == no
    lon, lat = feature["properties"]["centroid"]
    assert abs(lon - 110.5) < 1e-9 and abs(lat + 6.9) < 1e-9


def test_officials_are_emailed_through_sns_filtered_to_their_own_address(
    stack: RunningStack,
) -> None:
    # GIVEN a queue listening on the alerts topic beside the officials' email subscriptions
    sns, sqs = stack.boto3_client("sns"), stack.boto3_client("sqs")
    topic = stack.env["OFFICIAL_ALERTS_TOPIC_ARN"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    kadis = next(s for s in subscriptions if s["Endpoint"] == KADIS)
    policy = sns.get_subscription_attributes(SubscriptionArn=kadis["SubscriptionArn"])
    assert kadis["Protocol"] == "email"
    assert json.loads(policy["Attributes"]["FilterPolicy"]) == {"recipient": [KADIS]}
    queue = sqs.create_queue(QueueName=f"uji-email-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["QueueArn"])

    # WHEN a new application waits for Kepala Dinas
    no = new_ticket(stack, "Surel Uji")
    stack.client.wait_for_step(no, KADIS, "A1")

    # THEN an email for kadis carries the title, the table and the PROSES IZIN link
    mails: list[dict] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not mails:
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
        for m in received.get("Messages", []):
            envelope = json.loads(m["Body"])
            if no in envelope["Message"]:
                mails.append(envelope)
    assert mails
    mail = mails[0]
    assert mail["Subject"] == f"Pengajuan baru dari PTSP, no. ticket : {no}"
    assert mail["MessageAttributes"]["recipient"]["Value"] == KADIS
    assert f"Nomor Ticket      : {no}" in mail["Message"]
    assert f"PROSES IZIN: {stack.url.rstrip('/')}/#/tiket/{no}" in mail["Message"]
