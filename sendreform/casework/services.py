"""Writes of EHC casework: a request for an assessment worked to the final plan, an annual review worked to its
decision, and what goes with them (allocation, advice, consultation, the clock's exceptions, notes,
documents, contacts).

Every write is one transaction and writes the canonical rows as it goes (ADR 26), so the indicators, the board
pack, the forecast and the SEN2 return follow the casework. A write that changes what a form showed takes the
version the form was shown at and raises `CaseChanged` (an `EditConflict`) when someone else saved first
(ADR 13); writes that only add to a case (a note, a document, an advice request) move its version on too, so a
form shown before them is told.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.casework.models import (
    ASSESSMENT,
    CONSULTATION_RESPONSES,
    DOCUMENT_KINDS,
    OPEN_STAGES,
    REVIEW,
    AdviceDetail,
    Case,
    CaseAllocation,
    CaseDocument,
    CaseEvent,
    CaseNote,
    ClockException,
    Consultation,
    Contact,
    EhcAdvice,
)
from sendreform.common.concurrency import EditConflict, version_update
from sendreform.people.models import Establishment, Person, SenStatus
from sendreform.people.selectors import children_visible_to
from sendreform.standards import codes, ehc_clock
from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest

# Uploads: what a document may be, recognised by its first bytes as well as its name, and how large.
# Under SENDREFORM_MAX_REQUEST_BYTES (10 MB), which refuses a larger request before it is read.
DOCUMENT_MAX_BYTES = 8 * 1024 * 1024
DOCUMENT_TYPES = {  # extension: (content type, leading bytes)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


class CaseChanged(EditConflict):
    """The case was changed by someone else after this form was shown."""

    def __init__(self, case: Case):
        super().__init__(case)
        who = case.updated_by
        self.changed_by = (who.get_full_name() or who.username) if who else ""


def timescales() -> ehc_clock.Timescales:
    """The area's timescales: SENDREFORM_EHC_TIMESCALES, else the Regulations'."""
    return ehc_clock.Timescales.from_mapping(getattr(settings, "SENDREFORM_EHC_TIMESCALES", None))


def _today() -> dt.date:
    return timezone.localdate()


def _token(prefix: str, la: str) -> str:
    # Random rather than sequential: two people saving at once can never collide on a counter.
    return f"{la}-{prefix}{secrets.token_hex(4).upper()}"


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "the system"


def _works_cases(user) -> bool:
    return bool(user and user.is_active and user.role in roles.CASEWORK_ROLES)


def _require_caseworker(by) -> None:
    if not _works_cases(by):
        raise PermissionDenied("Only the SEND team works EHC cases")


def _require_child(by, person: Person) -> None:
    if not children_visible_to(user=by).filter(pk=person.pk).exists():
        raise PermissionDenied("No child with that reference")


def _event(case: Case, by, what: str) -> None:
    CaseEvent.objects.create(case=case, by=by if getattr(by, "pk", None) else None, what=what[:300])


def _bump(case: Case, *, version: int | None, by, what: str, **changes) -> Case:
    """Save `changes` to the case only if it is still at `version` (None: at whatever it is now), move it to the
    next version and write the history; raise CaseChanged when someone else saved it first."""
    current = case.version if version is None else version
    for name, value in {"updated_by": by, "updated_at": timezone.now(), **changes}.items():
        setattr(case, name, value)
    try:
        version_update(case, version=current, fields=["updated_by", "updated_at", *changes])
    except EditConflict:
        raise CaseChanged(Case.objects.select_related("updated_by", "person").get(pk=case.pk)) from None
    _event(case, by, what)
    return case


def _case(case_id: int, *, stage: Iterable[str] | str | None = None, version: int | None = None) -> Case:
    """The case, if it is at one of `stage`; CaseChanged first when it has moved on from `version` (the second
    of two people acting at once is shown what the first did, not told the action no longer fits)."""
    case = Case.objects.select_related("person", "request", "plan", "review", "officer", "updated_by").get(
        pk=case_id)
    if version is not None and case.version != version:
        raise CaseChanged(case)
    stages = (stage,) if isinstance(stage, str) else stage
    if stages and case.stage not in stages:
        raise ValidationError(f"This case is at “{case.stage_label}”, so that cannot be done now")
    return case


def _check_date(errors: dict, field: str, day: dt.date | None, *, not_before: dt.date | None = None,
                before_what: str = "") -> None:
    if day is None:
        errors[field] = "Enter the date"
    elif day > _today():
        errors[field] = "The date must be today or in the past"
    elif not_before is not None and day < not_before:
        errors[field] = f"The date must be on or after {before_what}, {not_before:%-d %B %Y}"


def _close_allocation(case: Case, on: dt.date) -> None:
    """End the case's open allocation on `on` (or on its own start, for a step recorded with an earlier date)."""
    for allocation in CaseAllocation.objects.filter(case_ref=case.reference, end_date__isnull=True):
        CaseAllocation.objects.filter(pk=allocation.pk).update(end_date=max(on, allocation.start_date))


