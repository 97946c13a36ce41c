"""Every indicator on the hand-built area of small_area.py, on every backend, against values worked out by
hand. The working for each value is in the comment beside it."""

import pytest

from sendreform.metrics import engine
from sendreform.metrics.catalogue import CATALOGUE
from tests.metrics.small_area import AS_AT

pytestmark = pytest.mark.postgres

EXPECTED = {
    # (value, numerator, denominator)
    "special_school_attendance_rate": (100 * (1 - 31 / 240), 209, 240),  # E3 rows 2025/26: P5 140/21, P6 100/10
    "maintained_special_places": (120, 120, None),  # E3 only: E4 opens 2026-09, E7 out of area
    "inmss_placements": (2, 2, None),  # P3, P4 at E5 (P15 has no plan)
    "ehcp_in_mainstream": (4, 4, None),  # P1, P2 (resourced provision), P7, P11
    "neet_16_17_ehcp_rate": (100 / 3, 1, 3),  # P12 EET (latest), P13 NEET, P14 not known; P9, P10 no plan
    "pex_school_cannot_meet_need": (1, 1, None),  # P7 only; P1's latest review said no; P2's was same day
    "ehe_ehcp_return_rate": (50, 1, 2),  # P7 returned to E2 (academy) in the period, P8 still EHE
    "ehcp_unplaced_or_eotas": (2, 2, None),  # P5 unplaced, P6 OLA
    "avg_days_unplaced": (81, 162, 2),  # P5 70 days (May-Jul 2025), P6 92 days (Jun-Sep 2025)
    "avg_days_ap_commission": (75, 150, 2),  # C1 60 days, C2 90 days; C3 by the LA, C4 open
    "ptt_time_in_school_pct": (60, 120, 2),  # T1 10/25 = 40%, T3 20/25 = 80%; T2 ended on the as-at date
    "send_corporate_complaints": (2, 2, None),  # CP1, CP3
    "ehcp_total": (12, 12, None),  # twelve plan people active; P9 ceased 2025-12-31
    "ehcp_growth_12m": (20, 12, 10),  # 2025-03-31: not P4, P11, P14 (later starts); P9 then active
    "ehcna_requests": (4, 4, None),  # R2, R3, R4, R5 received in the period
    "ehcna_decision_6w_pct": (75, 3, 4),  # R2 35d, R3 49d (late), R5 42d, R6 40d (decided in period)
    "ehcp_issued_20w_pct": (50, 1, 2),  # P4 142 days (late), P11 139 days; P14's assessment had an exception
    "send_attendance_rate": (100 * (1 - 89 / 780), 691, 780),  # P1, P2, P10 (E1/E2), P5, P6 (E3)
    "send_unauthorised_absence_rate": (100 * 30 / 780, 30, 780),
    "send_persistent_absence_pct": (100 * 5 / 6, 5, 6),  # P2, P10 (10% exactly), P5, P6, P3; not P1 (5.4%)
    "send_suspension_rate": (100 * 3 / 14, 3, 14),  # X7, X8, X9 over 14 SEN pupils (12 plans, P9, P10)
    "send_permanent_exclusions": (4, 4, None),  # X1, X2, X3, X4; X5 before the period, X6 no SEN
    "ptt_open": (2, 2, None),  # T1, T3
    "ehe_ehcp_count": (1, 1, None),  # P8
    "inmss_new_placements": (1, 1, None),  # P4 at E5 from 2025-06-15; P15 has no plan
    "mainstream_share_pct": (50, 4, 8),  # aged 5-15: P1 P2 P4 P5 P6 P7 P8 P11 (P3 turns 16 on the day)
    "eah_settings_engaged_pct": (40, 2, 5),  # E1 engaged, E3 active of E1 E2 E3 E6 E8 (E2 active after)
    "eah_referral_to_support_days": (16, None, 4),  # 10, 12, 20, 30 days
    "eah_needs_met_in_setting_pct": (100 * 2 / 3, 2, 3),  # RF1, RF4 of RF1, RF2, RF4
    "parent_confidence_pct": (50, 2, 4),  # 5, 4, 3, 2 in the period (one comment-only, one before)
    "cyp_belonging_pct": (100 * 2 / 3, 2, 3),  # 4, 4, 1
    "tribunal_appeals": (1, 1, None),  # TA1
    "inmss_unit_cost_growth_pct": (100 * (65_000 / 60_000 - 1), 6_500_000, 6_000_000),  # means in pence
    # EHC casework. Advice received in the period, no exception: AD1 41 days, AD2 43 (late), AD3 42, AD7 35
    # (AD4 awaited, AD5 excused, AD6 before the period)
    "ehc_advice_6w_pct": (75, 3, 4),
    "ehc_advice_6w_ep_pct": (100, 2, 2),  # AD1, AD3
    "ehc_advice_6w_health_pct": (0, 0, 1),  # AD2
    "ehc_advice_6w_social_care_pct": (100, 1, 1),  # AD7
    # Meetings in the period and their due dates (a year after the previous meeting, or the plan's issue):
    # AR1b 1 Jun 2025 (due 10 Jan 2026), AR1c 20 Nov 2025 (due 1 Jun 2026), AR2b 10 Jan 2026 (due 1 Jan: late),
    # AR3b 10 May 2025 (due 20 May 2025), AR3c 1 Mar 2026 (due 10 May 2026), AR6 20 Dec 2025 (the plan's issue
    # 1 Jan 2023: due 1 Jan 2024, late)
    "annual_reviews_on_time_pct": (100 * 4 / 6, 4, 6),
    # Decisions in the period: AR3b 22 days, AR3c 19, AR6 31 (late), AR1c 88 (late)
    "review_decision_4w_pct": (50, 2, 4),
    # AR1c: P1 (born 10 May 2015) 10 on 31 Aug 2025, year 6: by 15 Feb 2026, decided 16 Feb (late);
    # AR3c: P3 (born 31 Mar 2010) 15 on 31 Aug 2025, year 11: by 31 Mar 2026 (the as-at date), decided 20 Mar
    "phase_transfer_by_deadline_pct": (50, 1, 2),
    # Open on 31 March 2026: cara AL1, AL4; olu AL3 (AL2 ended, AL5 not begun, AL6 ended 30 March): 3 / 2
    "open_cases_per_officer": (1.5, 3, 2),
}


