"""The legal clock of EHC casework (Children and Families Act 2014; the SEN and Disability Regulations 2014; the
SEND Code of Practice 2015, chapter 9). Pure: dates in, statutory dates and their status out.

Every time limit is in calendar days, weeks or months from the day that starts it, and a deadline that falls on
a Saturday or Sunday stays there: the Regulations do not move a time limit for a weekend or a bank holiday. An
area may set its own (shorter, local-standard) timescales through `Timescales`; the defaults are the
Regulations'. Where one of the Regulations' exceptions applies (regulations 5(4), 8(2) and 13(3)), the time limit
does not; the step keeps its statutory date, is shown with the exception's reason, and is neither late nor
overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

# The Regulations' time limits.
DECISION_WEEKS = 6  # decision whether to assess, from the request (reg 4(1))
ADVICE_WEEKS = 6  # advice and information, from the request for it (reg 8(1))
CONSULTATION_DAYS = 15  # a setting consulted on the draft plan, and the family's representations (reg 13(1))
FINAL_PLAN_WEEKS = 20  # the final plan, from the request for an assessment (reg 13(2))
REVIEW_MONTHS = 12  # an annual review, from the plan's issue or the last review (s.44 of the Act; reg 18)
REVIEW_DECISION_WEEKS = 4  # the decision after a review meeting notified, from the meeting (reg 20(10))
PHASE_TRANSFER_SCHOOL = (2, 15)  # 15 February: the plan amended for a move between school phases (reg 18(1)(a))
PHASE_TRANSFER_POST16 = (3, 31)  # 31 March: the plan amended for a move to post-16 education (reg 18(1)(b))

# The Regulations' exceptions to the time limits, and the steps each may excuse.
EXCEPTIONS = MappingProxyType({
    "SETTING_CLOSED": "Advice was asked of a school or college closed for at least 4 weeks",
    "PERSONAL_CIRCUMSTANCES": "Exceptional personal circumstances of the child, young person or parent",
    "ABSENT_FROM_AREA": "The child, young person or parent was away from the area for at least 4 weeks in a row",
    "MISSED_APPOINTMENT": "The child, young person or parent did not keep an appointment for an assessment",
})
EXCEPTION_REGULATION = MappingProxyType({"decision": "regulation 5(4)", "advice": "regulation 8(2)",
                                         "final_plan": "regulation 13(3)"})
EXCEPTIONS_BY_STEP = MappingProxyType({
    "decision": ("SETTING_CLOSED", "PERSONAL_CIRCUMSTANCES", "ABSENT_FROM_AREA"),
    "advice": tuple(EXCEPTIONS),
    "final_plan": tuple(EXCEPTIONS),
})

ON_TIME, LATE, DUE, OVERDUE, EXCEPTION, NOT_NEEDED = "on time", "late", "due", "overdue", "exception", "not needed"


@dataclass(frozen=True)
class Timescales:
    """An area's timescales; the defaults are the Regulations'."""

    decision_weeks: int = DECISION_WEEKS
    advice_weeks: int = ADVICE_WEEKS
    consultation_days: int = CONSULTATION_DAYS
    final_plan_weeks: int = FINAL_PLAN_WEEKS
    review_months: int = REVIEW_MONTHS
    review_decision_weeks: int = REVIEW_DECISION_WEEKS

    def __post_init__(self):
        for name in ("decision_weeks", "advice_weeks", "consultation_days", "final_plan_weeks", "review_months",
                     "review_decision_weeks"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Timescale {name} must be a whole number above 0, not {value!r}")
        if self.decision_weeks > self.final_plan_weeks:
            raise ValueError("The decision to assess cannot be due after the final plan")

    @classmethod
    def from_mapping(cls, values: dict | None) -> Timescales:
        """From a setting such as {"final_plan_weeks": 18}; unknown names are an error, not ignored."""
        values = dict(values or {})
        unknown = set(values) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"Unknown timescale {sorted(unknown)[0]!r}")
        return cls(**values)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month where that month is shorter (29 Feb -> 28 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def decision_due(received: dt.date, ts: Timescales = Timescales()) -> dt.date:
    return received + dt.timedelta(weeks=ts.decision_weeks)


def advice_due(requested: dt.date, ts: Timescales = Timescales()) -> dt.date:
    return requested + dt.timedelta(weeks=ts.advice_weeks)


def consultation_due(sent: dt.date, ts: Timescales = Timescales()) -> dt.date:
    return sent + dt.timedelta(days=ts.consultation_days)


def final_plan_due(received: dt.date, ts: Timescales = Timescales()) -> dt.date:
    return received + dt.timedelta(weeks=ts.final_plan_weeks)


def review_due(last: dt.date, ts: Timescales = Timescales()) -> dt.date:
    """The next annual review, from the plan's issue or the last review meeting."""
    return add_months(last, ts.review_months)


def review_decision_due(meeting: dt.date, ts: Timescales = Timescales()) -> dt.date:
    return meeting + dt.timedelta(weeks=ts.review_decision_weeks)


def national_curriculum_year(birth: dt.date, on: dt.date) -> int:
    """The national curriculum year group on `on`: a child is in reception (0) in the school year beginning the
    September after their fourth birthday, counted on 31 August."""
    school_year_start = on.year if on.month >= 9 else on.year - 1
    age_on_31_august = school_year_start - birth.year - ((birth.month, birth.day) > (8, 31))
    return age_on_31_august - 4


