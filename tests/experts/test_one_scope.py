"""One scope: a referral, an involvement, a strategy, a transition plan or a meeting's action about a child is
visible exactly when the child is (`children_visible_to`), and a refused read is audited like any other."""

import datetime as dt

import pytest
from django.test import Client

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from sendreform.experts import selectors, services
from sendreform.people.selectors import children_visible_to
from tests.factories import EahInvolvementFactory, EahReferralFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.date(2025, 1, 6)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ended(area):
    """Ben's referral from Oak, on which Priya (870-EAH01) was involved until last term: her work has ended."""
    referral = EahReferralFactory(referral_id="R-BEN", establishment=area["oak"], person=area["ben"],
                                  received_date=LONG_AGO, triage_date=LONG_AGO, first_support_date=LONG_AGO)
    involvement = EahInvolvementFactory(referral=referral, practitioner_id="870-EAH01", start_date=LONG_AGO,
                                        end_date=dt.date(2025, 7, 18))
    return {"referral": referral, "involvement": involvement}


@pytest.mark.parametrize("role", [roles.EAH_PRACTITIONER, roles.HEALTH])
def test_a_practitioner_does_not_see_the_referral_of_a_child_whose_record_is_not_found(area, ended, role):
    user = UserFactory(username=f"ended-{role}", role=role, practitioner_id="870-EAH01")
    client = _client(user)

    assert client.get("/children/P2/").status_code == 404
    assert client.get("/experts/referrals/R-BEN/").status_code == 404
    assert "R-BEN" not in client.get("/experts/referrals/").content.decode()
    assert not selectors.referrals_visible_to(user=user).exists()
    support = client.get(f"/experts/involvements/{ended['involvement'].pk}/support/")
    assert support.status_code == 404
    refused = AuditEntry.objects.filter(username=user.username, action="refused").values_list("detail", flat=True)
    assert set(refused) == {"asked for child P2", "asked for Experts at Hand referral R-BEN",
                            f"asked for Experts at Hand involvement {ended['involvement'].pk}"}


def test_a_senco_and_cluster_lead_stop_seeing_a_referral_when_the_child_leaves_the_setting(area, ended):
    senco, cluster_lead = area["users"]["senco"], area["users"]["cluster_lead"]
    assert _client(senco).get("/experts/referrals/R-BEN/").status_code == 200
    assert {r.pk for r in selectors.referrals_visible_to(user=cluster_lead)} == {"R-BEN"}

    # Ben moves to Ash (South) this term: his new placement begins; the SEN status at Oak was left open.
    PlacementFactory(person=area["ben"], establishment=area["ash"], start_date=dt.date(2026, 9, 3))

    assert _client(senco).get("/children/P2/").status_code == 404
    assert _client(senco).get("/experts/referrals/R-BEN/").status_code == 404
    assert not selectors.referrals_visible_to(user=cluster_lead).exists()
    # Ash's SENCo now has Ben on the roll, and with him his referrals, wherever they were made.
    assert set(selectors.referrals_visible_to(user=area["users"]["ash_senco"]).values_list("pk", flat=True)) == {
        "R-BEN"}


def test_every_referral_about_a_child_is_visible_exactly_when_the_child_is(area, ended):
    EahReferralFactory(referral_id="R-AMIRA", establishment=area["oak"], person=area["amira"])
    dan = EahReferralFactory(referral_id="R-DAN", establishment=area["ash"], person=area["dan"])
    EahInvolvementFactory(referral=dan, practitioner_id="870-EAH04")
    EahReferralFactory(referral_id="R-OAK-SETTING", establishment=area["oak"], person=None)
    for name, user in area["users"].items():
        children = set(children_visible_to(user=user).values_list("pk", flat=True))
        about_children = {r.person_id for r in selectors.referrals_visible_to(user=user) if r.person_id}
        expected = children & {"P1", "P2", "P4"}
        assert about_children == expected, name


def test_a_setting_level_consultation_is_seen_by_its_setting_and_the_service(area):
    EahReferralFactory(referral_id="R-OAK-SETTING", establishment=area["oak"], person=None)
    seen = {name for name, user in area["users"].items()
            if selectors.referrals_visible_to(user=user).filter(pk="R-OAK-SETTING").exists()}
    assert seen == {"lead", "lead2", "officer", "senco", "cluster_lead"}


def test_a_meeting_read_by_a_role_that_may_not_is_refused_and_audited(area):
    meeting = services.meeting_create(cluster=area["north"], meeting_date=dt.date(2026, 11, 20), notes="",
                                      by=area["users"]["lead"])
    senco = _client(area["users"]["senco"])

    assert senco.get(f"/experts/meetings/{meeting.pk}/").status_code == 404
    assert senco.get("/experts/meetings/999999/").status_code == 404
    refused = AuditEntry.objects.filter(username="senco", action="refused").order_by("id")
    assert [(e.page, e.detail) for e in refused] == [
        (f"/experts/meetings/{meeting.pk}/", f"asked for Experts at Hand planning meeting {meeting.pk}"),
        ("/experts/meetings/999999/", "asked for Experts at Hand planning meeting 999999"),
    ]
