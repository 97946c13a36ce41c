"""Benchmarking in a real browser, as a regional analyst would use it: from the navigation to Reading beside its
neighbours, region and England, then another area chosen from the list and a national chart chosen. Every page
is checked with axe-core against WCAG 2.2 A and AA."""

import pytest
from playwright.sync_api import expect

from tests.published.conftest import las, subset_write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_and_users(tmp_path):
    from sendreform.accounts.services import demo_users_ensure
    from sendreform.interchange.published import published_read
    from sendreform.published.services import published_load

    subset_write(tmp_path, files=("caseload", "timeliness_20_week"), codes=las())
    published_load(releases=published_read(folder=tmp_path), source=str(tmp_path))
    demo_users_ensure()


def test_a_regional_analyst_compares_reading_then_birmingham(page, published_and_users, sign_in, axe_check):
    sign_in(page, "regional")
    expect(page.get_by_role("link", name="Indicators", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Benchmarking", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarking: Reading")
    # January 2025: Reading 1,966 plans, the South East 110,014, England 638,745
    plans = page.get_by_role("table", name="EHC plans: Reading beside its neighbours, region and England",
                                exact=True)
    row = plans.get_by_role("row").filter(has_text="2025")
    expect(row).to_contain_text("1,966")
    expect(row).to_contain_text("110,014")
    expect(row).to_contain_text("638,745")
    expect(page.get_by_role("img", name="EHC plans issued within 20 weeks, Reading")).to_be_visible()
    axe_check(page)
    # Another area from the list
    page.get_by_label("Local authority", exact=True).select_option("E08000025")
    page.get_by_role("button", name="Show this area").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benchmarking: Birmingham")
    timely = page.get_by_role("table", name="EHC plans issued within 20 weeks: Birmingham beside its neighbours, "
                                            "region and England", exact=True)
    expect(timely.get_by_role("row").filter(has_text="2024")).to_contain_text("26.7%")
    page.get_by_label("Measure on the national chart").select_option("timeliness")
    page.get_by_role("button", name="Show on the national chart").click()
    expect(page.get_by_role("heading", name="EHC plans issued within 20 weeks: every local authority, 2024")
           ).to_be_visible()
    axe_check(page)
