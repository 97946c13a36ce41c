"""Reads of children, young people and settings: the only way child-level data leaves the database.

Every function takes the signed-in user and applies that user's scope, deny by default: a role not named
below sees no child. Reads of a child's record, a search and a setting's cohort are recorded through
`sendreform.accounts.services.audit_record`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.services import AUDIT_COHORT, AUDIT_SEARCH, AUDIT_VIEW, ReadRefused, audit_record
from sendreform.experts.models import EahInvolvement, EahReferral, EahStrategy
from sendreform.experts.names import practitioner_names
from sendreform.inclusion.models import ApCommission, Attendance, Exclusion, NeetActivity, PartTimeTimetable
from sendreform.people.models import Cluster, Establishment, Person, SenNeed, SenStatus
from sendreform.standards import codes, periods, suppression
from sendreform.standards.placements import setting_category
from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest, Placement
from sendreform.voice.models import TribunalAppeal

# The one manager every scoped read starts from; ruff bans `Person.objects` everywhere else.
_people = Person.objects  # noqa: TID251

SEARCH_LIMIT = 100
UPN_PATTERN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$", re.IGNORECASE)


def open_on(on: dt.date, *, start: str = "start_date", end: str = "end_date") -> Q:
    """An episode that has started by `on` and has not ended before it."""
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": on}))


def on_roll(establishments: Q, on: dt.date) -> Q:
    """Persons on the roll of the matching establishments on `on` (`establishments` filters a placement or an
    SEN status, e.g. `Q(establishment_id=...)`): the one definition of "on the roll of a setting on a date".

    A child is on a setting's roll while a placement there is open (the placement is where a child is
    educated). A child with no open placement anywhere that day, whose record holds only the school census's
    SEN status, is on the roll of the setting of an open SEN status there. An SEN status left open at a school
    the child has left therefore never counts once the child's new placement has begun; `sendreform check`
    reports such overlaps (ADR 20).
    """
    placement_there = Placement.objects.filter(establishments, open_on(on), person=OuterRef("pk"))
    any_placement = Placement.objects.filter(open_on(on), person=OuterRef("pk"))
    status_there = SenStatus.objects.filter(establishments, open_on(on), person=OuterRef("pk"))
    return Q(Exists(placement_there)) | (~Q(Exists(any_placement)) & Q(Exists(status_there)))


def _caseload(practitioner_id: str, on: dt.date) -> Q:
    """Persons whose Experts at Hand referral has an open involvement of this practitioner on `on`."""
    involvement = EahInvolvement.objects.filter(
        open_on(on), practitioner_id=practitioner_id, referral__person=OuterRef("pk"),
    )
    return Q(Exists(involvement))


def _advice_asked(user_id: int) -> Q:
    """Persons an EHC needs assessment asks this user's advice about, while the advice is awaited."""
    from sendreform.casework.models import AdviceDetail

    asked = AdviceDetail.objects.filter(addressed_to_id=user_id, advice__received_date__isnull=True,
                                        advice__request__person=OuterRef("pk"))
    return Q(Exists(asked))


def _today() -> dt.date:
    return timezone.localdate()


def children_visible_to(*, user, on: dt.date | None = None) -> QuerySet[Person]:
    """The children and young people this user may see on `on` (today by default).

    Officers, analysts, the Experts at Hand lead and administrators see everyone; a SENCo sees the roll of
    their setting; a cluster lead the rolls of their cluster's settings; Experts at Hand and health
    practitioners their caseload, and a health practitioner also the children whose EHC needs assessment awaits
    their advice. Board members, parent carer forum representatives and anyone else see no
    child.
    """
    on = on or _today()
    if user is None or not user.is_authenticated or not user.is_active:
        return _people.none()
    role = user.role
    if role in roles.WHOLE_AREA_ROLES:
        return _people.all()
    if role == roles.SENCO and user.establishment_id:
        return _people.filter(on_roll(Q(establishment_id=user.establishment_id), on))
    if role == roles.CLUSTER_LEAD and user.cluster_id:
        return _people.filter(on_roll(Q(establishment__cluster_id=user.cluster_id), on))
    if role == roles.HEALTH:
        # Their Experts at Hand caseload, and the children whose EHC needs assessment awaits their advice.
        caseload = _caseload(user.practitioner_id, on) if user.practitioner_id else Q(pk__in=[])
        return _people.filter(caseload | _advice_asked(user.pk))
    if role == roles.EAH_PRACTITIONER and user.practitioner_id:
        return _people.filter(_caseload(user.practitioner_id, on))
    return _people.none()


