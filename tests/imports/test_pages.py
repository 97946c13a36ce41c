""""Bring in data": an officer uploads a SEN2 file, sees its report and preview (each view audited), confirms
creating the settings it names, imports it, and reverses it; a file with errors names the person, line and
rule and stores nothing; the return is written from the database; other roles are refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from sendreform.accounts.services import AUDIT_EXPORT, AUDIT_IMPORT_READ
from sendreform.imports.models import APPLIED, CHECKED, PREVIEWED, REVERSED, ImportRun
from sendreform.people.models import Person
from sendreform.statutory.models import EhcPlan
from tests.factories import UserFactory
from tests.sen2.test_import import _area, _empty, _export

pytestmark = pytest.mark.django_db

HOME = "/data/"


@pytest.fixture(autouse=True)
def _kept_files(settings, tmp_path):
    settings.SENDREFORM_IMPORT_DIR = str(tmp_path / "imports")


def _upload(data: bytes, name="sen2_2026.xml"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


def _officer(client):
    user = UserFactory(role=roles.OFFICER, username="olu")
    client.force_login(user)
    return user


def test_an_officer_checks_previews_confirms_and_reverses_a_sen2_file(client, tmp_path):
    _area()
    data = _export()
    _empty()
    _officer(client)

    response = client.post(HOME, {"file": _upload(data)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/imports/{run.pk}/"
    assert run.status == PREVIEWED and not Person._base_manager.exists()

    page = client.get(response["Location"]).content.decode()
    assert "Check what sen2_2026.xml would change" in page
    assert "0 matched a child or young person already stored" in page and "6 new" in page
    assert "URN 100001 (1 placement)" in page and "Create these settings and preview again" in page
    assert "Import the file" not in page  # unknown settings block the import
    assert AuditEntry.objects.filter(action=AUDIT_IMPORT_READ, username="olu").count() == 1

    client.post(f"/data/imports/{run.pk}/confirm/", {"action": "create"})
    page = client.get(f"/data/imports/{run.pk}/").content.decode()
    assert "They will be created as out-of-area independent settings" in page and "Import the file" in page
    assert not Person._base_manager.exists()

    response = client.post(f"/data/imports/{run.pk}/confirm/", {"action": "apply"}, follow=True)
    assert "sen2_2026.xml imported: 28 rows added, changed or closed." in response.content.decode()
    run.refresh_from_db()
    # 6 people, 5 requests, 3 assessments, 4 plans, 3 placements, 4 needs, 1 review and 2 settings
    assert run.status == APPLIED and Person._base_manager.count() == 6 and EhcPlan.objects.count() == 4
    assert not any((tmp_path / "imports").iterdir())  # the file is not kept once applied
    home = client.get(HOME).content.decode()
    assert "Last loaded" in home and "by olu from sen2_2026.xml" in home and "Reverse the last import" in home

    page = client.get(f"/data/imports/{run.pk}/reverse/").content.decode()
    assert "Reversing puts back the 28 rows this import added, changed or closed" in page
    client.post(f"/data/imports/{run.pk}/reverse/")
    run.refresh_from_db()
    assert run.status == REVERSED and not Person._base_manager.exists()


def test_a_file_with_errors_shows_its_report_and_stores_nothing(client):
    _area()
    data = _export().replace(b"<UPN>D870200024001</UPN>", b"<UPN>A870200024001</UPN>")
    _empty()
    _officer(client)
    response = client.post(HOME, {"file": _upload(data, "bad.xml")}, follow=True)
    page = response.content.decode()
    assert "bad.xml cannot be imported" in page and "UPN_CHECK_LETTER" in page
    assert "The UPN&#x27;s check letter should be D, not A" in page
    run = ImportRun.objects.get()
    assert run.status == CHECKED and run.errors == 1 and not Person._base_manager.exists()
    report = client.get(f"/data/imports/{run.pk}/report.csv").content.decode()
    assert report.splitlines()[0] == "line,severity,rule,person,path,value,message"
    assert "UPN_CHECK_LETTER" in report and "Adeyemi" in report
    assert client.post(f"/data/imports/{run.pk}/confirm/", {"action": "apply"}).status_code == 302
    assert not Person._base_manager.exists()


def test_a_file_that_is_not_xml_is_refused_on_the_form(client):
    _officer(client)
    response = client.post(HOME, {"file": _upload(b"a,b\n1,2\n", "return.csv")})
    assert response.status_code == 400
    assert "The selected file must be a SEN2 XML file" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_return_is_written_from_the_database_and_its_download_audited(client):
    _area()
    _officer(client)
    page = client.get("/data/sen2/export/", {"year": "2026"}).content.decode()
    assert "sen2_2026.xml: SEN2 collection year 2026, 6 people read; 0 errors" in page
    response = client.get("/data/sen2/export/sen2_2026.xml")
    assert response["Content-Disposition"] == 'attachment; filename="sen2_2026.xml"'
    assert b"<UPN>D870200024001</UPN>" in response.content
    assert AuditEntry.objects.get(action=AUDIT_EXPORT).detail == "SEN2 2026 return: 6 people"


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.EAH_LEAD, roles.PCF_REP, roles.HEALTH])
def test_other_roles_cannot_bring_data_in(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(HOME).status_code == 403
    assert client.get("/data/sen2/export/sen2_2026.xml").status_code == 403


@pytest.mark.parametrize(("role", "offered"), [(roles.OFFICER, True), (roles.ANALYST, True), (roles.ADMIN, True),
                                               (roles.HEALTH, False), (roles.BOARD_MEMBER, False)])
def test_bring_in_data_is_in_the_navigation_of_those_who_may(client, role, offered):
    client.force_login(UserFactory(role=role))
    assert ('href="/data/"' in client.get("/").content.decode()) is offered
