"""Reads of the Experts at Hand workflow, scoped by role and audited when they show a child.

A referral about a child is visible exactly when the child is (`children_visible_to`, the one scope: a SENCo's
roll, a cluster's rolls, a practitioner's caseload, everyone for leads, officers, analysts and administrators);
a setting-level consultation to its setting, its cluster's lead and the practitioners involved. Board members
and parent carer forum representatives see none, only the suppressed aggregates of `demand_capacity` and
`engagement_summary`. Every read that shows a child's referral is recorded through `audit_record`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.accounts.services import (
    AUDIT_COHORT,
    AUDIT_VIEW,
    ReadRefused,
    audit_record,
    audit_record_children,
)
from sendreform.experts import working_days
from sendreform.experts.models import (
    EahEngagement,
    EahFeedbackInvitation,
    EahInvolvement,
    EahMeetingAction,
    EahPlanningMeeting,
    EahPractitioner,
    EahReferral,
    EahReferralDetail,
    EahStrategy,
    EahTransitionPlan,
)
from sendreform.experts.names import practitioner_names  # noqa: F401 (pages read names from here)
from sendreform.inclusion.models import Attendance, Exclusion
from sendreform.people.models import Establishment, Person, SenStatus
from sendreform.people.selectors import child_items_visible_to, children_visible_to, on_roll, open_on
from sendreform.standards import codes, periods, suppression
from sendreform.standards.formats import date_words
from sendreform.standards.suppression import SUPPRESSED

# Roles that see every referral.
ALL_REFERRAL_ROLES = frozenset({roles.OFFICER, roles.ANALYST, roles.EAH_LEAD, roles.ADMIN})
# Roles that triage and allocate, plan meetings and record engagement.
MANAGING_ROLES = frozenset({roles.EAH_LEAD, roles.OFFICER, roles.ADMIN})
AGGREGATE_ROLES = frozenset({roles.BOARD_MEMBER, roles.PCF_REP})
CLOCKED_TIERS = frozenset({"TARGETED", "TARGETED_PLUS"})
# The plan's milestones for the share of settings engaged or active.
ENGAGEMENT_MILESTONES = ((dt.date(2026, 9, 30), 50), (dt.date(2026, 12, 31), 75), (dt.date(2027, 3, 31), 90))
ENGAGED_LEVELS = ("ENGAGED", "ACTIVE")


def _today() -> dt.date:
    return timezone.localdate()


def can_manage(*, user) -> bool:
    return bool(user and user.is_authenticated and user.role in MANAGING_ROLES)


def can_refer(*, user) -> bool:
    return bool(user and user.is_authenticated and user.role == roles.SENCO and user.establishment_id)


def sees_referrals(*, user) -> bool:
    return bool(user and user.is_authenticated and user.role in roles.CHILD_LEVEL_ROLES)


# ----------------------------------------------------------------------------------------------- scope
def _consultations_visible(*, user) -> Q:
    """Setting-level consultations (referrals about no child) the user may see: a setting's, by its SENCo and
    its cluster's lead; those a practitioner is involved in; every one by the roles that see the whole area.
    They name no child, so the child scope does not apply to them."""
    role = user.role
    if role in ALL_REFERRAL_ROLES:
        return Q()
    if role == roles.SENCO and user.establishment_id:
        return Q(establishment_id=user.establishment_id)
    if role == roles.CLUSTER_LEAD and user.cluster_id:
        return Q(establishment__cluster_id=user.cluster_id)
    if role in (roles.EAH_PRACTITIONER, roles.HEALTH) and user.practitioner_id:
        return Q(Exists(EahInvolvement.objects.filter(referral=OuterRef("pk"), practitioner_id=user.practitioner_id)))
    return Q(pk__in=[])


def referrals_visible_to(*, user) -> QuerySet[EahReferral]:
    """The referrals this user may see, deny by default: a referral about a child exactly when the child is
    visible to the user (`children_visible_to`, the one scope), a setting-level consultation as
    `_consultations_visible` says."""
    referrals = EahReferral.objects.select_related("establishment", "person")
    if user is None or not user.is_authenticated or not user.is_active or user.role not in roles.CHILD_LEVEL_ROLES:
        return referrals.none()
    about_child = Q(person__in=children_visible_to(user=user))
    return referrals.filter(about_child | (Q(person__isnull=True) & _consultations_visible(user=user)))


def referral_get(*, user, referral_id: str, page: str) -> EahReferral:
    """One referral in scope, its read recorded in the audit log. Http404 alike for out of scope and unknown."""
    referral = referrals_visible_to(user=user).filter(pk=referral_id).first()
    if referral is None:
        raise ReadRefused("No referral with that reference", user=user,
                          asked_for=f"Experts at Hand referral {referral_id}"[:200], page=page)
    audit_record(
        user=user,
        action=AUDIT_VIEW,
        person_id=referral.person_id or "",
        page=page,
        detail=f"Experts at Hand referral {referral.referral_id}",
    )
    return referral


def involvements_visible_to(*, user) -> QuerySet[EahInvolvement]:
    """Involvements on the referrals the user may see."""
    return EahInvolvement.objects.filter(referral__in=referrals_visible_to(user=user).values("pk"))


def involvement_get(*, user, involvement_id: int, page: str) -> EahInvolvement:
    """An involvement the user may work on: their own as a practitioner, any as a lead or officer, and only
    while its referral is visible to them. A refusal is audited and reads as not found."""
    involvement = (
        involvements_visible_to(user=user)
        .select_related("referral", "referral__establishment", "referral__person")
        .filter(pk=involvement_id)
        .first()
    )
    allowed = involvement is not None and (
        can_manage(user=user)
        or (
            user.role in (roles.EAH_PRACTITIONER, roles.HEALTH)
            and user.practitioner_id
            and involvement.practitioner_id == user.practitioner_id
        )
    )
    if not allowed:
        raise ReadRefused("No involvement with that reference", user=user,
                          asked_for=f"Experts at Hand involvement {involvement_id}"[:200], page=page)
    audit_record(
        user=user,
        action=AUDIT_VIEW,
        person_id=involvement.referral.person_id or "",
        page=page,
        detail=f"Experts at Hand involvement {involvement.pk}",
    )
    return involvement


def referral_detail(*, referral: EahReferral) -> EahReferralDetail:
    """The referral's workflow details; for a referral loaded without them, the defaults (version 0)."""
    detail = (
        EahReferralDetail.objects.select_related("referred_by", "triaged_by", "updated_by")
        .filter(pk=referral.pk)
        .first()
    )
    return detail or EahReferralDetail(referral=referral)


