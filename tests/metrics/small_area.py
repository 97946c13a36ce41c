"""A small hand-built local area whose indicator values were worked out by hand (see test_catalogue.py).

As-at date 2026-03-31; the default period is the financial year 2025-26 to date (2025-04-01 to
2026-03-31); the academic year is 2025/26.
"""

import datetime as dt

import pyarrow as pa

from sendreform.standards.schemas import TABLES, arrow_schema

AS_AT = dt.date(2026, 3, 31)


def D(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _est(eid, kind, funding, phase, cluster, in_area=True, places=None, open_date=None):
    return dict(establishment_id=eid, urn=None, ukprn=None, name=f"Setting {eid}", la_code="870",
                phase=phase, kind=kind, funding=funding, in_area=in_area, cluster_id=cluster,
                has_sen_unit=False, has_resourced_provision=False, capacity=None, specialist_places=places,
                open_date=open_date, close_date=None)


def _person(pid, birth, sex="M", ethnicity="WBRI"):
    return dict(person_id=pid, upn=None, uln=None, forename="Test", surname=pid, birth_date=D(birth), sex=sex,
                ethnicity=ethnicity, postcode=None, home_la="870")


def _placement(plid, pid, start, end=None, est=None, setting=None, rp=False):
    return dict(placement_id=plid, person_id=pid, establishment_id=est, sen_setting=setting, sen_unit=False,
                resourced_provision=rp, la_funded=True, start_date=D(start), end_date=end and D(end))


def _plan(pid, start, cease=None, assessment=None):
    return dict(plan_id=f"PL-{pid}", person_id=pid, assessment_id=assessment, start_date=D(start),
                cease_date=cease and D(cease), cease_reason=1 if cease else None, transfer_in_la=None)


def _att(pid, est, year, term, possible, auth, unauth):
    return dict(person_id=pid, establishment_id=est, academic_year=year, term=term, sessions_possible=possible,
                sessions_authorised=auth, sessions_unauthorised=unauth, sessions_c2=0)


def _excl(xid, pid, est, start, category, provision):
    return dict(exclusion_id=xid, person_id=pid, establishment_id=est, start_date=D(start), category=category,
                sessions=10, reason="DB", sen_provision=provision)


def _review(rid, plan, meeting, decision, phase_transfer=False):
    return dict(review_id=rid, plan_id=plan, meeting_date=D(meeting), decision_date=decision and D(decision),
                outcome="M" if decision else None, school_cannot_meet_need=False, pfa_toolkit_used=False,
                phase_transfer=phase_transfer)


def _advice(aid, rid, kind, requested, received, exception=False):
    return dict(advice_id=aid, request_id=rid, advice_type=kind, requested_date=D(requested),
                received_date=received and D(received), exception=exception)


def _allocation(aid, pid, case, officer, start, end=None):
    return dict(allocation_id=aid, person_id=pid, case_ref=case, officer_id=officer, start_date=D(start),
                end_date=end and D(end))


PLAN_PEOPLE = {  # person: (birth date, plan start, primary need)
    "P1": ("2015-05-10", "2020-01-01", "ASD"),
    "P2": ("2012-02-01", "2021-05-01", "SEMH"),
    "P3": ("2010-03-31", "2019-03-01", "ASD"),
    "P4": ("2016-04-01", "2025-06-01", "SLCN"),
    "P5": ("2014-07-07", "2022-01-01", "SEMH"),
    "P6": ("2011-11-11", "2023-01-01", "MLD"),
    "P7": ("2013-01-20", "2018-01-01", "ASD"),
    "P8": ("2017-06-30", "2024-02-01", "SLD"),
    "P11": ("2020-09-15", "2025-09-01", "SLCN"),
    "P12": ("2009-05-05", "2020-01-01", "MLD"),
    "P13": ("2008-10-10", "2020-01-01", "SEMH"),
    "P14": ("2009-12-01", "2025-08-01", "ASD"),
}
ASSESSMENT_OF = {"P4": "A1", "P11": "A2", "P14": "A6"}


def rows() -> dict[str, list[dict]]:
    r: dict[str, list[dict]] = {name: [] for name in TABLES}
    r["cluster"] = [dict(cluster_id="C1", name="North"), dict(cluster_id="C2", name="South")]
    r["establishment"] = [
        _est("E1", "MAINSTREAM", "MAINTAINED", "PRIMARY", "C1"),
        _est("E2", "MAINSTREAM", "ACADEMY", "SECONDARY", "C2"),
        _est("E3", "SPECIAL", "MAINTAINED", "ALL_THROUGH", "C1", places=120),
        _est("E4", "SPECIAL", "ACADEMY", "ALL_THROUGH", "C2", places=80, open_date=D("2026-09-01")),
        _est("E5", "SPECIAL", "INDEPENDENT", "ALL_THROUGH", None, in_area=False, places=50),
        _est("E6", "AP", "MAINTAINED", "SECONDARY", "C1"),
        _est("E7", "SPECIAL", "MAINTAINED", "ALL_THROUGH", None, in_area=False, places=30),
        _est("E8", "FE", "FE_COLLEGE", "POST16", "C2"),
    ]
    r["person"] = [_person(p, b, sex="F" if p in ("P2", "P5", "P8") else "M") for p, (b, _, _) in
                   PLAN_PEOPLE.items()]
    r["person"] += [_person("P9", "2006-01-01"), _person("P10", "2014-03-03", sex="F"),
                    _person("P15", "2013-03-03")]
    r["ehc_plan"] = [_plan(p, s, assessment=ASSESSMENT_OF.get(p)) for p, (_, s, _) in PLAN_PEOPLE.items()]
    r["ehc_plan"].append(_plan("P9", "2019-01-01", cease="2025-12-31"))
    r["sen_status"] = [dict(person_id=p, establishment_id=None, sen_provision="E", start_date=D(s), end_date=None)
                       for p, (_, s, _) in PLAN_PEOPLE.items()]
    r["sen_status"] += [
        dict(person_id="P9", establishment_id=None, sen_provision="E", start_date=D("2019-01-01"),
             end_date=D("2025-12-31")),
        dict(person_id="P10", establishment_id="E1", sen_provision="K", start_date=D("2022-09-01"), end_date=None),
        dict(person_id="P15", establishment_id="E1", sen_provision="N", start_date=D("2020-09-01"), end_date=None),
    ]
    r["sen_need"] = [dict(person_id=p, need_type=n, need_rank=1, start_date=D(s), end_date=None)
                     for p, (_, s, n) in PLAN_PEOPLE.items()]
    r["placement"] = [
        _placement("PL1", "P1", "2020-09-01", est="E1"),
        _placement("PL2", "P2", "2022-09-01", est="E2", rp=True),
        _placement("PL3a", "P3", "2019-09-01", "2024-01-10", est="E1"),
        _placement("PL3b", "P3", "2024-01-10", est="E5"),
        _placement("PL4", "P4", "2025-06-15", est="E5"),
        _placement("PL5a", "P5", "2025-05-01", "2025-07-10", setting="UNPLACED"),
        _placement("PL5b", "P5", "2025-07-10", "2026-01-05", est="E1"),
        _placement("PL5c", "P5", "2026-01-05", setting="UNPLACED"),
        _placement("PL6a", "P6", "2025-06-01", "2025-09-01", setting="UNPLACED"),
        _placement("PL6b", "P6", "2025-09-01", setting="OLA"),
        _placement("PL7a", "P7", "2025-04-01", "2025-10-01", setting="EHE"),
        _placement("PL7b", "P7", "2025-10-01", est="E2"),
        _placement("PL8", "P8", "2025-05-01", setting="EHE"),
        _placement("PL11", "P11", "2025-09-01", est="E1"),
        _placement("PL12", "P12", "2025-09-01", est="E8"),
        _placement("PL13", "P13", "2025-07-20", setting="NEET"),
        _placement("PL14", "P14", "2025-09-01", est="E8"),
        _placement("PL15", "P15", "2025-07-01", est="E5"),
    ]
    r["ehc_request"] = [
        dict(request_id="R1", person_id="P4", received_date=D("2025-01-10"), request_source=1, outcome="Y",
             outcome_date=D("2025-02-14"), mediation=False, tribunal=False),
        dict(request_id="R2", person_id="P11", received_date=D("2025-04-15"), request_source=2, outcome="Y",
             outcome_date=D("2025-05-20"), mediation=False, tribunal=False),
        dict(request_id="R3", person_id="P10", received_date=D("2025-06-01"), request_source=2, outcome="N",
             outcome_date=D("2025-07-20"), mediation=False, tribunal=False),
        dict(request_id="R4", person_id="P15", received_date=D("2025-11-01"), request_source=1, outcome="A",
             outcome_date=None, mediation=False, tribunal=False),
        dict(request_id="R5", person_id="P12", received_date=D("2025-12-01"), request_source=3, outcome="Y",
             outcome_date=D("2026-01-12"), mediation=False, tribunal=False),
        dict(request_id="R6", person_id="P14", received_date=D("2025-03-01"), request_source=1, outcome="Y",
             outcome_date=D("2025-04-10"), mediation=False, tribunal=False),
    ]
    r["ehc_assessment"] = [
        dict(assessment_id="A1", request_id="R1", outcome="Y", outcome_date=D("2025-06-01"),
             week20_exception=False, mediation=False, tribunal=False),
        dict(assessment_id="A2", request_id="R2", outcome="Y", outcome_date=D("2025-09-01"),
             week20_exception=False, mediation=False, tribunal=False),
        dict(assessment_id="A5", request_id="R5", outcome="A", outcome_date=None,
             week20_exception=True, mediation=False, tribunal=False),
        dict(assessment_id="A6", request_id="R6", outcome="Y", outcome_date=D("2025-08-01"),
             week20_exception=True, mediation=False, tribunal=False),
    ]
    r["annual_review"] = [
        dict(review_id="AR1a", plan_id="PL-P1", meeting_date=D("2025-01-10"), decision_date=None, outcome="M",
             school_cannot_meet_need=True, pfa_toolkit_used=False, phase_transfer=False),
        dict(review_id="AR1b", plan_id="PL-P1", meeting_date=D("2025-06-01"), decision_date=None, outcome="M",
             school_cannot_meet_need=False, pfa_toolkit_used=False, phase_transfer=False),
        dict(review_id="AR7", plan_id="PL-P7", meeting_date=D("2025-02-02"), decision_date=None, outcome="A",
             school_cannot_meet_need=True, pfa_toolkit_used=False, phase_transfer=False),
        dict(review_id="AR2a", plan_id="PL-P2", meeting_date=D("2025-01-01"), decision_date=None, outcome="M",
             school_cannot_meet_need=False, pfa_toolkit_used=False, phase_transfer=False),
        dict(review_id="AR2b", plan_id="PL-P2", meeting_date=D("2026-01-10"), decision_date=None, outcome="A",
             school_cannot_meet_need=True, pfa_toolkit_used=False, phase_transfer=False),
        # EHC casework: reviews with their decisions and phase transfers (none before an exclusion of theirs)
        _review("AR1c", "PL-P1", "2025-11-20", "2026-02-16", phase_transfer=True),  # P1 in year 6: by 15 Feb
        _review("AR3a", "PL-P3", "2024-05-20", None),
        _review("AR3b", "PL-P3", "2025-05-10", "2025-06-01"),
        _review("AR3c", "PL-P3", "2026-03-01", "2026-03-20", phase_transfer=True),  # P3 in year 11: by 31 March
        _review("AR6", "PL-P6", "2025-12-20", "2026-01-20"),
    ]
    r["ehc_advice"] = [
        _advice("AD1", "R2", "EP", "2025-05-20", "2025-06-30"),  # 41 days
        _advice("AD2", "R2", "HEALTH", "2025-05-20", "2025-07-02"),  # 43 days: late
        _advice("AD3", "R5", "EP", "2026-01-12", "2026-02-23"),  # 42 days exactly
        _advice("AD4", "R5", "HEALTH", "2026-01-12", None),  # awaited
        _advice("AD5", "R5", "SOCIAL_CARE", "2026-01-12", "2026-03-02", exception=True),  # 49 days, excused
        _advice("AD6", "R1", "SOCIAL_CARE", "2025-02-14", "2025-03-20"),  # received before the period
        _advice("AD7", "R6", "SOCIAL_CARE", "2025-04-10", "2025-05-15"),  # 35 days
    ]
    r["ehc_case_allocation"] = [
        _allocation("AL1", "P15", "CW-1", "cara", "2025-11-01"),
        _allocation("AL2", "P12", "CW-2", "cara", "2025-12-01", "2026-02-01"),
        _allocation("AL3", "P12", "CW-2", "olu", "2026-02-01"),
        _allocation("AL4", "P3", "CW-3", "cara", "2026-03-01"),
        _allocation("AL5", "P1", "CW-4", "olu", "2026-04-02"),  # after the as-at date
        _allocation("AL6", "P6", "CW-5", "tom", "2025-10-01", "2026-03-30"),
    ]
    r["exclusion"] = [
        _excl("X1", "P1", "E1", "2025-11-03", "PERM", "E"),
        _excl("X2", "P7", "E1", "2025-05-05", "PERM", "E"),
        _excl("X3", "P10", "E1", "2025-09-09", "PERM", "K"),
        _excl("X4", "P2", "E2", "2026-01-10", "PERM", "E"),
        _excl("X5", "P5", "E1", "2025-03-01", "PERM", "E"),
        _excl("X6", "P15", "E1", "2025-10-10", "PERM", "N"),
        _excl("X7", "P1", "E1", "2025-10-01", "SUSP", "E"),
        _excl("X8", "P10", "E1", "2025-05-05", "SUSP", "K"),
        _excl("X9", "P10", "E1", "2025-06-06", "SUSP", "K"),
        _excl("X10", "P15", "E1", "2025-06-06", "SUSP", "N"),
        _excl("X11", "P2", "E2", "2024-12-01", "SUSP", "E"),
    ]
    r["attendance"] = [
        _att("P1", "E1", "2025/26", "AUT", 140, 10, 4),
        _att("P1", "E1", "2025/26", "SPR", 120, 0, 0),
        _att("P2", "E2", "2025/26", "AUT", 140, 20, 10),
        _att("P10", "E1", "2025/26", "AUT", 140, 5, 9),
        _att("P5", "E3", "2025/26", "AUT", 140, 14, 7),
        _att("P6", "E3", "2025/26", "AUT", 100, 10, 0),
        _att("P6", "E3", "2024/25", "SUM", 100, 50, 0),
        _att("P15", "E1", "2025/26", "AUT", 140, 70, 0),
        _att("P3", "E5", "2025/26", "AUT", 140, 0, 40),
    ]
    r["part_time_timetable"] = [
        dict(ptt_id="T1", person_id="P2", establishment_id="E2", start_date=D("2025-10-01"), planned_end_date=None,
             end_date=None, hours_in_school_per_week=10, full_time_hours_per_week=25, reason="Anxiety",
             review_date=None),
        dict(ptt_id="T2", person_id="P10", establishment_id="E1", start_date=D("2026-01-01"),
             planned_end_date=None, end_date=D("2026-03-31"), hours_in_school_per_week=15,
             full_time_hours_per_week=25, reason="Reintegration", review_date=None),
        dict(ptt_id="T3", person_id="P1", establishment_id="E1", start_date=D("2026-02-01"),
             planned_end_date=D("2026-05-01"), end_date=None, hours_in_school_per_week=20,
             full_time_hours_per_week=25, reason="Medical", review_date=None),
    ]
    r["ap_provider"] = [dict(provider_id="AP1", name="Provider One", establishment_id=None, approved=True,
                             approved_date=D("2024-01-01"), quality="GOOD", review_due=None)]
    r["ap_commission"] = [
        dict(commission_id="C1", person_id="P2", commissioned_by="E2", provider_id="AP1",
             start_date=D("2025-09-01"), end_date=D("2025-10-31"), sessions_per_week=4, weekly_cost=None),
        dict(commission_id="C2", person_id="P10", commissioned_by="E1", provider_id="AP1",
             start_date=D("2025-04-01"), end_date=D("2025-06-30"), sessions_per_week=4, weekly_cost=None),
        dict(commission_id="C3", person_id="P6", commissioned_by="LA", provider_id="AP1",
             start_date=D("2025-01-01"), end_date=D("2025-09-01"), sessions_per_week=10, weekly_cost=None),
        dict(commission_id="C4", person_id="P1", commissioned_by="E1", provider_id="AP1",
             start_date=D("2026-01-01"), end_date=None, sessions_per_week=2, weekly_cost=None),
    ]
    r["neet_activity"] = [
        dict(person_id="P12", as_at=D("2025-10-01"), academic_age=16, activity="NEET"),
        dict(person_id="P12", as_at=D("2026-02-01"), academic_age=16, activity="EET"),
        dict(person_id="P13", as_at=D("2026-01-15"), academic_age=17, activity="NEET"),
        dict(person_id="P14", as_at=D("2025-12-01"), academic_age=16, activity="NOT_KNOWN"),
        dict(person_id="P10", as_at=D("2026-01-01"), academic_age=16, activity="NEET"),
        dict(person_id="P9", as_at=D("2026-01-01"), academic_age=17, activity="NEET"),
        dict(person_id="P3", as_at=D("2026-04-15"), academic_age=15, activity="NEET"),
    ]
    r["complaint"] = [
        dict(complaint_id="CP1", received_date=D("2025-05-01"), route="CORPORATE", about_send=True, stage=1,
             closed_date=None, upheld=None),
        dict(complaint_id="CP2", received_date=D("2025-08-01"), route="CORPORATE", about_send=False, stage=1,
             closed_date=None, upheld=None),
        dict(complaint_id="CP3", received_date=D("2026-02-02"), route="CORPORATE", about_send=True, stage=2,
             closed_date=None, upheld=None),
        dict(complaint_id="CP4", received_date=D("2025-06-06"), route="SCHOOL", about_send=True, stage=1,
             closed_date=None, upheld=None),
        dict(complaint_id="CP5", received_date=D("2025-03-15"), route="CORPORATE", about_send=True, stage=1,
             closed_date=None, upheld=None),
    ]
    r["tribunal_appeal"] = [
        dict(appeal_id="TA1", person_id="P3", lodged_date=D("2025-07-07"), appeal_type="PLACEMENT", outcome=None,
             decided_date=None),
        dict(appeal_id="TA2", person_id="P5", lodged_date=D("2024-12-12"), appeal_type="CONTENTS", outcome=None,
             decided_date=None),
    ]
    surveys = [("PARENT_CONFIDENCE", "PARENT", s, day) for s, day in
               [(5, "2025-06-01"), (4, "2025-07-01"), (3, "2025-08-01"), (2, "2025-09-01"), (None, "2025-10-01"),
                (5, "2025-03-01")]]
    surveys += [("CYP_BELONGING", "CYP", s, "2025-11-11") for s in (4, 4, 1)]
    r["survey_response"] = [
        dict(response_id=f"S{i}", survey=sv, respondent=who, person_id=None, establishment_id=None,
             submitted_date=D(day), question="How confident are you?", score=score,
             text=None if score else "Comment only")
        for i, (sv, who, score, day) in enumerate(surveys)
    ]
    r["eah_engagement"] = [
        dict(establishment_id="E1", as_at=D("2025-09-01"), level="ENGAGED"),
        dict(establishment_id="E2", as_at=D("2025-09-01"), level="AWARE"),
        dict(establishment_id="E2", as_at=D("2026-04-15"), level="ACTIVE"),
        dict(establishment_id="E3", as_at=D("2026-01-01"), level="ACTIVE"),
        dict(establishment_id="E6", as_at=D("2025-09-01"), level="NONE"),
    ]

    def referral(rid, received, support=None, closed=None, outcome=None):
        return dict(referral_id=rid, establishment_id="E1", person_id="P10", received_date=D(received),
                    risk_flags="ATTENDANCE", triage_date=None, tier="TARGETED",
                    first_support_date=support and D(support), review_date=None,
                    closed_date=closed and D(closed), outcome=outcome)

    r["eah_referral"] = [
        referral("RF1", "2025-10-01", "2025-10-11", "2026-01-10", "NEEDS_MET_IN_SETTING"),
        referral("RF2", "2025-11-01", "2025-11-21", "2026-02-10", "ESCALATED_EHCNA"),
        referral("RF3", "2026-01-05", "2026-02-04"),
        referral("RF4", "2026-02-01", "2026-02-13", "2026-03-01", "NEEDS_MET_IN_SETTING"),
        referral("RF5", "2026-03-01"),
    ]
    r["unit_cost"] = [
        dict(setting_category="INMSS", need_type="ASD", financial_year="2025-26", annual_cost=6_000_000),
        dict(setting_category="INMSS", need_type="SEMH", financial_year="2025-26", annual_cost=7_000_000),
        dict(setting_category="INMSS", need_type="ASD", financial_year="2024-25", annual_cost=6_000_000),
        dict(setting_category="INMSS", need_type="SEMH", financial_year="2024-25", annual_cost=6_000_000),
        dict(setting_category="MAINSTREAM", need_type=None, financial_year="2025-26", annual_cost=1_000_000),
    ]
    return r


def arrow_tables() -> dict[str, pa.Table]:
    return {name: pa.Table.from_pylist(rs, schema=arrow_schema(name)) for name, rs in rows().items()}
