"""`make bench`: cold-start cost of the app, as the import a new Lambda container pays.

Runs `python -c "import app"` and the floor every Chalice function on boto3 pays,
`python -c "import chalice, boto3"`, N times each in fresh interpreters (interleaved, so
both see the same machine load), and prints the medians and their ratio (target ≤ 1.5×),
in wall-clock time and in CPU time (user + system of the child: steadier than wall-clock
on a machine shared with other work).
`--top K` adds the K slowest modules of one `python -X importtime -c "import app"`.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "import app"
FLOOR = "import chalice, boto3"
TARGET = 1.5


def _environment() -> dict[str, str]:
    """The app reads its configuration lazily; a region is all an import needs."""
    return {
        **os.environ,
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "ap-southeast-3"),
    }


def timed_import(code: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one fresh interpreter running `code`."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_environment(), check=True)
    return time.perf_counter() - started, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _report(label: str, app_times: list[float], floor_times: list[float]) -> None:
    app_ms = statistics.median(app_times) * 1000
    floor_ms = statistics.median(floor_times) * 1000
    ratio = app_ms / floor_ms
    verdict = "ok" if ratio <= TARGET else "OVER"
    print(f"  {label:<5} {APP} {app_ms:6.0f} ms   {FLOOR} {floor_ms:6.0f} ms   ", end="")
    print(f"ratio {ratio:.2f}× (target ≤ {TARGET}×) {verdict}")


def slowest_modules(count: int) -> list[tuple[int, str]]:
    """(cumulative µs, module) of the slowest imports under `import app`."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", APP],
        cwd=ROOT,
        env=_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|")
        rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args()
    timed_import(APP)  # warm the file cache and the .pyc files first
    runs = [(timed_import(APP), timed_import(FLOOR)) for _ in range(args.runs)]
    print(f"import, median of {args.runs} fresh interpreters each")
    _report("wall", [a[0] for a, _ in runs], [f[0] for _, f in runs])
    _report("cpu", [a[1] for a, _ in runs], [f[1] for _, f in runs])
    for cumulative, name in slowest_modules(args.top):
        print(f"  {cumulative / 1000:7.0f} ms {name}")


if __name__ == "__main__":
    main()