def _weekly_hours():
    # An involvement loaded without an allocation (the synthetic history) counts the default weekly hours.
    return Coalesce(
        "allocation__weekly_hours",
        Value(Decimal(str(settings.EAH_DEFAULT_ALLOCATION_WEEKLY_HOURS))),
        output_field=DecimalField(max_digits=5, decimal_places=1),
    )


def can_work_on(*, user, referral: EahReferral) -> bool:
    """Leads and officers, and any practitioner involved, may log support, set the review and close."""
    if can_manage(user=user):
        return True
    return bool(
        user.role in (roles.EAH_PRACTITIONER, roles.HEALTH)
        and user.practitioner_id
        and referral.involvements.filter(practitioner_id=user.practitioner_id).exists()
    )


# ------------------------------------------------------------------------------------------------ clocks
@dataclass(frozen=True)
class Clock:
    """A referral's two clocks on a day, in working days from receipt."""

    triage_due: dt.date
    support_due: dt.date | None
    triage_overdue: bool
    support_overdue: bool
    age_working_days: int

    @property
    def overdue(self) -> bool:
        return self.triage_overdue or self.support_overdue


def referral_clock(*, referral: EahReferral, on: dt.date, holidays=None) -> Clock:
    """Triage is due 10 working days after receipt; first support 20 working days after receipt for Targeted
    and Targeted Plus (both configurable). Each is overdue while it has not happened and its day has passed."""
    holidays = working_days.bank_holidays() if holidays is None else holidays
    triage_due = working_days.add_working_days(
        referral.received_date, settings.EAH_TRIAGE_WORKING_DAYS, holidays
    )
    clocked = referral.tier in CLOCKED_TIERS
    support_due = (
        working_days.add_working_days(
            referral.received_date, settings.EAH_FIRST_SUPPORT_WORKING_DAYS, holidays
        )
        if clocked
        else None
    )
    open_ = referral.closed_date is None
    return Clock(
        triage_due=triage_due,
        support_due=support_due,
        triage_overdue=open_ and referral.triage_date is None and on > triage_due,
        support_overdue=bool(open_ and clocked and referral.first_support_date is None and on > support_due),
        age_working_days=working_days.working_days_between(referral.received_date, on, holidays),
    )


@dataclass(frozen=True)
class QueueItem:
    referral: EahReferral
    clock: Clock
    practitioners: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        r = self.referral
        if r.closed_date:
            return "Closed"
        if r.triage_date is None:
            return "Awaiting triage"
        if r.first_support_date is None:
            return "Awaiting first support" if r.tier in CLOCKED_TIERS else "Triaged"
        return "Being supported"


def clock_text(item: QueueItem) -> str:
    """What a referral's clock says in words: overdue since when, or what is due by when."""
    clock = item.clock
    if clock.triage_overdue:
        return f"Overdue: triage was due {date_words(clock.triage_due)}"
    if clock.support_overdue:
        return f"Overdue: first support was due {date_words(clock.support_due)}"
    if item.referral.closed_date:
        return ""
    if item.referral.triage_date is None:
        return f"Triage due {date_words(clock.triage_due)}"
    if clock.support_due and item.referral.first_support_date is None:
        return f"First support due {date_words(clock.support_due)}"
    return ""


