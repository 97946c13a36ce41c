"""Reads of EHC casework. A case is about a child, so it is visible exactly when its child is
(`children_visible_to`, ADR 20), and every read that shows a child is in the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.accounts.services import (
    AUDIT_COHORT,
    AUDIT_EXPORT,
    AUDIT_VIEW,
    ReadRefused,
    audit_record,
    audit_record_children,
)
from sendreform.casework.models import (
    ASSESSMENT,
    OPEN_STAGES,
    AdviceDetail,
    Case,
    CaseDocument,
    ClockException,
    Consultation,
    EhcAdvice,
)
from sendreform.casework.services import timescales
from sendreform.people.models import SenNeed
from sendreform.people.selectors import child_items_visible_to, open_on
from sendreform.standards import codes, ehc_clock
from sendreform.statutory.models import Placement

SORTS = {"due": "Next deadline", "child": "Child's name", "stage": "Stage", "opened": "Opened"}
WITHIN = (7, 14)


def _today() -> dt.date:
    return timezone.localdate()


def cases_visible_to(*, user) -> QuerySet[Case]:
    return child_items_visible_to(user=user, items=Case.objects.all())


def with_clock_parts(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what their clocks need, read at once."""
    return cases.select_related("person", "request", "review", "plan", "officer").prefetch_related(
        Prefetch("request__advice", queryset=EhcAdvice.objects.select_related("detail").order_by("requested_date",
                                                                                                 "advice_id")),
        Prefetch("consultations", queryset=Consultation.objects.select_related("establishment").order_by("pk")),
        Prefetch("exceptions", queryset=ClockException.objects.all()),
    )


def _caseload_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Only the columns a caseload shows: a list of hundreds of cases is mostly the making of model objects."""
    return cases.select_related("person", "request", "review", "plan", "officer").only(
        "reference", "kind", "stage", "opened_date", "closed_date", "draft_issued_date", "review_from",
        "phase_transfer_due", "person__forename", "person__surname", "request__received_date", "request__outcome",
        "request__outcome_date", "plan__start_date", "review__meeting_date", "review__decision_date",
        "officer__username", "officer__first_name", "officer__last_name",
    )


@dataclass(frozen=True)
class ClockParts:
    """What a clock needs beyond the case's own row: its advice, consultations and exceptions."""

    advice: tuple[ehc_clock.Advice, ...] = ()
    consultations: tuple[tuple[str, dt.date, dt.date | None], ...] = ()
    exceptions: dict | None = None


def _advice(advice_type, addressee, requested, received, reason, exception) -> ehc_clock.Advice:
    return ehc_clock.Advice(f"{codes.ADVICE_TYPE[advice_type]} ({addressee})", requested, received,
                            reason or ("EXCEPTION" if exception else ""))


def clock_parts_of(cases: list[Case]) -> dict[int, ClockParts]:
    """The parts of many cases' clocks in three plain queries (no model objects: a caseload of hundreds)."""
    by_request = {c.request_id: c.pk for c in cases if c.request_id}
    advice: dict[int, list] = {}
    for row in (EhcAdvice.objects.filter(request_id__in=list(by_request)).order_by("requested_date", "advice_id")
                .values_list("request_id", "advice_type", "detail__addressee", "requested_date", "received_date",
                             "detail__exception_reason", "exception")):
        advice.setdefault(by_request[row[0]], []).append(_advice(*row[1:]))
    consultations: dict[int, list] = {}
    for case_id, *row in (Consultation.objects.filter(case_id__in=[c.pk for c in cases]).order_by("pk")
                          .values_list("case_id", "establishment__name", "sent_date", "response_date")):
        consultations.setdefault(case_id, []).append(tuple(row))
    exceptions: dict[int, dict] = {}
    for case_id, step, reason in ClockException.objects.filter(case_id__in=[c.pk for c in cases]).values_list(
            "case_id", "step", "reason"):
        exceptions.setdefault(case_id, {})[step] = reason
    return {c.pk: ClockParts(tuple(advice.get(c.pk, ())), tuple(consultations.get(c.pk, ())),
                             exceptions.get(c.pk)) for c in cases}