def child_items_visible_to(*, user, items: QuerySet, person: str = "person", on: dt.date | None = None) -> QuerySet:
    """Child-level items (referrals about a child, involvements, strategies, transition plans, a meeting's
    actions about a child ...) visible exactly when their child is: `children_visible_to` is the one scope,
    applied through `person`, the path from the item to its child. Items about no child are not kept."""
    return items.filter(**{f"{person}__in": children_visible_to(user=user, on=on)})


def user_sees_children(*, user) -> bool:
    """Whether this user's role gives access to any child-level pages at all."""
    return bool(user and user.is_authenticated and user.role in roles.CHILD_LEVEL_ROLES)


def person_search(*, user, text: str = "", birth_date: dt.date | None = None, page: str = "") -> list[Person]:
    """Children in scope matching a name (each word starts a forename or surname), a UPN or a person id,
    and a date of birth if given. Records the search; returns at most SEARCH_LIMIT + 1 people so the
    caller can say there were more."""
    people = children_visible_to(user=user)
    text = " ".join((text or "").split())
    if text:
        if UPN_PATTERN.match(text):
            people = people.filter(Q(upn__iexact=text) | Q(person_id=text))
        else:
            for word in text.split(" "):
                people = people.filter(
                    Q(forename__istartswith=word) | Q(surname__istartswith=word) | Q(person_id__iexact=word)
                )
    if birth_date:
        people = people.filter(birth_date=birth_date)
    found = list(people.order_by("surname", "forename", "person_id")[: SEARCH_LIMIT + 1])
    if user_sees_children(user=user):
        detail = f"{text or '-'}; born {birth_date.isoformat() if birth_date else '-'}; {len(found)} found"
        audit_record(user=user, action=AUDIT_SEARCH, page=page, detail=detail)
    return found


def search_hint(*, user) -> str:
    """The hint of a child search, with a first name that finds children in this user's scope (the most common
    one, and only when more children than the suppression threshold share it, so it never points at one child)."""
    row = (children_visible_to(user=user).values("forename").annotate(n=Count("pk")).order_by("-n", "forename")
           .first())
    example = f"{row['forename']}, " if row and row["n"] > suppression.THRESHOLD else ""
    return f"For example, {example}a first name and surname, or a UPN like A123456789012"


def person_get(*, user, person_id: str, page: str, action: str = AUDIT_VIEW) -> Person:
    """One child's record, recorded in the audit log as read by this user on this page.

    Raises Http404 alike for a child outside the user's scope and for one that does not exist, so the
    response never reveals that a child is known to the service.
    """
    person = children_visible_to(user=user).filter(pk=person_id).first()
    if person is None:
        raise ReadRefused("No child with that reference", user=user, asked_for=f"child {person_id}"[:200],
                          page=page)
    audit_record(user=user, action=action, person_id=person.person_id, page=page)
    return person


@dataclass(frozen=True)
class TimelineEvent:
    """One dated thing that happened to a child, in words a caseworker would use."""

    date: dt.date
    kind: str
    summary: str
    setting: str = ""

    @property
    def academic_year(self) -> str:
        return periods.academic_year(self.date).name


@dataclass
class TimelineYear:
    name: str
    events: list[TimelineEvent] = field(default_factory=list)


# Attendance is a termly summary without its own date: date it at the end of the term it summarises.
_TERM_END = {"AUT": (0, 12, 31), "SPR": (1, 3, 31), "SUM": (1, 7, 31)}


def _term_end(academic_year: str, term: str) -> dt.date:
    first = periods.academic_year_named(academic_year).start.year
    offset, month, day = _TERM_END[term]
    return dt.date(first + offset, month, day)


def _label(code_list, code) -> str:
    if code is None or code == "":
        return ""
    return code_list.get(str(code), str(code))


def _setting_name(establishment: Establishment | None) -> str:
    return establishment.name if establishment is not None else ""


