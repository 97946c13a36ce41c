"""Demo users: one per role, bound to the largest primary, the largest cluster and the busiest practitioner."""

import datetime as dt

import pytest

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.accounts.services import demo_users_ensure
from tests.factories import (
    ClusterFactory,
    EahInvolvementFactory,
    EstablishmentFactory,
    PlacementFactory,
    SenStatusFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    big_cluster, small_cluster = ClusterFactory(name="North"), ClusterFactory(name="South")
    small = EstablishmentFactory(name="Small Primary", cluster=small_cluster)
    large = EstablishmentFactory(name="Large Primary", cluster=big_cluster)
    EstablishmentFactory(name="North Secondary", phase="SECONDARY", cluster=big_cluster)
    out_of_area = EstablishmentFactory(name="Far Primary", in_area=False, cluster=small_cluster)
    SenStatusFactory(establishment=small)
    for _ in range(2):
        SenStatusFactory(establishment=large)
    PlacementFactory(establishment=large)
    for _ in range(5):
        SenStatusFactory(establishment=out_of_area)
    EahInvolvementFactory(practitioner_id="870-EAH01")
    EahInvolvementFactory(practitioner_id="870-EAH02")
    EahInvolvementFactory(practitioner_id="870-EAH02")
    EahInvolvementFactory(practitioner_id="870-EAH03", end_date=dt.date(2025, 1, 1))
    EahInvolvementFactory(practitioner_id="870-EAH03", end_date=dt.date(2025, 1, 1))
    EahInvolvementFactory(practitioner_id="870-EAH03", end_date=dt.date(2025, 1, 1))
    EahInvolvementFactory(practitioner_id="870-EAH05", discipline="SALT")
    return {"large": large, "north": big_cluster}


def test_one_user_per_role_each_bound_as_the_brief_says(area):
    printed = demo_users_ensure(password="a-demo-password")

    assert sorted(u["role"] for u in printed) == sorted(roles.ROLES)
    by_name = {u["username"]: u for u in printed}
    assert set(by_name) == {"officer", "analyst", "eah-lead", "practitioner", "senco", "cluster-lead", "health",
                            "board", "pcf", "admin", "regional", "caseworker", "team-manager"}
    assert by_name["senco"]["bound_to"] == "Large Primary"
    assert by_name["cluster-lead"]["bound_to"] == "North"
    assert by_name["practitioner"]["bound_to"] == "practitioner 870-EAH02"
    # Each their own caseload (they shared 870-EAH02): health an NHS therapist's, in a health discipline.
    assert by_name["health"]["bound_to"] == "practitioner 870-EAH05"
    assert by_name["pcf"]["role_label"] == "Parent carer forum representative"
    assert User.objects.get(username="admin").is_staff
    assert not User.objects.get(username="officer").is_staff
    assert User.objects.get(username="board").check_password("a-demo-password")


def test_running_it_again_never_changes_an_existing_account_and_says_which_it_made(area):
    # Given the demo users exist, and an administrator then gave admin a password of their own
    demo_users_ensure(password="first-password")
    admin = User.objects.get(username="admin")
    admin.set_password("an-administrators-own-secret")
    admin.save()
    User.objects.get(username="pcf").delete()

    # When the demo runs again with the public password
    printed = {u["username"]: u for u in demo_users_ensure()}

    # Then admin keeps its own password, and only the missing user is made (with the password shown)
    admin.refresh_from_db()
    assert admin.check_password("an-administrators-own-secret")
    assert not admin.check_password("sendreform-demo-2026")
    assert User.objects.get(username="officer").check_password("first-password")
    assert User.objects.get(username="pcf").check_password("sendreform-demo-2026")
    assert User.objects.count() == len(roles.ROLES)
    assert [name for name, u in printed.items() if u["created"]] == ["pcf"]
    assert printed["pcf"]["password"] == "sendreform-demo-2026"
    assert printed["admin"]["password"] == ""


def test_an_existing_account_named_like_a_demo_user_keeps_its_role_and_password():
    from tests.factories import PASSWORD, UserFactory

    UserFactory(username="officer", role=roles.BOARD_MEMBER)

    printed = {u["username"]: u for u in demo_users_ensure()}

    officer = User.objects.get(username="officer")
    assert (officer.role, officer.check_password(PASSWORD)) == (roles.BOARD_MEMBER, True)
    assert printed["officer"] == {"username": "officer", "password": "", "created": False,
                                  "role": roles.BOARD_MEMBER, "role_label": "Board member", "bound_to": ""}


def test_a_password_too_short_for_the_rules_is_refused_before_any_user_is_made(area):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12 characters"):
        demo_users_ensure(password="short-pw")
    assert not User.objects.exists()


def test_without_any_settings_the_roles_that_need_one_are_left_out():
    printed = demo_users_ensure()

    assert {u["username"] for u in printed} == {"officer", "analyst", "eah-lead", "practitioner", "health",
                                                "board", "pcf", "admin", "regional", "caseworker",
                                                "team-manager"}
