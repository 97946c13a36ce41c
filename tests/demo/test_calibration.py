"""The synthetic Reading area against the published figures it is calibrated to: Reading's rows of the DfE
"Education, health and care plans" statistics (2025 release) and the baselines of its Local SEND Reform
Plan. Every figure is computed here with plain pandas from the canonical tables, and each test says how
close it must be."""

import datetime as dt

import pandas as pd
import pytest

from sendreform.standards.periods import sen2_census_date
from sendreform.standards.placements import setting_category

from .conftest import open_on

BASELINE = dt.date(2026, 5, 31)


def active_plans(frames, day):
    return open_on(frames["ehc_plan"], day, end="cease_date")


def category_on(frames, day, persons) -> pd.Series:
    """Setting category of each person's placement on `day` (the open one with the latest start)."""
    placement = open_on(frames["placement"], day)
    placement = placement[placement.person_id.isin(persons)].sort_values("start_date").groupby("person_id").tail(1)
    est = frames["establishment"].set_index("establishment_id").reindex(placement.establishment_id)

    def text(value):
        return value if isinstance(value, str) else None

    return pd.Series([
        setting_category(kind=text(k), funding=text(f), sen_setting=text(s), sen_unit=bool(u),
                         resourced_provision=bool(r))
        for k, f, s, u, r in zip(est.kind, est.funding, placement.sen_setting, placement.sen_unit,
                                 placement.resourced_provision, strict=True)
    ], dtype=object)


def within(value, expected, share):
    return abs(value - expected) <= share * expected


# ---------------------------------------------------------------- caseload
@pytest.mark.parametrize("year, published", [(2019, 1282), (2020, 1364), (2021, 1436), (2022, 1553), (2023, 1773),
                                             (2024, 1954), (2025, 1966)])
def test_active_plans_on_each_january_census_date(frames, year, published):
    # Exactly the published caseload.
    assert len(active_plans(frames, sen2_census_date(year))) == published


def test_plans_keep_growing_after_2025(frames):
    # Within 3% of the projection of 2,065 in January 2026 (about 5% growth), and still growing by the as-at date.
    jan_2026 = len(active_plans(frames, sen2_census_date(2026)))
    assert within(jan_2026, 2065, 0.03)
    assert len(active_plans(frames, dt.date(2026, 11, 28))) > jan_2026


NEEDS_2025 = {"ASD": 650, "SEMH": 409, "SLCN": 401, "MLD": 239, "SLD": 68, "PMLD": 60, "PD": 56, "SPLD": 38,
              "VI": 25, "HI": 19}


@pytest.mark.parametrize("need, published", NEEDS_2025.items())
def test_primary_needs_of_active_plans_january_2025(frames, need, published):
    # Exactly the published count (sen_needs_all_plans.csv); the one plan of unknown need is OTH.
    day = sen2_census_date(2025)
    persons = active_plans(frames, day).person_id
    needs = open_on(frames["sen_need"], day)
    needs = needs[(needs.need_rank == 1) & needs.person_id.isin(persons)]
    assert needs.person_id.is_unique and len(needs) == 1966
    assert (needs.need_type == need).sum() == published


# caseload.csv, January 2025, in the setting categories of the KPI catalogue.
PLACEMENTS_2025 = {"MAINSTREAM": 288 + 322 + 79, "MAINSTREAM_BASE": 125 + 35 + 5, "MAINTAINED_SPECIAL": 116 + 437,
                   "INMSS": 102 + 8 + 10, "AP": 7, "POST16_MAINSTREAM": 261, "POST16_SPECIALIST": 2, "EHE": 21,
                   "EOTAS": 37, "OTHER": 1 + 2 + 2 + 34, "NOT_IN_EDUCATION": 44, "EARLY_YEARS": 5, "UNPLACED": 23}


@pytest.mark.parametrize("category, published", PLACEMENTS_2025.items())
def test_placements_of_active_plans_january_2025(frames, category, published):
    # Within 2 plans of the published count (the early years count can be one short: only four children
    # of nursery age hold plans then).
    day = sen2_census_date(2025)
    categories = category_on(frames, day, active_plans(frames, day).person_id)
    assert len(categories) == 1966
    assert abs((categories == category).sum() - published) <= 2


