"""One `chalice package` for the whole infra suite (it takes most of its time)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stack import ROOT

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def chalice_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `chalice package --merge-template infra/resources.json` writes (read-only)."""
    out = tmp_path_factory.mktemp("package") / "package"
    env = {
        **os.environ,
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-3"),
    }
    built = subprocess.run(
        [str(BIN / "chalice"), "package", "--merge-template", "infra/resources.json", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out
