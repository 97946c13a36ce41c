"""Writes of the Experts at Hand workflow: engagement, referral, triage and allocation, support, closure with
the family's feedback, planning meetings, transition plans, practitioners' capacity and the emails.

Every write is one transaction. Writes to a referral check and increment its `version`, so a form filled in
against an older state is refused with `ReferralChanged` rather than overwriting someone else's work.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.common.concurrency import EditConflict, version_update
from sendreform.common.links import site_link
from sendreform.experts import selectors
from sendreform.experts.models import (
    CONTACT_KINDS,
    EahAllocation,
    EahContact,
    EahEngagement,
    EahEngagementRecord,
    EahFeedbackInvitation,
    EahInvolvement,
    EahMeetingAction,
    EahNotification,
    EahPlanningMeeting,
    EahPractitioner,
    EahReferral,
    EahReferralDetail,
    EahStrategy,
    EahTransitionPlan,
)
from sendreform.people.models import Cluster, Establishment, Person
from sendreform.standards import codes
from sendreform.standards.formats import date_words
from sendreform.voice.models import SurveyResponse

FEEDBACK_SURVEY = "EAH_PARENT_FEEDBACK"
# The three questions the plan asks families after Experts at Hand support, each scored 1 to 5.
FEEDBACK_QUESTIONS = {
    "advice": "The advice we were given was appropriate",
    "timely": "We got access to support in good time",
    "staff": "Staff at the setting are now able to help my child",
}

NOTIFY_RECEIVED = "REFERRAL_RECEIVED"
NOTIFY_ALLOCATED = "ALLOCATED"
NOTIFY_TRIAGE_OVERDUE = "TRIAGE_OVERDUE"
NOTIFY_SUPPORT_OVERDUE = "SUPPORT_OVERDUE"


class ReferralChanged(EditConflict):
    """The referral was changed by someone else after this form was shown (optimistic locking, ADR 13)."""

    def __init__(self, referral: EahReferral, detail: EahReferralDetail):
        super().__init__(detail)
        who = detail.updated_by
        by = (who.get_full_name() or who.username) if who else ""
        self.referral, self.detail, self.version, self.changed_by = referral, detail, detail.version, by


def _today() -> dt.date:
    return timezone.localdate()


def _detail(referral_id: str) -> EahReferralDetail:
    # A referral loaded without its detail row (the synthetic history, an import) gets one at version 0.
    detail, _ = EahReferralDetail.objects.get_or_create(referral_id=referral_id)
    return detail


def _bump(
    *, referral_id: str, version: int | None, by, detail_changes: dict | None = None, **changes
) -> EahReferral:
    """Apply `changes` (canonical columns) and `detail_changes` to the referral only if it is still at
    `version`, and move it to the next version; raise ReferralChanged if someone else moved it first.
    `version` None is for writes that add to a referral rather than change what a form showed."""
    detail = _detail(referral_id)
    current = detail.version if version is None else version
    for name, value in {"updated_by": by, "updated_at": timezone.now(), **(detail_changes or {})}.items():
        setattr(detail, name, value)
    try:
        version_update(detail, version=current, fields=["updated_by", "updated_at", *(detail_changes or {})])
    except EditConflict:
        raise ReferralChanged(
            EahReferral.objects.select_related("establishment").get(pk=referral_id),
            EahReferralDetail.objects.select_related("updated_by").get(pk=referral_id),
        ) from None
    referral = EahReferral.objects.select_related("establishment").get(pk=referral_id)
    if changes:
        EahReferral.objects.filter(pk=referral_id).update(**changes)
        referral.refresh_from_db()
    return referral


# ------------------------------------------------------------------------------------------- engagement
@transaction.atomic
def engagement_record(
    *, establishment: Establishment, level: str, as_at: dt.date, by, note: str = ""
) -> EahEngagement:
    """Record a setting's engagement level on a date, with who recorded it."""
    if level not in codes.EAH_LEVEL:
        raise ValidationError({"level": "Select an engagement level"})
    if as_at > _today():
        raise ValidationError({"as_at": "The date must be today or in the past"})
    engagement = EahEngagement.objects.create(establishment=establishment, level=level, as_at=as_at)
    EahEngagementRecord.objects.create(engagement=engagement, recorded_by=by, note=note)
    return engagement


# --------------------------------------------------------------------------------------------- referral
def _referral_id(establishment: Establishment) -> str:
    # Random rather than sequential: two SENCos submitting at once can never collide on a counter.
    return f"{establishment.la_code}-EAHW{secrets.token_hex(4).upper()}"


