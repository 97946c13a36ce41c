"""Experts at Hand in a real browser, as new users would try it: a SENCo refers a child, a lead triages and
allocates, the practitioner logs support and closes with an outcome, and the eah_* indicators move. Every
page of the journey is checked with axe-core against WCAG 2.2 A and AA."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sendreform.common.warehouse import ibis_connection
from sendreform.experts.models import EahReferral
from sendreform.metrics import engine
from sendreform.metrics.report import catalogue_report
from sendreform.standards import periods
from sendreform.voice.models import SurveyResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EAH_IDS = ["eah_settings_engaged_pct", "eah_referral_to_support_days", "eah_needs_met_in_setting_pct"]


def _eah_figures() -> dict:
    today = timezone.localdate()
    con = ibis_connection()
    try:
        report = catalogue_report(
            engine.tables_from_connection(con),
            as_at=today,
            ids=EAH_IDS,
            con=con,
            period=(periods.financial_year(today).start, today),
        )
    finally:
        con.disconnect()
    return {k["id"]: (k["value"], k["numerator"], k["denominator"]) for k in report["kpis"]}


def _sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_referral_from_the_senco_to_closure_moves_the_eah_indicators(page, demo_area, sign_in, axe_check):
    before = _eah_figures()
    # Given no setting engaged, no support given and nothing closed this financial year.
    assert before["eah_settings_engaged_pct"][0] == 0
    assert before["eah_referral_to_support_days"][0] is None
    assert before["eah_needs_met_in_setting_pct"][0] is None

    # A SENCo refers Amira, on Oak's roll; the form shows what the record knows and asks for consent.
    sign_in(page, "senco")
    page.get_by_role("link", name="Refer to Experts at Hand").first.click()
    expect(page.locator("h1")).to_have_text("Refer to Experts at Hand")
    axe_check(page)
    # The child is found by a search of the setting's roll (no list of every child), and chosen from it.
    page.get_by_label("Name or unique pupil number (UPN)").fill("amira")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("table")).to_contain_text("27 March 2016")
    axe_check(page)
    page.get_by_role("link", name="Khan, Amira").click()
    expect(page.locator("h1")).to_have_text("Refer Amira Khan to Experts at Hand")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Autistic spectrum disorder")
    page.get_by_label("What is the setting concerned about?").fill(
        "Distressed at transitions between lessons."
    )
    page.get_by_label("What has the setting already tried?").fill(
        "Visual timetable and a quiet space, 2 terms."
    )
    page.get_by_label("At risk of suspension").check()
    page.get_by_role("button", name="Send referral").click()
    # Without consent the referral is not sent.
    expect(page.get_by_role("alert")).to_contain_text("needs the parent's or carer's consent")
    assert EahReferral.objects.filter(person_id="P1").count() == 0
    axe_check(page)
    page.get_by_label("The child's parent or carer has given consent to this referral").check()
    page.get_by_role("button", name="Send referral").click()
    # The submission ends on a confirmation page with the reference and what happens next.
    expect(page.locator("h1")).to_have_text("Referral sent")
    referral_id = EahReferral.objects.get(person_id="P1").referral_id
    expect(page.locator(".govuk-panel__body")).to_contain_text(referral_id)
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=f"See referral {referral_id}").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("At risk of suspension")
    axe_check(page)
    _sign_out(page)

    # The lead sees it in the queue, records Oak's engagement, then triages and allocates.
    sign_in(page, "eah-lead")
    page.goto("/experts/queue/")
    expect(page.locator("h1")).to_have_text("Triage queue")
    axe_check(page)
    page.get_by_role("link", name=referral_id).first.click()
    page.get_by_role("link", name="Triage and allocate").click()
    axe_check(page)
    page.get_by_label("Targeted", exact=True).check()
    page.get_by_label("Educational psychology", exact=True).check()
    # The demo practitioner, 870-EAH01, listed with their caseload hours against their capacity.
    page.locator('input[name="practitioner_ids"][value="870-EAH01"]').check()
    page.get_by_label("Hours a week each allocation is expected to take").fill("2")
    page.get_by_role("button", name="Save triage and allocation").click()
    expect(page.get_by_role("table", name="Practitioners involved")).to_contain_text("Priya Shah")  # by name, not the id 870-EAH01
    page.goto("/experts/engagement/OAK/")
    page.get_by_label("Active").check()
    page.get_by_role("button", name="Save engagement level").click()
    expect(page.get_by_role("table", name="Engagement over time")).to_contain_text("Active")
    axe_check(page)
    _sign_out(page)

    # The practitioner logs support on their caseload, agrees a strategy and closes with an outcome.
    sign_in(page, "practitioner")
    page.get_by_role("link", name="Your Experts at Hand caseload").first.click()
    expect(page.locator("h1")).to_have_text("Your caseload")
    axe_check(page)
    page.get_by_role("link", name=referral_id).click()
    page.get_by_role("link", name="Log support").click()
    page.get_by_label("Kind of contact").select_option(label="Observation in the setting")
    page.get_by_label("Hours").fill("2.5")
    page.get_by_role("button", name="Save support").click()
    expect(page.get_by_role("table", name="Support given")).to_contain_text("Observation in the setting")
    page.get_by_role("link", name="Record a strategy").click()
    page.get_by_label("Strategy agreed with the setting").fill("Five-minute warning before each transition.")
    page.get_by_role("button", name="Save strategy").click()
    page.get_by_role("link", name="Close referral").click()
    page.get_by_label("Needs met in setting").check()
    page.get_by_role("button", name="Close referral").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Needs met in setting")
    feedback_url = page.locator(".govuk-inset-text a").get_attribute("href")
    axe_check(page)
    _sign_out(page)

    # The family answers the feedback survey through the link they were given.
    page.goto(feedback_url)
    expect(page.locator("h1")).to_have_text("Tell us about the support from Experts at Hand")
    axe_check(page)
    for question in page.locator("fieldset").all():
        question.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator("h1")).to_have_text("Thank you for your feedback")
    assert SurveyResponse.objects.filter(survey="EAH_PARENT_FEEDBACK", person_id="P1", score=4).count() == 3

    # The SENCo sees the strategy on the child.
    sign_in(page, "senco")
    page.goto("/experts/children/P1/strategies/")
    expect(page.get_by_role("table", name="Strategies agreed with Experts at Hand")).to_contain_text(
        "Five-minute warning"
    )

    # Then the indicators move: one of the three settings engaged; first support the day it was received;
    # the one referral closed this year met needs in the setting.
    after = _eah_figures()
    assert after["eah_settings_engaged_pct"] == (pytest.approx(33.3333, abs=0.01), 1, 3)
    assert after["eah_referral_to_support_days"][0] == 0
    assert after["eah_needs_met_in_setting_pct"] == (100, 1, 1)
