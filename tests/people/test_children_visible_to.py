"""Who sees which child: deny by default, each role's scope as `children_visible_to` documents it."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from sendreform.accounts import roles
from sendreform.people.selectors import children_visible_to
from tests.factories import (
    ClusterFactory,
    EahInvolvementFactory,
    EahReferralFactory,
    EstablishmentFactory,
    PersonFactory,
    PlacementFactory,
    SenStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 1, 15)


def _ids(user, on=ON):
    return set(children_visible_to(user=user, on=on).values_list("person_id", flat=True))


@pytest.fixture
def area():
    """Two clusters; Oak and Elm in North, Ash in South. One child on each roll, plus a child who left Oak."""
    north, south = ClusterFactory(cluster_id="N", name="North"), ClusterFactory(cluster_id="S", name="South")
    oak = EstablishmentFactory(establishment_id="OAK", cluster=north)
    elm = EstablishmentFactory(establishment_id="ELM", cluster=north)
    ash = EstablishmentFactory(establishment_id="ASH", cluster=south)
    SenStatusFactory(person=PersonFactory(person_id="AT-OAK"), establishment=oak)
    PlacementFactory(person=PersonFactory(person_id="PLACED-ELM"), establishment=elm)
    SenStatusFactory(person=PersonFactory(person_id="AT-ASH"), establishment=ash)
    SenStatusFactory(person=PersonFactory(person_id="LEFT-OAK"), establishment=oak, end_date=dt.date(2025, 7, 20))
    SenStatusFactory(person=PersonFactory(person_id="STARTS-OAK"), establishment=oak, start_date=dt.date(2026, 4, 1))
    return {"oak": oak, "north": north, "south": south}


@pytest.mark.parametrize("role", sorted(roles.WHOLE_AREA_ROLES))
def test_whole_area_roles_see_every_child(area, role):
    assert _ids(UserFactory(role=role)) == {"AT-OAK", "PLACED-ELM", "AT-ASH", "LEFT-OAK", "STARTS-OAK"}


def test_a_senco_sees_only_the_children_on_their_roll_on_the_day(area):
    senco = UserFactory(role=roles.SENCO, establishment=area["oak"])

    assert _ids(senco) == {"AT-OAK"}
    assert _ids(senco, on=dt.date(2025, 7, 1)) == {"AT-OAK", "LEFT-OAK"}
    assert _ids(senco, on=dt.date(2026, 4, 1)) == {"AT-OAK", "STARTS-OAK"}


def test_an_open_placement_puts_a_child_on_the_roll_as_an_open_sen_status_does(area):
    senco = UserFactory(role=roles.SENCO, establishment=EstablishmentFactory(establishment_id="ELM2"))
    PlacementFactory(person=PersonFactory(person_id="EHCP-CHILD"), establishment=senco.establishment)

    assert _ids(senco) == {"EHCP-CHILD"}


def test_a_cluster_lead_sees_the_rolls_of_their_cluster(area):
    assert _ids(UserFactory(role=roles.CLUSTER_LEAD, cluster=area["north"])) == {"AT-OAK", "PLACED-ELM"}
    assert _ids(UserFactory(role=roles.CLUSTER_LEAD, cluster=area["south"])) == {"AT-ASH"}


@pytest.mark.parametrize("role", [roles.EAH_PRACTITIONER, roles.HEALTH])
def test_practitioners_see_the_children_of_their_open_involvements(role):
    mine = EahReferralFactory(person=PersonFactory(person_id="MINE"))
    EahInvolvementFactory(referral=mine, practitioner_id="870-EAH01")
    closed = EahReferralFactory(person=PersonFactory(person_id="CLOSED"))
    EahInvolvementFactory(referral=closed, practitioner_id="870-EAH01", end_date=dt.date(2025, 3, 1))
    theirs = EahReferralFactory(person=PersonFactory(person_id="THEIRS"))
    EahInvolvementFactory(referral=theirs, practitioner_id="870-EAH02")
    EahInvolvementFactory(referral=EahReferralFactory(person=None), practitioner_id="870-EAH01")

    assert _ids(UserFactory(role=role, practitioner_id="870-EAH01")) == {"MINE"}
    assert _ids(UserFactory(role=role, practitioner_id="")) == set()


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP])
def test_board_members_and_forum_representatives_see_no_child(area, role):
    assert _ids(UserFactory(role=role)) == set()


def test_no_role_inactive_or_signed_out_means_no_child(area):
    assert _ids(UserFactory(role="")) == set()
    assert _ids(UserFactory(role="SOMETHING_NEW")) == set()
    assert _ids(UserFactory(role=roles.OFFICER, is_active=False)) == set()
    assert _ids(AnonymousUser()) == set()
    assert _ids(None) == set()


def test_an_sen_status_left_open_at_a_school_the_child_left_does_not_keep_them_on_its_roll(area):
    """On the roll means an open placement there; the school census's SEN status counts only for a child
    with no open placement anywhere, so a status left open at the old school stops counting on the move."""
    moved = PersonFactory(person_id="MOVED")
    SenStatusFactory(person=moved, establishment=area["oak"])  # never closed
    PlacementFactory(person=moved, establishment=area["oak"], end_date=dt.date(2025, 7, 20))
    PlacementFactory(person=moved, establishment=EstablishmentFactory(establishment_id="ASH2", cluster=area["south"]),
                     start_date=dt.date(2025, 9, 3))
    oak_senco = UserFactory(role=roles.SENCO, establishment=area["oak"])

    assert "MOVED" in _ids(oak_senco, on=dt.date(2025, 7, 1))
    assert "MOVED" not in _ids(oak_senco)
    assert "MOVED" not in _ids(UserFactory(role=roles.CLUSTER_LEAD, cluster=area["north"]))
    assert "MOVED" in _ids(UserFactory(role=roles.CLUSTER_LEAD, cluster=area["south"]))
