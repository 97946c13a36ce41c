"""How every page, CSV title, email and the board pack write numbers, money, percentages, dates and durations:
one place, so the same figure never reads two ways ("46591" on one page, "46,591" on the next).

Pure Python: the pages reach it through the `formats` template filters, the pack and the services directly.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

# What an indicator without a trajectory in the plan is called, wherever it is counted or tagged.
NO_TRAJECTORY = "No trajectory"
SUPPRESSED = "c"  # as standards.suppression writes a hidden figure: passed through unchanged


def _plain(value) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def number(value, places: int | None = None) -> str:
    """46,591; 12.5 (a whole number without decimals, else one place unless `places` says); blank for nothing;
    "c" (suppressed) as it is."""
    if value == SUPPRESSED:
        return SUPPRESSED
    v = _plain(value)
    if v is None:
        return ""
    if places is None:
        places = 0 if v.is_integer() else 1
    return f"{v:,.{places}f}"


def money(value, *, pence: bool = False) -> str:
    """£42,100 (whole pounds); with `pence`, £12,500.50. Negative amounts read -£200."""
    if value == SUPPRESSED:
        return SUPPRESSED
    v = _plain(value)
    if v is None:
        return ""
    text = f"£{abs(v):,.2f}" if pence else f"£{abs(v):,.0f}"
    return f"-{text}" if v < 0 and text.strip("£0.,") else text


def money_from_pence(pence: int | None) -> str:
    """An amount stored in whole pence: £12,500.50; blank for nothing."""
    return "" if pence is None else money(Decimal(pence) / 100, pence=True)


def percent(value, places: int = 1) -> str:
    """83.7% (a value already in per cent); blank for nothing; "c" as it is."""
    if value == SUPPRESSED:
        return SUPPRESSED
    v = _plain(value)
    return "" if v is None else f"{v:,.{places}f}%"


def date_words(day: dt.date | None) -> str:
    """1 September 2025; blank for nothing. A date-time is shown as its date."""
    if day is None:
        return ""
    return f"{day.day} {day:%B %Y}"


def datetime_words(moment: dt.datetime | None) -> str:
    """1 September 2025 14:05 (in the time zone the moment is in); blank for nothing."""
    if moment is None:
        return ""
    return f"{date_words(moment)} {moment:%H:%M}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def duration_words(seconds: float | dt.timedelta | None) -> str:
    """How long something took, in words that fit: "less than a second", "25 seconds", "1 minute 5 seconds",
    "12 minutes", "2 hours 5 minutes", "3 days 4 hours"; blank for nothing."""
    if seconds is None:
        return ""
    if isinstance(seconds, dt.timedelta):
        seconds = seconds.total_seconds()
    if seconds < 1:
        return "less than a second"
    whole = round(seconds)
    if whole < 60:
        return _count(whole, "second")
    minutes, secs = divmod(whole, 60)
    if minutes < 10:
        return _count(minutes, "minute") + (f" {_count(secs, 'second')}" if secs else "")
    minutes = round(seconds / 60)
    if minutes < 60:
        return _count(minutes, "minute")
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return _count(hours, "hour") + (f" {_count(mins, 'minute')}" if mins else "")
    days, hrs = divmod(hours, 24)
    return _count(days, "day") + (f" {_count(hrs, 'hour')}" if hrs else "")


def wait_words(seconds: float) -> str:
    """A wait still to come, rounded up so the person never tries too soon: "1 second", "45 seconds", "3 minutes"."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return _count(seconds, "second")
    return _count(math.ceil(seconds / 60), "minute")


def in_unit(value, unit: str) -> str:
    """A figure in its indicator's unit: 83.7%, 1,204, 53.6 days, £42,100; "No data" for nothing; "c" as it is."""
    if value is None or value == "":
        return "No data"
    if value == SUPPRESSED:
        return SUPPRESSED
    if unit == "percent":
        return percent(value)
    if unit == "days":
        return f"{number(value)} days"
    if unit == "pounds":
        return money(value)
    return number(value)