# ---------------------------------------------------------------- the statutory pipeline
REQUESTS = {2019: 296, 2020: 271, 2021: 349, 2022: 450, 2023: 475, 2024: 515}
ASSESSMENTS = {2019: 174 + 8, 2020: 190 + 12, 2021: 189 + 6, 2022: 205 + 14, 2023: 327 + 11, 2024: 320 + 5}
NEW_PLANS = {2019: 174, 2020: 190, 2021: 189, 2022: 194, 2023: 320, 2024: 302}
WITHIN_20_WEEKS = {2019: 49.4, 2020: 85.9, 2021: 89.9, 2022: 79.8, 2023: 74.9, 2024: 59.1}


@pytest.mark.parametrize("year, published", REQUESTS.items())
def test_requests_received_each_calendar_year(frames, year, published):
    # Exactly the published number (requests.csv, requests_received_in_year).
    received = pd.to_datetime(frames["ehc_request"].received_date).dt.year
    assert (received == year).sum() == published


@pytest.mark.parametrize("year, published", ASSESSMENTS.items())
def test_assessments_completed_each_calendar_year(frames, year, published):
    # Within 6% of assess_issued + assess_not_issued (assessments.csv): the published issued count of 2022
    # (205) is above that year's new plans (194), which the demo matches exactly.
    a = frames["ehc_assessment"]
    done = a[a.outcome.isin(["Y", "N"]) & (pd.to_datetime(a.outcome_date).dt.year == year)]
    assert within(len(done), published, 0.06)


@pytest.mark.parametrize("year, published", NEW_PLANS.items())
def test_new_plans_issued_each_calendar_year(frames, year, published):
    # Exactly new_ehc_plans (newplans.csv): plans with a start date in the year, not transferred in.
    plan = frames["ehc_plan"]
    issued = plan[plan.assessment_id.notna() & (pd.to_datetime(plan.start_date).dt.year == year)]
    assert len(issued) == published


@pytest.mark.parametrize("year, published", WITHIN_20_WEEKS.items())
def test_plans_issued_within_20_weeks_each_calendar_year(frames, year, published):
    # Within 1 percentage point of the published share excluding exceptions (timeliness_20_week.csv).
    plan = frames["ehc_plan"].merge(frames["ehc_assessment"], on="assessment_id")
    plan = plan.merge(frames["ehc_request"][["request_id", "received_date"]], on="request_id")
    plan = plan[(pd.to_datetime(plan.start_date).dt.year == year) & ~plan.week20_exception]
    days = (pd.to_datetime(plan.start_date) - pd.to_datetime(plan.received_date)).dt.days
    assert abs(100 * (days <= 140).mean() - published) <= 1.0


# ---------------------------------------------------------------- the plan's baselines (May 2026)
def test_baseline_plans_in_maintained_mainstream_including_bases(frames):
    # Exactly 938.
    categories = category_on(frames, BASELINE, active_plans(frames, BASELINE).person_id)
    assert categories.isin(["MAINSTREAM", "MAINSTREAM_BASE"]).sum() == 938


def test_baseline_plans_in_independent_special_schools(frames):
    # Exactly 139.
    categories = category_on(frames, BASELINE, active_plans(frames, BASELINE).person_id)
    assert (categories == "INMSS").sum() == 139


def test_baseline_attendance_in_the_areas_maintained_special_schools(frames):
    # Within 0.05 percentage points of 83.7% (academic year 2025/26).
    est = frames["establishment"]
    special = est[(est.kind == "SPECIAL") & est.funding.isin(["MAINTAINED", "ACADEMY"]) & est.in_area]
    a = frames["attendance"]
    a = a[(a.academic_year == "2025/26") & a.establishment_id.isin(special.establishment_id)]
    rate = 100 * (1 - (a.sessions_authorised + a.sessions_unauthorised).sum() / a.sessions_possible.sum())
    assert abs(rate - 83.7) <= 0.05


