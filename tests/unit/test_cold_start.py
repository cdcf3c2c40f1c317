"""Cold start: `import app` loads only what every request needs (issue 8 item 24).

Checked in fresh interpreters, by which modules an import leaves in sys.modules (timings
belong in `make bench`: bench/imports.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.stack import ROOT

LOADED = """
import json, sys
{setup}
print(json.dumps({{name: name in sys.modules for name in {names!r}}}))
"""


def loaded_after(setup: str, names: list[str], **env: str) -> dict[str, bool]:
    """Run `setup` in a fresh interpreter; which of `names` are imported afterwards."""
    environment = {k: v for k, v in os.environ.items() if k != "LAMBDA_TASK_ROOT"}
    environment.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
    done = subprocess.run(
        [sys.executable, "-c", LOADED.format(setup=setup, names=names)],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_app_leaves_out_what_an_api_request_does_not_need() -> None:
    # GIVEN a new container WHEN it imports the app
    loaded = loaded_after(
        "import app",
        [
            "aws_xray_sdk.core",  # the X-Ray SDK (its recorder builds botocore clients)
            "chalicelib.api.queues",  # the SQS consumers (API functions never run them)
            "aws_lambda_powertools.utilities.batch",
            "chalicelib.api.openapi",  # only GET /openapi.json builds the document
        ],
    )

    # THEN none of them is loaded yet
    assert loaded == dict.fromkeys(loaded, False)


def test_outside_lambda_tracing_is_off_and_the_xray_sdk_never_loads() -> None:
    loaded = loaded_after(
        "from chalicelib.api import middleware\n"
        "assert middleware.tracer() is None\n"
        "with middleware.traced('## GET /health'): pass",
        ["aws_xray_sdk.core"],
    )

    assert loaded == {"aws_xray_sdk.core": False}


def test_in_lambda_the_tracer_is_built_at_first_use() -> None:
    # GIVEN the Lambda environment (powertools turns tracing on there)
    setup = (
        "from chalicelib.api import middleware\n"
        "before = 'aws_xray_sdk.core' in sys.modules\n"
        "active = middleware.tracer()\n"
        "assert not before and active is not None and middleware.tracer() is active"
    )

    loaded = loaded_after(setup, ["aws_xray_sdk.core"], LAMBDA_TASK_ROOT="/var/task")

    # THEN the first use loads the X-Ray SDK, once
    assert loaded == {"aws_xray_sdk.core": True}
