"""The casework pages as people use them: the caseload with its deadlines and filters, the team's allocation,
the case page and its clock, the child's record as a place to act, the SENCo's request, the health
practitioner's advice, documents, and the second of two officers told what changed. Every read is audited."""

import datetime as dt

import pytest
from django.test import Client

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from sendreform.casework import services
from sendreform.casework.models import Case, CaseDocument
from tests.factories import EhcPlanFactory, PersonFactory, PlacementFactory, SenNeedFactory, UserFactory

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


@pytest.fixture
def cases(senco, pupil, caseworker, school, other_school):
    """Amira's request (received 3 January 2026, still awaiting a decision: 6 weeks ran out on 14 February) on
    Cara's caseload, and Ben's (received 1 December 2026) at another school, unallocated."""
    amira = services.request_create(by=senco, person=pupil, received_date=D("2026-01-03"), request_source=2,
                                    evidence="Two review cycles.", consent_given=True, officer=caseworker)
    ben = PersonFactory(forename="Ben", surname="Adams")
    PlacementFactory(person=ben, establishment=other_school, start_date=D("2024-09-01"))
    SenNeedFactory(person=ben, need_type="ASD", need_rank=1, start_date=D("2024-09-01"), end_date=None)
    ben_case = services.request_create(by=caseworker, person=ben, received_date=D("2026-12-01"), request_source=1,
                                       evidence="", consent_given=False)
    return {"amira": amira, "ben": ben_case}


def test_my_caseload_shows_each_case_with_its_next_deadline_and_audits_each_child(cases, caseworker, settings):
    response = _client(caseworker).get("/casework/")
    html = response.content.decode()
    assert response.status_code == 200
    # Only Cara's own case: Amira's decision was due Saturday 14 February 2026, long over
    assert cases["amira"].reference in html and cases["ben"].reference not in html
    assert "Decision whether to assess: Sat 14 Feb 2026" in html
    assert AuditEntry.objects.filter(user=caseworker, action="cohort", person_id=cases["amira"].person_id).exists()


def test_the_team_view_filters_and_shows_each_officers_load(cases, manager, caseworker):
    client = _client(manager)
    html = client.get("/casework/team/").content.decode()
    assert cases["amira"].reference in html and cases["ben"].reference in html
    assert "Unallocated" in html
    # Filtered by primary need: only Ben's case (autism); by overdue: only Amira's
    html = client.get("/casework/team/?need=ASD").content.decode()
    assert cases["ben"].reference in html and cases["amira"].reference not in html
    html = client.get("/casework/team/?due=overdue").content.decode()
    assert cases["amira"].reference in html and cases["ben"].reference not in html


def test_a_manager_allocates_and_the_second_of_two_is_told_what_changed(cases, manager, caseworker):
    other = UserFactory(username="olu", role=roles.CASEWORKER, first_name="Olu", last_name="Adeyemi")
    case = cases["ben"]
    url = f"/casework/cases/{case.reference}/allocate/"
    client = _client(manager)
    assert client.post(url, {"version": case.version, "officer": caseworker.pk}).status_code == 302
    response = client.post(url, {"version": case.version, "officer": other.pk})  # shown before the first save
    assert response.status_code == 409
    assert "changed this case while you were editing it" in response.content.decode()
    assert Case.objects.get(pk=case.pk).officer == caseworker
    assert _client(caseworker).get(url).status_code == 403  # only a manager allocates