def _timeline_events(person: Person) -> Iterable[TimelineEvent]:
    pid = person.person_id
    for status in SenStatus.objects.filter(person_id=pid).select_related("establishment"):
        where = _setting_name(status.establishment)
        provision = _label(codes.SEN_PROVISION, status.sen_provision)
        yield TimelineEvent(status.start_date, "SEN status", f"{provision} recorded", where)
        if status.end_date:
            yield TimelineEvent(status.end_date, "SEN status", f"{provision} ended", where)
    for need in SenNeed.objects.filter(person_id=pid):
        rank = "Primary" if need.need_rank == 1 else "Secondary"
        label = _label(codes.NEED_TYPE, need.need_type)
        yield TimelineEvent(need.start_date, "Need", f"{rank} need recorded: {label}")
        if need.end_date:
            yield TimelineEvent(need.end_date, "Need", f"{rank} need no longer recorded: {label}")
    for request in EhcRequest.objects.filter(person_id=pid):
        source = _label(codes.REQUEST_SOURCE, request.request_source)
        yield TimelineEvent(request.received_date, "EHC needs assessment request",
                            f"Request received (from: {source.lower()})")
        if request.outcome_date:
            yield TimelineEvent(request.outcome_date, "EHC needs assessment request",
                                f"Decision: {_label(codes.REQUEST_OUTCOME, request.outcome).lower()}")
    for assessment in EhcAssessment.objects.filter(request__person_id=pid):
        if assessment.outcome_date:
            exception = " (20-week exception)" if assessment.week20_exception else ""
            outcome = _label(codes.ASSESSMENT_OUTCOME, assessment.outcome).lower()
            yield TimelineEvent(assessment.outcome_date, "EHC needs assessment",
                                f"Assessment outcome: {outcome}{exception}")
    for plan in EhcPlan.objects.filter(person_id=pid):
        transfer = f" (transferred in from LA {plan.transfer_in_la})" if plan.transfer_in_la else ""
        yield TimelineEvent(plan.start_date, "EHC plan", f"Final EHC plan issued{transfer}")
        if plan.cease_date:
            reason = _label(codes.CEASE_REASON, plan.cease_reason).lower()
            yield TimelineEvent(plan.cease_date, "EHC plan", f"EHC plan ceased: {reason}")
    for review in AnnualReview.objects.filter(plan__person_id=pid):
        outcome = _label(codes.REVIEW_OUTCOME, review.outcome)
        notes = [outcome.lower()] if outcome else ["outcome not yet decided"]
        if review.school_cannot_meet_need:
            notes.append("the school cannot meet need")
        if review.phase_transfer:
            notes.append("phase transfer")
        yield TimelineEvent(review.meeting_date, "Annual review", f"Annual review meeting: {', '.join(notes)}")
    for placement in Placement.objects.filter(person_id=pid).select_related("establishment"):
        est = placement.establishment
        category = setting_category(
            kind=est.kind if est else None, funding=est.funding if est else None,
            sen_setting=placement.sen_setting, sen_unit=placement.sen_unit,
            resourced_provision=placement.resourced_provision,
        )
        where = _setting_name(est) or _label(codes.SEN_SETTING, placement.sen_setting)
        label = _label(codes.SETTING_CATEGORY, category)
        yield TimelineEvent(placement.start_date, "Placement", f"Placement started: {label}", where)
        if placement.end_date:
            yield TimelineEvent(placement.end_date, "Placement", f"Placement ended: {label}", where)
    today = timezone.localdate()
    for row in Attendance.objects.filter(person_id=pid).select_related("establishment"):
        missed = row.sessions_authorised + row.sessions_unauthorised
        rate = f"{100 * missed / row.sessions_possible:.1f}%" if row.sessions_possible else "no sessions possible"
        term = _label(codes.TERM, row.term)
        # A term still under way holds the sessions so far: it is dated today, never at a term end to come.
        end = _term_end(row.academic_year, row.term)
        so_far = " so far" if end > today else ""
        yield TimelineEvent(
            min(end, today), "Attendance",
            f"{term} term {row.academic_year}{so_far}: absence {rate} ({missed} of {row.sessions_possible} sessions"
            f" missed, {row.sessions_unauthorised} unauthorised)", _setting_name(row.establishment),
        )
    for exclusion in Exclusion.objects.filter(person_id=pid).select_related("establishment"):
        category = _label(codes.EXCLUSION_CATEGORY, exclusion.category)
        reason = _label(codes.EXCLUSION_REASON, exclusion.reason).lower()
        yield TimelineEvent(exclusion.start_date, "Exclusion",
                            f"{category}, {exclusion.sessions} sessions: {reason}",
                            _setting_name(exclusion.establishment))
    for ptt in PartTimeTimetable.objects.filter(person_id=pid).select_related("establishment"):
        where = _setting_name(ptt.establishment)
        yield TimelineEvent(ptt.start_date, "Part-time timetable",
                            f"Part-time timetable started: {ptt.hours_in_school_per_week} of "
                            f"{ptt.full_time_hours_per_week} hours a week ({ptt.reason})", where)
        if ptt.end_date:
            yield TimelineEvent(ptt.end_date, "Part-time timetable", "Part-time timetable ended", where)
    for commission in ApCommission.objects.filter(person_id=pid).select_related("provider"):
        by = "the council" if commission.commissioned_by == "LA" else "the school"
        yield TimelineEvent(commission.start_date, "Alternative provision",
                            f"Alternative provision commissioned by {by}: {commission.sessions_per_week} "
                            "sessions a week", commission.provider.name)
        if commission.end_date:
            yield TimelineEvent(commission.end_date, "Alternative provision", "Alternative provision ended",
                                commission.provider.name)
    for activity in NeetActivity.objects.filter(person_id=pid):
        yield TimelineEvent(activity.as_at, "Post-16 activity",
                            f"{_label(codes.NEET_ACTIVITY, activity.activity)} (academic age "
                            f"{activity.academic_age})")
    for referral in EahReferral.objects.filter(person_id=pid).select_related("establishment"):
        where = _setting_name(referral.establishment)
        flags = ", ".join(_label(codes.EAH_RISK_FLAG, f).lower() for f in referral.risk_flags.split(",") if f)
        yield TimelineEvent(referral.received_date, "Experts at Hand",
                            "Referral received" + (f" ({flags})" if flags else ""), where)
        if referral.triage_date:
            tier = _label(codes.EAH_TIER, referral.tier) or "tier not set"
            yield TimelineEvent(referral.triage_date, "Experts at Hand", f"Referral triaged: {tier}", where)
        # Allocation follows triage and comes before the first support, so same-day events keep that order.
        involvements = EahInvolvement.objects.filter(referral=referral).order_by("start_date", "pk")
        names = practitioner_names(i.practitioner_id for i in involvements)
        for involvement in involvements:
            discipline = _label(codes.EAH_DISCIPLINE, involvement.discipline)
            name = names.get(involvement.practitioner_id, involvement.practitioner_id)
            yield TimelineEvent(involvement.start_date, "Experts at Hand",
                                f"{discipline} involvement started ({name})")
        if referral.first_support_date:
            yield TimelineEvent(referral.first_support_date, "Experts at Hand", "First support given", where)
        if referral.closed_date:
            outcome = _label(codes.EAH_OUTCOME, referral.outcome) or "no outcome recorded"
            yield TimelineEvent(referral.closed_date, "Experts at Hand", f"Referral closed: {outcome}", where)
    for strategy in EahStrategy.objects.filter(person_id=pid):
        yield TimelineEvent(strategy.agreed_date, "Experts at Hand", f"Strategy agreed: {strategy.text}")
    for appeal in TribunalAppeal.objects.filter(person_id=pid):
        kind = _label(codes.TRIBUNAL_APPEAL_TYPE, appeal.appeal_type).lower()
        yield TimelineEvent(appeal.lodged_date, "Tribunal appeal", f"Appeal lodged: {kind}")
        if appeal.decided_date:
            outcome = _label(codes.TRIBUNAL_OUTCOME, appeal.outcome) or "decided"
            yield TimelineEvent(appeal.decided_date, "Tribunal appeal", f"Appeal decided: {outcome}")


