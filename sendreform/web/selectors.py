"""What each role's home page offers: the things that role can do here, and headline figures within its scope.

Roles with child-level access see counts of the children in their own scope; board members and parent carer
forum representatives see only local-area totals, passed through small-number suppression.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.selectors import sign_in_waits_count, users_by_role
from sendreform.accounts.services import AUDIT_VIEW, audit_record
from sendreform.experts.models import EahInvolvement, EahReferral
from sendreform.experts.selectors import home_links as experts_home_links
from sendreform.people.models import Establishment, SenStatus
from sendreform.people.selectors import children_visible_to, establishments_visible_to, open_on
from sendreform.standards.suppression import suppress_count
from sendreform.statutory.models import EhcPlan
from sendreform.web import homes  # noqa: F401 (registers the home panels)
from sendreform.web.panels import DASHBOARD_ROLES, home_panels


@dataclass(frozen=True)
class Figure:
    value: int | str
    label: str


@dataclass(frozen=True)
class Task:
    title: str
    url: str
    description: str


@dataclass
class Home:
    heading: str
    intro: str
    figures: list[Figure] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    note: str = ""
    warning: str = ""
    panels: list = field(default_factory=list)  # the role's main job: sendreform.web.panels


_INTRO = {
    roles.OFFICER: "You can find any child or young person in the local area and see their whole record: "
    "SEN status, the EHC pipeline, placements, attendance, exclusions and Experts at Hand support.",
    roles.ANALYST: "You can see every child's record and every setting, to check the data behind the plan's "
    "indicators and returns.",
    roles.EAH_LEAD: "You can see every child's record and every setting, to manage Experts at Hand referrals "
    "and the practitioners' caseloads.",
    roles.EAH_PRACTITIONER: "You can see the children on your Experts at Hand caseload: those whose referral "
    "you are involved in now.",
    roles.SENCO: "You can see the children on your setting's roll and their record across services.",
    roles.CLUSTER_LEAD: "You can see the settings in your cluster and the children on their rolls.",
    roles.HEALTH: "You can see the children allocated to you through Experts at Hand.",
    roles.BOARD_MEMBER: "You can see the local area's settings and figures for the whole area. You cannot see "
    "any individual child's record.",
    roles.PCF_REP: "You can see the local area's settings and figures for the whole area. You cannot see any "
    "individual child's record.",
    roles.REGIONAL_ANALYST: "You can see every local area's published statistics beside its neighbours, region and "
    "England. You cannot see any child's record or the local area's own figures.",
    roles.CASEWORKER: "You can work EHC needs assessments and annual reviews: your caseload with each case's "
    "next legal deadline, and every child's record.",
    roles.TEAM_MANAGER: "You can see the SEND team's EHC cases, each officer's load, allocate cases, and see every "
    "child's record.",
    roles.ADMIN: "You can manage users and reference data, read the audit log of who viewed which child's "
    "record, and see every child's record.",
}


def data_quality_report(*, user, page: str = ""):
    """The data-quality checks of `sendreform check` on the shared analytics copy (ADR 15), as of when it was
    taken, and that copy's freshness. Its examples name records, so reading it is recorded in the audit log."""
    from pathlib import Path

    from sendreform.common.warehouse import analytics_open
    from sendreform.indicators.analytics import analytics_freshness
    from sendreform.interchange.quality import quality_check
    from sendreform.standards.schemas import TABLE_ORDER

    freshness = analytics_freshness()
    con = analytics_open(path=Path(freshness.copy.path))
    report = quality_check(tables={name: con.table(name) for name in TABLE_ORDER}, today=timezone.localdate())
    audit_record(user=user, action=AUDIT_VIEW, page=page, detail="data-quality report")
    return report, freshness


