"""Each role's home page and the shell around every page: header, navigation by role, phase banner, footer."""

import pytest

from sendreform.accounts import roles
from tests.factories import (
    ClusterFactory,
    EahInvolvementFactory,
    EahReferralFactory,
    EhcPlanFactory,
    EstablishmentFactory,
    PersonFactory,
    SenStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _user(role):
    if role == roles.SENCO:
        return UserFactory(role=role, establishment=EstablishmentFactory(name="Oak Primary"))
    if role == roles.CLUSTER_LEAD:
        return UserFactory(role=role, cluster=ClusterFactory(name="North"))
    if role in (roles.EAH_PRACTITIONER, roles.HEALTH):
        return UserFactory(role=role, practitioner_id="870-EAH01")
    return UserFactory(role=role)


@pytest.mark.parametrize("role", sorted(roles.ROLES))
def test_each_role_has_a_home_page_that_says_whose_it_is(client, role):
    client.force_login(_user(role))

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{roles.ROLES[role]}: your home page</h1>' in html
    assert '<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">' in html
    assert 'class="govuk-generic-header__homepage-link">sendreform</a>' in html
    assert "Reading local area SEND partnership" in html
    assert "govuk-phase-banner" in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert "govuk-footer" in html
    assert '<script type="module" src="/static/app/init.js"></script>' in html
    assert "govuk-crest" not in html and "Crown copyright" not in html


@pytest.mark.parametrize(("role", "find_a_child", "audit_log"), [
    (roles.OFFICER, True, False),
    (roles.SENCO, True, False),
    (roles.HEALTH, True, False),
    (roles.BOARD_MEMBER, False, False),
    (roles.PCF_REP, False, False),
    (roles.ADMIN, True, True),
])
def test_the_service_navigation_offers_only_what_the_role_can_use(client, role, find_a_child, audit_log):
    client.force_login(_user(role))

    html = client.get("/").content.decode()

    assert ('href="/children/"' in html) is find_a_child
    assert ('href="/audit-log/"' in html) is audit_log
    assert 'href="/settings/"' in html
    assert 'aria-current="page"' in html
    assert '<form method="post" action="/sign-out/"' in html


def test_a_senco_home_counts_their_roll_and_links_to_their_setting(client):
    oak = EstablishmentFactory(establishment_id="OAK", name="Oak Primary")
    SenStatusFactory(establishment=oak, sen_provision="E")
    SenStatusFactory(establishment=oak, sen_provision="K")
    SenStatusFactory(establishment=oak, sen_provision="K")
    SenStatusFactory(sen_provision="E")
    client.force_login(UserFactory(role=roles.SENCO, establishment=oak))

    html = client.get("/").content.decode()

    assert '<span class="app-figure__value">3</span> children on your roll' in html
    assert '<span class="app-figure__value">1</span> with an EHC plan' in html
    assert '<span class="app-figure__value">2</span> on SEN support' in html
    assert 'href="/settings/OAK/">Children at Oak Primary</a>' in html


def test_a_practitioner_home_counts_their_caseload(client):
    EahInvolvementFactory(practitioner_id="870-EAH01")
    EahInvolvementFactory(practitioner_id="870-EAH02")
    client.force_login(UserFactory(role=roles.EAH_PRACTITIONER, practitioner_id="870-EAH01"))

    html = client.get("/").content.decode()

    assert '<span class="app-figure__value">1</span> children on your caseload' in html


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP])
def test_board_and_forum_homes_show_area_totals_with_small_numbers_suppressed(client, role):
    for _ in range(3):
        EhcPlanFactory()
    for _ in range(7):
        EahReferralFactory()
    PersonFactory(forename="Zebedee")
    client.force_login(UserFactory(role=role))

    html = client.get("/").content.decode()

    assert '<span class="app-figure__value">c</span> open EHC plans in the local area' in html
    assert '<span class="app-figure__value">7</span> open Experts at Hand referrals' in html
    assert "Zebedee" not in html
    assert "Figures of 1 to 5 are shown as c" in html


def test_an_officer_home_shows_whole_area_figures_unsuppressed(client):
    for _ in range(3):
        EhcPlanFactory()
    client.force_login(UserFactory(role=roles.OFFICER))

    html = client.get("/").content.decode()

    assert '<span class="app-figure__value">3</span> open EHC plans' in html


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"


def test_an_unknown_address_gets_the_gov_uk_404_page(client):
    client.force_login(UserFactory())

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.content.decode()


def test_the_500_page_renders_without_a_request(rf):
    from sendreform.web.views import server_error

    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
