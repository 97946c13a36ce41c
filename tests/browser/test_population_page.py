"""The background population in a real browser, as an officer would replace it: from the forecasts page to the
population, a file of two areas refused until the area is given, the file's figures checked beside what is stored,
then confirmed and shown in the table and the history. Every page is checked with axe-core against WCAG 2.2 A
and AA."""

import pytest
from playwright.sync_api import expect

from tests.forecasting.test_population import mye_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, path) -> None:
    """Choose a file as a person does: the GOV.UK file upload's button opens the file chooser."""
    with page.expect_file_chooser() as chooser:
        page.get_by_label("Upload a population file").click()
    chooser.value.set_files(str(path))


@pytest.fixture
def stored_and_users():
    """1,000 people at every age for the January 2024 to 2027 censuses, and the demo users."""
    from sendreform.accounts.services import demo_users_ensure
    from sendreform.places.models import Population

    Population.objects.bulk_create([Population(year=y, age=a, population=1000) for y in range(2024, 2028)
                                    for a in range(26)])
    demo_users_ensure()


def test_an_officer_replaces_the_population_with_the_onss_figures(page, stored_and_users, sign_in, axe_check,
                                                                  tmp_path):
    # Given an officer on the forecasts page, and the ONS's mid-year estimates for two areas
    sign_in(page, "officer")
    page.get_by_role("link", name="Forecasts", exact=True).click()
    two_areas = tmp_path / "mye-2027.csv"
    two_areas.write_text(mye_text(areas=("E06000038", "E06000039")), encoding="utf-8")
    # When they follow the sentence about the population the runs join from
    page.get_by_role("link", name="background population").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Background population")
    stored = page.get_by_role("table", name="Background population by January census and age group")
    expect(stored.get_by_role("row").filter(has_text="2026")).to_contain_text("26,000")
    axe_check(page)
    # And upload the file without saying which area
    choose(page, two_areas)
    page.get_by_role("button", name="Read the file").click()
    # Then an error summary asks which area, and links to the area code
    expect(page.get_by_role("alert")).to_contain_text("holds 2 areas (E06000038, E06000039): enter the code of the "
                                                      "area to use in Area code")
    axe_check(page)
    # When they give the area
    choose(page, two_areas)
    page.get_by_label("Area code (optional)").fill("E06000038")
    page.get_by_role("button", name="Read the file").click()
    # Then they check the file's figures beside what is stored (January 2026: ages 5 to 10 are 3,630)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the population before it is stored")
    in_file = page.get_by_role("table", name="Population in the file by January census and age group")
    expect(in_file.get_by_role("row").filter(has_text="2026")).to_contain_text("3,630")
    axe_check(page)
    # And when they confirm, the table holds the file's figures and the history the load
    page.get_by_role("button", name="Replace the stored population for these years").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Population replaced for the January 2025 to 2028 censuses: 26 added, 78 changed, 0 unchanged")
    stored = page.get_by_role("table", name="Background population by January census and age group")
    expect(stored.get_by_role("row").filter(has_text="2026")).to_contain_text("15,990")
    history = page.get_by_role("table", name="Replacements of the population: who, when and from which file")
    expect(history).to_contain_text("officer")
    expect(history).to_contain_text("mye-2027.csv")
    axe_check(page)