def _open_queue(on: dt.date) -> QuerySet[EahReferral]:
    """Open referrals still waiting for something: triage, or first support."""
    return (
        EahReferral.objects.filter(received_date__lte=on, closed_date__isnull=True)
        .filter(Q(triage_date__isnull=True) | Q(first_support_date__isnull=True))
        .select_related("establishment", "person")
    )


def _items(referrals, on: dt.date) -> list[QueueItem]:
    holidays = working_days.bank_holidays()
    referrals = list(referrals)
    allocated = defaultdict(list)
    for referral_id, practitioner_id in EahInvolvement.objects.filter(
        referral_id__in=[r.pk for r in referrals], end_date__isnull=True
    ).values_list("referral_id", "practitioner_id"):
        allocated[referral_id].append(practitioner_id)
    names = practitioner_names({p for ids in allocated.values() for p in ids})
    items = [
        QueueItem(r, referral_clock(referral=r, on=on, holidays=holidays),
                  tuple(sorted(names.get(p, p) for p in allocated[r.pk])))
        for r in referrals
    ]
    # Overdue first, then the oldest: what needs doing soonest is at the top.
    return sorted(
        items, key=lambda i: (not i.clock.overdue, i.referral.received_date, i.referral.referral_id)
    )


# Age bands of the child referred: (label, youngest, oldest), and the setting-level consultations.
CHILD_AGE_BANDS = {"0-4": ("Under 5", 0, 4), "5-10": ("5 to 10", 5, 10), "11-15": ("11 to 15", 11, 15),
             "16-25": ("16 to 25", 16, 25), "SETTING": ("Setting-level consultations", None, None)}
SORTS = {
    "urgent": "Overdue first, then oldest",
    "newest": "Newest first",
    "waiting": "Waiting longest (working days since receipt)",
    "tier": "Tier",
    "setting": "Setting",
    "age": "Age of the child, youngest first",
}
_TIER_ORDER = {code: n for n, code in enumerate(codes.EAH_TIER)}


@dataclass(frozen=True)
class ReferralFilter:
    """What a person narrowed a list of referrals to, and how they sorted it; empty means everything."""

    tier: str = ""  # a tier code, or "NONE" for not yet triaged
    age_band: str = ""  # a key of CHILD_AGE_BANDS
    waiting: str = ""  # the label of one of AGE_BANDS: how long since receipt, in working days
    cluster_id: str = ""
    establishment_id: str = ""
    overdue_only: bool = False
    sort: str = "urgent"


def _age(item: QueueItem, on: dt.date) -> int | None:
    person = item.referral.person
    return periods.age_on(person.birth_date, on) if person is not None and person.birth_date else None


def referrals_filter(items: list[QueueItem], *, by: ReferralFilter, on: dt.date) -> list[QueueItem]:
    """The items that match `by`, in its order."""
    def keep(i: QueueItem) -> bool:
        r = i.referral
        if by.tier and (r.tier or "NONE") != by.tier:
            return False
        if by.cluster_id and r.establishment.cluster_id != by.cluster_id:
            return False
        if by.establishment_id and r.establishment_id != by.establishment_id:
            return False
        if by.overdue_only and not i.clock.overdue:
            return False
        if by.waiting:
            band = next(((lo, hi) for lo, hi, label in AGE_BANDS if label == by.waiting), None)
            if band and not band[0] <= i.clock.age_working_days <= band[1]:
                return False
        if by.age_band in CHILD_AGE_BANDS:
            _, low, high = CHILD_AGE_BANDS[by.age_band]
            age = _age(i, on)
            if low is None:
                return r.person_id is None
            return age is not None and low <= age <= high
        return True

    kept = [i for i in items if keep(i)]
    newest = lambda i: (i.referral.received_date, i.referral.referral_id)  # noqa: E731
    orders = {
        "newest": (newest, True),
        "waiting": (lambda i: (-i.clock.age_working_days, i.referral.referral_id), False),
        "tier": (lambda i: (_TIER_ORDER.get(i.referral.tier, len(_TIER_ORDER)), newest(i)), False),
        "setting": (lambda i: (i.referral.establishment.name, newest(i)), False),
        "age": (lambda i: (_age(i, on) is None, _age(i, on) or 0, newest(i)), False),
        "urgent": (lambda i: (not i.clock.overdue, newest(i)), False),
    }
    key, reverse = orders.get(by.sort, orders["urgent"])
    return sorted(kept, key=key, reverse=reverse)


def referral_settings(*, user) -> QuerySet[Establishment]:
    """The settings with a referral the user can see: the choices of a referral list's setting filter."""
    ids = referrals_visible_to(user=user).values("establishment_id")
    return Establishment.objects.filter(pk__in=ids).order_by("name")


def triage_queue(*, user, on: dt.date | None = None, page: str = "",
                 filters: ReferralFilter | None = None) -> list[QueueItem]:
    """Open referrals awaiting triage or first support, for those who manage the service, narrowed and sorted by
    `filters`; audited (the children shown)."""
    on = on or _today()
    if not can_manage(user=user):
        return []
    items = _items(_open_queue(on).select_related("establishment__cluster"), on)
    if filters is not None:
        items = referrals_filter(items, by=filters, on=on)
    audit_record_children(
        user=user, action=AUDIT_COHORT, person_ids=[i.referral.person_id for i in items], page=page,
        detail=f"Experts at Hand queue, {len(items)} referrals",
    )
    return items


