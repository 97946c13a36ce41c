"""The quarterly key-metrics return for 2026-Q3, as an officer would make it: from "Returns", generated in the
background, its checks read, marked as checked and signed off after a confirmation. Every page is checked with
axe-core against WCAG 2.2 A and AA."""

import pytest
from playwright.sync_api import expect

from sendreform.accounts.services import demo_users_ensure
from tests.returns.conftest import small_area  # noqa: F401, F811 - a fixture, found by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_generates_checks_and_signs_off_2026_q3(page, small_area, task_worker, sign_in, axe_check):  # noqa: F811
    demo_users_ensure()
    sign_in(page, "officer")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Returns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Returns to the DfE")
    axe_check(page)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Quarterly key-metrics return 2026-Q3"))
    expect(row).to_contain_text("30 October 2026")
    expect(row).to_contain_text("Not started")
    row.get_by_role("link").click()
    axe_check(page)
    page.get_by_role("button", name="Generate the return").click()
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=120_000)
    axe_check(page)
    page.get_by_role("link", name="See the result").click()
    expect(page.locator("#return-status")).to_have_text("Draft")
    expect(page.locator("#checks")).to_contain_text("8 to 12 since the quarter before (50%")
    expect(page.get_by_role("link", name="quarterly-return-2026-Q3.xlsx")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Mark as checked").click()
    expect(page.locator("#return-status")).to_have_text("Checked")
    page.get_by_role("link", name="Sign off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to sign off Quarterly key-metrics return 2026-Q3?")
    axe_check(page)
    page.get_by_role("button", name="Yes, sign off").click()
    expect(page.locator("#return-status")).to_have_text("Signed off")
    expect(page.locator("#return-signed-off")).to_contain_text("officer")
    axe_check(page)