@transaction.atomic
def referral_create(
    *,
    by,
    establishment: Establishment,
    person: Person | None,
    concern: str,
    graduated_response: str,
    risk_flags: Iterable[str],
    consent_given: bool,
    consent_date: dt.date | None = None,
    received_date: dt.date | None = None,
) -> EahReferral:
    """A setting's referral of a child on its roll (parental consent required) or for a setting-level
    consultation (no child, so no consent). The referral is received today unless said otherwise."""
    received_date = received_date or _today()
    errors = {}
    flags = [f for f in risk_flags if f]
    if any(f not in codes.EAH_RISK_FLAG for f in flags):
        errors["risk_flags"] = "Select risk flags from the list"
    if not concern.strip():
        errors["concern"] = "Enter what the setting is concerned about"
    if not graduated_response.strip():
        errors["graduated_response"] = "Enter what the setting has already tried"
    if person is not None and not consent_given:
        errors["consent_given"] = "A referral about a child needs the parent's or carer's consent"
    if by.role == roles.SENCO and establishment.pk != by.establishment_id:
        errors["establishment"] = "You can refer only from your own setting"
    if errors:
        raise ValidationError(errors)
    referral = EahReferral.objects.create(
        referral_id=_referral_id(establishment),
        establishment=establishment,
        person=person,
        received_date=received_date,
        risk_flags=",".join(f for f in codes.EAH_RISK_FLAG if f in flags),
    )
    EahReferralDetail.objects.create(
        referral=referral,
        referred_by=by,
        concern=concern.strip(),
        graduated_response=graduated_response.strip(),
        consent_given=bool(consent_given) and person is not None,
        consent_date=(consent_date or received_date) if person is not None else None,
        updated_by=by,
    )
    transaction.on_commit(lambda: notify_referral_received(referral=referral))
    return referral


# ------------------------------------------------------------------------------------ triage, allocation
@transaction.atomic
def referral_triage(
    *,
    referral_id: str,
    version: int,
    tier: str,
    disciplines: Iterable[str],
    practitioner_ids: Iterable[str],
    weekly_hours: Decimal,
    by,
    note: str = "",
    on: dt.date | None = None,
) -> EahReferral:
    """Set the tier and the disciplines needed, and allocate practitioners (new involvements start today).

    Targeted and Targeted Plus referrals need at least one discipline and one practitioner. A practitioner
    already involved is not allocated twice. Raises ReferralChanged if the referral moved on since `version`.
    """
    on = on or _today()
    disciplines = [d for d in codes.EAH_DISCIPLINE if d in set(disciplines)]
    practitioner_ids = list(dict.fromkeys(p for p in practitioner_ids if p))
    known = {p.practitioner_id: p for p in selectors.practitioner_loads(on=on)}
    errors = {}
    if tier not in codes.EAH_TIER:
        errors["tier"] = "Select a tier"
    if tier in ("TARGETED", "TARGETED_PLUS"):
        if not disciplines:
            errors["disciplines"] = "Select the disciplines a Targeted or Targeted Plus referral needs"
        if not practitioner_ids:
            errors["practitioner_ids"] = (
                "Allocate at least one practitioner to a Targeted or Targeted Plus referral"
            )
    unknown = [p for p in practitioner_ids if p not in known]
    if unknown:
        errors["practitioner_ids"] = f"Unknown practitioner {unknown[0]}"
    if weekly_hours is None or weekly_hours <= 0:
        errors["weekly_hours"] = "Enter the hours a week each allocation is expected to take, more than 0"
    if errors:
        raise ValidationError(errors)
    current = EahReferral.objects.get(pk=referral_id)
    if current.closed_date:
        raise ValidationError("This referral is closed, so it cannot be triaged")
    referral = _bump(
        referral_id=referral_id,
        version=version,
        by=by,
        tier=tier,
        triage_date=current.triage_date or max(on, current.received_date),
        detail_changes={"disciplines": ",".join(disciplines), "triaged_by": by, "triage_note": note},
    )
    involved = set(
        referral.involvements.filter(end_date__isnull=True).values_list("practitioner_id", flat=True)
    )
    new = []
    for practitioner_id in practitioner_ids:
        if practitioner_id in involved:
            continue
        involvement = EahInvolvement.objects.create(
            referral=referral,
            discipline=known[practitioner_id].discipline,
            practitioner_id=practitioner_id,
            start_date=max(on, referral.received_date),
            hours=Decimal(0),
        )
        EahAllocation.objects.create(involvement=involvement, weekly_hours=weekly_hours, allocated_by=by)
        new.append(involvement)
    if new:
        transaction.on_commit(lambda: notify_allocated(referral=referral, involvements=new))
    return referral


