"""The data-quality check on hand-built canonical tables: each rule finds its rows, counts and examples."""

import datetime as dt

from sendreform.interchange.quality import CHECKS, Example, quality_check
from sendreform.standards.schemas import TABLE_ORDER

D = dt.date
TODAY = D(2026, 11, 28)


def run(con):
    return quality_check(tables={name: con.table(name) for name in TABLE_ORDER}, today=TODAY)


def counts(report) -> dict[str, int]:
    return {check: report.check_count(check) for check in CHECKS}


def clean_area(area, **extra):
    rows = {
        "cluster": [{"cluster_id": "C1", "name": "North"}],
        "establishment": [{"establishment_id": "E1", "cluster_id": "C1"}],
        "person": [{"person_id": "P1"}, {"person_id": "P2", "birth_date": D(2009, 2, 14)}],
        "ehc_request": [
            {
                "request_id": "R1",
                "person_id": "P1",
                "received_date": D(2025, 10, 1),
                "outcome": "Y",
                "outcome_date": D(2025, 11, 10),
            }
        ],
        "ehc_assessment": [
            {"assessment_id": "A1", "request_id": "R1", "outcome": "Y", "outcome_date": D(2026, 2, 1)}
        ],
        "ehc_plan": [
            {"plan_id": "EHCP1", "person_id": "P1", "assessment_id": "A1", "start_date": D(2026, 2, 20)}
        ],
        "placement": [
            {"placement_id": "PL1", "person_id": "P1", "establishment_id": "E1", "start_date": D(2024, 9, 1)}
        ],
        "eah_referral": [
            {
                "referral_id": "X1",
                "establishment_id": "E1",
                "person_id": "P2",
                "received_date": D(2026, 1, 5),
                "risk_flags": "SUSPENSION, ATTENDANCE",
            }
        ],
        "ap_provider": [{"provider_id": "AP1"}],
        "ap_commission": [
            {
                "commission_id": "AC1",
                "person_id": "P2",
                "commissioned_by": "E1",
                "provider_id": "AP1",
                "start_date": D(2026, 1, 5),
            }
        ],
    }
    for table, more in extra.items():
        rows[table] = rows.get(table, []) + more
    return area(**rows)


def test_a_clean_area_has_no_issues(area):
    report = run(clean_area(area))
    assert report.clean
    assert counts(report) == {
        "orphan_rows": 0,
        "impossible_dates": 0,
        "unknown_codes": 0,
        "duplicate_keys": 0,
        "overlapping_episodes": 0,
    }


def test_orphan_rows_are_counted_with_the_missing_value(area):
    # Given a placement of a person who is not there, and a commission by a setting that is not there
    report = run(
        clean_area(
            area,
            placement=[
                {
                    "placement_id": "PL2",
                    "person_id": "P404",
                    "sen_setting": "EHE",
                    "start_date": D(2025, 1, 6),
                }
            ],
            ap_commission=[
                {
                    "commission_id": "AC2",
                    "person_id": "P1",
                    "commissioned_by": "E999",
                    "provider_id": "AP1",
                    "start_date": D(2025, 1, 6),
                }
            ],
        )
    )
    # Then two orphans, one example each, in table order
    assert report.check_count("orphan_rows") == 2
    assert report.check_examples("orphan_rows") == [
        Example("placement", "PL2", "person_id", "P404"),
        Example("ap_commission", "AC2", "commissioned_by", "E999"),
    ]


def test_impossible_dates_end_before_start_future_and_age(area):
    report = run(
        clean_area(
            area,
            person=[{"person_id": "P3", "birth_date": D(1990, 5, 1)}],
            # End before start; and a start in the future (today is 2026-11-28)
            sen_status=[
                {
                    "person_id": "P1",
                    "sen_provision": "K",
                    "start_date": D(2025, 9, 1),
                    "end_date": D(2025, 7, 1),
                }
            ],
            placement=[
                {
                    "placement_id": "PL3",
                    "person_id": "P1",
                    "sen_setting": "EHE",
                    "start_date": D(2026, 11, 29),
                }
            ],
            # A plan for someone aged 35
            ehc_plan=[{"plan_id": "EHCP3", "person_id": "P3", "start_date": D(2025, 6, 1)}],
        )
    )
    assert report.check_count("impossible_dates") == 3
    assert report.check_examples("impossible_dates") == [
        Example("sen_status", "P1, 2025-09-01", "end_date", "2025-07-01 before 2025-09-01"),
        Example("ehc_plan", "EHCP3", "birth_date", "1990-05-01 (age 35 at plan start)"),
        Example("placement", "PL3", "start_date", "2026-11-29"),
    ]


