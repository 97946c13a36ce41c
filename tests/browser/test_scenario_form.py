"""A scenario made from the form in a real browser, as an analyst would: the page and its error summary pass
axe-core (WCAG 2.2 A and AA: each kind's fields stand under its radio, always shown, since the conditional
reveal's aria-expanded on a radio fails axe); the saved scenario holds the change chosen."""

import pytest
from playwright.sync_api import expect

from sendreform.accounts.services import demo_users_ensure
from sendreform.forecast.scenarios import scenario_parse
from sendreform.forecasting.models import Scenario

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_makes_a_scenario_from_the_form(page, sign_in, axe_check):
    demo_users_ensure()
    sign_in(page, "analyst")
    page.goto("/forecasts/scenarios/")
    page.get_by_role("link", name="New scenario from a form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New scenario from a form")
    axe_check(page)

    page.get_by_role("button", name="Save the scenario").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)
    assert Scenario.objects.count() == 0

    page.fill("#id_name", "A fifth out of independent schools")
    page.fill("input[name=start_day]", "1")
    page.fill("input[name=start_month]", "9")
    page.fill("input[name=start_year]", "2027")
    page.get_by_label("Move a share of placements from one setting to another").check()
    page.locator("#id_shift_from_setting").select_option("INMSS")
    page.locator("#id_shift_to_setting").select_option("MAINTAINED_SPECIAL")
    page.fill("#id_shift_share", "0.2")
    page.get_by_role("button", name="Save the scenario").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("A fifth out of independent schools")
    axe_check(page)
    [change] = scenario_parse(Scenario.objects.get().text).changes
    assert (change.kind, change.setting, change.to_setting, change.share) == ("shift", "INMSS",
                                                                               "MAINTAINED_SPECIAL", 0.2)