# ---------------------------------------------------------------------------------------------- support
@transaction.atomic
def involvement_contact_log(
    *,
    involvement: EahInvolvement,
    contact_date: dt.date,
    kind: str,
    hours: Decimal,
    note: str,
    by,
) -> EahContact:
    """Log support given: the involvement's hours become the sum of its contacts, and the referral's first
    support date is the earliest contact."""
    referral = involvement.referral
    errors = {}
    if kind not in CONTACT_KINDS:
        errors["kind"] = "Select the kind of contact"
    if hours is None or hours <= 0 or hours > 24:
        errors["hours"] = "Enter the hours, more than 0 and no more than 24"
    if contact_date > _today():
        errors["contact_date"] = "The date of the contact must be today or in the past"
    elif contact_date < involvement.start_date:
        errors["contact_date"] = (
            f"The date of the contact must be on or after the allocation, {date_words(involvement.start_date)}"
        )
    if referral.closed_date or involvement.end_date:
        errors["contact_date"] = "This involvement has ended, so no more support can be logged"
    if errors:
        raise ValidationError(errors)
    contact = EahContact.objects.create(
        involvement=involvement, contact_date=contact_date, kind=kind, hours=hours, note=note, recorded_by=by
    )
    total = involvement.contacts.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    EahInvolvement.objects.filter(pk=involvement.pk).update(hours=total)
    first = referral.first_support_date
    changes = {}
    if first is None or contact_date < first:
        changes["first_support_date"] = contact_date
    if referral.triage_date is None or referral.triage_date > contact_date:
        # Support given before a recorded triage means the referral was in effect triaged by then.
        changes["triage_date"] = contact_date
    _bump(referral_id=referral.pk, version=None, by=by, **changes)
    return contact


@transaction.atomic
def referral_strategy_add(*, referral: EahReferral, text: str, agreed_date: dt.date, by) -> EahStrategy:
    """An agreed strategy, written to the child's record (or the setting's, for a consultation)."""
    if not text.strip():
        raise ValidationError({"text": "Enter the strategy agreed with the setting"})
    if agreed_date > _today():
        raise ValidationError({"agreed_date": "The date agreed must be today or in the past"})
    strategy = EahStrategy.objects.create(
        referral=referral, person=referral.person, agreed_date=agreed_date, text=text.strip(), recorded_by=by
    )
    _bump(referral_id=referral.pk, version=None, by=by)
    return strategy


@transaction.atomic
def referral_review_set(*, referral_id: str, version: int, review_date: dt.date, by) -> EahReferral:
    referral = EahReferral.objects.get(pk=referral_id)
    if review_date < referral.received_date:
        raise ValidationError(
            {"review_date": "The review date must be on or after the referral was received"}
        )
    if referral.closed_date:
        raise ValidationError("This referral is closed")
    return _bump(referral_id=referral_id, version=version, by=by, review_date=review_date)


@transaction.atomic
def referral_close(
    *,
    referral_id: str,
    version: int,
    outcome: str,
    closed_date: dt.date,
    by,
    note: str = "",
    family_email: str = "",
) -> EahReferral:
    """Close a referral with its outcome: every open involvement ends, and the family of a child is offered
    the feedback survey (by email when an address is given; the link is shown to the practitioner too)."""
    referral = EahReferral.objects.get(pk=referral_id)
    errors = {}
    if outcome not in codes.EAH_OUTCOME:
        errors["outcome"] = "Select the outcome"
    if closed_date > _today():
        errors["closed_date"] = "The closing date must be today or in the past"
    elif closed_date < referral.received_date:
        errors["closed_date"] = "The closing date must be on or after the referral was received"
    if referral.closed_date:
        errors["outcome"] = "This referral is already closed"
    if errors:
        raise ValidationError(errors)
    referral = _bump(
        referral_id=referral_id,
        version=version,
        by=by,
        outcome=outcome,
        closed_date=closed_date,
        detail_changes={"closure_note": note},
    )
    for involvement in referral.involvements.filter(end_date__isnull=True):
        involvement.end_date = max(closed_date, involvement.start_date)
        involvement.save(update_fields=["end_date"])
    if referral.person_id:
        invitation = EahFeedbackInvitation.objects.create(
            referral=referral,
            token=secrets.token_urlsafe(24),
            offered_date=closed_date,
            family_email=family_email,
        )
        if family_email:
            transaction.on_commit(lambda: notify_feedback_offered(invitation=invitation))
    return referral


