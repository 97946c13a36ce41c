"""Journeys in a real browser, each page checked with axe-core against WCAG 2.2 A and AA."""

import re

import pytest
from playwright.sync_api import expect

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_ROLES = [
    ("officer", roles.OFFICER), ("analyst", roles.ANALYST), ("eah-lead", roles.EAH_LEAD),
    ("practitioner", roles.EAH_PRACTITIONER), ("senco", roles.SENCO), ("cluster-lead", roles.CLUSTER_LEAD),
    ("health", roles.HEALTH), ("board", roles.BOARD_MEMBER), ("pcf", roles.PCF_REP), ("admin", roles.ADMIN),
    ("regional", roles.REGIONAL_ANALYST),
]


@pytest.mark.parametrize(("username", "role"), DEMO_ROLES)
def test_each_demo_role_signs_in_to_their_own_home_page(page, demo_area, sign_in, axe_check, username, role):
    page.goto("/")
    expect(page).to_have_url("/sign-in/?next=/")
    expect(page.locator("h1")).to_have_text("Sign in to sendreform")
    axe_check(page)

    sign_in(page, username)

    expect(page.locator("h1")).to_have_text(f"{roles.ROLES[role]}: your home page")
    navigation = page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Find a child")).to_have_count(
        1 if role in roles.CHILD_LEVEL_ROLES else 0)
    # The stylesheet is the built GOV.UK one, in Arial: the page is not unstyled.
    font = page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    assert font.lower().startswith("arial")
    # GOV.UK Frontend's scripts ran from their static files under the Content-Security-Policy
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled govuk-frontend-supported\b"))
    expect(page.locator("[data-module=govuk-skip-link]")).to_have_attribute("data-govuk-skip-link-init", "")
    axe_check(page)


def test_a_wrong_password_shows_the_error_summary(page, demo_area, sign_in, axe_check):
    sign_in(page, "officer", "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title("Error: Sign in – sendreform – Reading")
    axe_check(page)


def test_a_senco_finds_and_opens_a_child_on_their_roll(page, demo_area, sign_in, axe_check):
    sign_in(page, "senco")
    page.get_by_role("link", name="Find a child").first.click()
    expect(page.locator("h1")).to_have_text("Find a child")
    axe_check(page)

    page.get_by_label("Name or unique pupil number (UPN)").fill("amira")
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("table", name="Children found")
    expect(results).to_be_visible()
    axe_check(page)
    results.get_by_role("link", name="Khan, Amira").click()

    expect(page.locator("h1")).to_have_text("Amira Khan")
    expect(page.get_by_role("table", name="Academic year 2024/25")).to_be_visible()
    axe_check(page)
    assert AuditEntry.objects.filter(username="senco", action="view", person_id="P1").count() == 1


def test_a_senco_does_not_find_a_child_at_another_setting(page, demo_area, sign_in):
    sign_in(page, "senco")
    page.goto("/children/?text=Dylan")

    expect(page.get_by_text("No children match")).to_be_visible()
    page.goto("/children/P9/")
    expect(page.locator("h1")).to_have_text("Page not found")


def test_search_errors_link_to_the_field(page, demo_area, sign_in, axe_check):
    sign_in(page, "officer")
    page.goto("/children/")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2016")
    page.get_by_role("button", name="Search").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Date of birth must be a real date")
    axe_check(page)


def test_a_parent_carer_forum_representative_finds_no_child(page, demo_area, sign_in, axe_check):
    sign_in(page, "pcf")
    page.goto("/children/?text=Amira")

    expect(page.locator("h1")).to_have_text("Find a child")
    expect(page.get_by_text("does not give access to individual children's records")).to_be_visible()
    expect(page.get_by_text("Khan")).to_have_count(0)
    axe_check(page)
    page.goto("/children/P1/")
    expect(page.locator("h1")).to_have_text("Page not found")
    axe_check(page)


def test_settings_and_a_settings_children(page, demo_area, sign_in, axe_check):
    sign_in(page, "cluster-lead")
    page.goto("/settings/?cluster=N")
    table = page.get_by_role("table", name="Settings")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(page.get_by_role("link", name="Download settings (CSV)")).to_be_visible()
    axe_check(page)

    table.get_by_role("link", name="Oak Primary School").click()
    expect(page.locator("h1")).to_have_text("Oak Primary School")
    expect(page.get_by_role("table", name="Children on roll you can see").get_by_role("row")).to_have_count(4)
    axe_check(page)


def test_an_administrator_reads_the_audit_log(page, demo_area, sign_in, axe_check):
    sign_in(page, "officer")
    page.goto("/children/P1/")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("h1")).to_have_text("Sign in to sendreform")

    sign_in(page, "admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    page.get_by_label("Username").fill("officer")
    page.get_by_role("button", name="Filter the audit log").click()

    table = page.get_by_role("table", name="Audit log entries")
    expect(table).to_contain_text("Viewed a child's record")
    expect(table.get_by_role("link", name="P1")).to_be_visible()
    axe_check(page)


def test_an_officer_enrols_an_authenticator_app_and_signs_in_with_its_code(page, sign_in, axe_check, settings):
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import PASSWORD, UserFactory

    settings.TWO_FACTOR_REQUIRED = True
    UserFactory(username="officer1", role=roles.OFFICER)
    sign_in(page, "officer1", PASSWORD)
    # The second step: a QR code, the key to type and the code field, accessible as every page is
    expect(page.locator("h1")).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code of the set-up key for your authenticator app")).to_be_visible()
    axe_check(page)
    device = TOTPDevice.objects.get(user__username="officer1")
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Finish setting up").click()
    expect(page.locator("h1")).to_have_text("Council SEND officer: your home page")
