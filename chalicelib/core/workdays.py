"""Service time in working days (hari kerja), counted as Indonesian SOPs count it.

"20 hari kerja sejak berkas dinyatakan lengkap": the day the file is accepted is day 0 and
day 1 is the next working day, so the deadline is the 20th working day after that date. A
working day is Monday to Friday in WIB (UTC+7) that is neither a national holiday nor cuti
bersama; the holidays are data (SKB 3 Menteri, one JSON file a year) passed in by the caller.

The clock runs while the office works and stops while the ticket waits for the applicant.
One rule covers the start, the pauses and the restarts: a working day counts when the clock
was already running as that day began (00:00 WIB). So the day the file is accepted does not
count, the day the ticket goes back to the applicant does (the office worked on it), and the
day the applicant hands it back in does not: it is a new "day 0". Every working day spent
waiting therefore moves the deadline one working day later.

Pure: no clock, no files. The caller gives `now`, the status changes and the calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

WIB = timezone(timedelta(hours=7), "WIB")
KINDS = frozenset({"libur_nasional", "cuti_bersama"})

Change = tuple[datetime, bool]  # (when, running afterwards): False = waiting for the applicant


def wib_date(at: datetime) -> date:
    """The calendar day in WIB of an instant (refuses a naive time: its day is unknown)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a time without a zone has no day in WIB: {at.isoformat()}")
    return at.astimezone(WIB).date()


@dataclass(frozen=True)
class Calendar:
    """Which days are working days; `years` are those whose holidays were declared."""

    holidays: frozenset[date]
    years: frozenset[int] = frozenset()

    @classmethod
    def load(cls, *years: dict[str, Any]) -> Calendar:
        """A calendar from one or more `holidays-<country>-<year>.json` documents."""
        holidays: set[date] = set()
        declared: set[int] = set()
        for data in years:
            year = data["year"]
            if year in declared:
                raise ValueError(f"the calendar of {year} is loaded twice")
            declared.add(year)
            holidays |= _days_of(data)
        return cls(frozenset(holidays), frozenset(declared))

    def covers(self, day: date) -> bool:
        """False for a day of a year whose holidays nobody declared (weekends only)."""
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def working_days_after(self, start: date, end: date) -> int:
        """Working days in (start, end]: the day of start is not counted."""
        return sum(1 for _ in self._working_days(start, end))

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Whole working days elapsed from `start` to `end`, by their dates in WIB; the day
        of `start` is not counted, the day of `end` is. 0 when `end` is not later."""
        return self.working_days_after(wib_date(start), wib_date(end))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n = 0: `start` itself)."""
        if n < 0:
            raise ValueError("cannot add a negative number of working days")
        day = start
        while n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def _working_days(self, start: date, end: date) -> Iterator[date]:
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += timedelta(days=1)


def _days_of(data: dict[str, Any]) -> set[date]:
    """The dates of one year's document, refusing what would silently miscount."""
    year = data["year"]
    found: set[date] = set()
    for entry in data["days"]:
        day = date.fromisoformat(entry["date"])
        if day.year != year:
            raise ValueError(f"{entry['date']} is not in the calendar of {year}")
        if entry.get("kind") not in KINDS:
            raise ValueError(f"{entry['date']}: unknown kind {entry.get('kind')!r}")
        if day in found:
            raise ValueError(f"{entry['date']} is listed twice in the calendar of {year}")
        found.add(day)
    return found


@dataclass(frozen=True)
class ServiceClock:
    """Where a ticket stands against its service time on the day `today` (WIB)."""

    budget: int
    today: date
    started: bool
    paused: bool
    used: int
    deadline: date | None  # None while paused or not started

    @property
    def left(self) -> int:
        """Working days after today up to the deadline (0 on the deadline and after)."""
        return max(self.budget - self.used, 0)

    @property
    def overdue(self) -> int:
        """Working days counted past the deadline."""
        return max(self.used - self.budget, 0)

    @classmethod
    def measure(
        cls, calendar: Calendar, changes: Iterable[Change], budget: int, now: datetime
    ) -> ServiceClock:
        """The clock of a ticket whose status changes are `changes` (ordered or not; those
        after `now` are ignored), with a budget of `budget` working days."""
        if budget < 1:
            raise ValueError("a service time is at least 1 working day")
        today = wib_date(now)
        spans = _running_spans(changes, now)
        if not spans:
            return cls(budget, today, started=False, paused=False, used=0, deadline=None)
        used = sum(calendar.working_days_after(wib_date(a), _end_date(b, today)) for a, b in spans)
        paused = spans[-1][1] is not None
        if paused:
            deadline = None
        elif used >= budget:
            deadline = _day_budget_ran_out(calendar, spans, budget, today)
        else:
            deadline = calendar.add_working_days(today, budget - used)
        return cls(budget, today, started=True, paused=paused, used=used, deadline=deadline)


Span = tuple[datetime, datetime | None]  # running from, until (None: still running)


def _running_spans(changes: Iterable[Change], now: datetime) -> list[Span]:
    """The periods the clock ran, oldest first; a repeated state changes nothing."""
    spans: list[Span] = []
    since: datetime | None = None
    for at, running in sorted((c for c in changes if c[0] <= now), key=lambda c: c[0]):
        wib_date(at)  # refuses a naive time here, where its change is named
        if running and since is None:
            since = at
        elif not running and since is not None:
            spans.append((since, at))
            since = None
    if since is not None:
        spans.append((since, None))
    return spans


def _end_date(until: datetime | None, today: date) -> date:
    return today if until is None else wib_date(until)


def _day_budget_ran_out(
    calendar: Calendar, spans: list[Span], budget: int, today: date
) -> date | None:
    """The working day on which the budget-th working day was counted."""
    counted = 0
    for since, until in spans:
        start, end = wib_date(since), _end_date(until, today)
        here = calendar.working_days_after(start, end)
        if counted + here >= budget:
            return calendar.add_working_days(start, budget - counted)
        counted += here
    return None


def label(clock: ServiceClock) -> str:
    """What officials and the applicant read next to the ticket."""
    if not clock.started:
        return "Waktu layanan belum berjalan"
    if clock.paused:
        return "Waktu layanan dihentikan sementara: menunggu pemohon"
    if clock.overdue:
        return f"Terlambat {clock.overdue} hari kerja"
    if clock.deadline == clock.today:
        return "Batas waktu hari ini"
    if clock.deadline is not None and clock.deadline < clock.today:
        # a weekend or holiday right after the deadline: no working day lost yet
        return "Batas waktu telah lewat"
    return f"Sisa Waktu Layanan: {clock.left} hari kerja"