@transaction.atomic
def feedback_submit(
    *, token: str, scores: dict[str, int], comment: str = "", on: dt.date | None = None
) -> int:
    """A family's answers to the feedback survey, saved as EAH_PARENT_FEEDBACK survey responses; returns how
    many responses were written. Each invitation can be used once."""
    on = on or _today()
    invitation = (
        EahFeedbackInvitation.objects.select_for_update()
        .select_related("referral")
        .filter(token=token)
        .first()
    )
    if invitation is None or invitation.completed_date:
        raise ValidationError("This feedback link has already been used or is not valid")
    missing = [key for key in FEEDBACK_QUESTIONS if scores.get(key) not in (1, 2, 3, 4, 5)]
    if missing:
        raise ValidationError({key: "Select an answer" for key in missing})
    referral = invitation.referral
    rows = [
        SurveyResponse(
            response_id=f"{referral.referral_id}-FB{i}",
            survey=FEEDBACK_SURVEY,
            respondent="PARENT",
            person_id=referral.person_id,
            establishment_id=referral.establishment_id,
            submitted_date=on,
            question=question,
            score=scores[key],
            text=comment.strip() or None if i == len(FEEDBACK_QUESTIONS) else None,
        )
        for i, (key, question) in enumerate(FEEDBACK_QUESTIONS.items(), start=1)
    ]
    SurveyResponse.objects.bulk_create(rows)
    invitation.completed_date = on
    invitation.save(update_fields=["completed_date"])
    return len(rows)


# ------------------------------------------------------------------------------------ planning meetings
@transaction.atomic
def meeting_create(*, cluster: Cluster, meeting_date: dt.date, notes: str, by) -> EahPlanningMeeting:
    return EahPlanningMeeting.objects.create(
        cluster=cluster, meeting_date=meeting_date, notes=notes, created_by=by
    )


@transaction.atomic
def meeting_action_add(
    *,
    meeting: EahPlanningMeeting,
    description: str,
    owner: str,
    due_date: dt.date,
    person: Person | None = None,
) -> EahMeetingAction:
    errors = {}
    if not description.strip():
        errors["description"] = "Enter the action"
    if not owner.strip():
        errors["owner"] = "Enter who owns the action"
    if due_date < meeting.meeting_date:
        errors["due_date"] = "The due date must be on or after the meeting"
    if errors:
        raise ValidationError(errors)
    return EahMeetingAction.objects.create(
        meeting=meeting,
        description=description.strip(),
        owner=owner.strip(),
        due_date=due_date,
        person=person,
    )


@transaction.atomic
def meeting_action_complete(*, action: EahMeetingAction, on: dt.date | None = None) -> EahMeetingAction:
    action.done_date = on or _today()
    action.save(update_fields=["done_date"])
    return action


