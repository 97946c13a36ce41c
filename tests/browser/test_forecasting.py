"""Forecasts in a real browser, as a new user would try them: an officer starts a baseline run from the app,
watches its progress page reach "Finished", follows "See the result" and sees the charts and their tables.
Every page is checked with axe-core against WCAG 2.2 A and AA."""

import pytest
from playwright.sync_api import expect

from tests.forecasting.conftest import small_area_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def area_with_users():
    from sendreform.accounts.services import demo_users_ensure
    from sendreform.forecasting.services import scenarios_demo_ensure

    area = small_area_build()
    demo_users_ensure()
    scenarios_demo_ensure()
    return area


def test_an_officer_runs_a_baseline_forecast_and_sees_its_fan_chart(page, area_with_users, task_worker, sign_in,
                                                                   axe_check):
    # Given an officer signed in, on the forecasts page
    sign_in(page, "officer")
    page.get_by_role("link", name="Forecasts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forecasts")
    axe_check(page)
    # When they ask for a run with a number of simulations that is not a number
    page.get_by_label("Scenario").select_option(label="Baseline (today's rates continue)")
    page.get_by_label("Number of simulations").fill("ten")
    page.get_by_role("button", name="Start the run").click()
    # Then an error summary says so
    expect(page.get_by_role("alert")).to_contain_text("Enter the number of simulations as a whole number")
    axe_check(page)
    # When they start a baseline run of 20 simulations of 2 years
    page.get_by_label("Number of simulations").fill("20")
    page.get_by_label("Years ahead").fill("2")
    page.get_by_role("button", name="Start the run").click()
    # Then the job's page follows it to "Finished" (a busy moment while the worker claims the job shows the busy
    # page, which tries again by itself after 5 seconds)
    expect(page.get_by_role("heading", level=1)).to_have_text("Forecast: Baseline, 20 simulations of 2 years",
                                                              timeout=30_000)
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=120_000)
    axe_check(page)
    # And "See the result" shows the run's fan chart of plans beside its table
    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Baseline: 20 simulations of 2 years")
    expect(page.get_by_role("img", name="Plans: fan chart")).to_be_visible()
    expect(page.get_by_role("img", name="Plans by primary need: one chart for each")).to_be_visible()
    expect(page.get_by_role("img", name="Sufficiency gaps by setting")).to_be_visible()
    table = page.get_by_role("table", name="Plans at each January census")
    expect(table).to_contain_text("Projection")
    last = area_with_users["last_census"]
    expect(table.get_by_role("row").filter(has_text=f"{last}").filter(has_text="Actual")).to_contain_text("30")
    axe_check(page)
    # And the scenarios the demo loads are listed
    page.get_by_role("link", name="Scenarios").first.click()
    expect(page.get_by_role("table", name="Scenarios")).to_contain_text("Experts at Hand and local specialist places")
    axe_check(page)
    # And an edit that breaks the scenario is refused, naming the line
    page.get_by_role("link", name="Experts at Hand and local specialist places").click()
    axe_check(page)
    page.get_by_role("link", name="Edit the scenario").click()
    text = page.get_by_label("Scenario (YAML)")
    text.fill(text.input_value().replace("factor: 0.85", "factor: lots"))
    page.get_by_role("button", name="Save the scenario").click()
    expect(page.get_by_role("alert")).to_contain_text("Line 11: factor must be a number from 0 to 10")
    axe_check(page)
