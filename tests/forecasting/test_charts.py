"""A run's charts: each is an SVG above its table, named and described for screen-reader users in words that
use the table's own numbers; a figure the table shows as "c" is never drawn or written in its chart."""

import re
from collections import Counter

import pytest

from sendreform.accounts import roles
from sendreform.forecasting.charts import (
    breakdown_description,
    breakdown_spec,
    sufficiency_description,
    sufficiency_spec,
)
from tests.factories import UserFactory
from tests.forecasting.test_views import page_tables

pytestmark = pytest.mark.django_db

NEW_CHARTS = {
    "plans-by-need": "Plans by primary need",
    "plans-by-setting": "Plans by setting",
    "sufficiency": "Sufficiency: demand for specialist places against places, by year",
    "scenario-vs-baseline": "Scenario against the baseline",
}


def _page(client, finished_run, role) -> str:
    client.force_login(UserFactory(role=role))
    page = client.get(f"/forecasts/runs/{finished_run.pk}/")
    assert page.status_code == 200
    return page


def _svg(text: str, key: str) -> str:
    start = text.index(f'aria-labelledby="chart-{key}-title chart-{key}-desc"')
    return text[text.rindex("<svg", 0, start):text.index("</svg>", start)]


def _description(svg: str, key: str) -> str:
    return re.search(rf'<desc id="chart-{key}-desc">(.*?)</desc>', svg).group(1)


def _written(svg: str) -> list[str]:
    """The texts the chart writes on its marks (not its axes, headers or legend)."""
    groups = re.findall(r'<g class="mark-text role-mark[^"]*"[^>]*>(.*?)</g>', svg)
    return [t for g in groups for t in re.findall(r"<text[^>]*>(.*?)</text>", g)]


@pytest.mark.parametrize(("key", "caption"), NEW_CHARTS.items())
def test_each_chart_is_an_svg_above_its_table_with_a_description(client, finished_run, key, caption):
    # Given an officer on a finished run's page
    text = _page(client, finished_run, roles.OFFICER).content.decode()
    # Then the chart is an SVG named by its title and description, above the table it draws
    svg = _svg(text, key)
    assert 'role="img"' in svg
    assert f'<title id="chart-{key}-title">' in svg
    assert len(_description(svg, key)) > 40
    assert text.index(svg) < text.index(f">{caption}</caption>")


def test_the_need_chart_describes_the_largest_need_with_the_tables_numbers(client, finished_run):
    page = _page(client, finished_run, roles.OFFICER)
    # Given the table of plans by need: the last census is its third column, the last projection its last
    table = page_tables(page)["Plans by primary need"]
    head, needs = table[0], table[1:-1]
    census, last = head[3].split()[1], head[-1].split()[1]
    largest = max(needs, key=lambda row: int(row[-1].replace(",", "")))
    # Then the chart's description names it with the same numbers
    description = _description(_svg(page.content.decode(), "plans-by-need"), "plans-by-need")
    assert f"the largest are {largest[0]} {largest[3]} in {census}, {largest[-1]} in {last}" in description
    # And the chart writes each need's last median at its line's end: the last column's numbers above 0 of
    # needs that have plans
    shown = [row[-1] for row in needs if any(c not in ("0", "c") for c in row[1:])]
    assert Counter(_written(_svg(page.content.decode(), "plans-by-need"))) == Counter(shown)


def test_a_forum_reps_need_chart_writes_no_suppressed_median(client, finished_run):
    # Given the officer's last projected medians by need, and which of them a parent carer forum rep sees as "c"
    officer = page_tables(_page(client, finished_run, roles.OFFICER))["Plans by primary need"][1:-1]
    page = _page(client, finished_run, roles.PCF_REP)
    forum = page_tables(page)["Plans by primary need"][1:-1]
    hidden = [o[-1] for o, f in zip(officer, forum, strict=True) if f[-1] == "c"]
    assert hidden, "the small area has needs with 1 to 5 projected plans"
    # When the rep's chart is drawn, Then it writes only the medians the rep's table shows, none of the hidden
    svg = _svg(page.content.decode(), "plans-by-need")
    shown = [f[-1] for f in forum if f[-1] != "c" and any(c not in ("0", "c") for c in f[1:])]
    assert Counter(_written(svg)) == Counter(shown)
    # And the description says how many "c" cells are left out: every "c" of the table but its total row
    cells = sum(cell == "c" for row in forum for cell in row[1:])
    assert f"{cells} figures shown as “c” in the table are left out." in _description(svg, "plans-by-need")


def _gap_label(cell: str) -> str:
    if cell == "c":
        return "c"
    gap = int(cell.replace(",", ""))
    return f"{gap:+,}" if gap else "0"


@pytest.mark.parametrize("role", [roles.OFFICER, roles.PCF_REP, roles.BOARD_MEMBER])
def test_the_sufficiency_chart_writes_the_tables_gaps_and_no_suppressed_one(client, finished_run, role):
    # Given the sufficiency table as this role sees it (the gap is its seventh column)
    page = _page(client, finished_run, role)
    rows = page_tables(page)["Sufficiency: demand for specialist places against places, by year"][1:]
    # Then each bar's label is its row's gap, and a suppressed gap is only its "c"
    svg = _svg(page.content.decode(), "sufficiency")
    assert Counter(_written(svg)) == Counter(_gap_label(row[6]) for row in rows)
    hidden = sum(row[6] == "c" for row in rows)
    if role == roles.OFFICER:
        assert hidden == 0
    else:
        assert hidden, "the small area has specialist settings with 1 to 5 children"
        assert f"{hidden} gaps shown as “c” in the table are left out." in _description(svg, "sufficiency")