def test_baseline_neet_rate_of_16_and_17_year_olds_with_plans(frames):
    # Within 0.5 percentage points of 9%.
    persons = active_plans(frames, BASELINE).person_id
    neet = frames["neet_activity"]
    latest = neet[(neet.as_at <= BASELINE) & neet.person_id.isin(persons)].sort_values("as_at")
    latest = latest.groupby("person_id").tail(1)
    latest = latest[latest.academic_age.between(16, 17)]
    assert len(latest) > 200
    assert abs(100 * (latest.activity == "NEET").mean() - 9.0) <= 0.5


def test_baseline_plans_electively_home_educated(frames):
    # Exactly 28 with an EHE placement open.
    persons = active_plans(frames, BASELINE).person_id
    placement = open_on(frames["placement"], BASELINE)
    assert placement[(placement.sen_setting == "EHE") & placement.person_id.isin(persons)].person_id.nunique() == 28


def test_baseline_plans_unplaced_or_educated_otherwise(frames):
    # Exactly 14 placed UNPLACED or OLA (EOTAS).
    categories = category_on(frames, BASELINE, active_plans(frames, BASELINE).person_id)
    assert categories.isin(["UNPLACED", "EOTAS"]).sum() == 14


@pytest.mark.parametrize("provision, published", [("E", 2), ("K", 15)])
def test_baseline_permanent_exclusions_since_september_2023(frames, provision, published):
    # Exactly 2 with plans and 15 on SEN support, 1 September 2023 to the baseline date.
    x = frames["exclusion"]
    x = x[(x.category == "PERM") & (x.start_date >= dt.date(2023, 9, 1)) & (x.start_date <= BASELINE)]
    assert (x.sen_provision == provision).sum() == published


# ---------------------------------------------------------------- SEN support and pupils
def test_pupils_in_the_areas_schools_and_the_share_on_sen_support(frames):
    # 25,000-30,000 pupils in the area's schools on the January 2025 census date, 12%-15% on SEN support
    # (England about 14%).
    day = sen2_census_date(2025)
    est = frames["establishment"]
    schools = est[est.in_area & est.kind.isin(["MAINSTREAM", "SPECIAL", "AP"])].establishment_id
    placement = open_on(frames["placement"], day)
    pupils = placement[placement.establishment_id.isin(schools)].person_id.unique()
    status = open_on(frames["sen_status"], day)
    support = status[status.sen_provision == "K"].person_id
    assert 25_000 <= len(pupils) <= 30_000
    assert 0.12 <= pd.Series(pupils).isin(support).mean() <= 0.15


# ---------------------------------------------------------------- Experts at Hand, costs and places
def test_half_of_settings_engaged_with_experts_at_hand_by_the_end_of_september_2026(frames):
    # Between 50% and 60% on 30 September 2026, and more by the as-at date.
    est = frames["establishment"]
    engagement = frames["eah_engagement"]

    def engaged(day):
        latest = engagement[engagement.as_at <= day].sort_values("as_at").groupby("establishment_id").tail(1)
        return latest.level.isin(["ENGAGED", "ACTIVE"]).sum() / est.in_area.sum()

    assert 0.5 <= engaged(dt.date(2026, 9, 30)) <= 0.6
    assert engaged(dt.date(2026, 11, 28)) > engaged(dt.date(2026, 9, 30))


@pytest.mark.parametrize("year, growth", [("2025-26", 0.06), ("2026-27", 0.05), ("2027-28", 0.04)])
def test_inmss_unit_cost_growth(frames, year, growth):
    # Within 0.1 percentage points of the plan's assumption.
    cost = frames["unit_cost"]
    mean = cost[cost.setting_category == "INMSS"].groupby("financial_year").annual_cost.mean()
    previous = f"{int(year[:4]) - 1}-{year[2:4]}"
    assert abs(mean[year] / mean[previous] - 1 - growth) <= 0.001


def test_128_places_planned_for_september_2027(frames):
    # Exactly 128, at two mainstream schools.
    planned = frames["planned_places"]
    assert planned.places.sum() == 128
    assert planned.establishment_id.nunique() == 2
    assert (planned.open_date == dt.date(2027, 9, 1)).all()
