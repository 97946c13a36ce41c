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


def test_an_officer_edits_a_workstream_and_records_spend(page, reading, sign_in, axe_check):
    # Given an officer on a workstream's page
    sign_in(page, "officer")
    page.goto("/plan/workstreams/inclusion-in-settings/")
    # When they leave the accountable lead empty, they are told what to fix
    page.get_by_label("Accountable lead").fill("")
    page.get_by_role("button", name="Save the workstream").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the accountable lead")
    axe_check(page)
    # And when they name a new lead, the history shows the change
    page.get_by_label("Accountable lead").fill("Head of Inclusion (Accountable)")
    page.get_by_role("button", name="Save the workstream").click()
    expect(page.get_by_text("“RISE Service Lead (Accountable)” to “Head of Inclusion (Accountable)”")).to_be_visible()
    axe_check(page)
    # When they record £1,200.50 planned and £1,000 actual for programme oversight in Q2
    page.get_by_role("link", name="Investment", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Investment plan: planned against actual spend")
    expect(page.get_by_text("The plan gives no amounts.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Planned spend on programme oversight and leadership capacity, 2026-27 Q2 (£)").fill("1200.50")
    page.get_by_label("Actual spend on programme oversight and leadership capacity, 2026-27 Q2 (£)").fill("1000")
    page.get_by_role("button", name="Save the spend").click()
    # Then the totals and variance say so, and the history keeps it
    expect(page.get_by_text("£200.50 under the plan")).to_be_visible()
    expect(page.get_by_role("table", name="Spend by category", exact=True)).to_contain_text("1,200.50")
    expect(page.get_by_text("Spend recorded: Programme oversight and leadership capacity, 2026-27 Q2")).to_be_visible()
    axe_check(page)


def test_the_board_pack_button_follows_a_background_job_to_the_pdf(page, reading, task_worker, sign_in, axe_check):
    # Given an officer on the programme board's page
    sign_in(page, "officer")
    page.goto("/governance/boards/send-reform-programme-board/")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    # When they view the pack, add their commentary on the risks and generate it
    page.get_by_role("button", name="View the board pack").click()
    page.get_by_label("Commentary on risks").fill("R3 is on the agenda of the next meeting.")
    axe_check(page)
    page.get_by_role("button", name="Generate the board pack (PDF)").click()
    # Then the job's page follows it until it links to the PDF
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Board pack: SEND Reform Programme Board / SEND Operational Group, as at 30 September 2026")
    result = page.get_by_role("link", name="See the result")
    expect(result).to_be_visible(timeout=120_000)
    axe_check(page)
    with page.expect_download() as download:
        result.click()
    assert download.value.suggested_filename == "board-pack-send-reform-programme-board-2026-09-30.pdf"
    # And the board's page lists the pack
    page.goto("/governance/boards/send-reform-programme-board/")
    expect(page.get_by_role("table", name="Packs generated")).to_contain_text("30 September 2026 (PDF)")
