"""The data template workbook, opened and read back: its sheets, and a cell equal to the run's median."""

import datetime as dt

import pytest
from openpyxl import load_workbook

from sendreform.demo.generator import generate_area
from sendreform.forecast.history import history_from_tables
from sendreform.forecast.run import forecast_run
from sendreform.forecast.template import template_values, template_write


@pytest.fixture(scope="module")
def run_and_history():
    history = history_from_tables(tables=generate_area(seed=870, as_at=dt.date(2026, 3, 1), scale=0.3),
                                  as_at=dt.date(2026, 3, 1))
    return forecast_run(history=history, years=3, sims=200), history


def test_the_workbook_has_every_section_and_the_runs_medians(run_and_history, tmp_path):
    run, history = run_and_history
    path = template_write(path=tmp_path / "template.xlsx", history=history, summary=run.summary,
                          sections=template_values(sim=run.baseline, history=history))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Assumptions", "5.1", "6", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7",
                             "10", "11", "12"]
    six = wb["6"]
    labels = [six.cell(row=r, column=1).value for r in range(3, 18)]
    assert len(labels) == 15 and labels[-1] == "Total"  # fourteen provision rows and the total
    # Given the run's median of total plans for January 2028, Then section 5.1's total for 2028 is it.
    median_2028 = next(r["median"] for r in run.summary["total_plans"] if r["year"] == 2028)
    sheet = wb["5.1"]
    total_row = next(r for r in range(3, 10) if sheet.cell(row=r, column=1).value == "Total")
    assert sheet.cell(row=2, column=5).value == "2028 (projection)"
    assert sheet.cell(row=total_row, column=5).value == pytest.approx(median_2028)
    # And 2025 is the actual census count.
    actual_2025 = int((history.census["year"] == 2025).sum())
    assert sheet.cell(row=total_row, column=2).value == actual_2025
    assert "January census" in wb["Assumptions"]["A2"].value
