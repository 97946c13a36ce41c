"""The attack on a forecast run's page as a suppressed role reads it: every breakdown's hidden cells solved
against the total plans shown above them, the cost lines against the total cost, and what repeats a hidden
cell elsewhere on the page (the sufficiency demand, the scenario's placements) hidden with it."""

from pathlib import Path

import pytest

from sendreform.forecast.run import forecast_run
from sendreform.forecast.scenarios import scenario_parse
from sendreform.forecasting import tables
from sendreform.standards.suppression import SUPPRESSED
from tests.suppression_attack import breakdown_given_away, shown

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "experts-at-hand.yaml"


@pytest.fixture(scope="module")
def frames(area_history):
    scenario = scenario_parse(SCENARIO.read_text(encoding="utf-8"))
    return forecast_run(history=area_history, years=3, sims=60, scenario=scenario).tables


@pytest.fixture(scope="module")
def pages(frames):
    def sections(suppressed):
        return {s.key: s for s in tables.run_sections(frames, suppressed=suppressed, sims=60, csv_url=lambda k: "")}
    return sections(False), sections(True)


@pytest.mark.parametrize("key", ["plans-by-need", "plans-by-setting", "plans-by-age-group", "cost-by-line"])
def test_no_hidden_cell_of_a_breakdown_can_be_solved_from_its_total(pages, key):
    plain, hidden = pages[0][key].table, pages[1][key].table
    columns = [c.key for c in hidden.columns[1:]]
    hidden_cells = 0
    for column in columns:
        truth = [r[column] for r in plain.rows[:-1]]
        seen = [r[column] for r in hidden.rows[:-1]]
        total_shown = hidden.rows[-1][column]
        assert total_shown == SUPPRESSED or total_shown == plain.rows[-1][column]
        hidden_cells += sum(not shown(v) for v in seen)
        if not shown(total_shown):
            continue
        # Medians of the parts need not add up to the total's: the attacker is given their exact sum.
        withheld = all(not shown(v) for v in seen)
        given = breakdown_given_away([(v,) for v in truth], [(v,) for v in seen], (sum(truth),),
                                     floors=(0,) if withheld or key == "cost-by-line" else (1,))
        assert given == [], (key, column)
    if key != "cost-by-line":
        assert hidden_cells > 0  # the attack had something to attack


def _by_setting_hidden(pages) -> dict[tuple[int, str], bool]:
    """Which setting's plans the page's "Plans by setting" table hides, by year and setting label."""
    table = pages[1]["plans-by-setting"].table
    return {(int(c.key[1:]), r["label"]): r[c.key] == SUPPRESSED for r in table.rows[:-1] for c in table.columns[1:]}


def test_the_sufficiency_demand_is_hidden_where_plans_by_setting_hides_its_setting(pages):
    hidden = _by_setting_hidden(pages)
    rows = pages[1]["sufficiency"].table.rows
    assert any(hidden[(int(r["year"]), r["setting"])] for r in rows)
    for row in rows:
        assert (row["demand"] == SUPPRESSED) == hidden[(int(row["year"]), row["setting"])], row
        if row["demand"] == SUPPRESSED:
            assert row["gap"] == SUPPRESSED  # the gap is demand less the places shown beside it


def test_the_scenarios_placements_are_hidden_where_plans_by_setting_hides_them(pages):
    hidden = _by_setting_hidden(pages)
    repeated = {"INMSS placements": ("INMSS",), "maintained special placements": ("MAINTAINED_SPECIAL",),
                "mainstream placements": ("MAINSTREAM", "MAINSTREAM_BASE")}
    checked = 0
    for row in pages[1]["scenario-vs-baseline"].table.rows:
        labels = [tables.SETTING_CATEGORY[s] for s in repeated.get(row["measure"], ())]
        if any(hidden.get((int(row["year"]), label), False) for label in labels):
            assert row["scenario"] == row["baseline"] == row["difference"] == SUPPRESSED, row
            checked += 1
    assert checked > 0


def test_the_total_plans_agree_wherever_they_are_shown(pages):
    totals = {r["year"]: r["median"] for r in pages[1]["total-plans"].table.rows}
    for key in ("plans-by-need", "plans-by-setting", "plans-by-age-group"):
        table = pages[1][key].table
        for column in table.columns[1:]:
            assert table.rows[-1][column.key] == totals[column.key[1:]], (key, column.key)