def home_for(*, user) -> Home:
    """The home page of the signed-in user's role."""
    on = timezone.localdate()
    role = user.role
    home = Home(heading=f"{roles.ROLES.get(role, 'No role')}: your home page", intro=_INTRO.get(role, ""))
    if role not in roles.ROLES:
        home.intro = "Your account has no role yet, so there is nothing you can see. Ask an administrator."
        return home

    children = children_visible_to(user=user, on=on)
    home.panels = home_panels(user=user, on=on)
    if role in DASHBOARD_ROLES:
        home.tasks.append(Task("Inclusion dashboard", reverse("indicators:overview"),
                               "Every indicator of the plan against its trajectory: green, amber, red, or none set."))
    if role in roles.LOCAL_AREA_ROLES:
        home.tasks.append(Task("The plan", reverse("plan:overview"),
                               "Workstreams and milestones, the risk register, boards and their packs."))
    if role in roles.CHILD_LEVEL_ROLES:
        home.tasks.append(Task("Find a child", reverse("people:child-search"),
                               "Search by name, unique pupil number (UPN) or date of birth."))
    if role == roles.SENCO:
        home.tasks.append(Task(f"Children at {user.establishment.name}",
                               reverse("people:establishment-detail", args=[user.establishment_id]),
                               "Your setting's details and the children on its roll."))
    if role == roles.CLUSTER_LEAD:
        home.tasks.append(Task(f"Settings in {user.cluster.name}",
                               reverse("people:establishment-list") + f"?cluster={user.cluster_id}",
                               "Each setting's details and the children on its roll."))
    if role in roles.CASEWORK_ROLES:
        home.tasks.append(Task("My caseload", reverse("casework:caseload"),
                               "Your EHC cases with the next legal deadline of each, days left or over."))
    if role in roles.CASE_ALLOCATING_ROLES:
        home.tasks.append(Task("The team's cases", reverse("casework:team"),
                               "Each officer's load, and allocation of the team's EHC cases."))
    if role == roles.HEALTH:
        home.tasks.append(Task("Advice asked of you", reverse("casework:advice"),
                               "Advice for EHC needs assessments, due within 6 weeks of being asked."))
    eah_links, home.warning = experts_home_links(user=user, on=on)
    home.tasks.extend(Task(*link) for link in eah_links)
    home.tasks.append(Task("Benchmarking", reverse("published:benchmarking"),
                           "Any local area beside its statistical neighbours, region and England, from the DfE's "
                           "published statistics."))
    home.tasks.append(Task("Settings", reverse("people:establishment-list"),
                           "Schools, colleges, early years settings and alternative providers, with a CSV download."))
    if role == roles.ADMIN:
        home.tasks.append(Task("Audit log", reverse("accounts:audit-log"),
                               "Who viewed which child, signed in or out, imported or downloaded data, and when."))
        home.tasks.append(Task("Reference data and users", reverse("admin:index"),
                               "Clusters, settings, alternative provision providers, unit costs, planned places, "
                               "population and user accounts."))

    if role in roles.WHOLE_AREA_ROLES:
        home.figures = [
            Figure(children.count(), "children and young people on the record"),
            Figure(EhcPlan.objects.filter(open_on(on, end="cease_date")).count(), "open EHC plans"),
            Figure(EahReferral.objects.filter(received_date__lte=on, closed_date__isnull=True).count(),
                   "open Experts at Hand referrals"),
        ]
        if role == roles.ADMIN:
            home.figures.append(Figure(sum(users_by_role().values()), "active users"))
            home.figures.append(Figure(sign_in_waits_count(), "usernames made to wait after failed sign-ins"))
    elif role == roles.SENCO:
        on_roll = children.count()
        at_setting = SenStatus.objects.filter(open_on(on), establishment_id=user.establishment_id,
                                              person__in=children)
        home.figures = [
            Figure(on_roll, "children on your roll"),
            Figure(at_setting.filter(sen_provision="E").values("person").distinct().count(), "with an EHC plan"),
            Figure(at_setting.filter(sen_provision="K").values("person").distinct().count(), "on SEN support"),
        ]
    elif role == roles.CLUSTER_LEAD:
        home.figures = [
            Figure(establishments_visible_to(user=user, cluster_id=user.cluster_id).count(),
                   "settings in your cluster"),
            Figure(children.count(), "children on roll in your cluster"),
        ]
    elif role in (roles.EAH_PRACTITIONER, roles.HEALTH):
        involvements = EahInvolvement.objects.filter(open_on(on), practitioner_id=user.practitioner_id) \
            if user.practitioner_id else EahInvolvement.objects.none()
        home.figures = [
            Figure(children.count(), "children on your caseload"),
            Figure(involvements.count(), "open involvements"),
        ]
        if not user.practitioner_id:
            home.note = "Your account is not linked to a practitioner id yet, so your caseload is empty."
    else:
        # Area totals only, each through small-number suppression: these roles never see a child.
        home.figures = [
            Figure(Establishment.objects.filter(in_area=True).count(), "settings in the local area"),
            Figure(suppress_count(EhcPlan.objects.filter(open_on(on, end="cease_date")).count()),
                   "open EHC plans in the local area"),
            Figure(suppress_count(EahReferral.objects.filter(received_date__lte=on, closed_date__isnull=True)
                                  .count()), "open Experts at Hand referrals"),
        ]
        home.note = "Figures of 1 to 5 are shown as c, so that no child can be identified."
    return home
