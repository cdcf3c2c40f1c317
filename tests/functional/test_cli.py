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
    assert "Kata sandi sementara" in created.stdout

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


def test_cli_help_lists_the_commands() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "chalicelib.cli", "users", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0
    for command in ("list", "create", "set-roles", "set-region", "enable", "disable"):
        assert command in shown.stdout
