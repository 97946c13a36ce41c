"""Only administrators are staff, so the Django admin can never be a way round the selectors' scopes."""

import pytest
from django.db import IntegrityError, transaction

from sendreform.accounts import roles
from sendreform.accounts.models import User
from sendreform.accounts.services import user_create, user_save
from tests.factories import EstablishmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", sorted(roles.ROLES))
def test_user_create_makes_only_administrators_staff(role):
    binding = {}
    if role == roles.SENCO:
        binding["establishment"] = EstablishmentFactory()
    if role == roles.CLUSTER_LEAD:
        binding["cluster"] = EstablishmentFactory().cluster

    user = user_create(username=f"u-{role.lower()}", password="a-long-password", role=role, **binding)

    assert user.is_staff is (role == roles.ADMIN)
    assert user.is_superuser is (role == roles.ADMIN)
    assert user.check_password("a-long-password")


def test_changing_an_administrator_to_another_role_takes_away_staff_status():
    user = user_create(username="was-admin", password="a-long-password", role=roles.ADMIN)

    user.role = roles.ANALYST
    user_save(user=user)

    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_the_database_refuses_a_staff_user_who_is_not_an_administrator():
    # A savepoint, so that PostgreSQL's aborted transaction does not outlive the refused insert.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="sneaky", role=roles.OFFICER, is_staff=True)


def test_create_superuser_makes_an_administrator():
    user = User.objects.create_superuser("root", "root@example.org", "a-long-password")

    assert user.role == roles.ADMIN


@pytest.mark.parametrize("role", [r for r in roles.ROLES if r != roles.ADMIN])
def test_no_role_but_administrator_reaches_the_admin(client, role):
    binding = {"establishment": EstablishmentFactory()} if role == roles.SENCO else {}
    if role == roles.CLUSTER_LEAD:
        binding["cluster"] = EstablishmentFactory().cluster
    client.force_login(UserFactory(role=role, **binding))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/people/establishment/").status_code == 302
    # Signed in already, they are told they have no access rather than shown the sign-in page again.
    page = client.get("/admin/", follow=True)
    assert page.status_code == 403
    assert "Your role does not give you access to this page." in page.content.decode()
    assert "Sign in" not in page.content.decode().split("<main")[1]


def test_the_admin_sign_in_page_is_ours_so_the_lock_out_applies(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/admin/"


def test_an_administrator_sees_reference_data_but_no_child_records_in_the_admin(client):
    PersonFactory()
    client.force_login(UserFactory(role=roles.ADMIN))

    index = client.get("/admin/").content.decode()

    assert "Establishments" in index
    assert "Clusters" in index
    assert "Unit costs" in index
    assert "Planned places" in index
    assert "Populations" in index
    assert "Alternative provision providers" in index
    assert "Users" in index
    assert "Persons" not in index
    assert client.get("/admin/people/person/").status_code == 404


def test_an_administrator_adds_a_senco_in_the_admin_and_they_are_not_staff(client):
    oak = EstablishmentFactory(establishment_id="OAK")
    client.force_login(UserFactory(role=roles.ADMIN))

    response = client.post("/admin/accounts/user/add/", {
        "username": "new-senco", "password1": "a-long-password-1", "password2": "a-long-password-1",
        "usable_password": "true", "role": roles.SENCO, "establishment": "OAK", "cluster": "",
        "practitioner_id": "",
    })

    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new-senco")
    assert (user.role, user.establishment, user.is_staff, user.is_superuser) == (roles.SENCO, oak, False, False)
    assert user.check_password("a-long-password-1")


def test_the_admin_refuses_a_senco_without_a_setting(client):
    client.force_login(UserFactory(role=roles.ADMIN))

    response = client.post("/admin/accounts/user/add/", {
        "username": "no-setting", "password1": "a-long-password-1", "password2": "a-long-password-1",
        "usable_password": "true", "role": roles.SENCO, "establishment": "", "cluster": "", "practitioner_id": "",
    })

    assert response.status_code == 200
    assert not User.objects.filter(username="no-setting").exists()


@pytest.mark.parametrize("url", ["/admin/accounts/user/{pk}/change/", "/admin/people/establishment/add/",
                                 "/admin/people/cluster/", "/admin/inclusion/approvider/add/",
                                 "/admin/places/unitcost/add/", "/admin/places/plannedplaces/",
                                 "/admin/places/population/"])
def test_the_admin_pages_for_reference_data_open(client, url):
    admin = UserFactory(role=roles.ADMIN)
    client.force_login(admin)

    assert client.get(url.format(pk=admin.pk)).status_code == 200
