"""The working-day clocks against dates worked out by hand on a calendar, around Christmas 2026."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendreform.experts.selectors import referral_clock
from sendreform.experts.working_days import (
    BANK_HOLIDAYS_ENGLAND,
    add_working_days,
    bank_holidays,
    working_days_between,
)
from tests.factories import EahReferralFactory

H = BANK_HOLIDAYS_ENGLAND
THU_24_DEC_2026 = dt.date(2026, 12, 24)


def test_the_shipped_bank_holidays_are_weekdays_eight_a_year():
    for year in (2026, 2027, 2028):
        days = [d for d in H if d.year == year]
        assert len(days) == 8
        assert all(d.weekday() < 5 for d in days)


def test_ten_working_days_from_christmas_eve_2026_skip_christmas_the_boxing_day_substitute_and_new_year():
    # Given a referral received on Thursday 24 December 2026.
    # By hand: Fri 25 (Christmas), Sat, Sun, Mon 28 (Boxing Day substitute) do not count; Tue 29 = 1,
    # Wed 30 = 2, Thu 31 = 3, Fri 1 Jan (New Year) no, Mon 4 = 4 ... Fri 8 = 8, Mon 11 = 9, Tue 12 = 10.
    assert add_working_days(THU_24_DEC_2026, 10, H) == dt.date(2027, 1, 12)
    # ... and on to 20: Wed 13 = 11 ... Fri 22 = 18, Mon 25 = 19, Tue 26 = 20.
    assert add_working_days(THU_24_DEC_2026, 20, H) == dt.date(2027, 1, 26)


def test_the_first_working_day_after_christmas_eve_is_tuesday_29_december():
    assert add_working_days(THU_24_DEC_2026, 1, H) == dt.date(2026, 12, 29)
    assert working_days_between(THU_24_DEC_2026, dt.date(2027, 1, 1), H) == 3


def test_a_referral_received_on_a_saturday_starts_counting_on_monday():
    assert add_working_days(dt.date(2026, 11, 28), 1, H) == dt.date(2026, 11, 30)


def test_easter_2027_both_days_are_skipped():
    # Thu 25 March 2027; Good Friday 26 and Easter Monday 29 are holidays: Tue 30 March is day 1.
    assert add_working_days(dt.date(2027, 3, 25), 1, H) == dt.date(2027, 3, 30)


@pytest.mark.django_db
def test_the_referral_clocks_use_the_shipped_holidays_and_the_configured_limits(settings):
    # Given a Targeted referral received on Christmas Eve, untriaged and unsupported.
    referral = EahReferralFactory(
        received_date=THU_24_DEC_2026, triage_date=None, tier="TARGETED", first_support_date=None
    )
    # When the clock is read on the due day, and the day after.
    on_due = referral_clock(referral=referral, on=dt.date(2027, 1, 12))
    after = referral_clock(referral=referral, on=dt.date(2027, 1, 13))
    # Then triage is due on Tuesday 12 January and overdue only from the 13th; first support on the 26th.
    assert (on_due.triage_due, on_due.support_due) == (dt.date(2027, 1, 12), dt.date(2027, 1, 26))
    assert not on_due.triage_overdue and after.triage_overdue
    assert not after.support_overdue
    assert referral_clock(referral=referral, on=dt.date(2027, 1, 27)).support_overdue
    # And the limits come from settings.
    settings.EAH_TRIAGE_WORKING_DAYS = 5
    assert referral_clock(referral=referral, on=dt.date(2027, 1, 5)).triage_due == dt.date(2027, 1, 5)


@pytest.mark.django_db
def test_a_universal_referral_has_no_first_support_clock():
    referral = EahReferralFactory(
        received_date=THU_24_DEC_2026,
        tier="UNIVERSAL",
        first_support_date=None,
        triage_date=dt.date(2026, 12, 29),
    )
    clock = referral_clock(referral=referral, on=dt.date(2027, 6, 1))
    assert clock.support_due is None and not clock.overdue


def test_the_bank_holidays_are_configurable(settings):
    settings.EAH_BANK_HOLIDAYS = ["2026-12-24"]
    assert bank_holidays() == frozenset({dt.date(2026, 12, 24)})
    # With only Christmas Eve as a holiday, Christmas Day counts as a working day.
    assert add_working_days(dt.date(2026, 12, 23), 1, bank_holidays()) == dt.date(2026, 12, 25)
    settings.EAH_BANK_HOLIDAYS = None
    assert bank_holidays() == frozenset(H)


@given(start=st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)), n=st.integers(0, 300))
def test_counting_forward_and_counting_between_agree(start, n):
    end = add_working_days(start, n, H)
    assert working_days_between(start, end, H) == n