def case_clock(case: Case, *, today: dt.date | None = None, ts: ehc_clock.Timescales | None = None,
               parts: ClockParts | None = None) -> ehc_clock.Clock:
    """The case's legal clock; `parts` from `clock_parts_of` when drawing many, else read from the case (prefetch
    with `with_clock_parts`)."""
    today = today or _today()
    ts = ts or timescales()
    if case.kind == ASSESSMENT:
        if parts is None:
            parts = ClockParts(
                tuple(_advice(a.advice_type, a.detail.addressee, a.requested_date, a.received_date,
                              a.detail.exception_reason, a.exception) for a in case.request.advice.all()),
                tuple((c.establishment.name, c.sent_date, c.response_date) for c in case.consultations.all()),
                {e.step: e.reason for e in case.exceptions.all()})
        request = case.request
        decided = request.outcome_date if request.outcome in ("Y", "N") else None
        final = case.plan.start_date if case.plan_id else None
        return ehc_clock.assessment_clock(
            received=request.received_date, today=today, decided=decided,
            assess=None if decided is None else request.outcome == "Y", advice=parts.advice,
            draft_issued=case.draft_issued_date, consultations=parts.consultations,
            final_issued=final, not_issued=case.closed_date if case.stage == "NOT_ISSUED" else None,
            closed=not case.is_open, exceptions=parts.exceptions or {}, timescales=ts,
        )
    review = case.review
    return ehc_clock.review_clock(
        last=case.review_from, today=today, meeting=review.meeting_date if review else None,
        decided=review.decision_date if review else None, phase_transfer_by=case.phase_transfer_due,
        closed=not case.is_open, timescales=ts,
    )


@dataclass
class CaseRow:
    case: Case
    summary: ehc_clock.Summary
    setting: str
    phase: str
    need: str

    @property
    def overdue(self) -> bool:
        return bool(self.summary.overdue)


def _annotated(cases: QuerySet[Case], on: dt.date) -> QuerySet[Case]:
    placement = Placement.objects.filter(open_on(on), person=OuterRef("person_id"),
                                         establishment__isnull=False).order_by("-start_date")
    need = SenNeed.objects.filter(open_on(on), person=OuterRef("person_id"), need_rank=1).order_by("-start_date")
    return cases.annotate(
        now_setting_id=Subquery(placement.values("establishment_id")[:1]),
        now_setting_name=Subquery(placement.values("establishment__name")[:1]),
        now_setting_phase=Subquery(placement.values("establishment__phase")[:1]),
        primary_need=Subquery(need.values("need_type")[:1]),
    )


def caseload(*, user, page: str, officer: User | None = None, stage: str = "", within: int | None = None,
             overdue: bool = False, setting: str = "", phase: str = "", need: str = "", sort: str = "due",
             on: dt.date | None = None) -> list[CaseRow]:
    """Open cases visible to `user` (of one officer when given), each with its next legal deadline; filtered by
    stage, deadline within `within` days, overdue, the child's setting, its phase and the child's primary need.
    Records one audit entry per child shown."""
    on = on or _today()
    cases = cases_visible_to(user=user).filter(stage__in=OPEN_STAGES)
    if officer is not None:
        cases = cases.filter(officer=officer)
    if stage:
        cases = cases.filter(stage=stage)
    cases = _annotated(_caseload_cases(cases), on)
    if setting:
        cases = cases.filter(now_setting_id=setting)
    if phase:
        cases = cases.filter(now_setting_phase=phase)
    if need:
        cases = cases.filter(primary_need=need)
    cases = list(cases)
    ts = timescales()
    parts = clock_parts_of(cases)
    rows = []
    for case in cases:
        summary = ehc_clock.summarise(case_clock(case, today=on, ts=ts, parts=parts[case.pk]))
        row = CaseRow(case, summary, case.now_setting_name or "", codes.PHASE.get(case.now_setting_phase or "", ""),
                      codes.NEED_TYPE.get(case.primary_need or "", ""))
        if overdue and not row.overdue:
            continue
        if within is not None and (summary.days_left is None or summary.days_left > within):
            continue
        rows.append(row)
    far = dt.date.max
    keys = {
        "due": lambda r: (r.summary.due or far, r.case.reference),
        "child": lambda r: (r.case.person.surname, r.case.person.forename, r.case.reference),
        "stage": lambda r: (list(OPEN_STAGES).index(r.case.stage), r.summary.due or far),
        "opened": lambda r: (r.case.opened_date, r.case.reference),
    }
    rows.sort(key=keys.get(sort, keys["due"]))
    audit_record_children(user=user, action=AUDIT_COHORT, person_ids=[r.case.person_id for r in rows], page=page,
                          detail=f"caseload: {len(rows)} cases")
    return rows