def test_the_decision_form_shows_an_error_summary_and_saves_nothing(cases, caseworker):
    case = cases["amira"]
    url = f"/casework/cases/{case.reference}/decide/"
    response = _client(caseworker).post(url, {"version": case.version, "assess": "no",
                                              **_date("decision_date", D("2026-02-10")), "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter why the local authority decided not to assess" in html
    assert Case.objects.get(pk=case.pk).stage == "REQUESTED"


def test_the_case_page_draws_the_clock_and_who_may_see_it(cases, caseworker, senco, school):
    case = cases["amira"]
    html = _client(caseworker).get(f"/casework/cases/{case.reference}/").content.decode()
    assert "Statutory date: <strong>Sat 14 Feb 2026</strong>" in html and "Overdue" in html
    assert "Statutory date: <strong>Sat 23 May 2026</strong>" in html  # the final plan, 20 weeks
    # The SENCo of Amira's school sees her case; another school's SENCo, a board member do not
    assert _client(senco).get(f"/casework/cases/{case.reference}/").status_code == 200
    stranger = UserFactory(senco=True)
    assert _client(stranger).get(f"/casework/cases/{case.reference}/").status_code == 404
    assert _client(UserFactory(role=roles.BOARD_MEMBER)).get(f"/casework/cases/{case.reference}/").status_code == 404
    assert _client(UserFactory(role=roles.BOARD_MEMBER)).get("/casework/").status_code == 403


def test_a_senco_requests_an_assessment_from_the_childs_record(senco, pupil):
    client = _client(senco)
    record = client.get(f"/children/{pupil.person_id}/").content.decode()
    assert "Request an assessment" in record and "Refer to Experts at Hand" in record
    url = f"/casework/children/{pupil.person_id}/request/"
    response = client.post(url, {**_date("received_date", D("2026-11-02")), "evidence": ""})
    html = response.content.decode()
    assert "There is a problem" in html and "Enter what the setting has done" in html
    assert "needs the consent" in html
    response = client.post(url, {**_date("received_date", D("2026-11-02")), "evidence": "SALT since Year 4",
                                 "consent_given": "on"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/casework/cases/{case.reference}/"
    assert case.request.request_source == 2 and case.setting == senco.establishment


def test_a_health_practitioner_answers_the_advice_asked_of_them(cases, caseworker, health):
    case = services.request_decide(case_id=cases["amira"].pk, version=cases["amira"].version, assess=True,
                                   decision_date=D("2026-02-16"), reason="", by=caseworker)
    advice = services.advice_request(case_id=case.pk, advice_type="HEALTH", addressee="", addressed_to=health,
                                     requested_date=D("2026-02-16"), by=caseworker)
    client = _client(health)
    html = client.get("/casework/advice/").content.decode()
    assert "Amira Khan" in html and "Mon 30 Mar 2026" in html
    response = client.post(f"/casework/advice/{advice.pk}/", {"version": 0, **_date("received_date", D("2026-03-27")),
                                                               "response": "Weekly speech and language therapy."})
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.received_date == D("2026-03-27")
    assert "Amira Khan" not in client.get("/casework/advice/").content.decode()


def test_a_document_is_uploaded_checked_and_every_download_audited(cases, caseworker):
    case = cases["amira"]
    client = _client(caseworker)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("evidence.pdf", b"not a pdf", content_type="application/pdf")
    response = client.post(f"/casework/cases/{case.reference}/documents/", {"kind": "EVIDENCE", "upload": bad})
    assert "evidence.pdf is not a PDF file" in response.content.decode() and not CaseDocument.objects.exists()
    good = SimpleUploadedFile("evidence.pdf", b"%PDF-1.7\n%%EOF", content_type="application/pdf")
    client.post(f"/casework/cases/{case.reference}/documents/", {"kind": "EVIDENCE", "upload": good})
    document = CaseDocument.objects.get()
    response = client.get(f"/casework/documents/{document.pk}/")
    assert response.content == b"%PDF-1.7\n%%EOF" and "attachment" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(user=caseworker, action="export", person_id=case.person_id,
                                     detail__contains="evidence.pdf").count() == 1


def test_a_review_is_started_from_the_childs_record(senco, pupil):
    plan = EhcPlanFactory(person=pupil, start_date=D("2025-03-10"))
    client = _client(senco)
    assert "Start a review" in client.get(f"/children/{pupil.person_id}/").content.decode()
    response = client.post(f"/casework/plans/{plan.plan_id}/review/", {"phase_transfer": "on"})
    case = Case.objects.get()
    assert response.status_code == 302 and case.kind == "REVIEW" and case.phase_transfer_due is not None
