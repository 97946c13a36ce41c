"""The demo's casework history: worked through the services, every stage with open cases and some overdue,
nothing dated after the day it is made, and added once."""

import datetime as dt

import pytest
from django.db.models import Max

from sendreform.accounts import roles
from sendreform.casework.demo import casework_demo_history_ensure
from sendreform.casework.models import OPEN_STAGES, Case, EhcAdvice
from sendreform.casework.selectors import case_clock, with_clock_parts
from sendreform.statutory.models import AnnualReview, EhcPlan, EhcRequest
from tests.factories import EhcPlanFactory, PersonFactory, PlacementFactory, SenStatusFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_history_covers_every_stage_and_nothing_is_after_today(school):
    today = dt.date.today()
    UserFactory(username="team-manager", role=roles.TEAM_MANAGER)
    UserFactory(username="health", role=roles.HEALTH)
    for n in range(40):
        child = PersonFactory(birth_date=dt.date(2014 + n % 4, 1 + n % 12, 1))
        PlacementFactory(person=child, establishment=school, start_date=dt.date(2022, 9, 1))
        SenStatusFactory(person=child, establishment=school, sen_provision="K", start_date=dt.date(2022, 9, 1))
    for n in range(16):  # plans due a review from 8 weeks ago to 8 weeks ahead
        EhcPlanFactory(person=PersonFactory(birth_date=dt.date(2014, 10, 1)),
                       start_date=today - dt.timedelta(days=365 - 56 + 7 * n))
    added = casework_demo_history_ensure(seed=7, assessments=36, reviews=12)
    assert added == {"requests": 36, "annual reviews": 12}
    stages = set(Case.objects.values_list("stage", flat=True))
    assert set(OPEN_STAGES) <= stages and {"FINAL", "REFUSED"} <= stages
    overdue = [c for c in with_clock_parts(Case.objects.filter(stage__in=OPEN_STAGES))
               if case_clock(c, today=today).overdue()]
    assert overdue
    latest = [EhcRequest.objects.aggregate(d=Max("received_date"))["d"],
              EhcRequest.objects.aggregate(d=Max("outcome_date"))["d"],
              EhcAdvice.objects.aggregate(d=Max("received_date"))["d"],
              EhcPlan.objects.aggregate(d=Max("start_date"))["d"],
              AnnualReview.objects.aggregate(d=Max("meeting_date"))["d"],
              AnnualReview.objects.aggregate(d=Max("decision_date"))["d"]]
    assert all(d <= today for d in latest if d)
    assert casework_demo_history_ensure(seed=7) == {}