@dataclass
class OfficerLoad:
    officer: User | None
    open: int = 0
    overdue: int = 0
    due_14: int = 0


def team_loads(*, rows: list[CaseRow]) -> list[OfficerLoad]:
    """Each member of the SEND team's open cases, overdue ones and those due within 14 days (from the team's
    caseload rows), with the unallocated cases last."""
    loads = {u.pk: OfficerLoad(u) for u in casework_officers()}
    unallocated = OfficerLoad(None)
    for row in rows:
        load = loads.setdefault(row.case.officer_id, OfficerLoad(row.case.officer)) if row.case.officer_id \
            else unallocated
        load.open += 1
        load.overdue += row.overdue
        load.due_14 += row.summary.days_left is not None and 0 <= row.summary.days_left <= 14
    return [*sorted(loads.values(), key=lambda x: (-x.open, x.officer.username)), unallocated]


def casework_officers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=roles.CASEWORK_ROLES).order_by("last_name", "first_name")


def case_get(*, user, reference: str, page: str) -> Case:
    """One case, read by this user on this page (audited); a case outside the user's scope is not found."""
    case = with_clock_parts(cases_visible_to(user=user)).filter(reference=reference).first()
    if case is None:
        raise ReadRefused("No case with that reference", user=user, asked_for=f"case {reference}"[:200], page=page)
    audit_record(user=user, action=AUDIT_VIEW, person_id=case.person_id, page=page, detail=f"case {reference}")
    return case


def cases_of_child(*, person_id: str, user) -> list[Case]:
    """A child's cases, newest first, for the child's record (whose read is already audited)."""
    return list(cases_visible_to(user=user).filter(person_id=person_id).select_related("officer")
                .order_by("-opened_date", "-pk"))


def document_get(*, user, document_id: int, page: str) -> CaseDocument:
    """A document's content for download, recorded in the audit log as a download of child-level data."""
    visible = child_items_visible_to(user=user, items=CaseDocument.objects.all(), person="case__person")
    document = visible.select_related("case").filter(pk=document_id).first()
    if document is None:
        raise ReadRefused("No document with that reference", user=user, asked_for=f"document {document_id}",
                          page=page)
    audit_record(user=user, action=AUDIT_EXPORT, person_id=document.case.person_id, page=page,
                 detail=f"document {document.pk}: {document.name}"[:300])
    return document


def advice_asked_of(*, user, page: str) -> list[AdviceDetail]:
    """The advice awaited from this user, soonest due first. Once answered, it leaves their list (and the child
    their scope)."""
    details = AdviceDetail.objects.filter(addressed_to=user, advice__received_date__isnull=True).select_related(
        "advice", "advice__request", "case", "case__person")
    ts = timescales()
    visible = sorted(child_items_visible_to(user=user, items=details, person="case__person"),
                     key=lambda d: ehc_clock.advice_due(d.advice.requested_date, ts))
    audit_record_children(user=user, action=AUDIT_COHORT, person_ids=[d.case.person_id for d in visible],
                          page=page, detail="advice asked of you")
    return visible


def advice_get(*, user, advice_id: str, page: str) -> AdviceDetail:
    """Advice asked of this user (or any, for the SEND team), for answering; audited."""
    items = AdviceDetail.objects.select_related("advice", "case", "case__person", "addressed_to")
    detail = child_items_visible_to(user=user, items=items, person="case__person").filter(pk=advice_id).first()
    if detail is None or not (detail.addressed_to_id == user.pk or user.role in roles.CASEWORK_ROLES):
        raise ReadRefused("No advice request with that reference", user=user, asked_for=f"advice {advice_id}",
                          page=page)
    audit_record(user=user, action=AUDIT_VIEW, person_id=detail.case.person_id, page=page,
                 detail=f"advice {advice_id}")
    return detail
