"""The synthetic local area's Experts at Hand workflow history: the detail the canonical `eah_*` rows of the
demo do not carry (the team and its capacity, referrers' accounts and consent, contacts and hours, agreed
strategies, termly planning meetings with their actions, transition plans), so that every Experts at Hand
page has something true to show after `make demo`. Deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Q

from sendreform.accounts.models import User
from sendreform.experts.models import (
    CONTACT_KINDS,
    EahContact,
    EahInvolvement,
    EahMeetingAction,
    EahPlanningMeeting,
    EahPractitioner,
    EahReferral,
    EahReferralDetail,
    EahStrategy,
    EahTransitionPlan,
)
from sendreform.experts.selectors import PHASE_MOVES
from sendreform.people.models import Cluster, SenStatus
from sendreform.standards import periods

# Invented names: no real person is meant.
PRACTITIONER_NAMES = [
    "Alex Farrow", "Bea Quinlan", "Cal Ibekwe", "Dee Marsh", "Eli Sandoval", "Fay Okonjo", "Gus Palmer",
    "Hana Ruiz", "Ira Whitcombe", "Jo Tennant", "Kit Abara", "Lou Delacroix",
]
CONCERNS = [
    "Finding the classroom overwhelming; leaving lessons several times a day.",
    "Speech hard to understand; becoming frustrated with peers.",
    "Fine motor difficulties; unable to record work at the pace of the class.",
    "Attendance falling this term; anxious on arrival.",
    "Behaviour escalating at unstructured times; two suspensions considered.",
]
TRIED = [
    "Visual timetable, a quiet space and a key adult at transitions for six weeks (assess, plan, do, review).",
    "Small-group language intervention three times a week since September.",
    "Pencil grips, a writing slope and typed recording; reviewed with parents half-termly.",
    "Soft start, check-ins with the pastoral lead, and a meeting with the family.",
]
STRATEGIES = [
    "Visual timetable at every transition, with a warning two minutes before each change.",
    "Language-rich small group three times a week; adults to model and expand, not correct.",
    "Movement breaks every 20 minutes and a sensory circuit before lessons.",
    "Typed recording accepted in every subject; handwriting practised separately, five minutes a day.",
    "Named key adult at the start and end of each day; a card to ask for time out.",
]
ACTIONS = [
    "Share the agreed strategies with the receiving school before the summer term.",
    "Book an educational psychology consultation for the Targeted Plus referrals.",
    "Run a transition visit for the children moving phase without a plan yet.",
]


@transaction.atomic
def experts_demo_history_ensure(*, seed: int = 870, today: dt.date | None = None) -> dict[str, int]:
    """Add the workflow history to a demo database once; a database that has an Experts at Hand team
    already is left as it is. Returns the rows added per table."""
    if EahPractitioner.objects.exists() or not EahReferral.objects.exists():
        return {}
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    added = {"practitioners": 0, "referral details": 0, "contacts": 0, "strategies": 0, "meetings": 0,
             "actions": 0, "transition plans": 0}

    involvements = list(EahInvolvement.objects.select_related("referral").order_by("referral_id", "pk"))
    disciplines: dict[str, list[str]] = {}
    for inv in involvements:
        disciplines.setdefault(inv.practitioner_id, []).append(inv.discipline)
    # A practitioner a demo user is bound to is that user, so their caseload is theirs and not a third person's.
    users = {u.practitioner_id: u.get_full_name() for u in User.objects.exclude(practitioner_id="")}
    for i, (pid, found) in enumerate(sorted(disciplines.items())):
        EahPractitioner.objects.create(
            practitioner_id=pid, name=users.get(pid) or PRACTITIONER_NAMES[i % len(PRACTITIONER_NAMES)],
            discipline=max(set(found), key=found.count), weekly_hours=Decimal("22.5") if i % 4 == 3 else 30,
        )
        added["practitioners"] += 1

    by_referral: dict[str, list[str]] = {}
    for inv in involvements:
        by_referral.setdefault(inv.referral_id, []).append(inv.discipline)
    for referral in EahReferral.objects.order_by("referral_id"):
        k = int(rng.integers(len(CONCERNS)))
        EahReferralDetail.objects.create(
            referral=referral, concern=CONCERNS[k], graduated_response=TRIED[k % len(TRIED)],
            consent_given=referral.person_id is not None,
            consent_date=referral.received_date if referral.person_id else None,
            disciplines=",".join(sorted(set(by_referral.get(referral.referral_id, [])))),
        )
        added["referral details"] += 1

    kinds = list(CONTACT_KINDS)
    for inv in involvements:
        end = min(inv.end_date or today, today)
        days = [inv.start_date + dt.timedelta(days=14 * n) for n in range(6)]
        days = [d for d in days if d <= end] or [inv.start_date]
        share = (Decimal(inv.hours) / len(days)).quantize(Decimal("0.01")) if inv.hours else Decimal("1.00")
        for n, day in enumerate(days):
            EahContact.objects.create(involvement=inv, contact_date=day, kind=kinds[(n + len(days)) % len(kinds)],
                                      hours=max(share, Decimal("0.25")))
            added["contacts"] += 1

    for referral in EahReferral.objects.filter(first_support_date__isnull=False, person__isnull=False):
        agreed = referral.first_support_date + dt.timedelta(days=14)
        if agreed > (referral.closed_date or today):
            continue
        EahStrategy.objects.create(referral=referral, person_id=referral.person_id, agreed_date=agreed,
                                   text=STRATEGIES[int(rng.integers(len(STRATEGIES)))])
        added["strategies"] += 1

    autumn = periods.academic_year(today).start + dt.timedelta(days=44)  # mid-October of this school year
    if autumn <= today:
        for c, cluster in enumerate(Cluster.objects.order_by("cluster_id")):
            meeting = EahPlanningMeeting.objects.create(
                cluster=cluster, meeting_date=autumn + dt.timedelta(days=c),
                notes="Termly planning meeting co-led by Educational Psychology and RISE.",
            )
            added["meetings"] += 1
            for a, text in enumerate(ACTIONS):
                due = meeting.meeting_date + dt.timedelta(days=28 * (a + 1))
                EahMeetingAction.objects.create(
                    meeting=meeting, description=text, owner=f"{cluster.name} cluster lead", due_date=due,
                    done_date=due - dt.timedelta(days=3) if due < today and a % 2 == 0 else None,
                )
                added["actions"] += 1

    next_year = periods.academic_year(periods.academic_year(today).end + dt.timedelta(days=1)).name
    movers = SenStatus.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gt=today), start_date__lte=today, sen_provision__in=["E", "K"]
    ).select_related("person", "establishment").order_by("person_id")
    seen = set()
    for status in movers:
        person = status.person
        if person.person_id in seen or periods.national_curriculum_year(person.birth_date, today) not in PHASE_MOVES:
            continue
        seen.add(person.person_id)
        if rng.random() < 0.6:  # the rest still need one: the planning meetings show who
            EahTransitionPlan.objects.create(
                person=person, academic_year=next_year, agreed_date=today - dt.timedelta(days=7),
                receiving_setting="", notes="Transition visits and a handover of strategies agreed.",
            )
            added["transition plans"] += 1
    return added
