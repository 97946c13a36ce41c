"""The child search, the child's record and the settings pages, through the Django test client."""

import datetime as dt
import re

import pytest

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from sendreform.accounts.services import AUDIT_SIGN_IN
from tests.factories import (
    ClusterFactory,
    EstablishmentFactory,
    PersonFactory,
    PlacementFactory,
    SenNeedFactory,
    SenStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _reads():
    """The audit log without the sign-ins that `force_login` records."""
    return AuditEntry.objects.exclude(action=AUDIT_SIGN_IN)


def _without_csrf(html: bytes) -> bytes:
    """The page with the per-response CSRF token blanked: nothing else may differ between two 404s."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


@pytest.fixture
def oak():
    return EstablishmentFactory(establishment_id="OAK", name="Oak Primary", urn=123456,
                                cluster=ClusterFactory(cluster_id="N", name="North"))


@pytest.fixture
def amira(oak):
    child = PersonFactory(person_id="P1", forename="Amira", surname="Khan", upn="A870200024999",
                          birth_date=dt.date(2016, 3, 27))
    SenStatusFactory(person=child, establishment=oak, sen_provision="E")
    SenNeedFactory(person=child, need_type="ASD")
    PlacementFactory(person=child, establishment=oak)
    return child


@pytest.fixture
def senco_client(client, oak):
    client.force_login(UserFactory(role=roles.SENCO, establishment=oak, username="senco1"))
    return client


def test_a_senco_opens_a_child_on_their_roll_and_the_view_is_audited(senco_client, amira):
    response = senco_client.get("/children/P1/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Amira Khan</h1>' in html
    assert "Education, health and care plan" in html
    assert "Autistic spectrum disorder" in html or "ASD" in html
    assert "Oak Primary" in html
    assert '<caption class="govuk-table__caption govuk-table__caption--m">Academic year 2024/25</caption>' in html
    assert "Download the whole timeline (CSV)" in html
    entry = _reads().get()
    assert (entry.username, entry.action, entry.person_id, entry.page) == ("senco1", "view", "P1", "/children/P1/")


def test_every_view_of_a_child_writes_its_own_audit_entry(senco_client, amira):
    for _ in range(3):
        senco_client.get("/children/P1/")

    assert _reads().filter(action="view", person_id="P1").count() == 3


def test_outside_scope_and_non_existent_children_get_identical_404s(senco_client, amira):
    PersonFactory(person_id="ELSEWHERE")

    outside = senco_client.get("/children/ELSEWHERE/")
    missing = senco_client.get("/children/NOSUCH99/")

    assert outside.status_code == missing.status_code == 404
    assert _without_csrf(outside.content) == _without_csrf(missing.content)
    assert b"Page not found" in outside.content
    # And both refusals are in the audit log, though the request's own writes were rolled back
    refused = _reads().order_by("id")
    assert [(e.username, e.action, e.person_id, e.page, e.detail) for e in refused] == [
        ("senco1", "refused", "", "/children/ELSEWHERE/", "asked for child ELSEWHERE"),
        ("senco1", "refused", "", "/children/NOSUCH99/", "asked for child NOSUCH99"),
    ]


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP])
def test_board_members_and_forum_representatives_get_404_on_a_child(client, amira, role):
    client.force_login(UserFactory(role=role))

    assert client.get("/children/P1/").status_code == 404
    assert client.get("/children/P1/timeline.csv").status_code == 404


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP])
def test_board_members_and_forum_representatives_find_no_child(client, amira, role):
    client.force_login(UserFactory(role=role))

    html = client.get("/children/?text=Amira").content.decode()

    assert '<h1 class="govuk-heading-l">Find a child</h1>' in html
    assert "does not give access to individual children" in html
    assert "Amira" not in html.replace("?text=Amira", "")
    assert _reads().count() == 0


def test_the_timeline_csv_is_audited_as_a_download(senco_client, amira):
    response = senco_client.get("/children/P1/timeline.csv")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "date,academic_year,kind,summary,setting"
    assert "2024-09-01,2024/25,SEN status,Education, health and care plan recorded,Oak Primary" in \
        response.content.decode("utf-8-sig").replace('"', "")
    assert _reads().get().action == "export"


def test_search_by_name_shows_a_results_table_with_links(senco_client, amira):
    html = senco_client.get("/children/?text=amira").content.decode()

    assert '<caption class="govuk-table__caption govuk-table__caption--m">Children found</caption>' in html
    assert '<a class="govuk-link" href="/children/P1/">Khan, Amira</a>' in html
    assert "27 March 2016" in html
    assert _reads().get().action == "search"


def test_search_by_date_of_birth(senco_client, amira):
    html = senco_client.get("/children/?birth_date_day=27&birth_date_month=3&birth_date_year=2016").content.decode()

    assert "Khan, Amira" in html


def test_an_empty_search_asks_for_something_to_search_by(senco_client, amira):
    html = senco_client.get("/children/?text=&birth_date_day=&birth_date_month=&birth_date_year=").content.decode()

    assert "<title>Error: Find a child" in html
    assert '<a href="#id_text">Enter a name, a unique pupil number or a date of birth</a>' in html
    assert "govuk-form-group--error" in html
    assert _reads().count() == 0


@pytest.mark.parametrize(("day", "month", "year", "message"), [
    ("31", "2", "2016", "Date of birth must be a real date"),
    ("12", "", "2016", "Date of birth must include a month"),
    ("", "", "2016", "Date of birth must include a day and a month"),
    ("1", "1", "2999", "Date of birth must be in the past"),
    ("a", "b", "c", "Date of birth must be a real date"),
])
def test_a_bad_date_of_birth_is_named_in_the_error_summary(senco_client, day, month, year, message):
    html = senco_client.get(
        f"/children/?birth_date_day={day}&birth_date_month={month}&birth_date_year={year}").content.decode()

    assert f'<a href="#id_birth_date_day">{message}</a>' in html


def test_the_settings_list_filters_and_downloads_as_csv(client, oak):
    EstablishmentFactory(establishment_id="HILL", name="Hill Secondary", phase="SECONDARY", urn=654321,
                         cluster=None)
    client.force_login(UserFactory(role=roles.PCF_REP))

    page = client.get("/settings/?phase=SECONDARY&kind=&cluster=").content.decode()
    csv = client.get("/settings.csv?phase=SECONDARY").content.decode("utf-8-sig").splitlines()

    assert '<h1 class="govuk-heading-l">Settings</h1>' in page
    assert "Hill Secondary" in page and "Oak Primary" not in page
    assert 'href="/settings.csv?phase=SECONDARY&amp;kind=&amp;cluster="' in page
    assert csv == ["Name,URN,Phase,Kind,Funding,Cluster,In the local area",
                   "Hill Secondary,654321,Secondary,Mainstream school,Local authority maintained,,true"]


def test_a_senco_sees_their_settings_cohort_and_the_read_is_audited(senco_client, amira):
    html = senco_client.get("/settings/OAK/").content.decode()

    assert '<h1 class="govuk-heading-l">Oak Primary</h1>' in html
    assert "Children on roll you can see" in html
    assert "Khan, Amira" in html
    assert _reads().get().action == "cohort"
    csv = senco_client.get("/settings/OAK/children.csv").content.decode("utf-8-sig")
    assert "Khan, Amira" in csv
    assert _reads().filter(action="export").count() == 1


def test_a_board_member_sees_a_settings_details_but_no_children(client, amira):
    client.force_login(UserFactory(role=roles.BOARD_MEMBER))

    html = client.get("/settings/OAK/").content.decode()

    assert "123456" in html
    assert "Amira" not in html
    assert "does not give access to the children" in html
    assert client.get("/settings/OAK/children.csv").status_code == 403
    assert _reads().count() == 0


def test_an_unknown_setting_is_not_found(client):
    client.force_login(UserFactory(role=roles.OFFICER))

    assert client.get("/settings/NOPE/").status_code == 404


def test_the_search_hint_offers_a_first_name_on_the_users_roll(senco_client, oak, amira):
    # It offered "Amira Khan", who is not in the demo; now the most common first name the user can find, once
    # more than five children share it (so the hint never points at one child).
    for n in range(6):
        SenStatusFactory(person=PersonFactory(forename="Olivia", surname=f"Ashby{n}"), establishment=oak)
    PersonFactory(forename="Zara")  # outside the roll: never offered
    page = senco_client.get("/children/").content.decode()
    assert "For example, Olivia, a first name and surname, or a UPN like A123456789012" in page
    assert "Amira Khan" not in page
