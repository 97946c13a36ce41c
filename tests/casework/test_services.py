"""The casework services worked through a whole request and a review, with the canonical rows each step writes,
the clock against dates worked on a calendar, and who may do what."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from sendreform.casework import selectors, services
from sendreform.casework.models import Case, CaseAllocation, EhcAdvice
from sendreform.people.models import SenStatus
from sendreform.people.selectors import children_visible_to
from sendreform.standards import ehc_clock
from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest
from tests.factories import EhcPlanFactory, PersonFactory

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def _request(senco, pupil, received="2026-01-03"):
    return services.request_create(by=senco, person=pupil, received_date=D(received), request_source=1,
                                   evidence="Two cycles of assess, plan, do, review; SALT advice followed.",
                                   consent_given=True)


def test_a_senco_request_worked_to_the_final_plan_writes_the_canonical_tables(
        senco, pupil, caseworker, manager, health, other_school, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://send.reading.example"
    # Given a SENCo's request received on Saturday 3 January 2026
    case = _request(senco, pupil)
    request = EhcRequest.objects.get(pk=case.request_id)
    assert (request.request_source, request.outcome, request.received_date) == (2, "A", D("2026-01-03"))
    assert case.setting == senco.establishment and case.consent_date == D("2026-01-03")
    # When the team manager allocates it, the caseworker decides to assess on Monday 16 February (2 days late)
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_allocate(case_id=case.pk, version=case.version, officer=caseworker, by=manager,
                                      on=D("2026-01-05"))
    # an email to the officer with an absolute link made from the configured site address
    assert mail.outbox[-1].to == ["cara@example.org"]
    assert f"https://send.reading.example/casework/cases/{case.reference}/" in mail.outbox[-1].body
    case = services.request_decide(case_id=case.pk, version=case.version, assess=True,
                                   decision_date=D("2026-02-16"), reason="", by=caseworker)
    # ... asks health for advice on 16 February (due 30 March); Hannah answers on 27 March
    with django_capture_on_commit_callbacks(execute=True):
        advice = services.advice_request(case_id=case.pk, advice_type="HEALTH", addressee="", addressed_to=health,
                                         requested_date=D("2026-02-16"), question="Speech and language",
                                         by=caseworker)
    assert mail.outbox[-1].to == ["hannah@example.org"] and "due by 30 March 2026" in mail.outbox[-1].body
    assert children_visible_to(user=health).filter(pk=pupil.pk).exists()
    services.advice_answer(advice_id=advice.pk, version=0, received_date=D("2026-03-27"),
                           response="Needs weekly SALT.", by=health)
    assert not children_visible_to(user=health).filter(pk=pupil.pk).exists()  # answered: out of her scope
    # ... issues the draft on 20 April, consulting Riverside (which answers on 6 May, a day late), and the final
    # plan on Friday 22 May, the day before the 20 weeks run out (23 May)
    case = Case.objects.get(pk=case.pk)
    case = services.draft_issue(case_id=case.pk, version=case.version, draft_date=D("2026-04-20"),
                                settings_consulted=[(other_school, True)], by=caseworker)
    consultation = case.consultations.get()
    services.consultation_answer(consultation_id=consultation.pk, response="AGREE", response_date=D("2026-05-06"),
                                 by=caseworker)
    case = Case.objects.get(pk=case.pk)
    plan = services.plan_finalise(case_id=case.pk, version=case.version, issue_date=D("2026-05-22"), by=caseworker)
    # Then the canonical rows are those of a plan issued within 20 weeks
    request.refresh_from_db()
    assert (request.outcome, request.outcome_date) == ("Y", D("2026-02-16"))
    assessment = EhcAssessment.objects.get(request=request)
    assert (assessment.outcome, assessment.outcome_date, assessment.week20_exception) == \
        ("Y", D("2026-05-22"), False)
    assert (plan.person, plan.assessment, plan.start_date) == (pupil, assessment, D("2026-05-22"))
    assert EhcAdvice.objects.get().received_date == D("2026-03-27")
    statuses = list(SenStatus.objects.filter(person=pupil).order_by("start_date").values_list(
        "sen_provision", "start_date", "end_date"))
    assert statuses == [("K", D("2021-09-01"), D("2026-05-21")), ("E", D("2026-05-22"), None)]
    assert CaseAllocation.objects.get().end_date == D("2026-05-22")
    # And the clock says which steps were on time, against the hand-worked dates
    case = selectors.case_get(user=caseworker, reference=case.reference, page="/t")
    clock = selectors.case_clock(case, today=D("2026-06-01"))
    assert [(s.key, s.due, s.status(clock.today)) for s in clock.steps] == [
        ("decision", D("2026-02-14"), ehc_clock.LATE),
        ("advice:1", D("2026-03-30"), ehc_clock.ON_TIME),
        ("consultation", D("2026-05-05"), ehc_clock.LATE),
        ("draft", None, ehc_clock.ON_TIME),
        ("final_plan", D("2026-05-23"), ehc_clock.ON_TIME),
    ]
    assert case.stage == "FINAL" and clock.next_deadline() is None


def test_a_refusal_needs_its_reason_and_closes_the_case(senco, pupil, caseworker):
    case = _request(senco, pupil)
    with pytest.raises(ValidationError) as error:
        services.request_decide(case_id=case.pk, version=case.version, assess=False,
                                decision_date=D("2026-02-10"), reason=" ", by=caseworker)
    assert "reason" in error.value.message_dict
    case = services.request_decide(case_id=case.pk, version=case.version, assess=False,
                                   decision_date=D("2026-02-10"), reason="Needs met at SEN support.", by=caseworker)
    assert (case.stage, case.closed_date) == ("REFUSED", D("2026-02-10"))
    assert EhcRequest.objects.get(pk=case.request_id).outcome == "N"
    assert not EhcAssessment.objects.exists()


def test_two_officers_deciding_at_once_the_second_is_told_and_nothing_of_it_is_written(senco, pupil, caseworker):
    case = _request(senco, pupil)
    shown = case.version
    services.request_decide(case_id=case.pk, version=shown, assess=True, decision_date=D("2026-02-10"), reason="",
                            by=caseworker)
    with pytest.raises(services.CaseChanged) as error:
        services.request_decide(case_id=case.pk, version=shown, assess=False, decision_date=D("2026-02-11"),
                                reason="No", by=caseworker)
    # the stage check or the version check: either way nothing of the second decision is written
    assert EhcRequest.objects.get(pk=case.request_id).outcome_date == D("2026-02-10")
    assert error.value.current.stage == "ASSESSING"


def test_a_week_20_exception_is_recorded_on_the_assessment_and_shown_on_the_clock(senco, pupil, caseworker):
    case = _request(senco, pupil)
    case = services.request_decide(case_id=case.pk, version=case.version, assess=True,
                                   decision_date=D("2026-02-10"), reason="", by=caseworker)
    with pytest.raises(ValidationError):  # not one of the exceptions to the decision's time limit
        services.clock_exception_record(case_id=case.pk, step="decision", reason="MISSED_APPOINTMENT", note="x",
                                        by=caseworker)
    services.clock_exception_record(case_id=case.pk, step="final_plan", reason="PERSONAL_CIRCUMSTANCES",
                                    note="Parent in hospital 1-30 April 2026", by=caseworker)
    case = Case.objects.get(pk=case.pk)
    case = services.draft_issue(case_id=case.pk, version=case.version, draft_date=D("2026-05-01"),
                                settings_consulted=[], by=caseworker)
    services.plan_finalise(case_id=case.pk, version=case.version, issue_date=D("2026-06-15"), by=caseworker)
    assert EhcAssessment.objects.get().week20_exception is True
    case = selectors.case_get(user=caseworker, reference=case.reference, page="/t")
    final = selectors.case_clock(case, today=D("2026-07-01")).steps[-1]
    assert final.status(D("2026-07-01")) == ehc_clock.EXCEPTION  # 15 June is after 23 May, but excused
    assert "regulation 13(3)" in final.exception_reason


def test_who_may_do_what(senco, pupil, caseworker, health, school):
    # A SENCo asks only for pupils on the roll; only the SEND team decides; a health practitioner answers only
    # what was asked of them
    stranger = PersonFactory()
    with pytest.raises(PermissionDenied):
        _request(senco, stranger)
    case = _request(senco, pupil)
    with pytest.raises(PermissionDenied):
        services.request_decide(case_id=case.pk, version=case.version, assess=True, decision_date=D("2026-02-10"),
                                reason="", by=senco)
    with pytest.raises(ValidationError, match="already has a request"):
        _request(senco, pupil, received="2026-01-10")
    case = services.request_decide(case_id=case.pk, version=case.version, assess=True,
                                   decision_date=D("2026-02-10"), reason="", by=caseworker)
    advice = services.advice_request(case_id=case.pk, advice_type="EP", addressee="Educational psychology",
                                     requested_date=D("2026-02-10"), by=caseworker)
    with pytest.raises(PermissionDenied):
        services.advice_answer(advice_id=advice.pk, version=0, received_date=D("2026-03-01"), response="x",
                               by=health)
    assert not children_visible_to(user=health).exists()


def test_an_annual_review_with_a_phase_transfer(senco, pupil, caseworker):
    # A plan issued 10 March 2025 for a year-6 pupil: review due 10 March 2026, transfer deadline 15 Feb 2026
    plan = EhcPlanFactory(person=pupil, start_date=D("2025-03-10"))
    case = services.review_start(plan=plan, by=senco, phase_transfer=True, on=D("2025-11-03"))
    assert (case.review_from, case.phase_transfer_due) == (D("2025-03-10"), D("2026-02-15"))
    review = services.review_meeting_record(case_id=case.pk, version=case.version, meeting_date=D("2026-01-16"),
                                            by=senco)
    assert review.phase_transfer is True
    case = Case.objects.get(pk=case.pk)
    with pytest.raises(ValidationError) as error:
        services.review_decide(case_id=case.pk, version=case.version, outcome="C", decision_date=D("2026-02-12"),
                               by=caseworker)
    assert "cease_reason" in error.value.message_dict
    services.review_decide(case_id=case.pk, version=case.version, outcome="A", decision_date=D("2026-02-12"),
                           by=caseworker)
    review = AnnualReview.objects.get()
    assert (review.outcome, review.decision_date) == ("A", D("2026-02-12"))
    case = selectors.case_get(user=caseworker, reference=case.reference, page="/t")
    clock = selectors.case_clock(case, today=D("2026-03-01"))
    # decision due 13 February (four weeks from Friday 16 January): on time, and by the 15 February deadline
    assert [(s.due, s.status(clock.today)) for s in clock.steps] == [
        (D("2026-03-10"), ehc_clock.ON_TIME), (D("2026-02-13"), ehc_clock.ON_TIME),
        (D("2026-02-15"), ehc_clock.ON_TIME)]
    assert EhcPlan.objects.get().cease_date is None


def test_documents_are_checked_by_their_bytes_and_size(senco, pupil, caseworker):
    case = _request(senco, pupil)
    with pytest.raises(ValidationError, match="report.pdf is not a PDF file"):
        services.document_add(case_id=case.pk, kind="EVIDENCE", name="report.pdf", content=b"MZ\x90\x00", by=senco)
    with pytest.raises(ValidationError, match="must be a PDF, Word"):
        services.document_add(case_id=case.pk, kind="EVIDENCE", name="run.exe", content=b"MZ", by=senco)
    too_big = b"%PDF-1.7\n" + b"0" * services.DOCUMENT_MAX_BYTES
    with pytest.raises(ValidationError, match="smaller than 8 MB"):
        services.document_add(case_id=case.pk, kind="EVIDENCE", name="big.pdf", content=too_big, by=senco)
    document = services.document_add(case_id=case.pk, kind="EVIDENCE", name="C:\\docs\\plan.pdf",
                                     content=b"%PDF-1.7\n%%EOF", by=senco)
    assert (document.name, document.content_type, document.size) == ("plan.pdf", "application/pdf", 14)