@transaction.atomic
def transition_plan_record(
    *, person: Person, academic_year: str, agreed_date: dt.date, receiving_setting: str, notes: str, by
) -> EahTransitionPlan:
    try:
        with transaction.atomic():
            return EahTransitionPlan.objects.create(
                person=person,
                academic_year=academic_year,
                agreed_date=agreed_date,
                receiving_setting=receiving_setting,
                notes=notes,
                recorded_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(
            f"A transition plan for {academic_year} is already recorded for this child"
        ) from exc


# ----------------------------------------------------------------------------------------- practitioners
@transaction.atomic
def practitioner_save(
    *,
    practitioner_id: str,
    name: str,
    discipline: str,
    weekly_hours: Decimal,
    email: str = "",
    active: bool = True,
) -> EahPractitioner:
    """Register a practitioner or change their capacity."""
    practitioner, _ = EahPractitioner.objects.update_or_create(
        practitioner_id=practitioner_id,
        defaults={
            "name": name,
            "discipline": discipline,
            "weekly_hours": weekly_hours,
            "email": email,
            "active": active,
        },
    )
    practitioner.full_clean()
    return practitioner


# --------------------------------------------------------------------------------------------- emails
def _lead_emails() -> list[str]:
    return list(
        User.objects.filter(role=roles.EAH_LEAD, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _setting_emails(establishment_id: str) -> list[str]:
    return list(
        User.objects.filter(role=roles.SENCO, establishment_id=establishment_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _practitioner_emails(practitioner_ids: Iterable[str]) -> list[str]:
    ids = set(practitioner_ids)
    emails = set(
        EahPractitioner.objects.filter(practitioner_id__in=ids)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    emails |= set(
        User.objects.filter(practitioner_id__in=ids, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return sorted(emails)


def _send(*, referral: EahReferral, kind: str, subject: str, body: str, to: list[str], once: bool) -> bool:
    """Send one email about a referral; with `once`, record it so it is never sent again. The body names the
    referral, never the child: email leaves the service, so it carries no special category data."""
    if not to:
        return False
    if once:
        try:
            with transaction.atomic():
                EahNotification.objects.create(referral=referral, kind=kind, recipients=", ".join(to))
        except IntegrityError:
            return False
    else:
        EahNotification.objects.get_or_create(
            referral=referral, kind=kind, defaults={"recipients": ", ".join(to)}
        )
    url = site_link("experts:referral-detail", args=[referral.referral_id])
    send_mail(
        subject=f"{settings.SERVICE_NAME}: {subject}",
        message=f"{body}\n\nOpen it in {settings.SERVICE_NAME}: {url}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=to,
    )
    return True


def notify_referral_received(*, referral: EahReferral) -> None:
    kind = "a child" if referral.person_id else "a setting-level consultation"
    _send(
        referral=referral,
        kind=NOTIFY_RECEIVED,
        once=False,
        to=_lead_emails() + _setting_emails(referral.establishment_id),
        subject=f"Experts at Hand referral {referral.referral_id} received",
        body=f"Referral {referral.referral_id} ({kind}) from {referral.establishment.name} was received on "
        f"{date_words(referral.received_date)}. It is in the triage queue.",
    )


def notify_allocated(*, referral: EahReferral, involvements: list[EahInvolvement]) -> None:
    ids = [i.practitioner_id for i in involvements]
    _send(
        referral=referral,
        kind=f"{NOTIFY_ALLOCATED}:{','.join(sorted(ids))}"[:30],
        once=False,
        to=_practitioner_emails(ids) + _setting_emails(referral.establishment_id),
        subject=f"Experts at Hand referral {referral.referral_id} allocated",
        body=f"Referral {referral.referral_id} from {referral.establishment.name} was triaged as "
        f"{codes.EAH_TIER.get(referral.tier, '')} and allocated to "
        f"{', '.join(sorted(selectors.practitioner_names(ids).get(i, i) for i in ids))}.",
    )


def notify_feedback_offered(*, invitation: EahFeedbackInvitation) -> None:
    url = site_link("experts:feedback", args=[invitation.token])
    send_mail(
        subject=f"{settings.SERVICE_NAME}: tell us about the support from Experts at Hand",
        message=f"Experts at Hand support for your child has finished. Please tell us how it went: {url}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.family_email],
    )


def overdue_notify(*, on: dt.date | None = None) -> int:
    """Email the leads once about each referral that has gone past its triage or first-support clock, and
    the practitioners allocated to a referral overdue for first support. Returns the emails sent.
    Run daily by a scheduler: `sendreform-manage eah_notify_overdue` (see the management command)."""
    on = on or _today()
    sent = 0
    for item in selectors.referrals_overdue(on=on):
        referral, clock = item.referral, item.clock
        if clock.triage_overdue:
            sent += _send(
                referral=referral,
                kind=NOTIFY_TRIAGE_OVERDUE,
                once=True,
                to=_lead_emails(),
                subject=f"Referral {referral.referral_id} is overdue for triage",
                body=f"Referral {referral.referral_id} from {referral.establishment.name} was due to be "
                f"triaged by {date_words(clock.triage_due)} and has not been.",
            )
        if clock.support_overdue:
            practitioners = referral.involvements.values_list("practitioner_id", flat=True)
            sent += _send(
                referral=referral,
                kind=NOTIFY_SUPPORT_OVERDUE,
                once=True,
                to=sorted(set(_lead_emails() + _practitioner_emails(practitioners))),
                subject=f"Referral {referral.referral_id} is overdue for first support",
                body=f"Referral {referral.referral_id} from {referral.establishment.name} "
                f"({codes.EAH_TIER.get(referral.tier, '')}) was due its first support by "
                f"{date_words(clock.support_due)} and has had none.",
            )
    return sent


def overdue_notify_job(*, params: dict, progress, job=None) -> str:
    """`overdue_notify` as the scheduled job of each working morning (`sendreform/jobs/schedule.py`); its job
    page links to the triage queue."""
    progress("Emailing about referrals gone overdue", 0, 1)
    sent = overdue_notify()
    progress(f"{sent} overdue email{'s' if sent != 1 else ''} sent", 1, 1)
    return reverse("experts:queue")
