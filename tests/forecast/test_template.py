"""The DfE data template workbook, opened and read back: the DfE's titles and rows, whole children adding up,
hand-checkable values on a small simulation, an area's own mapping, and a real run's total."""

import datetime as dt
import shutil

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from sendreform.forecast.history import NEEDS, SETTINGS, History
from sendreform.forecast.model import Simulation
from sendreform.forecast.template import template_values, template_write
from sendreform.standards import lsrp
from sendreform.standards.lsrp import LsrpMappingError, ProvisionEntry, largest_remainder, lsrp_mapping_with

ASD, SEMH = NEEDS.index("ASD"), NEEDS.index("SEMH")
MAINSTREAM, BASE = SETTINGS.index("MAINSTREAM"), SETTINGS.index("MAINSTREAM_BASE")


def _small():
    """January 2026 actual: 2 children in years 1-6 and 1 in year 12 with ASD in mainstream, 1 in a
    mainstream base (years 7-11) with SEMH. January 2027 projected by three simulations."""
    shape = (6, len(NEEDS), len(SETTINGS))
    actual = np.zeros((1, *shape))
    actual[0, 2, ASD, MAINSTREAM] = 2
    actual[0, 4, ASD, MAINSTREAM] = 1
    actual[0, 3, SEMH, BASE] = 1
    cube = np.zeros((3, 1, *shape))
    cube[:, 0, 2, ASD, MAINSTREAM] = [10, 11, 12]  # age 5 to 10
    cube[:, 0, 3, ASD, MAINSTREAM] = [5, 6, 4]  # age 11 to 15
    cube[:, 0, 4, ASD, MAINSTREAM] = [1, 1, 2]  # age 16 to 19, a sixth form
    sim = Simulation(years=[2027], cube=cube, history_years=[2026], history_cube=actual, sims=3, seed=1)
    ages = [("under 5", 0), ("5-10", 7), ("11-15", 13), ("16-19", 17), ("20-25", 22)]
    flows = pd.DataFrame([{"year": 2025, "age_group": g, "requests": 4, "assessments": 3, "plans": 2}
                          for g, _ in ages])
    population = pd.DataFrame([{"year": y, "age": a, "population": 500} for y in range(2024, 2031) for _, a in ages])
    empty = pd.DataFrame()
    history = History(census=empty, population=population, flows=flows, unit_cost=empty, planned_places=empty,
                      establishment=empty, last_year=2026, inputs_hash="test")
    return sim, history


def _workbook(tmp_path, **kwargs):
    sim, history = _small()
    mapping = kwargs.pop("mapping", lsrp.STANDARD)
    path = template_write(path=tmp_path / "t.xlsx", sections=template_values(sim=sim, history=history,
                                                                             mapping=mapping),
                          history=history, summary={"sims": 3}, mapping=mapping, **kwargs)
    return load_workbook(path)


def _column(sheet, year):
    return {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2 + lsrp.YEARS.index(year)).value
            for r in range(4, sheet.max_row + 1)}


def test_titles_and_rows_are_the_dfes(tmp_path):
    wb = _workbook(tmp_path)
    assert wb.sheetnames == ["Assumptions", "5.1", "6", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7",
                             "10", "11", "12", "Baseline", "Success metrics"]
    assert wb["5.1"]["A1"].value == "5.1 Total number of EHC plans by age group (with estimated future projections)"
    assert wb["6"]["A1"].value == "6. Current and projected number of all CYP with EHC plans by provision"
    assert "AP or Hospital Schools" in wb["7.6"]["A1"].value and "Post-16" in wb["7.7"]["A1"].value
    assert [wb["6"].cell(row=r, column=1).value for r in range(4, 19)] == [*lsrp.PROVISION_ROWS, "Total"]
    assert len(lsrp.PROVISION_ROWS) == 14 and lsrp.PROVISION_ROWS[0] == "Early Years settings including PVIs"
    needs = [wb["7"].cell(row=r, column=1).value for r in range(4, 18)]
    assert len(needs) == 14 and needs[-2] == "SEN support but no specialist assessment of type of need"
    assert [wb["5.1"].cell(row=2, column=c).value for c in range(1, 7)] == ["Calendar Year", *lsrp.YEARS]


def test_every_cell_is_whole_and_every_section_adds_up(tmp_path):
    wb = _workbook(tmp_path)
    for key in lsrp.TITLES:
        sheet = wb[key]
        for year in lsrp.YEARS:
            column = _column(sheet, year)
            if column["Total"] is None:
                continue
            assert all(isinstance(v, int) for v in column.values()), (key, year)
            assert sum(v for k, v in column.items() if k != "Total") == column["Total"], (key, year)


