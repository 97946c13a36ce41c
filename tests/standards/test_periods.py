"""Periods: SEN2 census dates, academic and financial years and quarters at their edges, national curriculum
year and phase."""

import datetime as dt

import pytest

from sendreform.standards import periods

D = dt.date


@pytest.mark.parametrize(
    ("year", "census"),
    [(2025, D(2025, 1, 16)), (2026, D(2026, 1, 15)), (2027, D(2027, 1, 21))],
)
def test_sen2_census_date_is_the_third_thursday_of_january(year, census):
    # Given a calendar year / When its SEN2 census date is asked for / Then it is the published date
    assert periods.sen2_census_date(year) == census
    assert census.weekday() == 3


@pytest.mark.parametrize(
    ("day", "name", "start", "end"),
    [
        (D(2025, 8, 31), "2024/25", D(2024, 9, 1), D(2025, 8, 31)),
        (D(2025, 9, 1), "2025/26", D(2025, 9, 1), D(2026, 8, 31)),
        (D(2026, 1, 15), "2025/26", D(2025, 9, 1), D(2026, 8, 31)),
        (D(2099, 12, 31), "2099/00", D(2099, 9, 1), D(2100, 8, 31)),
    ],
)
def test_academic_year_runs_from_1_september_to_31_august(day, name, start, end):
    year = periods.academic_year(day)
    assert (year.name, year.start, year.end) == (name, start, end)
    assert day in year


def test_academic_year_named_round_trips_and_rejects_other_spellings():
    assert periods.academic_year_named("2025/26").start == D(2025, 9, 1)
    with pytest.raises(ValueError, match="2025-26"):
        periods.academic_year_named("2025-26")


@pytest.mark.parametrize(
    ("day", "name", "start", "end"),
    [
        (D(2026, 3, 31), "2025-26", D(2025, 4, 1), D(2026, 3, 31)),
        (D(2026, 4, 1), "2026-27", D(2026, 4, 1), D(2027, 3, 31)),
        (D(2029, 12, 25), "2029-30", D(2029, 4, 1), D(2030, 3, 31)),
    ],
)
def test_financial_year_runs_from_1_april_to_31_march(day, name, start, end):
    year = periods.financial_year(day)
    assert (year.name, year.start, year.end) == (name, start, end)


def test_financial_year_named_round_trips_and_rejects_other_spellings():
    assert periods.financial_year_named("2026-27").end == D(2027, 3, 31)
    with pytest.raises(ValueError):
        periods.financial_year_named("2026/27")


@pytest.mark.parametrize(
    ("day", "name", "start", "end"),
    [
        (D(2026, 4, 1), "2026-27 Q1", D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 6, 30), "2026-27 Q1", D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), "2026-27 Q2", D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 12, 31), "2026-27 Q3", D(2026, 10, 1), D(2026, 12, 31)),
        (D(2027, 1, 1), "2026-27 Q4", D(2027, 1, 1), D(2027, 3, 31)),
        (D(2027, 3, 31), "2026-27 Q4", D(2027, 1, 1), D(2027, 3, 31)),
        (D(2028, 2, 29), "2027-28 Q4", D(2028, 1, 1), D(2028, 3, 31)),
    ],
)
def test_financial_quarters_at_their_boundaries(day, name, start, end):
    quarter = periods.financial_quarter(day)
    assert (quarter.name, quarter.start, quarter.end) == (name, start, end)


def test_quarter_ends_between_two_dates_are_the_four_quarter_ends_of_a_year():
    # Given the financial year 2026-27 / Then its quarter ends are the last days of June, Sep, Dec and March
    assert periods.quarter_ends(D(2026, 4, 1), D(2027, 3, 31)) == [
        D(2026, 6, 30),
        D(2026, 9, 30),
        D(2026, 12, 31),
        D(2027, 3, 31),
    ]


def test_financial_year_to_date_starts_on_1_april():
    period = periods.financial_year_to_date(D(2026, 11, 28))
    assert (period.start, period.end) == (D(2026, 4, 1), D(2026, 11, 28))


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (D(2010, 11, 28), D(2026, 11, 27), 15),
        (D(2010, 11, 28), D(2026, 11, 28), 16),
        (D(2008, 2, 29), D(2026, 2, 28), 17),
    ],
)
def test_age_on_counts_whole_years(born, day, age):
    assert periods.age_on(born, day) == age


@pytest.mark.parametrize(
    ("born", "ncy"),
    [
        (D(2015, 9, 1), 6),  # the youngest of their year: turns 11 on the first day of the academic year
        (D(2015, 8, 31), 7),  # the oldest of the year above
        (D(2022, 9, 1), -1),  # nursery (N2): turns 4 during the year
        (D(2022, 3, 1), 0),  # reception: turns 5 during the year
        (D(2021, 9, 1), 0),  # reception
        (D(2010, 1, 1), 12),  # sixth form
    ],
)
def test_national_curriculum_year_on_28_november_2026(born, ncy):
    # Given a birth date / When the year group on 2026-11-28 is asked for / Then the 31 August rule holds
    assert periods.national_curriculum_year(born, D(2026, 11, 28)) == ncy


def test_academic_age_is_the_age_on_31_august_before_the_academic_year():
    assert periods.academic_age(D(2010, 8, 31), D(2026, 11, 28)) == 16
    assert periods.academic_age(D(2010, 9, 1), D(2026, 11, 28)) == 15


@pytest.mark.parametrize(
    ("ncy", "phase"),
    [
        (-2, "EY"),
        (-1, "EY"),
        (0, "PRIMARY"),
        (6, "PRIMARY"),
        (7, "SECONDARY"),
        (11, "SECONDARY"),
        (12, "POST16"),
        (14, "POST16"),
    ],
)
def test_phase_of_national_curriculum_year(ncy, phase):
    assert periods.phase_of_ncy(ncy) == phase