# ------------------------------------------------------------------------------------------------ request
@transaction.atomic
def request_create(
    *,
    by,
    person: Person,
    received_date: dt.date,
    request_source: int,
    evidence: str,
    consent_given: bool,
    consent_date: dt.date | None = None,
    officer: User | None = None,
) -> Case:
    """A request for an EHC needs assessment: its receipt starts the clock. A SENCo asks for a pupil on the
    setting's roll, with the graduated response's evidence and the family's consent; the SEND team records a
    request from anyone (SEN2's request sources)."""
    _require_child(by, person)
    senco = by.role == roles.SENCO
    if not (senco or _works_cases(by)):
        raise PermissionDenied("Only a SENCo or the SEND team can record a request")
    if senco:
        request_source = 2
    errors = {}
    if str(request_source) not in codes.REQUEST_SOURCE:
        errors["request_source"] = "Select who made the request"
    _check_date(errors, "received_date", received_date, not_before=person.birth_date, before_what="the birth date")
    if request_source == 2 and not evidence.strip():
        errors["evidence"] = "Enter what the setting has done: its assessment, plan, support and review"
    if request_source == 2 and not consent_given:
        errors["consent_given"] = "A setting's request needs the consent of the parent or young person"
    if consent_given and consent_date and received_date and consent_date > received_date:
        errors["consent_date"] = "Consent must be given on or before the request"
    open_case = Case.objects.filter(person=person, kind=ASSESSMENT, stage__in=OPEN_STAGES).first()
    if open_case:
        errors["person"] = f"This child already has a request being worked: {open_case.reference}"
    if officer is not None and not _works_cases(officer):
        errors["officer"] = "Allocate the case to a member of the SEND team"
    if errors:
        raise ValidationError(errors)
    request = EhcRequest.objects.create(
        request_id=_token("RQ", person.home_la), person=person, received_date=received_date,
        request_source=int(request_source), outcome="A",
    )
    case = Case.objects.create(
        reference=_token("CW-", person.home_la), kind=ASSESSMENT, person=person,
        stage="REQUESTED", request=request, setting=by.establishment if senco else None,
        evidence=evidence.strip(), consent_given=bool(consent_given),
        consent_date=(consent_date or received_date) if consent_given else None,
        submitted_by=by, opened_date=received_date, updated_by=by,
    )
    source = codes.REQUEST_SOURCE[str(request_source)].lower()
    _event(case, by, f"Request received {received_date:%-d %B %Y} (from: {source})")
    if officer is not None:
        _allocate(case, officer=officer, by=by, on=received_date)
    return case


def _allocate(case: Case, *, officer: User, by, on: dt.date) -> None:
    _close_allocation(case, on)
    CaseAllocation.objects.create(allocation_id=_token("AL", case.person.home_la), person=case.person,
                                  case_ref=case.reference, officer_id=officer.username, start_date=on)
    Case.objects.filter(pk=case.pk).update(officer=officer)
    case.officer = officer
    _event(case, by, f"Allocated to {_name(officer)}")
    transaction.on_commit(lambda: notify_allocated(case=case, officer=officer))


