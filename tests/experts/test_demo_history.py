"""The demo's Experts at Hand workflow history: added once, and worked from the canonical rows."""

import datetime as dt
from decimal import Decimal

import pytest

from sendreform.accounts import roles
from sendreform.experts.demo import experts_demo_history_ensure
from sendreform.experts.models import (
    EahContact,
    EahMeetingAction,
    EahPlanningMeeting,
    EahPractitioner,
    EahReferralDetail,
    EahStrategy,
    EahTransitionPlan,
)
from tests.factories import (
    ClusterFactory,
    EahInvolvementFactory,
    EahReferralFactory,
    EstablishmentFactory,
    PersonFactory,
    SenStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def test_demo_history_is_worked_from_the_canonical_rows_and_added_once():
    # Given one cluster, a child in Year 6 on SEN support, and a referral with an involvement of 6 hours
    cluster = ClusterFactory(cluster_id="N", name="North")
    oak = EstablishmentFactory(establishment_id="OAK", cluster=cluster, phase="PRIMARY")
    child = PersonFactory(person_id="P1", birth_date=dt.date(2015, 10, 2))
    SenStatusFactory(person=child, establishment=oak, sen_provision="K", start_date=dt.date(2024, 9, 1),
                     end_date=None)
    referral = EahReferralFactory(referral_id="R1", establishment=oak, person=child,
                                  received_date=dt.date(2026, 9, 7), triage_date=dt.date(2026, 9, 10),
                                  first_support_date=dt.date(2026, 9, 21),
                                  closed_date=None)
    EahInvolvementFactory(referral=referral, discipline="SALT", practitioner_id="870-EAH03",
                          start_date=dt.date(2026, 9, 21), end_date=None, hours=Decimal("6"))
    # and the demo's health user bound to that practitioner
    UserFactory(username="health", role=roles.HEALTH, practitioner_id="870-EAH03", first_name="Hannah",
                last_name="Reid")
    # When the history is added
    added = experts_demo_history_ensure(seed=1, today=TODAY)
    # Then the practitioner is on the team with their discipline, and is that user: the caseload is theirs
    assert (EahPractitioner.objects.get().discipline, EahPractitioner.objects.get().name) == ("SALT", "Hannah Reid")
    # and contacts every fortnight from 21 Sep to today (21 Sep ... 30 Nov is after today: 5 contacts)
    contacts = EahContact.objects.order_by("contact_date")
    assert [c.contact_date for c in contacts] == [dt.date(2026, 9, 21) + dt.timedelta(days=14 * n)
                                                  for n in range(5)]
    assert sum(c.hours for c in contacts) == Decimal("6.00")
    # and consent is recorded for the child-level referral, with the discipline involved
    detail = EahReferralDetail.objects.get(referral=referral)
    assert detail.consent_given and detail.disciplines == "SALT"
    # and a strategy agreed a fortnight after first support, shown on the child
    assert EahStrategy.objects.get().agreed_date == dt.date(2026, 10, 5)
    # and the cluster's autumn planning meeting (15 October) with three actions
    assert EahPlanningMeeting.objects.get().meeting_date == dt.date(2026, 10, 15)
    assert EahMeetingAction.objects.count() == 3
    assert added["meetings"] == 1 and added["contacts"] == 5
    # and at most one transition plan for the Year 6 child, for 2027/28
    assert set(EahTransitionPlan.objects.values_list("academic_year", flat=True)) <= {"2027/28"}
    # When it runs again, nothing is added
    assert experts_demo_history_ensure(seed=1, today=TODAY) == {}
    assert EahContact.objects.count() == 5
