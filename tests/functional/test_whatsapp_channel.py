"""WhatsApp template messages, sent by the Cloud API adapter to the local fake of Meta's Graph
endpoint over localhost (no local stack): what reaches Meta, which refusals the outbox drops
and which it repeats, and that the access token never shows in an error."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from chalicelib.adapters.whatsapp import WhatsAppCloud, template_message
from chalicelib.errors import DeliveryFailed, PermanentFailure
from local import fake_whatsapp

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
TEMPLATES = json.loads((HERE / "whatsapp_templates.json").read_text(encoding="utf-8"))
REFUSALS = json.loads((HERE / "whatsapp_refusals.json").read_text(encoding="utf-8"))
DOCUMENTED_REQUEST = json.loads((HERE / "whatsapp_template_request.json").read_text("utf-8"))
TOKEN = "EAAGrahasiaJanganBocor0123456789"
VERSION = "v26.0"
SENDER = "106540352242922"
APPLICANT = "+6281234567890"
STATUS_PARAMETERS = ["27419", "DISETUJUI KEPALA BIDANG", "Berkas lengkap."]


class Fake:
    """A running fake: its URL, its records directory, and helpers a test needs."""

    def __init__(self, url: str, directory: Path) -> None:
        self.url = url
        self.directory = directory

    def client(self, token: str = TOKEN, timeout: float = 5.0) -> WhatsAppCloud:
        return WhatsAppCloud(self.url, VERSION, SENDER, token, timeout)

    def messages(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/messages", timeout=5) as response:
            return json.loads(response.read())["items"]

    def fail_next(self, **plan: Any) -> None:
        _post(f"{self.url}/_fail", plan)


def _post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers=headers or {}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[Fake]:
    url, stop = fake_whatsapp.start(
        port=0, directory=tmp_path, token=TOKEN, phone_number_id=SENDER, templates=TEMPLATES
    )
    yield Fake(url, tmp_path)
    stop()


def _raised(send: Callable[[], object]) -> Exception:
    with pytest.raises((PermanentFailure, DeliveryFailed)) as caught:
        send()
    return caught.value


def _assert_secret(error: Exception) -> None:
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert error.__cause__ is None or TOKEN not in repr(error.__cause__)


# --- what reaches Meta ------------------------------------------------------------------------


def test_a_template_message_reaches_whatsapp_as_sent(fake: Fake) -> None:
    # WHEN the applicant is told their ticket moved on
    message_id = fake.client().send_template(APPLICANT, "izin_status_diperbarui", STATUS_PARAMETERS)

    # THEN Meta has one Indonesian template message for their number, with the parameters
    [sent] = fake.messages()
    assert sent["id"] == message_id
    assert message_id.startswith("wamid.")
    assert sent["to"] == "6281234567890"
    assert sent["phone_number_id"] == SENDER
    assert (sent["template"], sent["language"]) == ("izin_status_diperbarui", "id")
    assert sent["parameters"] == STATUS_PARAMETERS


def test_the_request_is_the_one_meta_documents() -> None:
    body = template_message(APPLICANT, "izin_status_diperbarui", STATUS_PARAMETERS)

    assert body == DOCUMENTED_REQUEST


def test_a_reason_typed_over_several_lines_is_sent_on_one(fake: Fake) -> None:
    # GIVEN a rejection reason with line breaks and a run of spaces, which Meta refuses
    # (132018), and an empty parameter, which it refuses too
    reason = "Berkas belum lengkap:\n- peta lokasi\n\t- KTP      pemohon"

    # WHEN it is sent
    fake.client().send_template(APPLICANT, "izin_status_diperbarui", ["27419", "", reason])

    # THEN it arrives, on one line
    [sent] = fake.messages()
    assert sent["parameters"] == ["27419", "-", "Berkas belum lengkap: - peta lokasi - KTP pemohon"]


def test_every_message_is_kept_in_a_file_that_outlives_the_fake(fake: Fake) -> None:
    fake.client().send_template(APPLICANT, "izin_terbit", ["27419", "WIUP"])
    fake.client().send_template("+6281325001234", "izin_terbit", ["27420", "IUP"])

    lines = (fake.directory / fake_whatsapp.RECORD_FILE).read_text().splitlines()
    assert [json.loads(line)["to"] for line in lines] == ["6281234567890", "6281325001234"]
    # a fake started again on the same directory still lists them
    url, stop = fake_whatsapp.start(port=0, directory=fake.directory, token=TOKEN)
    try:
        assert [m["to"] for m in Fake(url, fake.directory).messages()] == [
            "6281234567890",
            "6281325001234",
        ]
    finally:
        stop()


# --- refusals the outbox drops -------------------------------------------------------------


def test_a_wrong_token_is_a_permanent_failure(fake: Fake) -> None:
    error = _raised(
        lambda: fake.client(token="EAAGtokenLama").send_template(
            APPLICANT, "izin_terbit", ["1", "2"]
        )
    )

    assert isinstance(error, PermanentFailure)
    assert "code 190" in str(error)
    assert "EAAGtokenLama" not in str(error)
    assert fake.messages() == []


def test_an_unknown_template_is_a_permanent_failure(fake: Fake) -> None:
    error = _raised(lambda: fake.client().send_template(APPLICANT, "izin_dicabut", ["27419"]))

    assert isinstance(error, PermanentFailure)
    assert "code 132001" in str(error)
    assert "izin_dicabut" in str(error)  # Meta's details name it: the operator sees which


def test_the_wrong_number_of_parameters_is_a_permanent_failure(fake: Fake) -> None:
    error = _raised(lambda: fake.client().send_template(APPLICANT, "izin_terbit", ["27419"]))

    assert isinstance(error, PermanentFailure)
    assert "code 132000" in str(error)


def test_a_recipient_that_is_not_a_number_is_dropped_without_asking_meta(fake: Fake) -> None:
    error = _raised(lambda: fake.client().send_template("0812-ABCD", "izin_terbit", ["1", "2"]))

    assert isinstance(error, PermanentFailure)
    assert fake.messages() == []


def test_no_configured_token_is_a_permanent_failure(fake: Fake) -> None:
    error = _raised(
        lambda: fake.client(token="").send_template(APPLICANT, "izin_terbit", ["1", "2"])
    )

    assert isinstance(error, PermanentFailure)


@pytest.mark.parametrize("case", REFUSALS["permanent"], ids=lambda c: c["id"])
def test_meta_refusing_the_message_is_permanent(fake: Fake, case: dict[str, Any]) -> None:
    fake.fail_next(count=1, status=case["status"], code=case["code"])

    error = _raised(lambda: fake.client().send_template(APPLICANT, "izin_terbit", ["1", "2"]))

    assert isinstance(error, PermanentFailure)
    assert f"HTTP {case['status']}; code {case['code']}" in str(error)


# --- refusals the outbox repeats -----------------------------------------------------------


@pytest.mark.parametrize("case", REFUSALS["retryable"], ids=lambda c: c["id"])
def test_meta_busy_or_failing_is_retryable(fake: Fake, case: dict[str, Any]) -> None:
    # GIVEN Meta answers the next send with a rate limit or a server error
    fake.fail_next(count=1, status=case["status"], code=case["code"])

    # WHEN the outbox sends, THEN it is told to try again
    error = _raised(lambda: fake.client().send_template(APPLICANT, "izin_terbit", ["1", "2"]))
    assert type(error) is DeliveryFailed
    assert f"code {case['code']}" in str(error)

    # AND the retry goes through
    assert fake.client().send_template(APPLICANT, "izin_terbit", ["1", "2"]).startswith("wamid.")
    assert len(fake.messages()) == 1


def test_a_hanging_server_is_retryable_after_the_timeout(fake: Fake) -> None:
    # GIVEN Meta takes 3 seconds to answer and the client waits 0.3
    fake.fail_next(count=1, status=500, delay=3)
    started = time.monotonic()

    error = _raised(
        lambda: fake.client(timeout=0.3).send_template(APPLICANT, "izin_terbit", ["1", "2"])
    )

    assert type(error) is DeliveryFailed
    assert time.monotonic() - started < 2


def test_no_server_at_all_is_retryable() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    client = WhatsAppCloud(f"http://127.0.0.1:{port}", VERSION, SENDER, TOKEN, 1.0)

    error = _raised(lambda: client.send_template(APPLICANT, "izin_terbit", ["1", "2"]))

    assert type(error) is DeliveryFailed


# --- the token stays secret ------------------------------------------------------------------


def test_the_token_is_absent_from_every_error(fake: Fake) -> None:
    # GIVEN a Meta answer that quotes the token back (Graph sometimes echoes what it got)
    def send() -> str:
        return fake.client().send_template(APPLICANT, "izin_terbit", ["1", "2"])

    errors = []
    fake.fail_next(count=1, status=400, code=190, message=f"Malformed access token {TOKEN}")
    errors.append(_raised(send))
    fake.fail_next(count=1, status=500, code=131000, message=f"upstream said {TOKEN}")
    errors.append(_raised(send))
    fake.fail_next(count=1, status=500, delay=3)
    errors.append(_raised(lambda: fake.client(timeout=0.2).send_template(APPLICANT, "x", [])))
    errors.append(_raised(lambda: fake.client().send_template(APPLICANT, "izin_dicabut", [])))
    errors.append(_raised(lambda: fake.client().send_template("bukan", "izin_terbit", [])))

    # THEN no error text, nor the client's repr, holds the token
    assert [type(e) for e in errors] == [
        PermanentFailure,
        DeliveryFailed,
        DeliveryFailed,
        PermanentFailure,
        PermanentFailure,
    ]
    assert "[token]" in str(errors[0])
    for error in errors:
        _assert_secret(error)
    assert TOKEN not in repr(fake.client())


# --- the fake itself -----------------------------------------------------------------------------


def test_the_fake_refuses_a_malformed_body_as_meta_does(fake: Fake) -> None:
    body = {k: v for k, v in DOCUMENTED_REQUEST.items() if k != "to"}

    status, answer = _post(
        f"{fake.url}/{VERSION}/{SENDER}/messages", body, {"Authorization": f"Bearer {TOKEN}"}
    )

    assert status == 400
    assert answer["error"]["code"] == 100
    assert "to" in answer["error"]["message"]
    assert fake.messages() == []


def test_the_fake_runs_as_a_command(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "local.fake_whatsapp", "--port", "0", "--dir", str(tmp_path)]
    process = subprocess.Popen(
        [*command, "--token", TOKEN], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        url = process.stdout.readline().split(" at ")[1].strip()
        WhatsAppCloud(url, VERSION, SENDER, TOKEN).send_template(APPLICANT, "izin_terbit", ["1"])
        assert [m["template"] for m in Fake(url, tmp_path).messages()] == ["izin_terbit"]
    finally:
        process.terminate()
        process.wait(timeout=10)