@transaction.atomic
def case_allocate(*, case_id: int, version: int, officer: User, by, on: dt.date | None = None) -> Case:
    """Allocate a case to an officer, or move it from one to another (a team manager's work)."""
    if not (by and by.is_active and by.role in roles.CASE_ALLOCATING_ROLES):
        raise PermissionDenied("Only a team manager allocates cases")
    case = _case(case_id, stage=OPEN_STAGES, version=version)
    if not _works_cases(officer):
        raise ValidationError({"officer": "Allocate the case to a member of the SEND team"})
    if case.officer_id == officer.pk:
        raise ValidationError({"officer": f"The case is already allocated to {_name(officer)}"})
    case = _bump(case, version=version, by=by, what=f"Allocation changed by {_name(by)}")
    _allocate(case, officer=officer, by=by, on=on or _today())
    return case


@transaction.atomic
def request_decide(*, case_id: int, version: int, assess: bool, decision_date: dt.date, reason: str, by) -> Case:
    """The decision whether to assess. A refusal records its reason; the family's right to mediation and appeal
    is said in the letter and on the case."""
    _require_caseworker(by)
    case = _case(case_id, stage="REQUESTED", version=version)
    errors = {}
    _check_date(errors, "decision_date", decision_date, not_before=case.request.received_date,
                before_what="the request was received")
    if not assess and not reason.strip():
        errors["reason"] = "Enter why the local authority decided not to assess"
    if errors:
        raise ValidationError(errors)
    if assess:
        case = _bump(case, version=version, by=by, stage="ASSESSING",
                     what=f"Decided to assess on {decision_date:%-d %B %Y}")
        EhcAssessment.objects.create(assessment_id=_token("AS", case.person.home_la), request=case.request,
                                     outcome="A")
    else:
        case = _bump(case, version=version, by=by, stage="REFUSED", decision_reason=reason.strip(),
                     closed_date=decision_date, what=f"Decided not to assess on {decision_date:%-d %B %Y}")
        _close_allocation(case, decision_date)
    EhcRequest.objects.filter(pk=case.request_id).update(outcome="Y" if assess else "N", outcome_date=decision_date)
    transaction.on_commit(lambda: notify_decision(case=case))
    return case


# ------------------------------------------------------------------------------------------------- advice
@transaction.atomic
def advice_request(
    *, case_id: int, advice_type: str, addressee: str, requested_date: dt.date, by, question: str = "",
    addressed_to: User | None = None,
) -> EhcAdvice:
    """Ask for advice for an assessment, due within 6 weeks. A practitioner with an account (`addressed_to`)
    sees and answers it in the service."""
    _require_caseworker(by)
    case = _case(case_id, stage=("ASSESSING", "DRAFT"))
    errors = {}
    if advice_type not in codes.ADVICE_TYPE:
        errors["advice_type"] = "Select the kind of advice"
    if not addressee.strip() and addressed_to is None:
        errors["addressee"] = "Enter who is asked for the advice"
    _check_date(errors, "requested_date", requested_date, not_before=case.request.outcome_date,
                before_what="the decision to assess")
    if addressed_to is not None and not addressed_to.is_active:
        errors["addressed_to"] = "That account is not active"
    if errors:
        raise ValidationError(errors)
    advice = EhcAdvice.objects.create(advice_id=_token("AD", case.person.home_la), request=case.request,
                                      advice_type=advice_type, requested_date=requested_date)
    AdviceDetail.objects.create(advice=advice, case=case, addressed_to=addressed_to,
                                addressee=addressee.strip() or _name(addressed_to), question=question.strip())
    label = codes.ADVICE_TYPE[advice_type]
    _bump(case, version=None, by=by, what=f"{label} advice asked of {addressee.strip() or _name(addressed_to)}")
    if addressed_to is not None:
        transaction.on_commit(lambda: notify_advice_requested(advice=advice, to=addressed_to))
    return advice