def referrals_overdue(*, on: dt.date | None = None) -> list[QueueItem]:
    """Every overdue referral (unscoped: for the scheduled notification, which sends no child's details)."""
    on = on or _today()
    return [i for i in _items(_open_queue(on), on) if i.clock.overdue]


def overdue_count(*, user, on: dt.date | None = None) -> int:
    """How many referrals in the user's scope are overdue (a count: no child is shown, so no audit)."""
    on = on or _today()
    scoped = referrals_visible_to(user=user).filter(pk__in=_open_queue(on).values("pk"))
    return sum(1 for i in _items(scoped, on) if i.clock.overdue)


def referral_list(
    *, user, on: dt.date | None = None, page: str = "", open_only: bool = False,
    filters: ReferralFilter | None = None,
) -> list[QueueItem]:
    """The referrals in the user's scope, newest first (or as `filters` sort them), with their clocks; audited."""
    on = on or _today()
    referrals = referrals_visible_to(user=user).select_related("establishment__cluster", "person")
    if open_only:
        referrals = referrals.filter(closed_date__isnull=True)
    if filters is not None and filters.establishment_id:
        referrals = referrals.filter(establishment_id=filters.establishment_id)
    if filters is not None and filters.cluster_id:
        referrals = referrals.filter(establishment__cluster_id=filters.cluster_id)
    referrals = list(referrals.order_by("-received_date", "-referral_id")[:500])
    items = _items(referrals, on)
    items = referrals_filter(items, by=filters or ReferralFilter(sort="newest"), on=on)
    if sees_referrals(user=user):
        audit_record_children(
            user=user, action=AUDIT_COHORT, person_ids=[i.referral.person_id for i in items], page=page,
            detail=f"Experts at Hand referrals, {len(items)}",
        )
    return items


# ----------------------------------------------------------------------------------------- practitioners
@dataclass(frozen=True)
class PractitionerLoad:
    practitioner_id: str
    name: str
    discipline: str
    capacity_hours: Decimal
    caseload_hours: Decimal
    open_involvements: int
    registered: bool

    @property
    def over_capacity(self) -> bool:
        return self.caseload_hours > self.capacity_hours

    @property
    def label(self) -> str:
        return (
            f"{self.name} ({codes.EAH_DISCIPLINE.get(self.discipline, self.discipline)}): "
            f"{self.caseload_hours} of {self.capacity_hours} hours a week"
        )


def practitioner_loads(*, on: dt.date | None = None) -> list[PractitionerLoad]:
    """Each practitioner's caseload hours a week (their open involvements' expected hours) against their
    capacity. Practitioners seen on involvements but not yet registered count at the default capacity."""
    on = on or _today()
    open_involvements = EahInvolvement.objects.filter(open_on(on))
    load = {
        row["practitioner_id"]: row
        for row in open_involvements.values("practitioner_id").annotate(
            hours=Sum(_weekly_hours()), n=Count("pk")
        )
    }
    registered = {p.practitioner_id: p for p in EahPractitioner.objects.filter(active=True)}
    names = {
        u.practitioner_id: u.get_full_name() or u.username
        for u in User.objects.exclude(practitioner_id="").filter(role=roles.EAH_PRACTITIONER)
    }
    main_discipline = {}
    # An unregistered practitioner's discipline is the one they have worked in most.
    for row in (
        EahInvolvement.objects.values("practitioner_id", "discipline")
        .annotate(n=Count("pk"))
        .order_by("-n", "discipline")
    ):
        main_discipline.setdefault(row["practitioner_id"], row["discipline"])
    ids = sorted(set(registered) | set(main_discipline))
    out = []
    for practitioner_id in ids:
        p = registered.get(practitioner_id)
        row = load.get(practitioner_id, {})
        out.append(
            PractitionerLoad(
                practitioner_id=practitioner_id,
                name=p.name if p else names.get(practitioner_id, practitioner_id),
                discipline=p.discipline if p else main_discipline[practitioner_id],
                capacity_hours=Decimal(p.weekly_hours if p else settings.EAH_DEFAULT_WEEKLY_HOURS).quantize(
                    Decimal("0.1")
                ),
                caseload_hours=Decimal(row.get("hours") or 0).quantize(Decimal("0.1")),
                open_involvements=int(row.get("n") or 0),
                registered=p is not None,
            )
        )
    return out


def practitioner_get(*, practitioner_id: str) -> EahPractitioner | None:
    return EahPractitioner.objects.filter(pk=practitioner_id).first()


