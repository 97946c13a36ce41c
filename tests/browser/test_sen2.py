"""A SEN2 return brought in through the browser, as an officer would: from "Bring in data", the file uploaded,
its validation report and preview read, the settings it names created, the import confirmed; then an imported
child's record and the dashboard's count of plans, which counted nobody before. Every page is checked with
axe-core against WCAG 2.2 A and AA."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from sendreform.accounts.services import demo_users_ensure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[1] / "sen2" / "files" / "sen2_2026.xml"
EHCP_TOTAL = "Children and young people with EHC plans"


@pytest.fixture
def officer_signed_up(settings, tmp_path):
    """The demo users; an uploaded file waits in a temporary folder."""
    settings.SENDREFORM_IMPORT_DIR = str(tmp_path / "imports")
    demo_users_ensure()


def _plans_on_dashboard(page) -> str:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Indicators").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=EHCP_TOTAL, exact=True))
    return row.locator("td").all_inner_texts()[0]


def test_an_officer_brings_in_a_sen2_return_and_sees_its_children(page, officer_signed_up, sign_in, axe_check):
    # Given an officer and an empty database: the dashboard counts no plans
    page.set_default_timeout(60_000)  # the dashboard computes every indicator once per change of data
    sign_in(page, "officer")
    assert _plans_on_dashboard(page) == "0"

    # When they open "Bring in data" and upload a SEN2 return
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Bring in data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bring in data")
    axe_check(page)
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Upload a SEN2 file").click()
    chooser.value.set_files(str(SAMPLE))
    page.get_by_role("button", name="Check the SEN2 file").click()

    # Then they read its report (no errors) and its preview: five new people, settings not stored
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what sen2_2026.xml would change")
    expect(page.get_by_text("5 people read; 0 errors")).to_be_visible()
    expect(page.get_by_text("0 matched a child or young person already stored")).to_contain_text("5 new")
    expect(page.get_by_role("button", name="Import the file")).to_have_count(0)
    axe_check(page)

    # When they create the settings the file names, the preview counts them, and they import it
    page.get_by_role("button", name="Create these settings and preview again").click()
    counts = page.get_by_role("table", name="What the import changes, by table")
    expect(counts.get_by_role("row").filter(has_text="People")).to_contain_text("5")
    axe_check(page)
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("alert")).to_contain_text("sen2_2026.xml imported:")
    expect(page.get_by_role("link", name="Reverse this import")).to_be_visible()
    axe_check(page)

    # And an imported child's record shows the plan the return holds
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    page.get_by_label("Name or unique pupil number (UPN)").fill("Okafor")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Okafor, Amara").click()
    expect(page.get_by_text("Final EHC plan issued").first).to_be_visible()
    axe_check(page)

    # And the dashboard counts the two plans active now: Amara Okafor's and Sana Begum's
    assert _plans_on_dashboard(page) == "2"
    axe_check(page)