@transaction.atomic
def advice_answer(*, advice_id: str, version: int, received_date: dt.date, response: str, by) -> EhcAdvice:
    """Advice received: answered in the service by the practitioner asked, or recorded by the SEND team when it
    came another way."""
    advice = EhcAdvice.objects.select_related("detail", "detail__case").get(pk=advice_id)
    detail = advice.detail
    asked = detail.addressed_to_id is not None and detail.addressed_to_id == getattr(by, "pk", None)
    if not (asked or _works_cases(by)):
        raise PermissionDenied("This advice was not asked of you")
    errors = {}
    _check_date(errors, "received_date", received_date, not_before=advice.requested_date,
                before_what="the advice was asked for")
    if asked and not response.strip():
        errors["response"] = "Enter your advice"
    if advice.received_date is not None:
        errors["response"] = f"This advice was already received on {advice.received_date:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    detail.response, detail.answered_by = response.strip(), by
    try:
        version_update(detail, version=version, fields=["response", "answered_by"])
    except EditConflict:
        raise EditConflict(AdviceDetail.objects.get(pk=advice_id)) from None
    EhcAdvice.objects.filter(pk=advice_id).update(received_date=received_date)
    advice.received_date = received_date
    _bump(detail.case, version=None, by=by,
          what=f"{codes.ADVICE_TYPE[advice.advice_type]} advice received {received_date:%-d %B %Y}")
    return advice


@transaction.atomic
def clock_exception_record(*, case_id: int, step: str, reason: str, note: str, by, advice_id: str = "") -> None:
    """Record that one of the Regulations' exceptions lifts a time limit: the decision, a piece of advice or
    the final plan. The step keeps its statutory date and shows the reason."""
    _require_caseworker(by)
    case = _case(case_id)
    errors = {}
    if step not in ehc_clock.EXCEPTIONS_BY_STEP:
        errors["step"] = "Select the time limit the exception applies to"
    elif reason not in ehc_clock.EXCEPTIONS_BY_STEP[step]:
        errors["reason"] = "Select an exception the Regulations allow for that time limit"
    if not note.strip():
        errors["note"] = "Enter what happened, with dates"
    advice = None
    if step == "advice":
        advice = EhcAdvice.objects.filter(pk=advice_id, request_id=case.request_id).first()
        if advice is None:
            errors["advice_id"] = "Select the advice the exception applies to"
    elif step and ClockException.objects.filter(case=case, step=step).exists():
        errors["step"] = "An exception is already recorded for that time limit"
    if errors:
        raise ValidationError(errors)
    if advice is not None:
        EhcAdvice.objects.filter(pk=advice.pk).update(exception=True)
        AdviceDetail.objects.filter(pk=advice.pk).update(exception_reason=reason)
    else:
        ClockException.objects.create(case=case, step=step, reason=reason, note=note.strip(), recorded_by=by)
        if step == "final_plan":
            EhcAssessment.objects.filter(request_id=case.request_id).update(week20_exception=True)
    _bump(case, version=None, by=by, what=f"Exception recorded ({step.replace('_', ' ')}): "
          f"{ehc_clock.EXCEPTIONS[reason]}. {note.strip()}")


# ------------------------------------------------------------------------------- draft, consultation, plan
@transaction.atomic
def draft_issue(*, case_id: int, version: int, draft_date: dt.date,
                settings_consulted: Iterable[tuple[Establishment, bool]], by) -> Case:
    """The draft plan sent to the family, and each setting consulted (15 days to answer); `settings_consulted`
    pairs each setting with whether the family asked for it."""
    _require_caseworker(by)
    case = _case(case_id, stage="ASSESSING", version=version)
    errors = {}
    _check_date(errors, "draft_date", draft_date, not_before=case.request.outcome_date,
                before_what="the decision to assess")
    if errors:
        raise ValidationError(errors)
    case = _bump(case, version=version, by=by, stage="DRAFT", draft_issued_date=draft_date,
                 what=f"Draft plan issued {draft_date:%-d %B %Y}")
    for establishment, family in settings_consulted:
        Consultation.objects.create(case=case, establishment=establishment, sent_date=draft_date,
                                    family_preference=family)
        _event(case, by, f"{establishment.name} consulted")
    return case


@transaction.atomic
def consultation_answer(*, consultation_id: int, response: str, response_date: dt.date, by, note: str = "") -> None:
    """A consulted setting's answer: recorded by the SEND team, or given by the setting's own SENCo."""
    consultation = Consultation.objects.select_related("case", "establishment").get(pk=consultation_id)
    own = by.role == roles.SENCO and by.establishment_id == consultation.establishment_id
    if not (own or _works_cases(by)):
        raise PermissionDenied("Only the setting consulted or the SEND team can answer")
    errors = {}
    if response not in CONSULTATION_RESPONSES:
        errors["response"] = "Select the setting's answer"
    _check_date(errors, "response_date", response_date, not_before=consultation.sent_date,
                before_what="the consultation was sent")
    if consultation.response:
        errors["response"] = "The setting has already answered"
    if errors:
        raise ValidationError(errors)
    Consultation.objects.filter(pk=consultation_id).update(response=response, response_date=response_date,
                                                            note=note.strip())
    _bump(consultation.case, version=None, by=by, what=f"{consultation.establishment.name}: "
          f"{CONSULTATION_RESPONSES[response].lower()} ({response_date:%-d %B %Y})")


