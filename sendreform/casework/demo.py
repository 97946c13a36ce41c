"""The synthetic local area's EHC casework: requests and annual reviews worked through the casework services, as
a SEND team would have worked them over the last 40 weeks, so that every stage has open cases, some of them
overdue, and the caseload, the team's view and the indicators have something true to show after `make demo`.
Nothing is dated after the day it is made. Deterministic for a seed and a day, and idempotent: it adds nothing
once any case exists."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.casework import services
from sendreform.casework.models import Case
from sendreform.people.models import Establishment, Person, SenStatus
from sendreform.people.selectors import children_visible_to, open_on
from sendreform.standards import ehc_clock
from sendreform.statutory.models import AnnualReview, EhcPlan

ASSESSMENTS = 150
REVIEWS = 90
# Invented names: no real person is meant. Caseworkers who hold a caseload but do not sign in to the demo.
TEAM = [("cw-anand", "Priya", "Anand"), ("cw-ellis", "Mark", "Ellis"), ("cw-okoro", "Joy", "Okoro")]
HEALTH_SERVICES = ["Community paediatrics", "Speech and language therapy", "Occupational therapy", "CAMHS"]
REFUSALS = [
    "The evidence shows the setting can meet the child's needs from its own resources with the support planned.",
    "The graduated response has not yet been tried long enough to show whether it works.",
]


def _team() -> list[User]:
    for username, first, last in TEAM:
        if not User.objects.filter(username=username).exists():
            User.objects.create(username=username, first_name=first, last_name=last, role=roles.CASEWORKER,
                                password=make_password(None))
    return list(User.objects.filter(is_active=True, role__in=[roles.CASEWORKER, roles.TEAM_MANAGER])
                .order_by("username"))


def _day(start: dt.date, days: float) -> dt.date:
    return start + dt.timedelta(days=int(days))


def casework_demo_history_ensure(*, seed: int = 870, today: dt.date | None = None, assessments: int = ASSESSMENTS,
                                 reviews: int = REVIEWS) -> dict[str, int]:
    """Work a casework history through the services (`assessments` requests, up to `reviews` annual reviews),
    dated up to `today` (never after the real today)."""
    if Case.objects.exists():
        return {}
    real_today = timezone.localdate()
    today = min(today or real_today, real_today)
    manager = User.objects.filter(is_active=True, role=roles.TEAM_MANAGER).order_by("pk").first()
    team = _team()
    if manager is None or not team:
        return {}
    rng = np.random.default_rng(seed)
    health = User.objects.filter(is_active=True, role=roles.HEALTH).order_by("pk").first()
    senco = User.objects.filter(is_active=True, role=roles.SENCO).order_by("pk").first()
    added = {"requests": _assessments(rng, today, manager, team, health, senco, assessments),
             "annual reviews": _reviews(rng, today, manager, team, reviews)}
    return added


def _candidates(today: dt.date, manager: User) -> list[Person]:
    """Children on SEN support today, without a plan."""
    support = SenStatus.objects.filter(open_on(today), sen_provision="K", person=OuterRef("pk"))
    plan = EhcPlan.objects.filter(open_on(today, end="cease_date"), person=OuterRef("pk"))
    people = children_visible_to(user=manager, on=today).filter(Exists(support), ~Exists(plan))
    return list(people.order_by("person_id")[:4000])


def _assessments(rng, today, manager, team, health, senco, count: int) -> int:
    people = _candidates(today, manager)
    if not people:
        return 0
    senco_roll = set(children_visible_to(user=senco, on=today).values_list("pk", flat=True)) if senco else set()
    chosen = [people[i] for i in sorted(rng.choice(len(people), size=min(count, len(people)), replace=False))]
    settings_pool = list(Establishment.objects.filter(in_area=True, kind__in=["MAINSTREAM", "SPECIAL"])
                         .order_by("establishment_id")[:60])
    made = 0
    for n, person in enumerate(chosen):
        received = _day(today, -rng.integers(0, 280))
        by_senco = senco is not None and person.pk in senco_roll
        officer = None if rng.random() < 0.12 and (today - received).days < 30 else team[n % len(team)]
        case = services.request_create(
            by=senco if by_senco else manager, person=person, received_date=received,
            request_source=2 if by_senco else int(rng.choice([1, 2, 2, 3, 4, 5])),
            evidence="Two cycles of assess, plan, do, review with specialist advice followed; progress remains "
            "well below that of peers.", consent_given=True, officer=officer)
        made += 1
        if officer is None:
            continue
        decided = _day(received, rng.integers(24, 52))
        if decided > today:
            continue
        if rng.random() < 0.22:
            services.request_decide(case_id=case.pk, version=_v(case), assess=False, decision_date=decided,
                                    reason=str(rng.choice(REFUSALS)), by=officer)
            continue
        services.request_decide(case_id=case.pk, version=_v(case), assess=True, decision_date=decided, reason="",
                                by=officer)
        advice = []
        for kind in ("EP", "HEALTH", "SOCIAL_CARE", "SETTING"):
            asked = _day(decided, rng.integers(0, 4))
            if asked > today:
                continue
            to = health if kind == "HEALTH" and health is not None and rng.random() < 0.35 else None
            addressee = {"EP": "Educational psychology service", "SOCIAL_CARE": "Children's social care",
                         "SETTING": "The child's setting"}.get(kind, str(rng.choice(HEALTH_SERVICES)))
            advice.append(services.advice_request(case_id=case.pk, advice_type=kind, addressee="" if to else addressee,
                                                  addressed_to=to, requested_date=asked, by=officer))
        for item in advice:
            back = _day(item.requested_date, rng.integers(20, 62))
            if back <= today:
                services.advice_answer(advice_id=item.pk, version=0, received_date=back,
                                       response="Advice on the child's needs, the outcomes sought and the provision "
                                       "to meet them.", by=officer)
        if rng.random() < 0.05:
            services.clock_exception_record(case_id=case.pk, step="final_plan", reason="PERSONAL_CIRCUMSTANCES",
                                            note="The family asked to pause the assessment for a bereavement.",
                                            by=officer)
        draft = _day(received, rng.integers(92, 125))
        if draft > today:
            continue
        if rng.random() < 0.07:
            services.plan_not_issue(case_id=case.pk, version=_v(case), decision_date=draft,
                                    reason="The assessment found the child's needs can be met at SEN support.",
                                    by=officer)
            continue
        consulted = [settings_pool[int(i)] for i in rng.choice(len(settings_pool), size=min(2, len(settings_pool)),
                                                               replace=False)]
        services.draft_issue(case_id=case.pk, version=_v(case), draft_date=draft,
                             settings_consulted=[(e, k == 0) for k, e in enumerate(consulted)], by=officer)
        for consultation in Case.objects.get(pk=case.pk).consultations.all():
            answered = _day(draft, rng.integers(6, 22))
            if answered <= today:
                services.consultation_answer(consultation_id=consultation.pk, response="AGREE",
                                             response_date=answered, by=officer)
        final = _day(draft, rng.integers(18, 45))
        if final <= today:
            services.plan_finalise(case_id=case.pk, version=_v(case), issue_date=final, by=officer)
    return made


def _v(case: Case) -> int:
    return Case.objects.values_list("version", flat=True).get(pk=case.pk)


def _reviews(rng, today, manager, team, count: int) -> int:
    """Reviews of plans whose annual review falls due from 8 weeks ago to 8 weeks ahead."""
    last = AnnualReview.objects.filter(plan=OuterRef("pk")).values("plan").annotate(last=Max("meeting_date")) \
        .values("last")
    plans = list(EhcPlan.objects.filter(open_on(today, end="cease_date"))
                 .annotate(last=Subquery(last)).select_related("person").order_by("plan_id"))
    due = [(p, ehc_clock.review_due(p.last or p.start_date)) for p in plans]
    window = [(p, d) for p, d in due if -56 <= (d - today).days <= 56 and (p.last or p.start_date) < today]
    if not window:
        return 0
    picks = sorted(rng.choice(len(window), size=min(count, len(window)), replace=False))
    made = 0
    for n, i in enumerate(picks):
        plan, review_due = window[int(i)]
        officer = team[(n + 1) % len(team)]
        started = max(_day(review_due, -56), plan.last or plan.start_date)
        year = ehc_clock.national_curriculum_year(plan.person.birth_date, started)
        case = services.review_start(plan=plan, by=manager, officer=officer, on=started,
                                     phase_transfer=year in (6, 11))
        made += 1
        meeting = _day(review_due, -rng.integers(-20, 40))
        if meeting > today or meeting < (plan.last or plan.start_date):
            continue
        services.review_meeting_record(case_id=case.pk, version=_v(case), meeting_date=meeting, by=officer)
        decided = _day(meeting, rng.integers(8, 40))
        if decided <= today:
            services.review_decide(case_id=case.pk, version=_v(case), outcome=str(rng.choice(["M", "A", "A"])),
                                   decision_date=decided, by=officer)
    return made
