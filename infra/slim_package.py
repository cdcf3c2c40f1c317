"""Drop from the Lambda bundle what the Lambda Python runtime already carries.

`chalice package` vendors every dependency of requirements.txt, and pynamodb and the
X-Ray SDK depend on botocore, so boto3, botocore and s3transfer end up in the zip — two
thirds of it — although the runtime provides them (/var/runtime). Without them the
functions use the runtime's copies; chalice has no option to leave them out, hence this
step after `chalice package` (Makefile target `package`).

    python infra/slim_package.py build/package/deployment.zip
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

# Top-level packages of the AWS SDK for Python that every Lambda Python runtime includes.
PROVIDED_BY_RUNTIME = ("boto3", "botocore", "s3transfer")
_PROVIDED = re.compile(
    rf"^({'|'.join(PROVIDED_BY_RUNTIME)})(/|-[^/]+\.dist-info/|-[^/]+\.egg-info/)"
)


def provided_by_runtime(name: str) -> bool:
    """True for a zip entry that belongs to one of the runtime's own packages."""
    return bool(_PROVIDED.match(name))


def slim(bundle: Path) -> tuple[int, int]:
    """Rewrite `bundle` without the runtime's packages; return its size before and after."""
    before = bundle.stat().st_size
    slimmed = bundle.with_suffix(".slim.zip")
    with (
        zipfile.ZipFile(bundle) as source,
        zipfile.ZipFile(slimmed, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            if not provided_by_runtime(entry.filename):
                target.writestr(entry, source.read(entry.filename))
    slimmed.replace(bundle)
    return before, bundle.stat().st_size


def main() -> None:
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else "build/package/deployment.zip")
    before, after = slim(bundle)
    print(f"{bundle}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB (boto3/botocore/s3transfer)")


if __name__ == "__main__":
    main()