@transaction.atomic
def plan_finalise(*, case_id: int, version: int, issue_date: dt.date, by) -> EhcPlan:
    """The final EHC plan issued: the assessment's outcome, the plan itself, and the child's SEN status moves to
    an EHC plan at the setting where they are."""
    _require_caseworker(by)
    case = _case(case_id, stage="DRAFT", version=version)
    errors = {}
    _check_date(errors, "issue_date", issue_date, not_before=case.draft_issued_date, before_what="the draft plan")
    if errors:
        raise ValidationError(errors)
    assessment = EhcAssessment.objects.get(request_id=case.request_id)
    exception = ClockException.objects.filter(case=case, step="final_plan").exists()
    EhcAssessment.objects.filter(pk=assessment.pk).update(outcome="Y", outcome_date=issue_date,
                                                          week20_exception=exception)
    plan = EhcPlan.objects.create(plan_id=_token("PL", case.person.home_la), person=case.person,
                                  assessment=assessment, start_date=issue_date)
    _sen_status_to_plan(case.person, issue_date)
    _bump(case, version=version, by=by, stage="FINAL", plan=plan, closed_date=issue_date,
          what=f"Final plan issued {issue_date:%-d %B %Y}")
    _close_allocation(case, issue_date)
    transaction.on_commit(lambda: notify_decision(case=case))
    return plan


def _sen_status_to_plan(person: Person, on: dt.date) -> None:
    current = SenStatus.objects.filter(person=person, start_date__lte=on, end_date__isnull=True).exclude(
        sen_provision="E").order_by("-start_date").first()
    establishment = current.establishment if current else None
    if current is not None:
        if current.start_date == on:
            current.delete()
        else:
            SenStatus.objects.filter(pk=current.pk).update(end_date=on - dt.timedelta(days=1))
    if not SenStatus.objects.filter(person=person, sen_provision="E", end_date__isnull=True).exists():
        SenStatus.objects.create(person=person, establishment=establishment, sen_provision="E", start_date=on)


@transaction.atomic
def plan_not_issue(*, case_id: int, version: int, decision_date: dt.date, reason: str, by) -> Case:
    """A decision, after the assessment, not to issue a plan, with its reason."""
    _require_caseworker(by)
    case = _case(case_id, stage=("ASSESSING", "DRAFT"), version=version)
    errors = {}
    _check_date(errors, "decision_date", decision_date, not_before=case.request.outcome_date,
                before_what="the decision to assess")
    if not reason.strip():
        errors["reason"] = "Enter why the local authority decided not to issue a plan"
    if errors:
        raise ValidationError(errors)
    EhcAssessment.objects.filter(request_id=case.request_id).update(outcome="N", outcome_date=decision_date)
    case = _bump(case, version=version, by=by, stage="NOT_ISSUED", decision_reason=reason.strip(),
                 closed_date=decision_date, what=f"Decided not to issue a plan on {decision_date:%-d %B %Y}")
    _close_allocation(case, decision_date)
    transaction.on_commit(lambda: notify_decision(case=case))
    return case