def caseload(*, user, on: dt.date | None = None, page: str = "") -> list[EahInvolvement]:
    """A practitioner's open involvements (their caseload), oldest first; audited."""
    on = on or _today()
    if user.role not in (roles.EAH_PRACTITIONER, roles.HEALTH) or not user.practitioner_id:
        return []
    involvements = list(
        involvements_visible_to(user=user).filter(open_on(on), practitioner_id=user.practitioner_id)
        .select_related("referral", "referral__establishment", "referral__person")
        .order_by("start_date", "pk")
    )
    audit_record_children(
        user=user, action=AUDIT_COHORT, person_ids=[i.referral.person_id for i in involvements], page=page,
        detail=f"Experts at Hand caseload, {len(involvements)}",
    )
    return involvements


# --------------------------------------------------------------------------------------- referral pages
@dataclass(frozen=True)
class ChildPrefill:
    """What the service already knows about a child, shown on the referral form rather than asked again."""

    rows: list[tuple[str, str]]
    suggested_flags: list[str]


def child_prefill(*, person, on: dt.date | None = None) -> ChildPrefill:
    """The record's facts about a child already read through `person_get`: identity, SEN status, need,
    plan, and the risk flags the record suggests (a suspension this year, persistent absence)."""
    from sendreform.people.selectors import person_summary

    on = on or _today()
    summary = person_summary(person=person, on=on)
    flags = []
    if Exclusion.objects.filter(
        person_id=person.person_id, category="SUSP", start_date__gte=on - dt.timedelta(days=365)
    ).exists():
        flags.append("SUSPENSION")
    if Exclusion.objects.filter(
        person_id=person.person_id, category="PERM", start_date__gte=on - dt.timedelta(days=365)
    ).exists():
        flags.append("EXCLUSION")
    latest = Attendance.objects.filter(person_id=person.person_id).order_by("-academic_year", "-term").first()
    absence = ""
    if latest and latest.sessions_possible:
        rate = 100 * (latest.sessions_authorised + latest.sessions_unauthorised) / latest.sessions_possible
        absence = f"{rate:.1f}% ({codes.TERM.get(latest.term, latest.term)} term {latest.academic_year})"
        if rate >= 10:
            flags.append("ATTENDANCE")
    rows = [
        ("Name", f"{person.forename} {person.surname}"),
        ("Date of birth", date_words(person.birth_date)),
        ("Unique pupil number (UPN)", person.upn or ""),
        ("Year group", _year_group(periods.national_curriculum_year(person.birth_date, on))),
        ("SEN provision now", summary.sen_provision),
        ("Primary need", summary.primary_need),
        ("Open EHC plan", "Yes" if summary.has_open_plan else "No"),
        ("Where educated now", summary.setting),
        ("Latest absence", absence),
    ]
    return ChildPrefill(rows=rows, suggested_flags=flags)


def _year_group(ncy: int) -> str:
    if ncy == 0:
        return "Reception"
    if ncy < 0:
        return "Nursery"
    return f"Year {ncy}"


def referral_strategies(*, referral: EahReferral) -> list[EahStrategy]:
    return list(referral.strategies.select_related("recorded_by"))


def child_strategies(*, user, person_id: str, page: str) -> tuple[Person, list[EahStrategy]]:
    """The child and every strategy agreed for them, for a user who may see the child (the setting sees them
    on its children); the read is audited once."""
    from sendreform.people.selectors import person_get

    person = person_get(user=user, person_id=person_id, page=page)
    return person, list(EahStrategy.objects.filter(person=person).select_related("referral", "recorded_by"))


def feedback_invitation_get(*, token: str) -> EahFeedbackInvitation | None:
    return EahFeedbackInvitation.objects.select_related("referral").filter(token=token).first()


# -------------------------------------------------------------------------------------------- engagement
@dataclass
class EngagementRow:
    establishment: Establishment
    level: str
    as_at: dt.date | None
    recorded_by: str


@dataclass
class ShareRow:
    group: str
    settings: int
    engaged: int

    @property
    def pct(self) -> float | None:
        return round(100 * self.engaged / self.settings, 1) if self.settings else None


@dataclass
class EngagementSummary:
    rows: list[EngagementRow]
    by_phase: list[ShareRow]
    by_cluster: list[ShareRow]
    total: ShareRow
    milestones: list[dict] = field(default_factory=list)


def _open_in_area(on: dt.date) -> QuerySet[Establishment]:
    return (
        Establishment.objects.filter(in_area=True)
        .filter(Q(open_date__isnull=True) | Q(open_date__lte=on))
        .filter(Q(close_date__isnull=True) | Q(close_date__gte=on))
        .select_related("cluster")
    )


def _latest_levels(on: dt.date) -> dict[str, EahEngagement]:
    latest = {}
    for e in (
        EahEngagement.objects.filter(as_at__lte=on)
        .select_related("record__recorded_by")
        .order_by("establishment_id", "as_at", "level", "pk")
    ):
        latest[e.establishment_id] = e
    return latest


def engagement_share(*, on: dt.date) -> ShareRow:
    """The share of open in-area settings whose latest level on `on` is engaged or active (as the
    eah_settings_engaged_pct indicator defines it)."""
    latest = _latest_levels(on)
    settings_ = list(_open_in_area(on).values_list("establishment_id", flat=True))
    engaged = sum(1 for s in settings_ if s in latest and latest[s].level in ENGAGED_LEVELS)
    return ShareRow("All settings", len(settings_), engaged)


