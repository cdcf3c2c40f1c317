"""The Lambda bundle: small, and without what the Lambda runtime already provides."""

from __future__ import annotations

import importlib.util
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.stack import ROOT

SLIM = ROOT / "infra" / "slim_package.py"


def _slim_module():
    spec = importlib.util.spec_from_file_location("slim_package", SLIM)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundle(
    chalice_package: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, int]:
    """What `make package` writes: chalice's package, then the slimming step (on a copy)."""
    zip_path = tmp_path_factory.mktemp("bundle") / "deployment.zip"
    shutil.copyfile(chalice_package / "deployment.zip", zip_path)
    before, after = _slim_module().slim(zip_path)
    return zip_path, before, after


def test_the_bundle_leaves_the_aws_sdk_to_the_runtime(bundle: tuple[Path, int, int]) -> None:
    zip_path, _, _ = bundle
    with zipfile.ZipFile(zip_path) as archive:
        top = {name.split("/", 1)[0] for name in archive.namelist()}

    assert not {"boto3", "botocore", "s3transfer"} & top
    assert {"app.py", "chalicelib", "chalice", "pynamodb", "jwt"} <= top


# Lambda takes a zipped bundle of at most 50 MB (unzipped 250 MB). The signing libraries
# (pyHanko with lxml and aiohttp, reportlab, Pillow) grew it by ~11 MB zipped in November
# 2026; this bound keeps a third of the limit free.
MAX_ZIPPED_BYTES = 32 * 1024 * 1024


def test_slimming_drops_the_runtime_sdk_and_keeps_the_bundle_well_under_lambdas_limit(
    bundle: tuple[Path, int, int],
) -> None:
    _, before, after = bundle

    assert before - after > 10 * 1024 * 1024, f"{before / 1e6:.1f} MB -> {after / 1e6:.1f} MB"
    assert after < MAX_ZIPPED_BYTES, f"{after / 1e6:.1f} MB zipped"


@pytest.mark.parametrize(
    ("name", "dropped"),
    [
        ("botocore/client.py", True),
        ("boto3-1.44.5.dist-info/METADATA", True),
        ("s3transfer/manager.py", True),
        ("botocore_stub/x.py", False),
        ("chalicelib/aws.py", False),
        ("pynamodb/models.py", False),
    ],
)
def test_only_the_runtime_packages_are_dropped(name: str, dropped: bool) -> None:
    assert _slim_module().provided_by_runtime(name) is dropped