# ---------------------------------------------------------------------------------------- annual reviews
@transaction.atomic
def review_start(*, plan: EhcPlan, by, phase_transfer: bool = False, officer: User | None = None,
                 on: dt.date | None = None) -> Case:
    """Start an annual review of a plan: due 12 months from its issue or last review. A SENCo starts the review
    of a pupil on the roll (the setting usually holds the meeting). A phase transfer's deadline (15 February, or
    31 March for post-16) follows from the child's year group in the school year of the review: of the day it is
    started until the meeting is held, then of the meeting."""
    _require_child(by, plan.person)
    if not (_works_cases(by) or by.role == roles.SENCO):
        raise PermissionDenied("Only a SENCo or the SEND team can start a review")
    on = on or _today()
    errors = {}
    if plan.cease_date is not None:
        errors["plan"] = "This plan has ceased"
    if Case.objects.filter(plan=plan, kind=REVIEW, stage__in=OPEN_STAGES).exists():
        errors["plan"] = "A review of this plan is already being worked"
    if officer is not None and not _works_cases(officer):
        errors["officer"] = "Allocate the case to a member of the SEND team"
    if errors:
        raise ValidationError(errors)
    last = AnnualReview.objects.filter(plan=plan).order_by("-meeting_date").values_list("meeting_date", flat=True)
    review_from = last[0] if last else plan.start_date
    due = ehc_clock.review_due(review_from, timescales())
    case = Case.objects.create(
        reference=_token("CW-", plan.person.home_la), kind=REVIEW, person=plan.person,
        stage="REVIEW_DUE", plan=plan, review_from=review_from, submitted_by=by, opened_date=on, updated_by=by,
        setting=by.establishment if by.role == roles.SENCO else None,
        phase_transfer_due=ehc_clock.phase_transfer_due(plan.person.birth_date, on) if phase_transfer else None,
    )
    _event(case, by, f"Annual review started: due by {due:%-d %B %Y}")
    if officer is not None:
        _allocate(case, officer=officer, by=by, on=on)
    return case


@transaction.atomic
def review_meeting_record(*, case_id: int, version: int, meeting_date: dt.date, by,
                          school_cannot_meet_need: bool = False, pfa_toolkit_used: bool = False) -> AnnualReview:
    """The review meeting held: the canonical annual review row."""
    case = _case(case_id, stage="REVIEW_DUE", version=version)
    own = by.role == roles.SENCO and case.setting_id and by.establishment_id == case.setting_id
    if not (own or _works_cases(by)):
        raise PermissionDenied("Only the setting holding the review or the SEND team can record the meeting")
    errors = {}
    _check_date(errors, "meeting_date", meeting_date, not_before=case.review_from, before_what="the last review")
    if errors:
        raise ValidationError(errors)
    review = AnnualReview.objects.create(
        review_id=_token("AR", case.person.home_la), plan=case.plan, meeting_date=meeting_date,
        school_cannot_meet_need=school_cannot_meet_need, pfa_toolkit_used=pfa_toolkit_used,
        phase_transfer=case.phase_transfer_due is not None,
    )
    # A phase transfer's deadline is that of the school year the meeting was held in.
    transfer_by = ehc_clock.phase_transfer_due(case.person.birth_date, meeting_date) \
        if case.phase_transfer_due is not None else None
    # A meeting recorded after the event opens the case no later than the meeting.
    _bump(case, version=version, by=by, stage="REVIEW_HELD", review=review, phase_transfer_due=transfer_by,
          opened_date=min(case.opened_date, meeting_date), what=f"Review meeting held {meeting_date:%-d %B %Y}")
    return review


@transaction.atomic
def review_decide(*, case_id: int, version: int, outcome: str, decision_date: dt.date, by,
                  cease_reason: int | None = None) -> Case:
    """The local authority's decision after the review (maintain, amend or cease), notified within 4 weeks of
    the meeting. Ceasing records the plan's end and its reason."""
    _require_caseworker(by)
    case = _case(case_id, stage="REVIEW_HELD", version=version)
    errors = {}
    if outcome not in codes.REVIEW_OUTCOME:
        errors["outcome"] = "Select the decision"
    _check_date(errors, "decision_date", decision_date, not_before=case.review.meeting_date,
                before_what="the review meeting")
    if outcome == "C" and str(cease_reason) not in codes.CEASE_REASON:
        errors["cease_reason"] = "Select why the plan ceases"
    if errors:
        raise ValidationError(errors)
    AnnualReview.objects.filter(pk=case.review_id).update(outcome=outcome, decision_date=decision_date)
    if outcome == "C":
        EhcPlan.objects.filter(pk=case.plan_id).update(cease_date=decision_date, cease_reason=int(cease_reason))
        SenStatus.objects.filter(person=case.person, sen_provision="E", end_date__isnull=True).update(
            end_date=decision_date)
    case = _bump(case, version=version, by=by, stage="REVIEW_DECIDED", closed_date=decision_date,
                 what=f"Decision notified {decision_date:%-d %B %Y}: {codes.REVIEW_OUTCOME[outcome].lower()}")
    _close_allocation(case, decision_date)
    transaction.on_commit(lambda: notify_decision(case=case))
    return case