def test_age_at_plan_start_counts_whole_years(area):
    # Given plans starting the day before and on a 26th birthday, and on the day of birth
    report = run(
        clean_area(
            area,
            person=[
                {"person_id": "P3", "birth_date": D(2000, 6, 1)},
                {"person_id": "P4", "birth_date": D(2025, 6, 1)},
            ],
            ehc_plan=[
                {"plan_id": "EHCP3", "person_id": "P3", "start_date": D(2026, 5, 31)},
                {"plan_id": "EHCP4", "person_id": "P3", "start_date": D(2026, 6, 1)},
                {"plan_id": "EHCP5", "person_id": "P4", "start_date": D(2025, 6, 1)},
            ],
        )
    )
    # Then only the plan starting at 26 is outside 0-25
    assert report.check_examples("impossible_dates") == [
        Example("ehc_plan", "EHCP4", "birth_date", "2000-06-01 (age 26 at plan start)")
    ]


def test_an_assessment_decided_before_its_request_was_received(area):
    report = run(
        clean_area(
            area,
            ehc_request=[
                {
                    "request_id": "R2",
                    "person_id": "P2",
                    "received_date": D(2025, 10, 1),
                    "outcome": "Y",
                    "outcome_date": D(2025, 11, 1),
                }
            ],
            ehc_assessment=[
                {"assessment_id": "A2", "request_id": "R2", "outcome": "N", "outcome_date": D(2025, 9, 1)}
            ],
        )
    )
    assert report.check_examples("impossible_dates") == [
        Example("ehc_assessment", "A2", "outcome_date", "2025-09-01 before request received 2025-10-01")
    ]


def test_unknown_codes_including_items_of_comma_lists(area):
    report = run(
        clean_area(
            area,
            person=[{"person_id": "P3", "sex": "X"}],
            ehc_request=[
                {
                    "request_id": "R2",
                    "person_id": "P2",
                    "received_date": D(2025, 10, 1),
                    "outcome": "A",
                    "request_source": 9,
                }
            ],
            eah_referral=[
                {
                    "referral_id": "X2",
                    "establishment_id": "E1",
                    "received_date": D(2026, 1, 5),
                    "risk_flags": "SUSPENSION,FIGHTING,BITING",
                }
            ],
        )
    )
    assert report.check_count("unknown_codes") == 3
    assert report.check_examples("unknown_codes") == [
        Example("person", "P3", "sex", "X"),
        Example("ehc_request", "R2", "request_source", "9"),
        Example("eah_referral", "X2", "risk_flags", "FIGHTING,BITING"),
    ]


def test_duplicate_keys_count_each_repeated_key_once(area):
    report = run(
        clean_area(
            area,
            person=[{"person_id": "P1", "forename": "Ben"}, {"person_id": "P1", "forename": "Cat"}],
            population=[
                {"year": 2026, "age": 5, "population": 2000},
                {"year": 2026, "age": 5, "population": 2010},
            ],
        )
    )
    assert report.check_count("duplicate_keys") == 2
    assert report.check_examples("duplicate_keys") == [
        Example("person", "P1", "person_id", "3 rows"),
        Example("population", "2026, 5", "year, age", "2 rows"),
    ]


def test_the_report_as_a_dict_lists_every_check_with_its_rules(area):
    report = run(clean_area(area, person=[{"person_id": "P3", "sex": "X"}]))
    data = report.to_dict()
    assert (data["clean"], data["issues"], data["today"]) == (False, 1, "2026-11-28")
    [unknown] = [c for c in data["checks"] if c["check"] == "unknown_codes"]
    assert unknown["rules"] == [
        {"rule": "person.sex not in SEX", "table": "person", "column": "sex", "count": 1}
    ]
    assert unknown["examples"] == [{"table": "person", "key": "P3", "column": "sex", "value": "X"}]