def engagement_summary(*, on: dt.date | None = None) -> EngagementSummary:
    """Each open in-area setting's latest level, the share engaged by phase and by cluster, and the share on
    each of the plan's milestone dates (settings, not children: no suppression needed)."""
    on = on or _today()
    latest = _latest_levels(on)
    rows, phase, cluster = [], defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for est in _open_in_area(on).order_by("name"):
        e = latest.get(est.establishment_id)
        level = e.level if e else "NONE"
        by = recorded_by(engagement=e) if e else ""
        rows.append(EngagementRow(est, level, e.as_at if e else None, by))
        engaged = level in ENGAGED_LEVELS
        for bucket, key in (
            (phase, codes.PHASE.get(est.phase, est.phase)),
            (cluster, est.cluster.name if est.cluster else "No cluster"),
        ):
            bucket[key][0] += 1
            bucket[key][1] += engaged
    total = ShareRow("All settings", len(rows), sum(1 for r in rows if r.level in ENGAGED_LEVELS))
    milestones = []
    for day, target in ENGAGEMENT_MILESTONES:
        share = engagement_share(on=day) if day <= on else None
        milestones.append(
            {
                "date": day,
                "target": target,
                "actual": share.pct if share else None,
                "met": (share.pct is not None and share.pct >= target) if share else None,
            }
        )
    return EngagementSummary(
        rows=rows,
        by_phase=[ShareRow(k, *v) for k, v in sorted(phase.items())],
        by_cluster=[ShareRow(k, *v) for k, v in sorted(cluster.items())],
        total=total,
        milestones=milestones,
    )


def recorded_by(*, engagement: EahEngagement) -> str:
    """Who recorded a level: a name, or "Loaded history" for levels loaded without a record."""
    record = getattr(engagement, "record", None)
    if record is None:
        return "Loaded history"
    who = record.recorded_by
    return (who.get_full_name() or who.username) if who else "Unknown"


def engagement_history(*, establishment_id: str) -> list[EahEngagement]:
    return list(
        EahEngagement.objects.filter(establishment_id=establishment_id)
        .select_related("record__recorded_by")
        .order_by("-as_at", "-pk")
    )


# ------------------------------------------------------------------------------------ planning meetings
def meetings_list() -> list[EahPlanningMeeting]:
    return list(EahPlanningMeeting.objects.select_related("cluster").order_by("-meeting_date", "-pk"))


def meeting_get(*, user, meeting_id: int, page: str = "") -> EahPlanningMeeting:
    """A planning meeting, for those who manage the service (its agenda names children). A refusal is audited
    and reads as not found, alike for another role and an unknown meeting."""
    meeting = None
    if can_manage(user=user):
        meeting = EahPlanningMeeting.objects.select_related("cluster").filter(pk=meeting_id).first()
    if meeting is None:
        raise ReadRefused("No meeting with that reference", user=user,
                          asked_for=f"Experts at Hand planning meeting {meeting_id}"[:200], page=page)
    return meeting


@dataclass(frozen=True)
class TransferChild:
    person_id: str
    name: str
    setting: str
    sen_provision: str
    move: str
    has_transition_plan: bool


@dataclass
class Agenda:
    targeted_plus: list[QueueItem]
    at_risk: list[QueueItem]
    transfers: list[TransferChild]
    transfer_year: str
    actions: list[EahMeetingAction]

    @property
    def without_plan(self) -> int:
        return sum(1 for t in self.transfers if not t.has_transition_plan)


PHASE_MOVES = {-1: "Early years to primary", 6: "Primary to secondary", 11: "School to post-16"}


