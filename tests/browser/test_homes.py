"""The role homes of issue 20 in a real browser, each passing axe-core (WCAG 2.2 A and AA): a board member lands
on the plan's progress, a SENCo on their pupils' open referrals, an officer on what is overdue; and the audit
log's table fits the page at 1280 pixels."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.plan.conftest import reading_plan, reading_text  # noqa: F401 - fixtures, found by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_lands_on_the_plans_progress(page, demo_area, reading_plan, sign_in, axe_check):  # noqa: F811
    from sendreform.governance.models import Board, Meeting

    board = Board.objects.get(key="send-reform-programme-board")
    Meeting.objects.create(board=board, date=timezone.localdate() + dt.timedelta(days=7), title="Quarterly review")
    sign_in(page, "board")
    for heading in ("The plan's indicators", "Milestones due and overdue", "Top risks", "Next board meeting"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text("Quarterly review")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="The risk register").click()
    expect(page.locator("h1")).to_have_text("Risk register")


def test_a_senco_lands_on_their_pupils_open_referrals(page, demo_area, sign_in, axe_check):
    from sendreform.experts.models import EahReferral
    from sendreform.people.models import Person

    EahReferral.objects.create(referral_id="R-OAK-1", establishment_id="OAK", person=Person.objects.get(pk="P1"),
                               received_date=timezone.localdate())
    sign_in(page, "senco")
    expect(page.get_by_role("heading", name="Your pupils with open referrals")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="R-OAK-1")
    expect(row).to_contain_text("Amira Khan")
    expect(row).to_contain_text("Triage due")
    axe_check(page)


def test_an_officer_lands_on_whats_overdue_and_the_admin_audit_log_fits_1280(page, demo_area, sign_in,
                                                                             axe_check):
    sign_in(page, "officer")
    expect(page.get_by_role("heading", name="Overdue across the service")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()
    from sendreform.accounts.models import User
    from sendreform.accounts.services import audit_record

    # A read from a long address with filters, as the referral lists make: one unbroken string of 150 characters.
    audit_record(user=User.objects.get(username="officer"), action="cohort", page="/experts/referrals/?" + "&".join(
        f"tier=TARGETED_PLUS&cluster=N&setting=OAK&sort=waiting{n}" for n in range(3)), detail="Experts at Hand")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "admin")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log").click()
    expect(page.locator("h1")).to_have_text("Audit log")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths  # the page does not scroll sideways
    axe_check(page)
