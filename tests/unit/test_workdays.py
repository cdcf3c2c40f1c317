"""Sisa Waktu Layanan: deadlines in working days (WIB, weekends, holidays and cuti bersama
skipped), the clock paused while the applicant has the file, and the Indonesian labels.

The expected dates in workdays_cases.json were worked out by hand on the shipped calendars.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core.workdays import Calendar, ServiceClock, label, wib_date

HERE = Path(__file__).resolve().parent
CALENDARS = HERE.parents[1] / "chalicelib" / "agencies" / "calendars"
CASES = json.loads((HERE / "workdays_cases.json").read_text(encoding="utf-8"))


def _year(year: int) -> dict[str, Any]:
    return json.loads((CALENDARS / f"holidays-id-{year}.json").read_text(encoding="utf-8"))


INDONESIA = Calendar.load(_year(2026), _year(2027))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c.get("id") or c["why"] for c in cases]


# ---------------------------------------------------------------------------- the calendar


@pytest.mark.parametrize("case", CASES["deadlines"], ids=_ids(CASES["deadlines"]))
def test_the_deadline_is_the_nth_working_day_after_the_wib_date(case: dict[str, Any]) -> None:
    # GIVEN a file accepted at `start` WHEN it has `days` working days THEN its last day is
    start = wib_date(at(case["start"]))

    deadline = INDONESIA.add_working_days(start, case["days"])

    assert deadline == date.fromisoformat(case["deadline"]), case["why"]
    on_the_deadline = at(case["deadline"] + "T12:00+07:00")
    assert INDONESIA.working_days_between(at(case["start"]), on_the_deadline) == case["days"]


@pytest.mark.parametrize("case", CASES["between"], ids=_ids(CASES["between"]))
def test_working_days_between_counts_whole_days_after_the_start(case: dict[str, Any]) -> None:
    days = INDONESIA.working_days_between(at(case["start"]), at(case["end"]))

    assert days == case["days"], case["why"]


def test_counting_back_a_deadline_gives_the_days_added() -> None:
    # GIVEN every start day of 2026 WHEN n working days are added THEN n lie in between
    start = date(2026, 1, 1)
    for offset in range(365):
        day = date.fromordinal(start.toordinal() + offset)
        for n in (1, 10, 20):
            deadline = INDONESIA.add_working_days(day, n)
            assert INDONESIA.working_days_after(day, deadline) == n
            assert INDONESIA.is_working_day(deadline)


def test_a_declared_holiday_is_not_a_working_day() -> None:
    # GIVEN a calendar declaring only Monday 9 November 2026
    calendar = Calendar(frozenset({date(2026, 11, 9)}))

    assert not calendar.is_working_day(date(2026, 11, 9))
    assert calendar.is_working_day(date(2026, 11, 10))
    assert not calendar.is_working_day(date(2026, 11, 7))  # Saturday
    assert calendar.add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 10)
    assert Calendar(frozenset()).add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)


def test_cuti_bersama_is_not_a_working_day() -> None:
    assert not INDONESIA.is_working_day(date(2026, 12, 24))  # cuti bersama Natal
    assert not INDONESIA.is_working_day(date(2026, 3, 23))  # cuti bersama Idul Fitri
    assert INDONESIA.is_working_day(date(2026, 3, 25))


def test_a_time_without_a_zone_is_refused() -> None:
    # a naive time could be UTC or WIB: its day, and so the count, would be a guess
    with pytest.raises(ValueError, match="zone"):
        INDONESIA.working_days_between(datetime(2026, 11, 2, 9), at("2026-11-09T09:00+07:00"))


# ---------------------------------------------------------------------------- the data


@pytest.mark.parametrize(("year", "libur", "cuti"), [(2026, 17, 8), (2027, 18, 8)])
def test_each_year_lists_the_days_the_skb_announces(year: int, libur: int, cuti: int) -> None:
    data = _year(year)

    kinds = Counter(d["kind"] for d in data["days"])

    assert (data["country"], data["year"]) == ("ID", year)
    assert kinds == {"libur_nasional": libur, "cuti_bersama": cuti}
    assert data["source"]
    assert all(d["name"] for d in data["days"])
    assert INDONESIA.covers(date(year, 6, 1))


def test_the_calendar_says_which_years_it_does_not_know() -> None:
    assert not INDONESIA.covers(date(2028, 1, 3))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"date": "2027-01-01", "name": "x", "kind": "libur_nasional"}, "not in the calendar"),
        ({"date": "2026-01-02", "name": "x", "kind": "libur_daerah"}, "unknown kind"),
        ({"date": "2026-01-01", "name": "x", "kind": "libur_nasional"}, "listed twice"),
    ],
    ids=["another-year", "unknown-kind", "twice"],
)
def test_a_calendar_that_would_miscount_is_refused(entry: dict[str, str], message: str) -> None:
    data = {**_year(2026), "days": [*_year(2026)["days"], entry]}

    with pytest.raises(ValueError, match=message):
        Calendar.load(data)


def test_a_year_loaded_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        Calendar.load(_year(2026), _year(2026))


# ---------------------------------------------------------------------------- the clock


def _clock(case: dict[str, Any]) -> ServiceClock:
    changes = [(at(when), running) for when, running in case["changes"]]
    return ServiceClock.measure(INDONESIA, changes, case["budget"], at(case["now"]))


@pytest.mark.parametrize("case", CASES["clocks"], ids=_ids(CASES["clocks"]))
def test_the_service_clock(case: dict[str, Any]) -> None:
    clock = _clock(case)

    deadline = clock.deadline.isoformat() if clock.deadline else None
    seen = {
        "used": clock.used,
        "left": clock.left,
        "overdue": clock.overdue,
        "paused": clock.paused,
        "deadline": deadline,
        "label": label(clock),
    }
    assert seen == {k: case[k] for k in seen}, case["why"]


def test_a_pause_moves_the_deadline_by_the_working_days_waited() -> None:
    # GIVEN a file accepted on 2 November 2026 (deadline 30 November)
    accepted = (at("2026-11-02T09:00+07:00"), True)
    before = ServiceClock.measure(INDONESIA, [accepted], 20, at("2026-11-09T09:00+07:00"))
    # WHEN it waits for the applicant from Tuesday 10 to Monday 16 November
    changes = [
        accepted,
        (at("2026-11-10T14:00+07:00"), False),
        (at("2026-11-16T10:00+07:00"), True),
    ]
    after = ServiceClock.measure(INDONESIA, changes, 20, at("2026-11-17T09:00+07:00"))

    # THEN 11, 12, 13 and 16 November are added to the deadline
    waited = INDONESIA.working_days_after(date(2026, 11, 10), date(2026, 11, 16))
    assert waited == 4
    assert before.deadline == date(2026, 11, 30)
    assert after.deadline == INDONESIA.add_working_days(date(2026, 11, 30), waited)


def test_the_order_of_the_changes_does_not_matter() -> None:
    case = next(c for c in CASES["clocks"] if c["id"] == "two-pauses")
    shuffled = {**case, "changes": list(reversed(case["changes"]))}

    assert _clock(shuffled) == _clock(case)


def test_a_repeated_state_changes_nothing() -> None:
    # GIVEN two running changes in a row (e.g. P2 → P3 → P4, all the office's)
    case = next(c for c in CASES["clocks"] if c["id"] == "running")
    repeated = {**case, "changes": [*case["changes"], ["2026-11-05T10:00:00+07:00", True]]}

    assert _clock(repeated) == _clock(case)


def test_the_clock_counts_the_wib_day_of_the_first_change() -> None:
    # GIVEN DITERIMA FRONT END at 17:30 UTC on Thursday 26 November = Friday 00:30 WIB
    start = [(at("2026-11-26T17:30:00Z"), True)]

    on_friday = ServiceClock.measure(INDONESIA, start, 20, at("2026-11-27T09:00+07:00"))
    on_monday = ServiceClock.measure(INDONESIA, start, 20, at("2026-11-30T09:00+07:00"))

    # THEN Friday is day 0 (Thursday would have made it day 1)
    assert (on_friday.used, label(on_friday)) == (0, "Sisa Waktu Layanan: 20 hari kerja")
    assert (on_monday.used, on_monday.deadline) == (1, date(2026, 12, 29))


@pytest.mark.parametrize(
    ("used", "said"),
    [(0, "Selesai dalam kurang dari 1 hari kerja"), (3, "Selesai dalam 3 hari kerja")],
)
def test_a_finished_application_says_how_long_it_took(used: int, said: str) -> None:
    from chalicelib.core.service_time import view

    clock = ServiceClock(
        budget=20, today=date(2026, 11, 26), started=True, paused=False, used=used, deadline=None
    )

    assert view(clock, finished=True)["label"] == said