def meeting_agenda(*, user, meeting: EahPlanningMeeting, page: str) -> Agenda:
    """The meeting's agenda: the cluster's open Targeted Plus referrals, its open referrals flagged at risk,
    and the phase-transfer cohort (children with a plan or on SEN support at the cluster's settings who move
    phase next academic year), each marked with whether a transition plan exists. Audited."""
    on = meeting.meeting_date
    in_cluster = Q(establishment__cluster_id=meeting.cluster_id)
    open_refs = referrals_visible_to(user=user).filter(
        in_cluster, closed_date__isnull=True, received_date__lte=on
    )
    targeted_plus = _items(open_refs.filter(tier="TARGETED_PLUS"), on)
    at_risk = [i for i in _items(open_refs.exclude(risk_flags=""), on)]
    next_year = periods.academic_year(periods.academic_year(on).end + dt.timedelta(days=1)).name
    on_cluster_roll = children_visible_to(user=user, on=on).filter(
        on_roll(Q(establishment__cluster_id=meeting.cluster_id), on)
    )
    statuses = (
        SenStatus.objects.filter(open_on(on), sen_provision__in=["E", "K"], person__in=on_cluster_roll)
        .select_related("person", "establishment")
        .order_by("person__surname", "person__forename", "-start_date")
    )
    planned = set(
        child_items_visible_to(user=user, items=EahTransitionPlan.objects.filter(academic_year=next_year))
        .values_list("person_id", flat=True)
    )
    transfers, seen = [], set()
    for s in statuses:
        p = s.person
        ncy = periods.national_curriculum_year(p.birth_date, on)
        if ncy not in PHASE_MOVES or p.person_id in seen:
            continue
        seen.add(p.person_id)
        transfers.append(
            TransferChild(
                p.person_id,
                f"{p.surname}, {p.forename}",
                s.establishment.name if s.establishment else "",
                codes.SEN_PROVISION.get(s.sen_provision, s.sen_provision),
                PHASE_MOVES[ncy],
                p.person_id in planned,
            )
        )
    transfers.sort(key=lambda t: (t.has_transition_plan, t.move, t.name))
    actions = _meeting_actions(user=user, meeting=meeting)
    shown = [i.referral.person_id for i in targeted_plus + at_risk] + [t.person_id for t in transfers]
    audit_record_children(
        user=user,
        action=AUDIT_COHORT,
        person_ids=shown + [a.person_id for a in actions],
        page=page,
        detail=f"Experts at Hand planning meeting {meeting.pk}, cluster {meeting.cluster_id}",
    )
    return Agenda(targeted_plus, at_risk, transfers, next_year, actions)


def _meeting_actions(*, user, meeting: EahPlanningMeeting) -> list[EahMeetingAction]:
    """The meeting's actions: those about no child, and those about a child the user may see."""
    actions = meeting.actions.select_related("person")
    about_visible_child = child_items_visible_to(user=user, items=actions).values("pk")
    return list(actions.filter(Q(person__isnull=True) | Q(pk__in=about_visible_child)).order_by("due_date", "pk"))


# ------------------------------------------------------------------------------------ demand, capacity
@dataclass
class Demand:
    weeks: list[dict]
    age_profile: list[dict]
    projection: list[dict]
    arrivals_per_week: float | str
    clearances_per_week: float
    queue_now: int | str
    capacity_hours: Decimal
    suppressed: bool = False


AGE_BANDS = (
    (0, 5, "0 to 5 working days"),
    (6, 10, "6 to 10 working days"),
    (11, 20, "11 to 20 working days"),
    (21, 10_000, "More than 20 working days"),
)


