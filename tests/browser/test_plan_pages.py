"""The plan, governance and risk pages in a real browser on Reading's plan: an officer changes a milestone's
status and sees it in its history; every page passes axe-core (WCAG 2.2 A and AA)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reading(demo_area):
    from pathlib import Path

    from sendreform.plan.services import plan_import

    path = Path(__file__).resolve().parents[2] / "plans" / "reading.yaml"
    plan_import(text=path.read_text(encoding="utf-8"), source=str(path))
    return demo_area


def test_the_plan_and_risk_pages_show_readings_plan_and_pass_axe(page, reading, sign_in, axe_check):
    # Given an officer signed in
    sign_in(page, "officer")
    # When they open the plan from the navigation
    page.get_by_role("link", name="Plan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reading Local SEND Reform Plan 2026-27 to 2028-29")
    axe_check(page)
    # And a workstream, then one of its milestones
    page.get_by_role("link", name="Strengthening inclusion across education settings").first.click()
    expect(page.get_by_text("RISE Service Lead (Accountable)")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Develop branding and communications for the partnership").click()
    axe_check(page)
    # Then they can set its status, and the history shows it
    page.get_by_label("Status").select_option("on_track")
    page.get_by_role("button", name="Save the milestone").click()
    expect(page.get_by_text("“Not started” to “On track”")).to_be_visible()
    axe_check(page)
    # And the governance and risk pages show the plan's boards and five risks
    page.get_by_role("link", name="Governance").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance")
    axe_check(page)
    page.get_by_role("link", name="Risk register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk register")
    expect(page.get_by_role("table", name="Risk register")).to_contain_text("R5")
    axe_check(page)
    page.get_by_role("link", name="R1").first.click()
    axe_check(page)


def test_a_board_member_reads_the_plan_without_forms(page, reading, sign_in, axe_check):
    sign_in(page, "board")
    page.get_by_role("link", name="Plan", exact=True).click()
    page.get_by_role("link", name="Risk register").click()
    page.get_by_role("link", name="R2").first.click()
    expect(page.get_by_role("button", name="Save the risk")).to_have_count(0)
    axe_check(page)