# ------------------------------------------------------------------------------- notes, documents, contacts
@transaction.atomic
def note_add(*, case_id: int, text: str, by) -> CaseNote:
    _require_caseworker(by)
    if not text.strip():
        raise ValidationError({"text": "Enter the note"})
    case = _case(case_id)
    note = CaseNote.objects.create(case=case, text=text.strip(), by=by)
    _bump(case, version=None, by=by, what="Note added")
    return note


def document_check(*, name: str, content: bytes) -> tuple[str, str]:
    """The cleaned file name and content type of an upload, or ValidationError naming what is wrong."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_TYPES:
        raise ValidationError({"upload": f"{name or 'The file'} must be a PDF, Word (.docx), PNG or JPEG file"})
    if not content:
        raise ValidationError({"upload": f"{name} is empty"})
    if len(content) > DOCUMENT_MAX_BYTES:
        raise ValidationError({"upload": f"{name} must be smaller than {DOCUMENT_MAX_BYTES // (1024 * 1024)} MB"})
    content_type, starts = DOCUMENT_TYPES[extension]
    if not content.startswith(starts):
        raise ValidationError({"upload": f"{name} is not a {extension.upper()} file, whatever its name says"})
    return name, content_type


@transaction.atomic
def document_add(*, case_id: int, kind: str, name: str, content: bytes, by) -> CaseDocument:
    """A document kept with the case: its type checked by its first bytes and its size capped."""
    case = _case(case_id)
    senco = by.role == roles.SENCO and case.setting_id and by.establishment_id == case.setting_id
    if not (senco or _works_cases(by)):
        raise PermissionDenied("Only the SEND team or the setting that asked can add documents")
    if kind not in DOCUMENT_KINDS:
        raise ValidationError({"kind": "Select what the document is"})
    name, content_type = document_check(name=name, content=content)
    document = CaseDocument.objects.create(case=case, kind=kind, name=name, content_type=content_type,
                                           size=len(content), content=content, by=by)
    _bump(case, version=None, by=by, what=f"Document added: {name} ({DOCUMENT_KINDS[kind].lower()})")
    return document


@transaction.atomic
def contact_save(*, by, person: Person, name: str, relationship: str, parental_responsibility: bool,
                 communication_needs: str = "", phone: str = "", email: str = "", contact_id: int | None = None,
                 version: int | None = None) -> Contact:
    """Add a contact to a child's record, or change one (optimistic locking on `version`)."""
    _require_caseworker(by)
    _require_child(by, person)
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the contact's name"
    if not relationship.strip():
        errors["relationship"] = "Enter how the contact is related to the child, e.g. mother, foster carer"
    if not (phone.strip() or email.strip()):
        errors["phone"] = "Enter a phone number or an email address"
    if errors:
        raise ValidationError(errors)
    values = dict(name=name.strip(), relationship=relationship.strip(),
                  parental_responsibility=bool(parental_responsibility),
                  communication_needs=communication_needs.strip(), phone=phone.strip(), email=email.strip())
    if contact_id is None:
        return Contact.objects.create(person=person, **values)
    contact = Contact.objects.get(pk=contact_id, person=person)
    for field, value in values.items():
        setattr(contact, field, value)
    version_update(contact, version=version, fields=list(values))
    return contact


# ------------------------------------------------------------------------------------------------- emails
def absolute(path: str) -> str:
    """A link for an email: the configured site address (SENDREFORM_SITE_URL) with the page's path."""
    return settings.SITE_URL + path


def _mail(to: User | None, subject: str, lines: list[str]) -> int:
    if to is None or not to.email or not to.is_active:
        return 0
    return send_mail(subject, "\n\n".join(lines), None, [to.email])


def case_url(case: Case) -> str:
    return absolute(reverse("casework:case", args=[case.reference]))


