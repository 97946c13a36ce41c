"""A forecast backtest in a real browser, as an officer new to it would try it: from the forecasts page to the
backtests, a bad number refused with an error summary, a backtest started and followed to "Finished", then its
page with the chart and the tables. Every page is checked with axe-core against WCAG 2.2 A and AA."""

import pytest
from playwright.sync_api import expect

from tests.forecasting.conftest import small_area_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def area_with_users():
    from sendreform.accounts.services import demo_users_ensure

    area = small_area_build()
    demo_users_ensure()
    return area


def test_an_officer_backtests_the_model_and_reads_how_it_did(page, area_with_users, task_worker, sign_in, axe_check):
    # Given an officer signed in, on the forecasts page
    sign_in(page, "officer")
    page.get_by_role("link", name="Forecasts", exact=True).click()
    # When they follow the sentence that asks how well the model has forecast the past
    page.get_by_role("link", name="See the backtests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forecast backtests")
    expect(page.get_by_label("Number of simulations")).to_have_value("500")
    axe_check(page)
    # And ask for a backtest with a number of simulations that is not a number
    page.get_by_label("Number of simulations").fill("lots")
    page.get_by_role("button", name="Start the backtest").click()
    # Then an error summary says so, and links to the field
    expect(page.get_by_role("alert")).to_contain_text("Enter the number of simulations as a whole number, like 500")
    axe_check(page)
    # When they start a backtest of 20 simulations
    page.get_by_label("Number of simulations").fill("20")
    page.get_by_role("button", name="Start the backtest").click()
    # Then the job's page follows it to "Finished"
    expect(page.get_by_role("heading", level=1)).to_have_text("Forecast backtest: 20 simulations from each past census")
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=120_000)
    # And "See the result" shows the backtest: the verdict, the chart beside its table, and the history
    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How well the model forecast this area's past")
    expect(page.get_by_role("heading", name="Verdict")).to_be_visible()
    expect(page.get_by_role("img", name="Total plans: the actual and each origin's forecasts")).to_be_visible()
    last = area_with_users["last_census"]
    origins = page.get_by_role("table", name="Every forecast of total plans, by origin")
    expect(origins.get_by_role("row").filter(has_text=f"{last - 3}")).to_have_count(3)
    expect(page.get_by_role("table", name="Error by years ahead: total plans")).to_contain_text("Years ahead")
    history = page.get_by_role("table", name="Plans, joiners and leavers between each pair of January censuses")
    expect(history.get_by_role("row").last).to_contain_text("30")
    axe_check(page)
    # And the list of backtests has it, finished
    page.get_by_role("link", name="Backtests", exact=True).click()
    expect(page.get_by_role("table", name="Backtests")).to_contain_text("Finished")