def demand_capacity(*, on: dt.date | None = None, weeks: int = 12, suppress: bool = False) -> Demand:
    """Referrals received each week (by tier and by discipline needed) against the practitioners' hours
    available and committed; the age profile of the queue; and the queue projected eight weeks ahead at the
    last eight weeks' rates of arrival and of first support. With `suppress` (anyone outside the council's own
    view), the figures pass small-number suppression as `_demand_suppressed` says."""
    on = on or _today()
    monday = on - dt.timedelta(days=on.weekday())
    starts = [monday - dt.timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    first = starts[0]
    referrals = list(
        EahReferral.objects.filter(received_date__gte=first, received_date__lte=on).values(
            "received_date", "tier"
        )
    )
    involvements = list(
        EahInvolvement.objects.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .annotate(weekly=_weekly_hours())
        .values("referral_id", "discipline", "start_date", "end_date", "weekly")
    )
    capacity = sum((p.capacity_hours for p in practitioner_loads(on=on)), Decimal(0))
    started_by = defaultdict(Counter)
    for inv in involvements:
        if inv["start_date"] >= first:
            started_by[inv["start_date"] - dt.timedelta(days=inv["start_date"].weekday())][
                inv["discipline"]
            ] += 1
    rows = []
    for start in starts:
        end = start + dt.timedelta(days=6)
        week = [r for r in referrals if start <= r["received_date"] <= end]
        tiers = Counter(r["tier"] or "UNTRIAGED" for r in week)
        committed = sum(
            (
                Decimal(i["weekly"])
                for i in involvements
                if i["start_date"] <= end and (i["end_date"] is None or i["end_date"] >= start)
            ),
            Decimal(0),
        )
        row = {
            "week": start,
            "received": len(week),
            **{f"tier_{t}": tiers.get(t, 0) for t in TIERS},
            **{f"disc_{d}": started_by[start].get(d, 0) for d in codes.EAH_DISCIPLINE},
            "hours_available": capacity,
            "hours_committed": committed.quantize(Decimal("0.1")),
        }
        rows.append(row)
    holidays = working_days.bank_holidays()
    queue = list(_open_queue(on))
    ages = Counter()
    for r in queue:
        age = working_days.working_days_between(r.received_date, on, holidays)
        for lo, hi, label in AGE_BANDS:
            if lo <= age <= hi:
                ages[label] += 1
    age_profile = [{"band": label, "referrals": ages.get(label, 0)} for _, _, label in AGE_BANDS]
    # Rates over the last eight whole weeks before this one.
    window_start, window_end = monday - dt.timedelta(weeks=8), monday - dt.timedelta(days=1)
    arrivals = EahReferral.objects.filter(received_date__range=(window_start, window_end)).count() / 8
    cleared = (
        EahReferral.objects.filter(
            Q(first_support_date__range=(window_start, window_end))
            | Q(first_support_date__isnull=True, closed_date__range=(window_start, window_end))
        ).count()
        / 8
    )
    projection = []
    for k in range(1, 9):
        projected = max(0.0, len(queue) + k * (arrivals - cleared))
        projection.append({"week": monday + dt.timedelta(weeks=k), "projected_queue": round(projected)})
    demand = Demand(rows, age_profile, projection, round(arrivals, 1), round(cleared, 1), len(queue), capacity)
    window = [i for i, start in enumerate(starts) if window_start <= start <= window_end]
    return _demand_suppressed(demand, window=window) if suppress else demand


TIERS = (*codes.EAH_TIER, "UNTRIAGED")


def _demand_suppressed(demand: Demand, *, window: list[int]) -> Demand:
    """Demand as it may be shown outside the council's own view. Every table here has a total beside it, so
    each is protected against it (`suppression.suppress_breakdown`), and a figure worked out from hidden ones
    goes with them:
    - a week's tiers against the week's referrals (a week of 1 to 5 hides them all; a week that cannot be
      protected shows no tier at all, zeros too);
    - the weeks of the last eight whole ones against the arrivals a week over them (eight times it is their
      sum): if the hidden weeks could be worked back from it, the rate is hidden;
    - the queue's age bands against the referrals waiting;
    - the projection, which is the queue and the two rates carried forward, whenever the queue or the rate of
      arrival is hidden (it would give them back).
    Allocations by discipline have no total beside them: only counts of 1 to 5 are hidden there."""
    weeks = []
    for row in demand.weeks:
        tiers = [row[f"tier_{t}"] for t in TIERS]
        hidden = _cells_hidden(tiers, row["received"])
        weeks.append({
            **row, "received": suppression.suppress_count(row["received"]),
            **{f"tier_{t}": SUPPRESSED if h else v for t, v, h in zip(TIERS, tiers, hidden, strict=True)},
            **{f"disc_{d}": suppression.suppress_count(row[f"disc_{d}"]) for d in codes.EAH_DISCIPLINE},
        })
    window_hidden = [(demand.weeks[i]["received"],) for i in window if weeks[i]["received"] == SUPPRESSED]
    arrivals = SUPPRESSED if suppression.exposed(window_hidden, floors=suppression.COUNT_FLOORS) \
        else demand.arrivals_per_week
    bands = [r["referrals"] for r in demand.age_profile]
    ages = [{**r, "referrals": SUPPRESSED if h else r["referrals"]}
            for r, h in zip(demand.age_profile, _cells_hidden(bands, demand.queue_now), strict=True)]
    queue = suppression.suppress_count(demand.queue_now)
    if SUPPRESSED in (queue, arrivals):
        projection = [{**r, "projected_queue": SUPPRESSED} for r in demand.projection]
    else:
        projection = [{**r, "projected_queue": suppression.suppress_count(r["projected_queue"])}
                      for r in demand.projection]
    return Demand(weeks, ages, projection, arrivals, demand.clearances_per_week, queue, demand.capacity_hours,
                  suppressed=True)


def _cells_hidden(cells: list[int], total: int) -> list[bool]:
    """The cells of a row hidden beside its total: all of them (zeros too) where nothing else protects them."""
    if suppression.is_small(total):
        return [suppression.is_small(c) for c in cells]
    hidden = suppression.suppress_breakdown(cells)
    return [True] * len(cells) if hidden is None else hidden


# ------------------------------------------------------------------------------------------- home page
def home_links(*, user, on: dt.date | None = None) -> tuple[list[tuple[str, str, str]], str]:
    """The Experts at Hand tasks for a role's home page, and a warning when referrals in scope are overdue."""
    from django.urls import reverse

    links = []
    if can_refer(user=user):
        links.append(
            (
                "Refer to Experts at Hand",
                reverse("experts:refer"),
                "Refer a child on your roll, or ask for a consultation for your setting.",
            )
        )
    if can_manage(user=user):
        links.append(
            (
                "Experts at Hand triage queue",
                reverse("experts:queue"),
                "Referrals awaiting triage or first support, overdue first; allocate practitioners.",
            )
        )
    if user.role in (roles.EAH_PRACTITIONER, roles.HEALTH) and user.practitioner_id:
        links.append(
            (
                "Your Experts at Hand caseload",
                reverse("experts:caseload"),
                "Log support, agree strategies, set reviews and close referrals.",
            )
        )
    if user.role in roles.ROLES:
        links.append(
            (
                "Experts at Hand",
                reverse("experts:index"),
                "Referrals, settings' engagement, planning meetings, demand and capacity.",
            )
        )
    warning = ""
    if can_manage(user=user):
        n = overdue_count(user=user, on=on)
        if n:
            warning = f"{n} Experts at Hand referral{'s are' if n != 1 else ' is'} overdue for triage or first support."
    return links, warning
