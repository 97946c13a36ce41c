"""The returns page: the calendar's returns, generating 2026-Q3 as a background job, checking, a confirmed
sign-off, what board members and the parent carer forum see (signed off, suppressed), audited downloads, and
a bad returns file named by its line with nothing changed."""

import hashlib
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sendreform.accounts.models import AuditEntry
from sendreform.jobs.models import DONE, Job
from sendreform.returns.models import Return

pytestmark = pytest.mark.django_db(transaction=True)


def _quarter(client):
    client.get(reverse("returns:list"))
    return Return.objects.get(kind="quarterly", period="2026-Q3")


def test_generate_check_and_sign_off_2026_q3(small_area, users, client):
    client.force_login(users["OFFICER"])
    page = client.get(reverse("returns:list")).content.decode()
    assert "Quarterly key-metrics return 2026-Q3" in page and "30 October 2026" in page
    assert "SEN2 annual return 2027" in page and "LSRP data template 2026-27" in page
    ret = _quarter(client)
    assert ret.status == "not_started"
    # Generating runs as a job (in this thread in tests) and lands on the return.
    response = client.post(reverse("returns:generate", args=[ret.pk]))
    job = Job.objects.get(kind="return")
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.status == DONE, job.error
    assert job.result_url == reverse("returns:detail", args=[ret.pk])
    ret.refresh_from_db()
    f = ret.files.get()
    assert ret.status == "draft" and f.suppressed and f.sha256 == hashlib.sha256(bytes(f.content)).hexdigest()
    assert f.snapshot_as_at.isoformat() == "2026-09-30" and f.snapshot_hash.startswith("sha256:")
    detail = client.get(reverse("returns:detail", args=[ret.pk])).content.decode()
    assert "8 to 12 since the quarter before (50%" in detail and f.sha256 in detail
    # Board members and the forum do not see a return until it is signed off.
    for role in ("BOARD_MEMBER", "PCF_REP"):
        client.force_login(users[role])
        assert "2026-Q3" not in client.get(reverse("returns:list")).content.decode()
        assert client.get(reverse("returns:detail", args=[ret.pk])).status_code == 404
        assert client.get(reverse("returns:file", args=[f.pk])).status_code == 404
        assert client.post(reverse("returns:generate", args=[ret.pk])).status_code == 403
    client.force_login(users["OFFICER"])
    # Sign-off before the check is refused; the check, then a confirmation page, then the sign-off.
    client.post(reverse("returns:sign-off", args=[ret.pk]))
    ret.refresh_from_db()
    assert ret.status == "draft"
    client.post(reverse("returns:check", args=[ret.pk]))
    confirm = client.get(reverse("returns:sign-off", args=[ret.pk])).content.decode()
    assert "Are you sure you want to sign off" in confirm and f.sha256 in confirm
    client.post(reverse("returns:sign-off", args=[ret.pk]))
    ret.refresh_from_db()
    assert (ret.status, ret.signed_off_by_name, ret.signed_off_file_id) == ("signed_off", "officer", f.pk)
    client.post(reverse("returns:submit", args=[ret.pk]))
    ret.refresh_from_db()
    assert ret.status == "submitted" and ret.submitted_by == users["OFFICER"]
    # Then the board sees it, and downloading its (suppressed) file is recorded in the audit log.
    client.force_login(users["BOARD_MEMBER"])
    assert "2026-Q3" in client.get(reverse("returns:list")).content.decode()
    download = client.get(reverse("returns:file", args=[f.pk]))
    assert load_workbook(io.BytesIO(download.content))["Key metrics"]["C6"].value == 12
    entry = AuditEntry.objects.filter(action="export").latest("at")
    assert entry.username == "board_member" and f.sha256[:16] in entry.detail


def test_a_bad_returns_file_is_named_by_its_line_and_changes_nothing(users, client, settings, tmp_path):
    bad = tmp_path / "returns.yaml"
    bad.write_text("calendar:\n  - {return: quarterly, period: 2026-Q5, due: 2026-10-30}\nindicators: {}\n",
                   encoding="utf-8")
    settings.SENDREFORM_RETURNS_LAYOUT = bad
    client.force_login(users["OFFICER"])
    page = client.get(reverse("returns:list")).content.decode()
    assert f"{bad}: line 2: calendar[0].period: &#x27;2026-Q5&#x27; is not a quarter like 2026-Q3" in page
    assert not Return.objects.exists()


def test_the_sen2_return_is_the_councils_alone(small_area, users, client):
    from lxml import etree

    from sendreform.returns import services

    client.force_login(users["OFFICER"])
    client.get(reverse("returns:list"))
    ret = Return.objects.get(kind="sen2", period="2026")
    services.return_generate_start(ret=ret, by=users["OFFICER"])
    f = ret.files.get()
    assert (f.name, f.suppressed, f.snapshot_as_at.isoformat()) == ("sen2-2026.xml", False, "2026-01-15")
    assert etree.fromstring(bytes(f.content)).tag == "Message"  # the SEN2 XML, validated as it was written
    services.return_check(ret=ret, by=users["OFFICER"])
    services.return_sign_off(ret=ret, by=users["OFFICER"])
    # Signed off, the board sees that it is, and none of its child-level file.
    client.force_login(users["BOARD_MEMBER"])
    page = client.get(reverse("returns:detail", args=[ret.pk])).content.decode()
    assert "Signed off" in page and reverse("returns:file", args=[f.pk]) not in page
    assert client.get(reverse("returns:file", args=[f.pk])).status_code == 404


def test_returns_are_offered_to_those_who_may_see_them(users, client):
    from tests.factories import UserFactory

    for role, offered in (("OFFICER", True), ("PCF_REP", True), ("BOARD_MEMBER", True), ("HEALTH", False)):
        client.force_login(users.get(role) or UserFactory(username=role.lower(), role=role))
        home = client.get("/").content.decode()
        assert ('href="/returns/"' in home) is offered, role
        assert client.get(reverse("returns:list")).status_code == (200 if offered else 403), role