def notify_allocated(*, case: Case, officer: User) -> int:
    return _mail(officer, f"EHC case {case.reference} allocated to you",
                 [f"The case {case.reference} ({case.get_kind_display().lower()}) is now on your caseload.",
                  f"See it: {case_url(case)}"])


def notify_advice_requested(*, advice: EhcAdvice, to: User) -> int:
    due = ehc_clock.advice_due(advice.requested_date, timescales())
    return _mail(to, "Advice asked of you for an EHC needs assessment", [
        f"{codes.ADVICE_TYPE[advice.advice_type]} advice is asked of you for an EHC needs assessment. It is due "
        f"by {due:%-d %B %Y} (6 weeks, regulation 8).",
        f"See and answer it: {absolute(reverse('casework:advice-answer', args=[advice.advice_id]))}",
    ])


def notify_decision(*, case: Case) -> int:
    return _mail(case.officer, f"EHC case {case.reference}: {case.stage_label.lower()}",
                 [f"The case {case.reference} is now at: {case.stage_label}.", f"See it: {case_url(case)}"])


APPROACHING_DAYS = 7


def daily_notify(*, on: dt.date | None = None) -> dict[str, int]:
    """The morning's emails: to each officer, a digest of their open cases overdue or due within 14 days; and for
    each step of an allocated case, once, an email when its deadline is 7 days away and when it is missed.
    Running it twice on a day sends no deadline email twice (the digest is sent again)."""
    from sendreform.casework.models import CaseNotification
    from sendreform.casework.selectors import case_clock, with_clock_parts

    on = on or _today()
    ts = timescales()
    sent = {"digests": 0, "deadlines": 0}
    cases = with_clock_parts(Case.objects.filter(stage__in=OPEN_STAGES, officer__isnull=False,
                                                 officer__is_active=True))
    by_officer: dict[int, list[tuple[Case, ehc_clock.Clock]]] = {}
    for case in cases:
        clock = case_clock(case, today=on, ts=ts)
        by_officer.setdefault(case.officer_id, []).append((case, clock))
        for step in clock.steps:
            days = step.days_left(on)
            if days is None or step.exception:
                continue
            kind = "MISSED" if days < 0 else "APPROACHING" if days <= APPROACHING_DAYS else ""
            if not kind:
                continue
            _, made = CaseNotification.objects.get_or_create(case=case, step=step.key, kind=kind,
                                                             defaults={"sent_on": on})
            if made:
                when = f"was due on {step.due:%A %-d %B %Y}, {-days} days ago" if days < 0 else \
                    f"is due on {step.due:%A %-d %B %Y}, in {days} days"
                sent["deadlines"] += _mail(case.officer, f"EHC case {case.reference}: {step.label.lower()} "
                                           f"{'missed' if days < 0 else 'due soon'}",
                                           [f"{step.label} for {case.reference} {when}.", f"See it: {case_url(case)}"])
    for items in by_officer.values():
        officer = items[0][0].officer
        lines = []
        for case, clock in sorted(items, key=lambda item: ehc_clock.summarise(item[1]).due or dt.date.max):
            summary = ehc_clock.summarise(clock)
            if summary.days_left is None or summary.days_left > 14:
                continue
            state = f"{-summary.days_left} days over" if summary.days_left < 0 else f"{summary.days_left} days left"
            lines.append(f"- {case.reference}: {summary.label}, {summary.due:%a %-d %b %Y} ({state})\n  {case_url(case)}")
        if lines:
            sent["digests"] += _mail(officer, f"Your EHC caseload on {on:%-d %B %Y}: {len(lines)} deadlines "
                                     "within 14 days or over", [f"{len(items)} open cases on your caseload. These "
                                                                "need you soonest:", "\n".join(lines),
                                                                f"Your caseload: {absolute(reverse('casework:caseload'))}"])
    return sent


def daily_notify_job(*, params: dict, progress, job=None) -> str:
    """`daily_notify` as the scheduled job of each working morning (`sendreform/jobs/schedule.py`)."""
    progress("Emailing the casework digests and deadlines", 0, 1)
    sent = daily_notify()
    progress(f"{sent['digests']} digests and {sent['deadlines']} deadline emails sent", 1, 1)
    return reverse("casework:caseload")