def phase_transfer_due(birth: dt.date, on: dt.date) -> dt.date:
    """When the plan of a child moving phase next September must be amended: 31 March for a move from
    secondary school (year 11) to post-16 education, 15 February for every other move between phases."""
    school_year_end = on.year + 1 if on.month >= 9 else on.year
    month, day = PHASE_TRANSFER_POST16 if national_curriculum_year(birth, on) == 11 else PHASE_TRANSFER_SCHOOL
    return dt.date(school_year_end, month, day)


@dataclass(frozen=True)
class Step:
    """One statutory step: when it is due, when it was done, and whether an exception lifts its time limit."""

    key: str
    label: str
    due: dt.date | None
    done: dt.date | None = None
    exception: str = ""  # a code of EXCEPTIONS
    needed: bool = True

    def status(self, today: dt.date) -> str:
        if not self.needed:
            return NOT_NEEDED
        if self.exception:
            return EXCEPTION
        if self.done is not None:
            return ON_TIME if self.due is None or self.done <= self.due else LATE
        return OVERDUE if self.due is not None and today > self.due else DUE

    def days_left(self, today: dt.date) -> int | None:
        """Days from `today` to the due date (negative when over), for a step not yet done."""
        if self.done is not None or self.due is None or not self.needed:
            return None
        return (self.due - today).days

    @property
    def exception_reason(self) -> str:
        if not self.exception:
            return ""
        regulation = EXCEPTION_REGULATION.get(self.key.split(":")[0], "")
        return f"{EXCEPTIONS.get(self.exception, self.exception)} ({regulation})" if regulation else \
            EXCEPTIONS.get(self.exception, self.exception)


@dataclass(frozen=True)
class Advice:
    label: str
    requested: dt.date
    received: dt.date | None = None
    exception: str = ""


@dataclass(frozen=True)
class Clock:
    steps: tuple[Step, ...]
    today: dt.date
    closed: bool = False

    def next_deadline(self) -> Step | None:
        """The earliest step still to do that has a time limit in force (none once the case is closed)."""
        if self.closed:
            return None
        open_steps = [s for s in self.steps if s.needed and s.done is None and s.due and not s.exception]
        return min(open_steps, key=lambda s: s.due, default=None)

    def overdue(self) -> list[Step]:
        return [s for s in self.steps if s.status(self.today) == OVERDUE] if not self.closed else []


def assessment_clock(
    *,
    received: dt.date,
    today: dt.date,
    decided: dt.date | None = None,
    assess: bool | None = None,
    advice: Iterable[Advice] = (),
    draft_issued: dt.date | None = None,
    consultations: Iterable[tuple[str, dt.date, dt.date | None]] = (),
    final_issued: dt.date | None = None,
    not_issued: dt.date | None = None,
    closed: bool = False,
    exceptions: dict[str, str] | None = None,
    timescales: Timescales = Timescales(),
) -> Clock:
    """The clock of a request for an EHC needs assessment, from its receipt to the final plan.

    `assess` is the decision (None while awaiting it); `advice` each request for advice; `consultations` each
    setting consulted on the draft (name, sent, answered); `exceptions` maps "decision" or "final_plan" to the
    code of the exception that applies. After a decision not to assess, or not to issue a plan, the later steps
    are not needed.
    """
    exceptions = exceptions or {}
    ts = timescales
    assessing = assess is not False
    steps = [Step("decision", "Decision whether to assess", decision_due(received, ts), decided,
                  exceptions.get("decision", ""))]
    for n, a in enumerate(advice, start=1):
        steps.append(Step(f"advice:{n}", f"Advice: {a.label}", advice_due(a.requested, ts), a.received,
                          a.exception, needed=assessing))
    for name, sent, answered in consultations:
        steps.append(Step("consultation", f"Consultation: {name}", consultation_due(sent, ts), answered,
                          needed=assessing))
    plan_done = final_issued or not_issued
    steps.append(Step("draft", "Draft plan issued", None, draft_issued,
                      needed=assessing and not_issued is None))
    steps.append(Step("final_plan", "Final plan issued" if not_issued is None else "Decision not to issue a plan",
                      final_plan_due(received, ts), plan_done, exceptions.get("final_plan", ""), needed=assessing))
    return Clock(tuple(steps), today, closed or not assessing or plan_done is not None)


def review_clock(
    *,
    last: dt.date,
    today: dt.date,
    meeting: dt.date | None = None,
    decided: dt.date | None = None,
    phase_transfer_by: dt.date | None = None,
    closed: bool = False,
    timescales: Timescales = Timescales(),
) -> Clock:
    """The clock of an annual review: the meeting within 12 months of `last` (the plan's issue or the last
    review), the decision within 4 weeks of the meeting, and for a phase transfer the plan amended by
    `phase_transfer_by` (`phase_transfer_due`), taken as done when the decision is made."""
    steps = [Step("review_meeting", "Annual review meeting", review_due(last, timescales), meeting)]
    steps.append(Step("review_decision", "Decision notified (maintain, amend or cease)",
                      review_decision_due(meeting, timescales) if meeting else None, decided))
    if phase_transfer_by is not None:
        steps.append(Step("phase_transfer", "Plan amended for the phase transfer", phase_transfer_by, decided))
    return Clock(tuple(steps), today, closed)


@dataclass(frozen=True)
class Summary:
    """What a caseload row shows of a clock."""

    label: str = ""
    due: dt.date | None = None
    days_left: int | None = None
    overdue: list[str] = field(default_factory=list)


def summarise(clock: Clock) -> Summary:
    step = clock.next_deadline()
    overdue = [s.label for s in clock.overdue()]
    if step is None:
        return Summary(overdue=overdue)
    return Summary(step.label, step.due, step.days_left(clock.today), overdue)