def person_timeline(*, user, person_id: str) -> list[TimelineYear]:
    """One chronological timeline of everything recorded about a child, grouped by academic year.

    Scoped like `person_get` (Http404 outside scope); pages call `person_get` first, which records the read.
    """
    person = children_visible_to(user=user).filter(pk=person_id).first()
    if person is None:
        raise Http404("No child with that reference")
    # By date only: the sort keeps the order events are made in, which within a record is the order they happen
    # (a referral is received, triaged, allocated, closed), never the alphabet.
    events = sorted(_timeline_events(person), key=lambda e: e.date)
    years: list[TimelineYear] = []
    for event in events:
        if not years or years[-1].name != event.academic_year:
            years.append(TimelineYear(event.academic_year))
        years[-1].events.append(event)
    return years


@dataclass(frozen=True)
class PersonSummary:
    """What the top of a child's record shows, as of today."""

    sen_provision: str
    primary_need: str
    setting: str
    setting_category: str
    has_open_plan: bool


def person_summary(*, person: Person, on: dt.date | None = None) -> PersonSummary:
    """The current SEN provision, primary need and placement of a child already read through person_get."""
    on = on or _today()
    status = (SenStatus.objects.filter(open_on(on), person_id=person.person_id)
              .order_by("-start_date").first())
    need = (SenNeed.objects.filter(open_on(on), person_id=person.person_id, need_rank=1)
            .order_by("-start_date").first())
    placement = (Placement.objects.filter(open_on(on), person_id=person.person_id)
                 .select_related("establishment").order_by("-start_date").first())
    category, setting = "", ""
    if placement is not None:
        est = placement.establishment
        category = _label(codes.SETTING_CATEGORY, setting_category(
            kind=est.kind if est else None, funding=est.funding if est else None,
            sen_setting=placement.sen_setting, sen_unit=placement.sen_unit,
            resourced_provision=placement.resourced_provision,
        ))
        setting = _setting_name(est) or _label(codes.SEN_SETTING, placement.sen_setting)
    has_plan = EhcPlan.objects.filter(open_on(on, end="cease_date"), person_id=person.person_id).exists()
    return PersonSummary(
        sen_provision=_label(codes.SEN_PROVISION, status.sen_provision) if status else "",
        primary_need=_label(codes.NEED_TYPE, need.need_type) if need else "",
        setting=setting,
        setting_category=category,
        has_open_plan=has_plan,
    )


