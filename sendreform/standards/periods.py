"""Periods the sector counts in: academic years, financial years and quarters, SEN2 census dates,
national curriculum years and ages on 31 August."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Period:
    """A named span of dates, both ends inclusive."""

    start: dt.date
    end: dt.date
    name: str

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def academic_year(day: dt.date) -> Period:
    """The academic year (1 September - 31 August) containing `day`, named "2025/26"."""
    first = day.year if day.month >= 9 else day.year - 1
    return Period(dt.date(first, 9, 1), dt.date(first + 1, 8, 31), f"{first}/{(first + 1) % 100:02d}")


def academic_year_named(name: str) -> Period:
    """The academic year called `name` ("2025/26")."""
    first = int(name[:4])
    period = academic_year(dt.date(first, 9, 1))
    if period.name != name:
        raise ValueError(f"{name!r} is not an academic year name like '2025/26'")
    return period


def financial_year(day: dt.date) -> Period:
    """The financial year (1 April - 31 March) containing `day`, named "2026-27"."""
    first = day.year if day.month >= 4 else day.year - 1
    return Period(dt.date(first, 4, 1), dt.date(first + 1, 3, 31), f"{first}-{(first + 1) % 100:02d}")


def financial_year_named(name: str) -> Period:
    """The financial year called `name` ("2026-27")."""
    first = int(name[:4])
    period = financial_year(dt.date(first, 4, 1))
    if period.name != name:
        raise ValueError(f"{name!r} is not a financial year name like '2026-27'")
    return period


def financial_quarter(day: dt.date) -> Period:
    """The financial quarter containing `day` (Q1 Apr-Jun ... Q4 Jan-Mar), named "2026-27 Q3"."""
    fy = financial_year(day)
    index = ((day.month - 4) % 12) // 3
    start_month = 4 + 3 * index
    start = dt.date(fy.start.year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
    end = _month_end(start.year, start.month + 2)
    return Period(start, end, f"{fy.name} Q{index + 1}")


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every financial quarter end date from `start` to `end`, inclusive."""
    out = []
    day = financial_quarter(start).end
    while day <= end:
        out.append(day)
        day = financial_quarter(day + dt.timedelta(days=1)).end
    return out


def financial_year_to_date(day: dt.date) -> Period:
    """From the start of the financial year of `day` to `day`: the default period of a flow measure."""
    fy = financial_year(day)
    return Period(fy.start, day, f"{fy.name} to {day.isoformat()}")


def sen2_census_date(year: int) -> dt.date:
    """The SEN2 census date of `year`: the third Thursday of January (2026 -> 2026-01-15)."""
    first = dt.date(year, 1, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(weeks=2)


def sen2_reference_period(year: int) -> Period:
    """The period whose activity the SEN2 return of `year` counts: the previous calendar year."""
    return Period(dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31), f"calendar year {year - 1}")


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Age in whole years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def academic_age(birth_date: dt.date, day: dt.date) -> int:
    """Age on 31 August before the academic year containing `day` (the school census age)."""
    return age_on(birth_date, academic_year(day).start - dt.timedelta(days=1))


def national_curriculum_year(birth_date: dt.date, day: dt.date) -> int:
    """National curriculum year on `day` for a child in their chronological year group.

    Reception is 0, nursery -1 and -2 (N1, N2); year 14 and above are post-19 ages.
    """
    return academic_age(birth_date, day) - 4


def phase_of_ncy(ncy: int) -> str:
    """The phase a national curriculum year belongs to (PHASE codes)."""
    if ncy < 0:
        return "EY"
    if ncy <= 6:
        return "PRIMARY"
    if ncy <= 11:
        return "SECONDARY"
    return "POST16"


def _month_end(year: int, month: int) -> dt.date:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)
