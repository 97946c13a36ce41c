"""The data template's return: the plan's target metrics (baseline, targets for 2026-27 to 2028-29, actuals to
date) from the plan in the database, and the suppressed copy the board and the forum see."""

import datetime as dt

import pytest

from sendreform.forecast.template import Section
from sendreform.returns.services import metric_rows, sections_suppressed
from sendreform.standards import lsrp


@pytest.mark.django_db(transaction=True)
def test_the_plans_target_metrics_with_baseline_targets_and_actuals(reading_plan, small_area):
    from sendreform.indicators.analytics import analytics_connection_fresh

    rows = {r.id: r for r in metric_rows(con=analytics_connection_fresh(), suppress=False,
                                         today=dt.date(2026, 12, 7))}
    assert len(rows) == 12
    m = rows["ehcp_in_mainstream"]
    assert (m.baseline_value, m.baseline_date) == (938, dt.date(2026, 5, 31))
    # 938 + 12% by 31 March 2030, on a straight line from 31 May 2026 (1,400 days): 304 days on, 962.4
    assert m.targets["2026-27"] == pytest.approx(962.4)
    assert m.targets["2028-29"] == pytest.approx(round(938 + 938 * 0.12 * (304 + 365 + 366) / 1400, 1))
    # No financial year has ended by 7 December 2026; the latest quarter end is 30 September 2026: 12 children.
    assert m.actuals == {} and (m.latest, m.latest_as_at) == (12, dt.date(2026, 9, 30))


def test_the_suppressed_copy_hides_small_rows_beside_their_total():
    section = Section(key="5.1", rows=(*lsrp.AGE_GROUPS, lsrp.TOTAL))
    counts = [0, 40, 3, 12, 0]  # 3 is 1 to 5: hidden, and the next smallest (12) so 3 cannot be worked back
    section.values = {r: {y: (c if y == 2025 else None) for y in lsrp.YEARS}
                      for r, c in zip(section.rows, [*counts, 55], strict=True)}
    out = sections_suppressed({"5.1": section})["5.1"]
    assert [out.values[r][2025] for r in section.rows] == [0, 40, "c", "c", 0, 55]
    assert section.values["Age 11 to 15"][2025] == 3  # the return's own copy is untouched


@pytest.mark.parametrize("counts", [[0, 40, 3, 12, 0], [1, 1, 0, 0, 0], [2, 30, 30, 1, 4], [5, 0, 0, 0, 0]])
def test_no_hidden_row_of_the_suppressed_copy_can_be_solved_from_its_total(counts):
    from tests.suppression_attack import breakdown_given_away

    section = Section(key="5.1", rows=(*lsrp.AGE_GROUPS, lsrp.TOTAL))
    section.values = {r: dict.fromkeys(lsrp.YEARS) for r in section.rows}
    for r, c in zip(section.rows, [*counts, sum(counts)], strict=True):
        section.values[r][2025] = c
    out = sections_suppressed({"5.1": section})["5.1"]
    seen = [(out.values[r][2025],) for r in lsrp.AGE_GROUPS]
    assert not any(1 <= s[0] <= 5 for s in seen if isinstance(s[0], int))
    assert breakdown_given_away([(c,) for c in counts], seen, (out.values[lsrp.TOTAL][2025],), floors=(1,)) == []


@pytest.mark.django_db(transaction=True)
def test_the_command_writes_the_data_template_from_the_database(reading_plan, tmp_path, capsys):
    """Thirty children with plans at the January 2026 census (five a year since 2021, one in five in a special
    school): the 2025 column counts them, in the DfE's rows, and every section adds up."""
    from openpyxl import load_workbook

    from sendreform.cli.main import main
    from tests.forecasting.conftest import small_area_build

    small_area_build(today=dt.date(2026, 12, 7))
    out = tmp_path / "template.xlsx"
    assert main(["returns", "template", "--as-at", "2026-12-07", "--sims", "20", "--out", str(out)]) == 0
    assert f"Data template written to {out}" in capsys.readouterr().out
    wb = load_workbook(out)
    six = {wb["6"].cell(row=r, column=1).value: wb["6"].cell(row=r, column=2).value for r in range(4, 19)}
    assert (six["Mainstream schools or academies"], six["Maintained special schools or special academies"],
            six["Total"]) == (24, 6, 30)
    assert wb["5.1"].cell(row=3, column=2).value == "actual" and wb["5.1"].cell(row=3, column=3).value == "projection"
    for key in lsrp.TITLES:
        sheet = wb[key]
        for column in range(2, 7):
            cells = [sheet.cell(row=r, column=column).value for r in range(4, sheet.max_row + 1)]
            assert all(isinstance(c, int) for c in cells), (key, column)
            assert sum(cells[:-1]) == cells[-1], (key, column)
    assert wb["Baseline"].max_row == 14  # the title, the heading and the plan's twelve target metrics