def establishments_visible_to(
    *, user, phase: str = "", kind: str = "", cluster_id: str = "",
) -> QuerySet[Establishment]:
    """Settings this user may look up, filtered. A setting's details are not child-level, so every role
    sees every setting; a user without a known role sees none."""
    if user is None or not user.is_authenticated or user.role not in roles.ROLES:
        return Establishment.objects.none()
    establishments = Establishment.objects.select_related("cluster")
    if phase:
        establishments = establishments.filter(phase=phase)
    if kind:
        establishments = establishments.filter(kind=kind)
    if cluster_id:
        establishments = establishments.filter(cluster_id=cluster_id)
    return establishments.order_by("name")


def establishment_get(*, user, establishment_id: str) -> Establishment:
    establishment = establishments_visible_to(user=user).filter(pk=establishment_id).first()
    if establishment is None:
        raise Http404("No setting with that reference")
    return establishment


def establishment_cohort(
    *, user, establishment_id: str, on: dt.date | None = None, page: str = "", action: str = AUDIT_COHORT,
) -> QuerySet[Person]:
    """The children on a setting's roll on `on` that this user may see, with their SEN provision there.

    The cohort is child-level, so it is scoped like every other read and recorded in the audit log.
    """
    on = on or _today()
    establishment = establishment_get(user=user, establishment_id=establishment_id)
    at_setting = Q(establishment_id=establishment.establishment_id)
    provision = (SenStatus.objects.filter(at_setting, open_on(on), person=OuterRef("pk"))
                 .order_by("-start_date").values("sen_provision")[:1])
    cohort = (children_visible_to(user=user, on=on).filter(on_roll(at_setting, on))
              .annotate(sen_provision=Subquery(provision)).order_by("surname", "forename", "person_id"))
    if user_sees_children(user=user):
        audit_record(user=user, action=action, page=page, detail=f"setting {establishment.establishment_id}")
    return cohort


def clusters_list() -> QuerySet[Cluster]:
    return Cluster.objects.order_by("name")


def establishment_largest_primary(*, on: dt.date | None = None) -> Establishment | None:
    """The in-area mainstream primary with the most children on roll (the demo SENCo's setting)."""
    on = on or _today()
    primaries = Establishment.objects.filter(in_area=True, kind="MAINSTREAM", phase="PRIMARY")
    # Only primaries with someone there can be the largest; each is counted by the one definition of on roll.
    candidates = set()
    for model in (Placement, SenStatus):
        candidates |= set(model.objects.filter(open_on(on), establishment__in=primaries)
                          .values_list("establishment_id", flat=True).distinct())
    if not candidates:
        return primaries.order_by("establishment_id").first()
    sizes = {e: _people.filter(on_roll(Q(establishment_id=e), on)).count() for e in sorted(candidates)}
    return primaries.get(pk=max(sizes, key=lambda e: sizes[e]))


def cluster_largest() -> Cluster | None:
    """The cluster with the most settings (the demo cluster lead's)."""
    return (Cluster.objects.annotate(n=Count("establishments")).order_by("-n", "cluster_id").first())


def practitioner_busiest(*, on: dt.date | None = None, health: bool | None = None, exclude: str = "") -> str | None:
    """The practitioner id with the most open Experts at Hand involvements (the demo practitioner's); with
    `health`, only in a health discipline (True: speech and language, occupational therapy, mental health; the
    demo health user's) or outside them (False); never `exclude`."""
    on = on or _today()
    involvements = EahInvolvement.objects.filter(open_on(on)).exclude(practitioner_id=exclude)
    if health is not None:
        in_health = Q(discipline__in=codes.EAH_HEALTH_DISCIPLINES)
        involvements = involvements.filter(in_health if health else ~in_health)
    busiest = (involvements.values("practitioner_id")
               .annotate(n=Count("pk")).order_by("-n", "practitioner_id").first())
    return busiest["practitioner_id"] if busiest else None
