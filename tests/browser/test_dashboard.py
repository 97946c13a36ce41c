"""The inclusion dashboard in a real browser: a board member sees small numbers only as "c" — on the
overview, on an indicator page and in the CSV downloads — and both pages pass axe-core (WCAG 2.2 A and AA).

In the demo area of conftest.py one child, Amira, has an EHC plan: every count of children with plans is 1,
which a board member must never see."""

import csv
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EHCP_TOTAL = "Children and young people with EHC plans"
SUPPRESSED_NUMBER = re.compile(r"^1(\.0+)?$")


def _downloaded_rows(page, link_name) -> list[dict]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    with open(info.value.path(), encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _figures(rows: list[dict]) -> list[str]:
    return [v for r in rows for k, v in r.items() if k not in ("Table", "Item")]


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


def test_a_board_member_never_sees_a_suppressed_number(page, demo_area, sign_in, axe_check):
    # Given a board member signed in
    sign_in(page, "board")

    # When they open the dashboard from the navigation
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Indicators").click()

    # Then the count of children with plans is "c", and the 1 behind it is nowhere in its row
    expect(page.locator("h1")).to_have_text("Inclusion dashboard: the plan's indicators")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=EHCP_TOTAL, exact=True))
    cells = row.locator("td").all_inner_texts()
    assert cells[0] == "c"
    assert not any(SUPPRESSED_NUMBER.match(c.strip()) for c in cells)
    axe_check(page)

    # And the overview's CSV holds "c" for it on the as-at date, and never the 1
    rows = _downloaded_rows(page, "Download everything on this page (CSV)")
    ehcp = next(r for r in rows if r["Indicator id"] == "ehcp_total")
    assert ehcp["Value"] == "c"
    assert not any(SUPPRESSED_NUMBER.match(v) for v in _figures([ehcp]))

    # When they open the indicator's own page
    row.get_by_role("link", name=EHCP_TOTAL).click()

    # Then its value, its quarters and its breakdowns show "c" where the count is 1
    expect(page.locator("h1")).to_have_text(EHCP_TOTAL)
    quarters = page.get_by_role("table", name=f"{EHCP_TOTAL} by quarter: Reading local area")
    expect(quarters).to_be_visible()
    expect(page.get_by_role("img", name=f"{EHCP_TOTAL}, Reading local area, by quarter")).to_be_visible()
    shown = page.locator("main table td").all_inner_texts()
    assert "c" in shown
    assert not any(SUPPRESSED_NUMBER.match(c.strip()) for c in shown)
    axe_check(page)

    # And the page's CSV never holds the 1 either
    rows = _downloaded_rows(page, "Download everything on this page (CSV)")
    figures = [r for r in rows if r["Table"] != "About this indicator"]
    assert any(r["Value"] == "c" for r in figures)
    assert not any(SUPPRESSED_NUMBER.match(v) for v in _figures(figures))


def test_an_officer_reads_an_indicator_with_its_trajectory(page, demo_area, sign_in, axe_check):
    sign_in(page, "officer")
    page.goto("/indicators/eah_settings_engaged_pct/")

    expect(page.locator("h1")).to_have_text("Settings engaged with Experts at Hand")
    expect(page.get_by_role("img", name="Settings engaged with Experts at Hand, Reading local area, by quarter")) \
        .to_be_visible()
    page.get_by_text("How this is worked out").click()
    expect(page.get_by_text("The disproportionality ratio of a group")).to_be_visible()
    axe_check(page)