def test_the_scenario_chart_describes_the_last_years_difference_from_its_table(client, finished_run):
    page = _page(client, finished_run, roles.ANALYST)
    rows = page_tables(page)["Scenario against the baseline"][1:]
    # Given the table's total plans in its last year
    year, _, baseline, scenario, difference, low, high = [r for r in rows if r[1] == "total plans"][-1]
    # Then the description says the same
    description = _description(_svg(page.content.decode(), "scenario-vs-baseline"), "scenario-vs-baseline")
    assert (f"in January {year} {scenario} plans under the scenario against {baseline} in the baseline, a "
            f"difference of {difference} (95% interval {low} to {high})") in description


# ------------------------------------------------------------------------------------------ the specs, by hand

NEED_ROWS = [
    {"label": "Autistic spectrum disorder", "year": 2025, "kind": "actual", "value": 40},
    {"label": "Autistic spectrum disorder", "year": 2026, "kind": "actual", "value": 44},
    {"label": "Autistic spectrum disorder", "year": 2027, "kind": "projection", "value": 48},
    {"label": "Hearing impairment", "year": 2025, "kind": "actual", "value": "c"},
    {"label": "Hearing impairment", "year": 2026, "kind": "actual", "value": 7},
    {"label": "Hearing impairment", "year": 2027, "kind": "projection", "value": "c"},
    {"label": "Down syndrome", "year": 2025, "kind": "actual", "value": 0},
    {"label": "Down syndrome", "year": 2026, "kind": "actual", "value": 0},
    {"label": "Down syndrome", "year": 2027, "kind": "projection", "value": 0},
]


def _data(spec: dict) -> list[dict]:
    return [d for rows in spec["datasets"].values() for d in rows]


def test_a_breakdown_chart_draws_no_suppressed_cell_and_says_so():
    # Given plans by need with hearing impairment's 2025 count and 2027 median suppressed
    spec = breakdown_spec(NEED_ROWS, y_title="Plans")
    # Then the chart holds no number for those two cells (a gap in the line), and 7 for its 2026 count
    hearing = {(d["year"], d["series"]): d["value"] for d in _data(spec) if d["panel"] == "Hearing impairment"}
    assert hearing == {(2025, "Actual"): None, (2026, "Actual"): 7.0, (2026, "Projection (median)"): 7.0,
                       (2027, "Projection (median)"): None}
    # And Down syndrome, with no plans, has no panel; autism's is first and ends with its median written
    assert [d["panel"] for d in _data(spec)][0] == "Autistic spectrum\ndisorder"
    assert "Down syndrome" not in {d["panel"] for d in _data(spec)}
    assert [d["end"] for d in _data(spec) if d["end"]] == ["48"]
    assert breakdown_description(NEED_ROWS, what="primary need") == (
        "One small chart for each primary need with plans, largest first, the census counts then the median "
        "projection; the largest are Autistic spectrum disorder 44 in 2026, 48 in 2027; Hearing impairment 7 in "
        "2026, c in 2027. Primary needs with no plans shown are left out. 2 figures shown as “c” in the table are "
        "left out.")


def test_a_sufficiency_chart_shows_shortfall_and_spare_places_and_no_suppressed_gap():
    # Given 12 more children than places in independent special schools, 30 spare maintained special places,
    # and a suppressed gap
    rows = [{"year": "2027", "setting": "Independent or non-maintained special school", "gap": 12},
            {"year": "2027", "setting": "Maintained special school or special academy", "gap": -30},
            {"year": "2027", "setting": "Alternative provision", "gap": "c"}]
    data = _data(sufficiency_spec(rows))
    # Then the bars are a shortfall of 12 and 30 spare places, and the suppressed gap is only a "c"
    assert [(d["gap"], d["side"], d["label"]) for d in data] == [
        (12.0, "Shortfall (more children than places)", "+12"), (-30.0, "Spare places", "-30"), (None, None, "c")]
    assert sufficiency_description(rows) == (
        "Bars of the median gap between children and places by January census, one small chart per setting; in "
        "2027: Independent or non-maintained special school a shortfall of 12; Maintained special school or "
        "special academy 30 spare; Alternative provision c. 1 gap shown as “c” in the table is left out.")


def test_a_sufficiency_panel_is_wide_enough_that_its_years_and_labels_do_not_overlap():
    # Six years of gaps like +1,234 (6 characters, about 39 pixels at 11 px): 6 x 39 = 234 pixels, not the 105 they
    # were squeezed into (17 pixels a year, under a year's own label).
    rows = [{"year": str(2026 + n), "setting": "Maintained special school or special academy", "gap": 1234}
            for n in range(6)]
    assert sufficiency_spec(rows)["spec"]["width"] == 234
    assert sufficiency_spec(rows[:1])["spec"]["width"] == 105  # one year keeps the width its heading needs