def test_hand_checked_values(tmp_path):
    wb = _workbook(tmp_path)
    # 2025 is the January 2026 census, counted as it is.
    assert _column(wb["5.1"], 2025) == {"Under 5": 0, "Age 5 to 10": 2, "Age 11 to 15": 1, "Age 16 to 19": 1,
                                        "Age 20 to 25": 0, "Total": 4}
    assert wb["5.1"].cell(row=3, column=2).value == "actual"
    # 2026 (January 2027): totals 16, 18, 18 -> median 18; row medians 11, 5, 1 (17) -> shares 11.65, 5.29,
    # 1.06 -> 11, 5, 1 and the one left over to the largest fraction: 12, 5, 1.
    assert _column(wb["5.1"], 2026) == {"Under 5": 0, "Age 5 to 10": 12, "Age 11 to 15": 5, "Age 16 to 19": 1,
                                        "Age 20 to 25": 0, "Total": 18}
    six = _column(wb["6"], 2026)  # pre-16 mainstream median 16, sixth form 1: 16.94 -> 17, 1.06 -> 1
    assert six["Mainstream schools or academies"] == 17 and six["Mainstream Post 16 provision"] == 1
    assert _column(wb["6"], 2025)["Specialist bases in mainstream settings"] == 1
    assert _column(wb["7"], 2026)["Autistic Spectrum Disorder"] == 18
    assert _column(wb["7.2"], 2026)["Total"] == 16 and _column(wb["7.7"], 2026)["Total"] == 1
    assert _column(wb["7.3"], 2025) == {**dict.fromkeys(lsrp.NEEDS, 0), "Social, Emotional and Mental Health": 1,
                                        "Total": 1}
    # No run reaches January 2028: those columns are empty and say so.
    assert _column(wb["5.1"], 2027)["Total"] is None and wb["5.1"].cell(row=3, column=4).value == "not covered"
    assert _column(wb["10"], 2025)["Total"] == 20 and _column(wb["12"], 2025)["Age 5 to 10"] == 2
    text = " ".join(str(c.value) for c in wb["Assumptions"]["B"])
    assert "largest remainder" in text and "January 2026 census" in text


def test_an_areas_mapping_moves_a_setting_to_another_row(tmp_path):
    mapping = lsrp_mapping_with(provision=[ProvisionEntry("MAINSTREAM_BASE", "pre16",
                                                          "Support bases in mainstream settings")])
    six = _column(_workbook(tmp_path, mapping=mapping)["6"], 2025)
    assert six["Support bases in mainstream settings"] == 1 and six["Specialist bases in mainstream settings"] == 0
    with pytest.raises(LsrpMappingError, match="not one of the DfE's fourteen"):
        lsrp_mapping_with(provision=[ProvisionEntry("AP", "any", "Pupil referral units")])


def test_largest_remainder():
    assert largest_remainder(18, [11, 5, 1]) == [12, 5, 1]
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]  # the earlier row on a tie
    assert largest_remainder(0, [3, 4]) == [0, 0]
    assert sum(largest_remainder(1001, [0.3, 7.9, 2.2, 0.0])) == 1001


def test_metrics_sheets(tmp_path):
    from sendreform.forecast.template import MetricRow

    row = MetricRow(id="ehcp_in_mainstream", title="Children with an EHC plan in mainstream", unit="count",
                    baseline_value=938, baseline_date=dt.date(2026, 5, 31),
                    targets={"2026-27": 965, "2027-28": 993, "2028-29": 1020}, actuals={"2026-27": None},
                    latest=951, latest_as_at=dt.date(2026, 9, 30))
    wb = _workbook(tmp_path, metrics=[row])
    assert [c.value for c in wb["Baseline"][3]][:5] == ["Children with an EHC plan in mainstream",
                                                        "ehcp_in_mainstream", "count", 938,
                                                        dt.datetime(2026, 5, 31)]
    success = [c.value for c in wb["Success metrics"][3]]
    assert success[3:6] == [965, 993, 1020] and success[9] == 951


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice (soffice) is not installed on this machine")
def test_the_workbook_opens_in_libreoffice(tmp_path):
    """LibreOffice reads the workbook and writes it again with every sheet and the hand-checked total."""
    import subprocess

    wb = _workbook(tmp_path)
    source = tmp_path / "t.xlsx"
    out = tmp_path / "lo"
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                   check=True, timeout=120, capture_output=True)
    again = load_workbook(out / "t.xlsx")
    assert again.sheetnames == wb.sheetnames
    assert _column(again["5.1"], 2026)["Total"] == 18
