"""When a decision PTSP refused is tried again, and when it is given up (parked).

The schedule is the one webhook senders people trust use (Svix): a try at once, then after
5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h — about 27.6 hours in all — so a PTSP outage
of a working day loses nothing. PTSP_RETRY_BASE_SECONDS scales it (30 = as written).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.ptsp import (
    MAX_DELAY_SECONDS,
    RETRY_SCHEDULE_SECONDS,
    backoff_seconds,
)
from chalicelib.settings import settings

ROOT = Path(__file__).resolve().parents[2]
SVIX = [5, 300, 1800, 7200, 18000, 36000, 36000]


@pytest.fixture
def retry_base(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set PTSP_RETRY_BASE_SECONDS with `use_base`; settings are re-read each test."""
    monkeypatch.delenv("PTSP_RETRY_BASE_SECONDS", raising=False)
    settings.cache_clear()
    yield monkeypatch
    settings.cache_clear()


def use_base(monkeypatch: pytest.MonkeyPatch, seconds: str) -> None:
    monkeypatch.setenv("PTSP_RETRY_BASE_SECONDS", seconds)
    settings.cache_clear()


def test_the_template_default_gives_the_day_long_schedule(retry_base: pytest.MonkeyPatch) -> None:
    use_base(retry_base, "30")

    assert [backoff_seconds(n) for n in range(1, 8)] == SVIX


def test_unset_base_is_the_real_schedule(retry_base: pytest.MonkeyPatch) -> None:
    assert [backoff_seconds(n) for n in range(1, 8)] == SVIX


def test_the_whole_schedule_outlasts_a_day_of_outage(retry_base: pytest.MonkeyPatch) -> None:
    # An outage of ~8 minutes used to park everything; now more than a day passes first.
    assert sum(backoff_seconds(n) for n in range(1, 8)) > 24 * 3600


def test_a_smaller_base_shrinks_the_schedule_proportionally(
    retry_base: pytest.MonkeyPatch,
) -> None:
    use_base(retry_base, "3")  # a tenth

    assert [backoff_seconds(n) for n in range(1, 8)] == [1, 30, 180, 720, 1800, 3600, 3600]


def test_a_tiny_base_squeezes_the_day_into_seconds_never_below_one(
    retry_base: pytest.MonkeyPatch,
) -> None:
    use_base(retry_base, "0.005")  # the local stack's default

    delays = [backoff_seconds(n) for n in range(1, 8)]

    assert delays == [1, 1, 1, 2, 3, 6, 6]


def test_no_delay_exceeds_what_sqs_allows(retry_base: pytest.MonkeyPatch) -> None:
    use_base(retry_base, "86400")

    assert all(backoff_seconds(n) <= MAX_DELAY_SECONDS == 43200 for n in range(0, 20))


@pytest.mark.parametrize("count", [0, 8, 9, 100])
def test_counts_outside_the_schedule_wait_its_nearest_end(
    retry_base: pytest.MonkeyPatch, count: int
) -> None:
    # SQS counts from 1 (a missing attribute reads 0); beyond the schedule: its last delay.
    expected = SVIX[0] if count < 1 else SVIX[-1]
    assert backoff_seconds(count) == expected


def test_the_queue_allows_one_try_per_delay_plus_the_first() -> None:
    # GIVEN the callbacks queue as deployed
    template = json.loads((ROOT / "infra" / "resources.json").read_text())
    queue = template["Resources"]["PtspCallbacksQueue"]["Properties"]

    # THEN SQS gives the handler exactly the tries of the schedule before its own redrive
    assert queue["RedrivePolicy"]["maxReceiveCount"] == len(RETRY_SCHEDULE_SECONDS) + 1
    # … and a failed batch that crashed comes back well before the next scheduled try matters
    assert queue["VisibilityTimeout"] >= 6 * 30  # six times the function's timeout (AWS advice)
