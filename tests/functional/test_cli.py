"""The admin CLI against the running stack, pointed at it by the env file `make run` writes."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

from tests.stack import ROOT, RunningStack


def cli(stack: RunningStack, *args: str) -> subprocess.CompletedProcess[str]:
    env_file = stack.state_file.with_suffix(".env")
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "--env-file", str(env_file), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_creates_lists_and_changes_users(stack: RunningStack) -> None:
    email = f"cli-{uuid.uuid4().hex[:8]}@contoh.go.id"

    created = cli(
        stack,
        "users",
        "create",
        email,
        "--name",
        "Cabdin Baru",
        "--role",
        "CABANG_DINAS",
        "--region",
        "Semarang Demak",
    )
    assert created.returncode == 0, created.stderr
    assert "Password sementara" in created.stdout

    listed = cli(stack, "--json", "users", "list", "--role", "CABANG_DINAS")
    assert listed.returncode == 0, listed.stderr
    mine = [u for u in json.loads(listed.stdout) if u["email"] == email]
    assert mine and mine[0]["region"] == "SEMARANG DEMAK"

    moved = cli(stack, "--json", "users", "set-region", email, "kendeng muria")
    assert json.loads(moved.stdout)[0]["region"] == "KENDENG MURIA"

    refused = cli(stack, "users", "set-region", email, "")
    assert refused.returncode == 2
    assert "wilayah" in refused.stderr

    disabled = cli(stack, "--json", "users", "disable", email)
    assert json.loads(disabled.stdout)[0]["enabled"] is False


def help_of(group: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", group, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cli_help_lists_the_commands() -> None:
    shown = help_of("users")
    assert shown.returncode == 0
    for command in ("list", "create", "set-roles", "set-region", "enable", "disable"):
        assert command in shown.stdout


def test_cli_lists_and_redrives_ptsp_dead_letters(stack: RunningStack) -> None:
    listed = cli(stack, "--json", "ptsp", "dead-letters")
    assert listed.returncode == 0, listed.stderr
    letters = json.loads(listed.stdout)
    assert isinstance(letters, list)
    for letter in letters:
        assert {"ticket_no", "status", "attempts", "webhook_id"} <= letter.keys()

    table = cli(stack, "ptsp", "dead-letters")
    assert table.returncode == 0, table.stderr
    assert "TIKET" in table.stdout or "Tidak ada keputusan" in table.stdout

    redriven = cli(stack, "ptsp", "redrive")
    assert redriven.returncode == 0, redriven.stderr
    assert "dikirim ulang" in redriven.stdout

    as_json = cli(stack, "--json", "ptsp", "redrive")
    assert as_json.returncode == 0, as_json.stderr
    assert isinstance(json.loads(as_json.stdout)["moved"], int)

    shown = help_of("ptsp")
    assert shown.returncode == 0
    assert "dead-letters" in shown.stdout and "redrive" in shown.stdout


def test_disabling_from_the_cli_stops_the_users_token_at_once(stack: RunningStack) -> None:
    email = stack.new_user(["KEPALA_BIDANG"])
    token = stack.login(email, "Rahasia#2026a")
    assert stack.api("PATCH", "/me", token, json={"name": "Sebelum"}).status_code == 200

    disabled = cli(stack, "users", "disable", email)
    assert disabled.returncode == 0, disabled.stderr

    response = stack.api("PATCH", "/me", token, json={"name": "Sesudah"})
    assert response.status_code == 401
    assert response.json()["code"] == "SESSION_REVOKED"
