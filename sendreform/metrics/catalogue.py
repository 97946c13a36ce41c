"""Every indicator of `kpi-catalogue.md`, each one function from the canonical tables and a dates table to
its *units*: one row per thing counted, with `as_at`, `num`, `den` and whatever breakdown columns the
unit itself fixes (an exclusion's establishment and SEN provision at the time, say). The engine joins
the person-level breakdowns and aggregates; `aggregate` says how `num` and `den` become the value.

Aggregates: count (Σnum), percent (100·Σnum/Σden), mean (Σnum/Σden), median (of num), growth
(100·(Σnum/Σden − 1)) and mean_growth (100·(mean num / mean den − 1), nulls ignored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sendreform.metrics import expressions as x
from sendreform.metrics.lazy import lazy_import
from sendreform.standards import ehc_clock

ibis = lazy_import("ibis")  # loaded when a query is first built (ADR 31)

if TYPE_CHECKING:
    import ibis.expr.types as ir

PERSON_BREAKDOWNS = (
    "primary_need", "phase", "cluster", "establishment", "ethnic_group", "sex", "sen_provision", "local_area"
)
SETTING_BREAKDOWNS = ("cluster", "establishment", "local_area")
BLOCKS = {
    "inclusive_settings": "Strengthening inclusion across education settings",
    "inclusive_culture": "Encouraging inclusive culture and behaviours",
    "workforce": "Workforce capacity and capability: Experts at Hand",
    "confidence": "Confidence of children, families and stakeholders",
    "finance": "Stabilising finances and value for money",
    "statutory": "The statutory pipeline",
}


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    unit: str  # percent, count, days, places, pounds
    better: str  # up, down, context
    aggregate: str
    block: str
    units: Callable
    breakdowns: tuple[str, ...] = PERSON_BREAKDOWNS
    target_metric: bool = False  # one of the plan's twelve target metrics
    # What the numerator and denominator add up when they are not children or events (attendance sessions):
    # such a figure is suppressed by the number of children behind it.
    weights: str = ""
    # For a percentage: the numerator counts part of what the denominator counts (not so for suspensions per
    # 100 pupils, where one pupil may be suspended many times).
    share: bool = True

    @property
    def flow(self) -> bool:
        """Counts events in a period (rather than what is open on the as-at date)."""
        return self.id in FLOW_MEASURES


CATALOGUE: dict[str, Indicator] = {}
FLOW_MEASURES = frozenset({
    "pex_school_cannot_meet_need", "ehe_ehcp_return_rate", "avg_days_unplaced", "avg_days_ap_commission",
    "send_corporate_complaints", "ehcna_requests", "ehcna_decision_6w_pct", "ehcp_issued_20w_pct",
    "send_suspension_rate", "send_permanent_exclusions", "inmss_new_placements", "eah_referral_to_support_days",
    "eah_needs_met_in_setting_pct", "parent_confidence_pct", "cyp_belonging_pct", "tribunal_appeals",
    "ehc_advice_6w_pct", "ehc_advice_6w_ep_pct", "ehc_advice_6w_health_pct", "ehc_advice_6w_social_care_pct",
    "annual_reviews_on_time_pct", "review_decision_4w_pct", "phase_transfer_by_deadline_pct",
})


def indicator(**meta):
    def register(fn):
        CATALOGUE[meta["id"]] = Indicator(units=fn, **meta)
        return fn

    return register


def _units(table: ir.Table, *, as_at, num=1, den=1, person_id=None, establishment_id=None, **fixed) -> ir.Table:
    """The common shape of a units table; breakdown columns a unit fixes itself go in `fixed`."""
    return table.select(
        as_at=as_at,
        person_id=(ibis.null().cast("string") if person_id is None else person_id),
        establishment_id=(ibis.null().cast("string") if establishment_id is None else establishment_id),
        num=ibis.literal(num).cast("float64") if isinstance(num, int | float) else num.cast("float64"),
        den=ibis.literal(den).cast("float64") if isinstance(den, int | float) else den.cast("float64"),
        **fixed,
    )


def _plans_placed(t, d, categories: list[str]) -> ir.Table:
    j = t.plans_placed
    j = j.filter(j.category.isin(categories))
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id)


def _in_area_maintained_special(e: ir.Table) -> ir.BooleanValue:
    return e.in_area & (e.kind == "SPECIAL") & e.funding.isin(["MAINTAINED", "ACADEMY"])


def _sen_pupils_in_period(t, d, start_col="p0", end_col="p1") -> ir.Table:
    """(as_at, person_id) of SEN pupils: a sen_status row with provision E or K overlapping the period."""
    s = t["sen_status"]
    j = s.filter(s.sen_provision.isin(["E", "K"])).join(
        d, (s.start_date <= d[end_col]) & (s.end_date.isnull() | (s.end_date >= d[start_col]))
    )
    return j.select(d.as_at, s.person_id).distinct()


# --- The plan's target metrics -------------------------------------------------------------------------


@indicator(
    id="special_school_attendance_rate", title="Attendance in maintained special schools",
    definition="Attendance rows of in-area maintained special schools and special academies in the academic "
    "year of the as-at date: 100 × (1 − (authorised + unauthorised absence) / possible sessions).",
    unit="percent", better="up", aggregate="percent", block="inclusive_culture", target_metric=True,
    weights="sessions",
)
def special_school_attendance_rate(t, d):
    a, e = t["attendance"], t["establishment"]
    j = a.join(e.filter(_in_area_maintained_special(e)), "establishment_id").join(
        d, a.academic_year == d.ay
    )
    absent = j.sessions_authorised + j.sessions_unauthorised
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  num=j.sessions_possible - absent, den=j.sessions_possible)


@indicator(
    id="maintained_special_places", title="Places in maintained special schools",
    definition="Specialist places of open, in-area special schools and special academies on the as-at date.",
    unit="places", better="up", aggregate="count", block="inclusive_settings", target_metric=True,
    breakdowns=SETTING_BREAKDOWNS,
)
def maintained_special_places(t, d):
    e = t["establishment"]
    j = e.filter(_in_area_maintained_special(e)).join(
        d, x.open_on(e.open_date.fill_null(ibis.date(1900, 1, 1)), e.close_date, d.as_at)
    )
    return _units(j, as_at=j.as_at, establishment_id=j.establishment_id, num=j.specialist_places.fill_null(0))


@indicator(
    id="inmss_placements", title="Children with EHC plans in independent or non-maintained special schools",
    definition="Persons with an active plan whose placement on the as-at date is an independent or "
    "non-maintained special school (INMSS).",
    unit="count", better="down", aggregate="count", block="inclusive_settings", target_metric=True,
)
def inmss_placements(t, d):
    return _plans_placed(t, d, ["INMSS"])


@indicator(
    id="ehcp_in_mainstream", title="Children with EHC plans in mainstream settings",
    definition="Persons with an active plan whose placement on the as-at date is a maintained mainstream "
    "school or academy, including its SEN unit or resourced provision.",
    unit="count", better="up", aggregate="count", block="inclusive_settings", target_metric=True,
)
def ehcp_in_mainstream(t, d):
    return _plans_placed(t, d, ["MAINSTREAM", "MAINSTREAM_BASE"])


@indicator(
    id="neet_16_17_ehcp_rate", title="16 and 17 year olds with EHC plans not in education, employment or training",
    definition="Persons with an active plan whose latest NEET activity record on or before the as-at date "
    "has academic age 16 or 17: 100 × NEET / (EET + NEET + not known).",
    unit="percent", better="down", aggregate="percent", block="inclusive_culture", target_metric=True,
)
def neet_16_17_ehcp_rate(t, d):
    n = t["neet_activity"]
    known = n.join(d, n.as_at <= d.as_at).select(
        as_at=d.as_at, person_id=n.person_id, recorded=n.as_at, academic_age=n.academic_age, activity=n.activity
    )
    latest = x.latest_per(known, ["as_at", "person_id"], [ibis.desc("recorded"), ibis.asc("activity")])
    latest = latest.filter(latest.academic_age.isin([16, 17]))
    j = latest.join(t.active_plans, ["as_at", "person_id"])
    return _units(j, as_at=j.as_at, person_id=j.person_id, num=x.flag(j.activity == "NEET"))


@indicator(
    id="pex_school_cannot_meet_need",
    title="Permanent exclusions after a review said the school could not meet need",
    definition="Permanent exclusions in the period of persons whose latest annual review before the exclusion "
    "(by meeting date, strictly before its start) recorded that the school cannot meet need.",
    unit="count", better="down", aggregate="count", block="inclusive_culture", target_metric=True,
)
def pex_school_cannot_meet_need(t, d):
    ex, ar, plan = t["exclusion"], t["annual_review"], t["ehc_plan"]
    # Exclusions first (few), then plans and reviews by their keys, so that SQLite can use its indexes.
    perm = ex.filter(ex.category == "PERM").join(d, x.in_period(ex.start_date, d)).select(
        d.as_at, ex.exclusion_id, ex.person_id, ex.establishment_id, ex.start_date, ex.sen_provision
    )
    planned = perm.join(plan, perm.person_id == plan.person_id).select(perm, plan.plan_id)
    before = planned.join(
        ar, (ar.plan_id == planned.plan_id) & (ar.meeting_date < planned.start_date)
    ).select(
        planned.as_at, planned.exclusion_id, planned.person_id, planned.establishment_id, planned.sen_provision,
        ar.meeting_date, ar.review_id, ar.school_cannot_meet_need,
    )
    latest = x.latest_per(before, ["as_at", "exclusion_id"], [ibis.desc("meeting_date"), ibis.desc("review_id")])
    j = latest.filter(latest.school_cannot_meet_need)
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  sen_provision=j.sen_provision)


@indicator(
    id="ehe_ehcp_return_rate", title="Electively home educated children with EHC plans returning to school",
    definition="Of persons with an active plan on the as-at date and an elective home education placement open "
    "at any time in the period, the percentage with a placement starting in the period, after that EHE "
    "placement started, at a maintained school or academy.",
    unit="percent", better="up", aggregate="percent", block="inclusive_settings", target_metric=True,
)
def ehe_ehcp_return_rate(t, d):
    pc = t.placements
    ehe = pc.filter(pc.category == "EHE").join(d, x.overlaps_period(pc.start_date, pc.end_date, d)).select(
        d.as_at, d.p0, d.p1, pc.person_id, ehe_start=pc.start_date
    )
    ehe = ehe.join(t.active_plans, ["as_at", "person_id"])
    school = pc.filter(pc.funding.isin(["MAINTAINED", "ACADEMY"])).join(d, x.in_period(pc.start_date, d)).select(
        d.as_at, pc.person_id, school_start=pc.start_date
    )
    j = ehe.left_join(
        school,
        (ehe.as_at == school.as_at) & (ehe.person_id == school.person_id) & (school.school_start > ehe.ehe_start),
    )
    j = j.select(ehe.as_at, ehe.person_id, returned=x.flag(j.school_start.notnull()))
    per_person = j.group_by(["as_at", "person_id"]).aggregate(returned=j.returned.max())
    return _units(per_person, as_at=per_person.as_at, person_id=per_person.person_id,
                  num=per_person.returned)


@indicator(
    id="ehcp_unplaced_or_eotas", title="Children with EHC plans unplaced or educated otherwise than at school",
    definition="Persons with an active plan whose placement on the as-at date is 'no suitable placement yet' "
    "(UNPLACED) or education otherwise than at school (EOTAS).",
    unit="count", better="down", aggregate="count", block="inclusive_settings", target_metric=True,
)
def ehcp_unplaced_or_eotas(t, d):
    return _plans_placed(t, d, ["UNPLACED", "EOTAS"])


@indicator(
    id="avg_days_unplaced", title="Average days without a suitable placement",
    definition="Mean of (end date − start date) in days over UNPLACED placements ending in the period.",
    unit="days", better="down", aggregate="mean", block="inclusive_settings", target_metric=True,
)
def avg_days_unplaced(t, d):
    p = t["placement"]
    j = p.filter(p.sen_setting == "UNPLACED").join(d, p.end_date.notnull() & x.in_period(p.end_date, d))
    return _units(j, as_at=j.as_at, person_id=j.person_id, num=x.days_between(j.start_date, j.end_date))


@indicator(
    id="avg_days_ap_commission", title="Average length of school-commissioned alternative provision",
    definition="Mean of (end date − start date) in days over alternative provision commissioned by an "
    "establishment (not the council) and ending in the period.",
    unit="days", better="down", aggregate="mean", block="inclusive_culture", target_metric=True,
)
def avg_days_ap_commission(t, d):
    c = t["ap_commission"]
    j = c.filter(c.commissioned_by != "LA").join(d, c.end_date.notnull() & x.in_period(c.end_date, d))
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.commissioned_by,
                  num=x.days_between(j.start_date, j.end_date))


@indicator(
    id="ptt_time_in_school_pct", title="Time in school of children on part-time timetables",
    definition="Mean of 100 × hours in school per week / full-time hours per week over part-time timetables "
    "open on the as-at date.",
    unit="percent", better="up", aggregate="mean", block="inclusive_culture", target_metric=True,
)
def ptt_time_in_school_pct(t, d):
    p = t["part_time_timetable"]
    j = p.join(d, x.open_on(p.start_date, p.end_date, d.as_at))
    share = 100 * j.hours_in_school_per_week.cast("float64") / j.full_time_hours_per_week.cast("float64")
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id, num=share)


@indicator(
    id="send_corporate_complaints", title="Corporate complaints about SEND",
    definition="Complaints by the council's corporate route about SEND, received in the period.",
    unit="count", better="down", aggregate="count", block="confidence", target_metric=True, breakdowns=(),
)
def send_corporate_complaints(t, d):
    c = t["complaint"]
    j = c.filter((c.route == "CORPORATE") & c.about_send).join(d, x.in_period(c.received_date, d))
    return _units(j, as_at=j.as_at)


# --- Other measures the plan tracks -------------------------------------------------------------------


@indicator(
    id="ehcp_total", title="Children and young people with EHC plans",
    definition="Persons with an active plan on the as-at date.",
    unit="count", better="context", aggregate="count", block="statutory",
)
def ehcp_total(t, d):
    j = t.active_plans
    return _units(j, as_at=j.as_at, person_id=j.person_id)


@indicator(
    id="ehcp_growth_12m", title="Growth in EHC plans over twelve months",
    definition="100 × (EHC plans on the as-at date / EHC plans a year earlier − 1).",
    unit="percent", better="down", aggregate="growth", block="statutory",
)
def ehcp_growth_12m(t, d):
    now = t.active_plans
    before = t.active_plans_year_ago
    return _units(now, as_at=now.as_at, person_id=now.person_id, num=1, den=0).union(
        _units(before, as_at=before.as_at, person_id=before.person_id, num=0, den=1)
    )


@indicator(
    id="ehcna_requests", title="Requests for an EHC needs assessment",
    definition="Requests received in the period.",
    unit="count", better="context", aggregate="count", block="statutory",
)
def ehcna_requests(t, d):
    r = t["ehc_request"]
    j = r.join(d, x.in_period(r.received_date, d))
    return _units(j, as_at=j.as_at, person_id=j.person_id)


@indicator(
    id="ehcna_decision_6w_pct", title="Decisions whether to assess made within 6 weeks",
    definition="Of requests with an outcome (assess or not) dated in the period, the percentage decided within "
    "42 days of receipt.",
    unit="percent", better="up", aggregate="percent", block="statutory",
)
def ehcna_decision_6w_pct(t, d):
    r = t["ehc_request"]
    j = r.filter(r.outcome.isin(["Y", "N"]) & r.outcome_date.notnull()).join(
        d, x.in_period(r.outcome_date, d)
    )
    return _units(j, as_at=j.as_at, person_id=j.person_id,
                  num=x.flag(x.days_between(j.received_date, j.outcome_date) <= 42))


@indicator(
    id="ehcp_issued_20w_pct", title="EHC plans issued within 20 weeks",
    definition="Of plans starting in the period that came from an assessment without a week-20 exception, the "
    "percentage issued within 140 days of the request's receipt.",
    unit="percent", better="up", aggregate="percent", block="statutory",
)
def ehcp_issued_20w_pct(t, d):
    plan, a, r = t["ehc_plan"], t["ehc_assessment"], t["ehc_request"]
    issued = plan.join(d, x.in_period(plan.start_date, d)).select(
        d.as_at, plan.person_id, plan.start_date, plan.assessment_id
    )
    j = (
        issued.join(a, issued.assessment_id == a.assessment_id)
        .join(r, a.request_id == r.request_id)
        .select(issued.as_at, issued.person_id, issued.start_date, r.received_date, exception=a.week20_exception)
    )
    j = j.filter(~j.exception)
    return _units(j, as_at=j.as_at, person_id=j.person_id,
                  num=x.flag(x.days_between(j.received_date, j.start_date) <= 140))


# --- EHC casework: advice, annual reviews, phase transfers, caseloads (the time limits of standards.ehc_clock) --


def _advice_6w(t, d, advice_type: str | None = None):
    a, r = t["ehc_advice"], t["ehc_request"]
    a = a.filter(a.received_date.notnull() & ~a.exception)
    if advice_type:
        a = a.filter(a.advice_type == advice_type)
    j = a.join(d, x.in_period(a.received_date, d)).join(r, a.request_id == r.request_id)
    return _units(j, as_at=j.as_at, person_id=j.person_id,
                  num=x.flag(x.days_between(j.requested_date, j.received_date) <= 7 * ehc_clock.ADVICE_WEEKS))


@indicator(
    id="ehc_advice_6w_pct", title="Advice for EHC needs assessments returned within 6 weeks",
    definition="Of advice received in the period without one of the exceptions of regulation 8(2), the "
    "percentage received within 42 days of being asked for.",
    unit="percent", better="up", aggregate="percent", block="statutory",
)
def ehc_advice_6w_pct(t, d):
    return _advice_6w(t, d)


def _advice_6w_of(advice_type: str, label: str):
    @indicator(
        id=f"ehc_advice_6w_{advice_type.lower()}_pct", title=f"{label} advice returned within 6 weeks",
        definition=f"As ehc_advice_6w_pct, for {label.lower()} advice only.",
        unit="percent", better="up", aggregate="percent", block="statutory",
    )
    def units(t, d):
        return _advice_6w(t, d, advice_type)

    return units


for _type, _label in (("EP", "Educational psychology"), ("HEALTH", "Health"), ("SOCIAL_CARE", "Social care")):
    _advice_6w_of(_type, _label)


def _day_key(day: ir.DateValue) -> ir.IntegerValue:
    """A date as the number YYYYMMDD: a year later is +10000 (29 February then compares as 28 February)."""
    return day.year() * 10000 + day.month() * 100 + day.day()


def _reviews_with_plans(t, d) -> ir.Table:
    ar, plan = t["annual_review"], t["ehc_plan"]
    j = ar.join(d, x.in_period(ar.meeting_date, d)).join(plan, ar.plan_id == plan.plan_id)
    return j.select(d.as_at, ar.review_id, ar.plan_id, plan.person_id, ar.meeting_date, ar.decision_date,
                    ar.phase_transfer, plan_start=plan.start_date)


@indicator(
    id="annual_reviews_on_time_pct", title="Annual reviews held on time",
    definition="Of annual review meetings held in the period, the percentage held within 12 months of the plan's "
    "issue or of the plan's previous review meeting.",
    unit="percent", better="up", aggregate="percent", block="statutory",
)
def annual_reviews_on_time_pct(t, d):
    ar = t["annual_review"]
    previous = ar.select(ar.review_id, previous=ar.meeting_date.lag().over(
        ibis.window(group_by=ar.plan_id, order_by=[ar.meeting_date, ar.review_id])))
    j = _reviews_with_plans(t, d)
    j = j.join(previous, j.review_id == previous.review_id).select(j, previous.previous)
    due_from = j.previous.fill_null(j.plan_start)
    return _units(j, as_at=j.as_at, person_id=j.person_id,
                  num=x.flag(_day_key(j.meeting_date) <= _day_key(due_from) + 10000 * ehc_clock.REVIEW_MONTHS // 12))


@indicator(
    id="review_decision_4w_pct", title="Annual review decisions notified within 4 weeks",
    definition="Of decisions after an annual review (maintain, amend or cease) dated in the period, the percentage "
    "dated within 28 days of the review meeting.",
    unit="percent", better="up", aggregate="percent", block="statutory",
)
def review_decision_4w_pct(t, d):
    ar, plan = t["annual_review"], t["ehc_plan"]
    j = ar.filter(ar.decision_date.notnull()).join(d, x.in_period(ar.decision_date, d)).join(
        plan, ar.plan_id == plan.plan_id)
    return _units(j, as_at=j.as_at, person_id=j.person_id, num=x.flag(
        x.days_between(j.meeting_date, j.decision_date) <= 7 * ehc_clock.REVIEW_DECISION_WEEKS))


@indicator(
    id="phase_transfer_by_deadline_pct", title="Phase transfers decided by the deadline",
    definition="Of phase-transfer annual reviews held in the period whose deadline had passed by the as-at date, "
    "the percentage whose decision was made by it: 31 March for a young person in year 11 (moving to post-16 "
    "education), 15 February for any other move, in the school year of the review.",
    unit="percent", better="up", aggregate="percent", block="statutory",
)
def phase_transfer_by_deadline_pct(t, d):
    j = _reviews_with_plans(t, d)
    j = j.filter(j.phase_transfer)
    p = t["person"]
    j = j.join(p, j.person_id == p.person_id).select(j, p.birth_date)
    autumn = (j.meeting_date.month() >= 9).ifelse(1, 0)
    school_year_start = j.meeting_date.year() - 1 + autumn
    born_after_august = (j.birth_date.month() >= 9).ifelse(1, 0)
    year_group = school_year_start - j.birth_date.year() - born_after_august - 4
    month, day = ehc_clock.PHASE_TRANSFER_SCHOOL
    post16_month, post16_day = ehc_clock.PHASE_TRANSFER_POST16
    deadline = (school_year_start + 1) * 10000 + (year_group == 11).ifelse(post16_month * 100 + post16_day,
                                                                          month * 100 + day)
    j = j.mutate(deadline=deadline)
    j = j.filter(j.deadline <= _day_key(j.as_at))
    decided = j.decision_date.notnull() & (_day_key(j.decision_date) <= j.deadline)
    return _units(j, as_at=j.as_at, person_id=j.person_id, num=x.flag(decided.fill_null(False)))


@indicator(
    id="open_cases_per_officer", title="Open EHC cases per officer",
    definition="Cases allocated to an officer on the as-at date, divided by the number of officers holding at "
    "least one.",
    unit="count", better="context", aggregate="mean", block="statutory", breakdowns=(),
)
def open_cases_per_officer(t, d):
    a = t["ehc_case_allocation"]
    j = a.join(d, x.open_on(a.start_date, a.end_date, d.as_at))
    held = j.count().over(ibis.window(group_by=[j.as_at, j.officer_id]))
    j = j.mutate(held=held)
    return _units(j, as_at=j.as_at, person_id=j.person_id, num=1, den=1.0 / j.held.cast("float64"))


def _sen_attendance(t) -> ir.Table:
    """Attendance rows of the academic year of each as-at date of SEN pupils (E or K at some time in that
    year), shared by the attendance indicators."""
    a, d = t["attendance"], t.dates
    j = a.join(d, a.academic_year == d.ay).select(
        d.as_at, a.person_id, a.establishment_id, a.sessions_possible, a.sessions_authorised,
        a.sessions_unauthorised,
    )
    return j.join(_sen_pupils_in_period(t, d, "ay_start", "ay_end"), ["as_at", "person_id"])


def _send_attendance_rows(t, d):
    e = t["establishment"]
    settings = e.filter(
        e.in_area & e.funding.isin(["MAINTAINED", "ACADEMY"]) & e.kind.isin(["MAINSTREAM", "SPECIAL"])
        | (e.in_area & (e.kind == "AP"))
    ).select("establishment_id")
    return t.shared("sen_attendance", _sen_attendance).join(settings, "establishment_id")


@indicator(
    id="send_attendance_rate", title="Attendance of pupils with SEND",
    definition="As special_school_attendance_rate, over SEN pupils (E or K in the academic year) in in-area "
    "mainstream, maintained special and alternative provision settings.",
    unit="percent", better="up", aggregate="percent", block="inclusive_culture", weights="sessions",
)
def send_attendance_rate(t, d):
    j = _send_attendance_rows(t, d)
    absent = j.sessions_authorised + j.sessions_unauthorised
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  num=j.sessions_possible - absent, den=j.sessions_possible)


@indicator(
    id="send_unauthorised_absence_rate", title="Unauthorised absence of pupils with SEND",
    definition="100 × unauthorised absence / possible sessions over the same rows as send_attendance_rate.",
    unit="percent", better="down", aggregate="percent", block="inclusive_culture", weights="sessions",
)
def send_unauthorised_absence_rate(t, d):
    j = _send_attendance_rows(t, d)
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  num=j.sessions_unauthorised, den=j.sessions_possible)


@indicator(
    id="send_persistent_absence_pct", title="Persistent absence of pupils with SEND",
    definition="Of SEN pupils with attendance rows in the academic year (any establishment), the percentage "
    "whose summed absence is at least 10% of their summed possible sessions.",
    unit="percent", better="down", aggregate="percent", block="inclusive_culture",
)
def send_persistent_absence_pct(t, d):
    j = t.shared("sen_attendance", _sen_attendance)
    per = j.group_by(["as_at", "person_id"]).aggregate(
        possible=j.sessions_possible.sum(), absent=(j.sessions_authorised + j.sessions_unauthorised).sum()
    )
    per = per.filter(per.possible > 0)
    return _units(per, as_at=per.as_at, person_id=per.person_id,
                  num=x.flag(per.absent * 10 >= per.possible))


def _exclusions(t, d, category: str) -> ir.Table:
    ex = t["exclusion"]
    return ex.filter((ex.category == category) & ex.sen_provision.isin(["E", "K"])).join(
        d, x.in_period(ex.start_date, d)
    )


@indicator(
    id="send_suspension_rate", title="Suspensions of pupils with SEND per 100 pupils with SEND",
    definition="Suspensions in the period with SEN provision E or K at the time, per 100 SEN pupils "
    "(E or K at any time in the period).",
    unit="percent", better="down", aggregate="percent", block="inclusive_culture", share=False,
)
def send_suspension_rate(t, d):
    j = _exclusions(t, d, "SUSP")
    sen = _sen_pupils_in_period(t, d)
    return _units(j, as_at=j.as_at, person_id=j.person_id, num=1, den=0).union(
        _units(sen, as_at=sen.as_at, person_id=sen.person_id, num=0, den=1)
    )


@indicator(
    id="send_permanent_exclusions", title="Permanent exclusions of pupils with SEND",
    definition="Permanent exclusions in the period with SEN provision E or K at the time.",
    unit="count", better="down", aggregate="count", block="inclusive_culture",
)
def send_permanent_exclusions(t, d):
    j = _exclusions(t, d, "PERM")
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  sen_provision=j.sen_provision)


@indicator(
    id="ptt_open", title="Part-time timetables in place",
    definition="Part-time timetables open on the as-at date.",
    unit="count", better="down", aggregate="count", block="inclusive_culture",
)
def ptt_open(t, d):
    p = t["part_time_timetable"]
    j = p.join(d, x.open_on(p.start_date, p.end_date, d.as_at))
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id)


@indicator(
    id="ehe_ehcp_count", title="Children with EHC plans electively home educated",
    definition="Persons with an active plan whose placement on the as-at date is elective home education.",
    unit="count", better="down", aggregate="count", block="inclusive_settings",
)
def ehe_ehcp_count(t, d):
    return _plans_placed(t, d, ["EHE"])


@indicator(
    id="inmss_new_placements", title="New placements in independent or non-maintained special schools",
    definition="INMSS placements starting in the period, of persons with a plan active on the placement's "
    "start date.",
    unit="count", better="down", aggregate="count", block="inclusive_settings",
)
def inmss_new_placements(t, d):
    pc = t.placements
    plan = t["ehc_plan"]
    new = pc.filter(pc.category == "INMSS").join(d, x.in_period(pc.start_date, d))
    new = new.select(d.as_at, pc.placement_id, pc.person_id, pc.establishment_id, pc.start_date)
    planned = new.join(plan, (new.person_id == plan.person_id)
                       & x.open_on(plan.start_date, plan.cease_date, new.start_date))
    planned = planned.select(new.as_at, new.placement_id, new.person_id, new.establishment_id).distinct()
    return _units(planned, as_at=planned.as_at, person_id=planned.person_id,
                  establishment_id=planned.establishment_id)


@indicator(
    id="mainstream_share_pct", title="Children aged 5 to 15 with EHC plans in mainstream",
    definition="Of persons aged 5-15 on the as-at date with an active plan, the percentage whose placement on "
    "that date is a maintained mainstream school or academy (including SEN units and resourced provision).",
    unit="percent", better="up", aggregate="percent", block="inclusive_settings",
)
def mainstream_share_pct(t, d):
    person = t["person"]
    plans = t.active_plans
    aged = plans.join(person, "person_id").select(plans.as_at, plans.person_id, person.birth_date)
    b, day = aged.birth_date, aged.as_at
    before_birthday = (day.month() < b.month()) | ((day.month() == b.month()) & (day.day() < b.day()))
    aged = aged.mutate(age=day.year() - b.year() - x.flag(before_birthday))
    aged = aged.filter((aged.age >= 5) & (aged.age <= 15))
    placed = t.plans_placed.select("as_at", "person_id", "category")
    j = aged.left_join(placed, ["as_at", "person_id"])
    return _units(j, as_at=j.as_at, person_id=j.person_id,
                  num=x.flag(j.category.isin(["MAINSTREAM", "MAINSTREAM_BASE"]).fill_null(False)))


@indicator(
    id="eah_settings_engaged_pct", title="Settings engaged with Experts at Hand",
    definition="Of open in-area establishments, the percentage whose latest Experts at Hand engagement on or "
    "before the as-at date is engaged or active. Milestones: at least 50% on 30 September 2026, 75% on 31 "
    "December 2026, 90% on 31 March 2027.",
    unit="percent", better="up", aggregate="percent", block="workforce", breakdowns=SETTING_BREAKDOWNS,
)
def eah_settings_engaged_pct(t, d):
    e, g = t["establishment"], t["eah_engagement"]
    settings = e.filter(e.in_area).join(
        d, x.open_on(e.open_date.fill_null(ibis.date(1900, 1, 1)), e.close_date, d.as_at)
    ).select(d.as_at, e.establishment_id)
    known = g.join(d, g.as_at <= d.as_at).select(
        as_at=d.as_at, establishment_id=g.establishment_id, recorded=g.as_at, level=g.level
    )
    latest = x.latest_per(known, ["as_at", "establishment_id"], [ibis.desc("recorded"), ibis.desc("level")])
    j = settings.left_join(latest, ["as_at", "establishment_id"])
    return _units(j, as_at=j.as_at, establishment_id=j.establishment_id,
                  num=x.flag(j.level.isin(["ENGAGED", "ACTIVE"]).fill_null(False)))


@indicator(
    id="eah_referral_to_support_days", title="Days from referral to first Experts at Hand support",
    definition="Median days from a referral's receipt to its first support, over referrals first supported in "
    "the period.",
    unit="days", better="down", aggregate="median", block="workforce",
)
def eah_referral_to_support_days(t, d):
    r = t["eah_referral"]
    j = r.filter(r.first_support_date.notnull()).join(d, x.in_period(r.first_support_date, d))
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  num=x.days_between(j.received_date, j.first_support_date))


@indicator(
    id="eah_needs_met_in_setting_pct", title="Experts at Hand referrals closed with needs met in the setting",
    definition="Of referrals closed in the period, the percentage with outcome 'needs met in setting'.",
    unit="percent", better="up", aggregate="percent", block="workforce",
)
def eah_needs_met_in_setting_pct(t, d):
    r = t["eah_referral"]
    j = r.filter(r.closed_date.notnull()).join(d, x.in_period(r.closed_date, d))
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  num=x.flag((j.outcome == "NEEDS_MET_IN_SETTING").fill_null(False)))


def _survey_pct(t, d, survey: str):
    s = t["survey_response"]
    j = s.filter((s.survey == survey) & s.score.notnull()).join(d, x.in_period(s.submitted_date, d))
    return _units(j, as_at=j.as_at, person_id=j.person_id, establishment_id=j.establishment_id,
                  num=x.flag(j.score >= 4))


@indicator(
    id="parent_confidence_pct", title="Parents and carers confident in the SEND system",
    definition="Of parent confidence survey responses in the period, the percentage scoring 4 or 5.",
    unit="percent", better="up", aggregate="percent", block="confidence",
)
def parent_confidence_pct(t, d):
    return _survey_pct(t, d, "PARENT_CONFIDENCE")


@indicator(
    id="cyp_belonging_pct", title="Children and young people who feel they belong",
    definition="Of children and young people's belonging survey responses in the period, the percentage "
    "scoring 4 or 5.",
    unit="percent", better="up", aggregate="percent", block="confidence",
)
def cyp_belonging_pct(t, d):
    return _survey_pct(t, d, "CYP_BELONGING")


@indicator(
    id="tribunal_appeals", title="SEND tribunal appeals",
    definition="Appeals lodged in the period.",
    unit="count", better="down", aggregate="count", block="confidence",
)
def tribunal_appeals(t, d):
    a = t["tribunal_appeal"]
    j = a.join(d, x.in_period(a.lodged_date, d))
    return _units(j, as_at=j.as_at, person_id=j.person_id)


@indicator(
    id="inmss_unit_cost_growth_pct", title="Growth in the unit cost of independent special school places",
    definition="100 × (mean INMSS annual cost of the financial year of the as-at date / that of the year "
    "before − 1). The plan expects 6% in 2025-26, 5% in 2026-27 and 4% in 2027-28.",
    unit="percent", better="down", aggregate="mean_growth", block="finance", breakdowns=(),
)
def inmss_unit_cost_growth_pct(t, d):
    c = t["unit_cost"]
    inmss = c.filter(c.setting_category == "INMSS")
    j = inmss.join(d, (inmss.financial_year == d.fy) | (inmss.financial_year == d.fy_prev))
    cost = j.annual_cost.cast("float64")
    null = ibis.null().cast("float64")
    return _units(j, as_at=j.as_at,
                  num=(j.financial_year == j.fy).ifelse(cost, null),
                  den=(j.financial_year == j.fy_prev).ifelse(cost, null))
