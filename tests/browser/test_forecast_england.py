"""The real-England backtest in a real browser, as an officer would try it: from the forecasts pages to "Every
English area", a bad number refused with an error summary, a backtest of four areas started and followed to
"Finished", then its page with a chart for each group of origins, the aim and the areas. Every page is checked
with axe-core against WCAG 2.2 A and AA."""

import pytest
from playwright.sync_api import expect

from tests.forecasting.conftest import small_release_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_backtests_the_model_on_every_english_area(page, task_worker, sign_in, axe_check, settings,
                                                              tmp_path):
    from sendreform.accounts.services import demo_users_ensure

    demo_users_ensure()
    settings.PUBLISHED_EHCP = str(small_release_write(tmp_path))
    # Given an officer signed in, on the forecasts page
    sign_in(page, "officer")
    page.get_by_role("link", name="Forecasts", exact=True).click()
    page.get_by_role("link", name="Every English area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How well the model forecast every English area's past")
    expect(page.get_by_label("Number of simulations")).to_have_value("1000")
    axe_check(page)
    # When they ask for a number of simulations that is not a number, an error summary says so
    page.get_by_label("Number of simulations").fill("lots")
    page.get_by_role("button", name="Start the backtest").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the number of simulations as a whole number, like 1000")
    axe_check(page)
    # When they start one of 20 simulations, its job follows it to "Finished"
    page.get_by_label("Number of simulations").fill("20")
    page.get_by_role("button", name="Start the backtest").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Real-England backtest: 20 simulations for each area from each past census")
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=120_000)
    # And "See the result" shows a chart above each group's table, the aim and the four areas
    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_role("img", name="Origins 2020-2022 (confirmation): median error by years ahead")).to_be_visible()
    expect(page.get_by_role("table", name="The aim, origin by origin group")).to_contain_text("Met")
    areas = page.get_by_role("table", name="The model's error in each area, every origin")
    expect(areas.get_by_role("row")).to_have_count(5)
    expect(areas).to_contain_text("Reading")
    axe_check(page)
    # And the list has it, finished
    page.get_by_role("link", name="Every English area").click()
    expect(page.get_by_role("table", name="Real-England backtests")).to_contain_text("Finished")