def test_every_indicator_has_a_hand_worked_value():
    assert set(EXPECTED) == set(CATALOGUE)


_FIGURES = {}  # per backend: tests run in random order, so a module fixture would recompute on each switch


@pytest.fixture
def figures(backend):
    if id(backend) not in _FIGURES:
        tables = engine.tables_from_connection(backend)
        _FIGURES[id(backend)] = {f.id: f for f in engine.evaluate(tables, as_ats=[AS_AT], con=backend)}
    return _FIGURES[id(backend)]


@pytest.mark.parametrize("kpi", sorted(EXPECTED))
def test_indicator_value_matches_the_hand_worked_value(figures, kpi):
    # Given the small area, When the catalogue runs at 2026-03-31, Then each value is as worked by hand
    value, numerator, denominator = EXPECTED[kpi]
    figure = figures[kpi]
    assert figure.value == pytest.approx(value)
    assert figure.numerator == (None if numerator is None else pytest.approx(numerator))
    assert figure.denominator == (None if denominator is None else pytest.approx(denominator))


def test_breakdown_by_sen_provision_uses_provision_at_the_time(backend):
    # Given permanent exclusions of three pupils with plans and one on SEN support
    tables = engine.tables_from_connection(backend)
    [fig] = engine.evaluate(tables, as_ats=[AS_AT], ids=["send_permanent_exclusions"], by=["sen_provision"],
                            con=backend)
    # Then the breakdown counts them by the provision recorded on the exclusion
    assert {g.group: g.value for g in fig.groups} == {"E": 3, "K": 1}


def test_breakdown_by_cluster_with_disproportionality(backend):
    # Given persistent absence: in C1 settings P1 (no), P10, P5, P6 (yes); in C2 P2 (yes); P3 at E5 (none)
    tables = engine.tables_from_connection(backend)
    [fig] = engine.evaluate(tables, as_ats=[AS_AT], ids=["ehcp_in_mainstream", "mainstream_share_pct"][1:],
                            by=["cluster"], con=backend)
    groups = {g.group: g for g in fig.groups}
    # mainstream share by cluster of placement: C1 = P1, P5 (unplaced: no establishment -> UNKNOWN), P11...
    assert groups["C1"].numerator == 2 and groups["C1"].denominator == 2  # P1, P11 at E1
    assert groups["C2"].numerator == 2 and groups["C2"].denominator == 2  # P2, P7 at E2
    assert groups["UNKNOWN"].numerator == 0 and groups["UNKNOWN"].denominator == 4  # P5 P6 P8 (no setting), P4 E5
    # Each rate over the rest: C1 100% vs (2 of 6) -> ratio 3
    assert groups["C1"].ratio == pytest.approx(1.0 / (2 / 6))


def test_time_series_in_one_evaluation(backend):
    # Given two as-at dates, When evaluated together, Then each date has its own active plan count
    tables = engine.tables_from_connection(backend)
    import datetime as dt

    figs = engine.evaluate(tables, as_ats=[dt.date(2025, 3, 31), AS_AT], ids=["ehcp_total"], con=backend)
    assert [(f.as_at, f.value) for f in figs] == [(dt.date(2025, 3, 31), 10), (AS_AT, 12)]


def test_breakdown_by_local_area_uses_home_authority_or_the_setting_authority(backend):
    # Given every child lives in 870 and every setting is in 870
    tables = engine.tables_from_connection(backend)
    figs = engine.evaluate(tables, as_ats=[AS_AT], ids=["ehcp_total", "maintained_special_places"],
                           by=["local_area"], con=backend)
    # Then each indicator has one local-area group holding the whole value
    assert {f.id: [(g.group, g.value) for g in f.groups] for f in figs} == {
        "ehcp_total": [("870", 12)], "maintained_special_places": [("870", 120)]
    }


def test_each_filter_gives_its_own_group_when_queries_are_reused(backend):
    # Given the engine has computed the mainstream share for cluster C1 (its queries kept for reuse)
    tables = engine.tables_from_connection(backend)
    [c1] = engine.evaluate(tables, as_ats=[AS_AT], ids=["mainstream_share_pct"], filters={"cluster": "C1"},
                           con=backend)
    # When it computes the same for the children placed in no cluster
    [none] = engine.evaluate(tables, as_ats=[AS_AT], ids=["mainstream_share_pct"],
                             filters={"cluster": engine.UNKNOWN}, con=backend)
    # Then each has its own figure: P1, P11 at E1 in mainstream; P4 P5 P6 P8 in no cluster, none in mainstream
    assert (c1.numerator, c1.denominator) == (2, 2)
    assert (none.numerator, none.denominator) == (0, 4)
