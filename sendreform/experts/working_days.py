"""Working days in England: weekends and bank holidays excluded. The Experts at Hand clocks (triage within 10
working days, first support within 20) count in these days.

The bank holidays of England and Wales for 2026 to 2028 are shipped below, as GOV.UK publishes them (with the
substitute days when a holiday falls at a weekend). A deployment replaces or extends them with the
EAH_BANK_HOLIDAYS setting (a list of ISO dates) without a code change; `bank_holidays()` reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

BANK_HOLIDAYS_ENGLAND: tuple[dt.date, ...] = tuple(
    dt.date.fromisoformat(d)
    for d in (
        # 2026
        "2026-01-01",  # New Year's Day
        "2026-04-03",  # Good Friday
        "2026-04-06",  # Easter Monday
        "2026-05-04",  # Early May bank holiday
        "2026-05-25",  # Spring bank holiday
        "2026-08-31",  # Summer bank holiday
        "2026-12-25",  # Christmas Day
        "2026-12-28",  # Boxing Day (substitute day: 26 December is a Saturday)
        # 2027
        "2027-01-01",  # New Year's Day
        "2027-03-26",  # Good Friday
        "2027-03-29",  # Easter Monday
        "2027-05-03",  # Early May bank holiday
        "2027-05-31",  # Spring bank holiday
        "2027-08-30",  # Summer bank holiday
        "2027-12-27",  # Christmas Day (substitute day: 25 December is a Saturday)
        "2027-12-28",  # Boxing Day (substitute day: 26 December is a Sunday)
        # 2028
        "2028-01-03",  # New Year's Day (substitute day: 1 January is a Saturday)
        "2028-04-14",  # Good Friday
        "2028-04-17",  # Easter Monday
        "2028-05-01",  # Early May bank holiday
        "2028-05-29",  # Spring bank holiday
        "2028-08-28",  # Summer bank holiday
        "2028-12-25",  # Christmas Day
        "2028-12-26",  # Boxing Day
    )
)


def bank_holidays() -> frozenset[dt.date]:
    """The bank holidays in force: the EAH_BANK_HOLIDAYS setting when configured, else the shipped list."""
    from django.conf import settings

    configured = getattr(settings, "EAH_BANK_HOLIDAYS", None)
    if configured is None:
        return frozenset(BANK_HOLIDAYS_ENGLAND)
    return frozenset(d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in configured)


def is_working_day(day: dt.date, holidays: Iterable[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date]) -> dt.date:
    """The date `days` working days after `start`: the first working day after `start` is day 1, whether or
    not `start` itself is a working day (a referral received on a Saturday starts counting on Monday)."""
    holidays = frozenset(holidays)
    day, counted = start, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, holidays):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date, holidays: Iterable[dt.date]) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    holidays = frozenset(holidays)
    if end <= start:
        return 0
    # Whole weeks in one step, so a long-open referral costs no more than a new one.
    total_days = (end - start).days
    weeks, rest = divmod(total_days, 7)
    count = weeks * 5
    day = start + dt.timedelta(days=weeks * 7)
    for _ in range(rest):
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    count -= sum(1 for h in holidays if start < h <= end and h.weekday() < 5)
    return count
