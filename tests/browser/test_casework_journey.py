"""EHC casework in a real browser, as new users would try it: a SENCo requests an assessment from the child's
record; the team manager allocates it; the caseworker decides, asks for advice (a health practitioner answers
it), issues the draft, records the setting's answer and the final plan, with the clock on time or late against
dates worked on a calendar; an annual review with a phase transfer goes through; the indicators move; and the
SEN2 return includes the new plan. Every page is checked with axe-core against WCAG 2.2 A and AA."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sendreform.casework.models import Case
from sendreform.common.warehouse import ibis_connection
from sendreform.imports.sen2 import sen2_header_answers, sen2_return
from sendreform.metrics import engine
from sendreform.metrics.report import catalogue_report
from tests.factories import PersonFactory, PlacementFactory, SenStatusFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDS = ["ehcp_issued_20w_pct", "ehc_advice_6w_pct", "ehc_advice_6w_health_pct", "annual_reviews_on_time_pct",
       "review_decision_4w_pct", "phase_transfer_by_deadline_pct"]


def _figures() -> dict:
    today = timezone.localdate()
    con = ibis_connection()
    try:
        report = catalogue_report(engine.tables_from_connection(con), as_at=today, ids=IDS, con=con,
                                  period=(dt.date(2026, 1, 1), today))
    finally:
        con.disconnect()
    return {k["id"]: (k["numerator"] or 0, k["denominator"] or 0) for k in report["kpis"]}


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def _date(page, legend, day: dt.date):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _clock_step(page, label):
    return page.locator(".app-clock__step").filter(has=page.get_by_role("heading", name=label, exact=True))


def test_a_request_from_the_senco_to_the_final_plan_and_a_review(page, demo_area, sign_in, axe_check):
    oak = demo_area["users"]["senco"]
    from sendreform.people.models import Establishment

    school = Establishment.objects.get(pk="OAK")
    ella = PersonFactory(person_id="P20", forename="Ella", surname="Hughes", birth_date=dt.date(2015, 10, 1))
    PlacementFactory(person=ella, establishment=school, start_date=dt.date(2021, 9, 1))
    SenStatusFactory(person=ella, establishment=school, sen_provision="K", start_date=dt.date(2021, 9, 1))
    assert oak["bound_to"] == "Oak Primary School"
    before = _figures()

    # The SENCo requests an assessment from Ella's record: received Saturday 3 January 2026
    sign_in(page, "senco")
    page.goto("/children/P20/")
    axe_check(page)
    page.get_by_role("link", name="Request an assessment").click()
    expect(page.locator("h1")).to_have_text("Request an EHC needs assessment")
    _date(page, "The date the request was received", dt.date(2026, 1, 3))
    page.get_by_label("What has the setting done so far?").fill("Two cycles of assess, plan, do, review.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text("needs the consent")
    axe_check(page)
    page.get_by_label("The parent, or the young person, has given consent to this request").check()
    page.get_by_role("button", name="Send the request").click()
    expect(page.locator("h1")).to_contain_text("Case ")
    reference = Case.objects.get(person_id="P20").reference
    # 6 weeks from Saturday 3 January: Saturday 14 February; 20 weeks: Saturday 23 May
    expect(_clock_step(page, "Decision whether to assess")).to_contain_text("Sat 14 Feb 2026")
    expect(_clock_step(page, "Final plan issued")).to_contain_text("Sat 23 May 2026")
    axe_check(page)
    _sign_out(page)

    # The team manager allocates it to the caseworker
    sign_in(page, "team-manager")
    page.goto("/casework/team/")
    expect(page.get_by_role("table", name="Open cases (1)")).to_contain_text("Unallocated")
    axe_check(page)
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Allocate the case").click()
    page.get_by_label("Allocate to").select_option(label="Cara Nwosu (SEND caseworker)")
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Cara Nwosu")
    _sign_out(page)

    # The caseworker decides to assess on Monday 16 February (2 days late) and asks health for advice
    sign_in(page, "caseworker")
    page.goto("/casework/")
    expect(page.get_by_role("table", name="Open cases (1)")).to_contain_text("Ella Hughes")
    axe_check(page)
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Decide whether to assess").click()
    page.get_by_label("Assess the child's needs").check()
    _date(page, "The date of the decision", dt.date(2026, 2, 16))
    page.get_by_role("button", name="Record the decision").click()
    expect(_clock_step(page, "Decision whether to assess")).to_contain_text("2 days late")
    page.get_by_role("link", name="Ask for advice").click()
    page.get_by_label("Health", exact=True).check()
    page.get_by_label("Practitioner with an account (optional)").select_option(label="Hannah Reid (Health practitioner)")
    _date(page, "The date the advice was asked for", dt.date(2026, 2, 16))
    axe_check(page)
    page.get_by_role("button", name="Ask for advice").click()
    expect(page.get_by_role("table", name="Advice asked for")).to_contain_text("Mon 30 Mar 2026")
    _sign_out(page)

    # The health practitioner sees the advice asked of her and answers it on Friday 27 March
    sign_in(page, "health")
    page.goto("/casework/advice/")
    axe_check(page)
    page.get_by_role("link", name="Ella Hughes").click()
    _date(page, "The date the advice was given", dt.date(2026, 3, 27))
    page.get_by_label("Advice").fill("Weekly speech and language therapy in class.")
    axe_check(page)
    page.get_by_role("button", name="Send the advice").click()
    expect(page.locator("body")).to_contain_text("No advice is awaited from you")
    _sign_out(page)

    # The caseworker issues the draft on 20 April consulting Ash, records Ash's answer (6 May, a day after its
    # 15 days) and the final plan on Friday 22 May, a day inside the 20 weeks
    sign_in(page, "caseworker")
    page.goto(f"/casework/cases/{reference}/")
    expect(_clock_step(page, "Advice: Health (Hannah Reid)")).to_contain_text("3 days inside the limit")
    page.get_by_role("link", name="Issue the draft plan").click()
    _date(page, "The date the draft plan was sent", dt.date(2026, 4, 20))
    page.get_by_label("Ash Secondary School").first.check()
    page.get_by_role("button", name="Record the draft plan").click()
    page.get_by_role("link", name="Record the answer of Ash Secondary School").click()
    page.get_by_label("Agrees to be named").check()
    _date(page, "The date of the answer", dt.date(2026, 5, 6))
    page.get_by_role("button", name="Record the answer").click()
    expect(_clock_step(page, "Consultation: Ash Secondary School")).to_contain_text("1 day late")
    page.get_by_role("link", name="Issue the final plan").click()
    page.get_by_label("Issue the final plan").check()
    _date(page, "The date", dt.date(2026, 5, 22))
    page.get_by_role("button", name="Record the outcome").click()
    expect(_clock_step(page, "Final plan issued")).to_contain_text("On time")
    expect(_clock_step(page, "Final plan issued")).to_contain_text("1 day inside the limit")
    axe_check(page)

    # An annual review of Amira's plan (issued 15 January 2025: due 15 January 2026) as a phase transfer: the
    # meeting on Monday 12 January 2026, the decision on Tuesday 10 February (due 9 February: a day late), the
    # plan amended by Sunday 15 February
    page.goto("/children/P1/")
    page.get_by_role("link", name="Start a review").click()
    page.get_by_label("The child moves phase next September").check()
    page.get_by_role("button", name="Start the review").click()
    page.get_by_role("link", name="Record the review meeting").click()
    _date(page, "The date of the review meeting", dt.date(2026, 1, 12))
    page.get_by_role("button", name="Record the meeting").click()
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Amend the plan").check()
    _date(page, "The date the decision was notified", dt.date(2026, 2, 10))
    page.get_by_role("button", name="Record the decision").click()
    expect(_clock_step(page, "Annual review meeting")).to_contain_text("3 days inside the limit")
    expect(_clock_step(page, "Decision notified (maintain, amend or cease)")).to_contain_text("1 day late")
    expect(_clock_step(page, "Plan amended for the phase transfer")).to_contain_text("Sun 15 Feb 2026")
    expect(_clock_step(page, "Plan amended for the phase transfer")).to_contain_text("On time")
    axe_check(page)

    # The indicators move: one more plan issued within 20 weeks, one more piece of advice in 6 weeks, one more
    # review held on time, one more decision (late), one more phase transfer by its deadline
    after = _figures()
    moved = {k: (after[k][0] - before[k][0], after[k][1] - before[k][1]) for k in IDS}
    assert moved == {"ehcp_issued_20w_pct": (1, 1), "ehc_advice_6w_pct": (1, 1), "ehc_advice_6w_health_pct": (1, 1),
                     "annual_reviews_on_time_pct": (1, 1), "review_decision_4w_pct": (0, 1),
                     "phase_transfer_by_deadline_pct": (1, 1)}

    # The SEN2 return of 2027 (the calendar year 2026) includes Ella's request and her new plan
    ret = sen2_return(year=2027, answers=sen2_header_answers(lea="870"))
    [person] = [p for p in ret.persons if p.forename == "Ella"]
    [request] = person.requests
    assert (request.received_date, request.request_source, request.request_outcome) == (dt.date(2026, 1, 3), "2", "Y")
    assert request.assessment.named_plan.start_date == dt.date(2026, 5, 22)
    assert request.assessment.assessment_outcome_date == dt.date(2026, 5, 22)
