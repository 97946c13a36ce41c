"""The quarterly key-metrics return: its layout file read with the line of every mistake, the checks with their
reasons, the workbook read back with openpyxl, and a value that moves to another cell when the layout changes."""

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sendreform.plan.planfile import PlanFileError
from sendreform.returns.layout import layout_load, layout_read, quarter_bounds
from sendreform.returns.quarterly import CHANGE, MISSING, RANGE, WITHHELD, QuarterValue, quarterly_checks

READING = Path(__file__).resolve().parents[2] / "plans" / "reading-quarterly-return.yaml"
LAYOUT = """\
sheet: Key metrics
header_row: 2
quarter_columns: {2026-Q2: C, 2026-Q3: D}
change_threshold_pct: 25
indicators:
  ehcp_in_mainstream: {row: 6}
  special_school_attendance_rate: {row: 3, range: [50, 100]}
  inmss_placements: {sheet: Other, cell: B7}
  neet_16_17_ehcp_rate: {row: 5}
"""


def _value(iid, value, previous=None, unit="count"):
    return QuarterValue(indicator_id=iid, title=iid, unit=unit, value=value, previous=previous,
                        period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 9, 30), flow=False)


def test_readings_layout_maps_the_plans_target_metrics():
    from sendreform.metrics.catalogue import CATALOGUE

    layout = layout_load(READING)
    assert {p.indicator_id for p in layout.placements} == {i for i, ind in CATALOGUE.items() if ind.target_metric}
    assert layout.placements[0].cell_for("2026-Q3", layout.quarter_columns) == "C3"
    assert ("quarterly", "2026-Q3") in {(o.kind, o.period) for o in layout.calendar}
    assert quarter_bounds("2026-Q3") == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert quarter_bounds("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    ("ehcp_in_mainstream: {row: 6}", "no_such_metric: {row: 6}", 6,
     "indicators.no_such_metric: no indicator has this id"),
    ("{row: 6}", "{row: six}", 6, "indicators.ehcp_in_mainstream.row: 'six' is not a row number"),
    ("{row: 6}", "{row: 6, cell: D6}", 6, "indicators.ehcp_in_mainstream: give exactly one of row, cell and cells"),
    ("ehcp_in_mainstream: {row: 6}", "ehcp_in_mainstream: {sheet: Other, cell: B7}", 8,
     "indicators.inmss_placements: Other!B7 in 2026-Q2 is ehcp_in_mainstream's cell too"),
    ("2026-Q3: D", "2026-13: D", 3, "quarter_columns: '2026-13' is not a quarter like 2026-Q3"),
    ("range: [50, 100]", "range: [100, 50]", 7,
     "indicators.special_school_attendance_rate.range: [100, 50] is not [low, high]"),
    ("header_row: 2", "header_row: 2\nsheets: 3", 3, "the file: unknown field 'sheets'"),
])
def test_a_bad_layout_names_the_file_line_and_field(old, new, line, words):
    assert old in LAYOUT
    with pytest.raises(PlanFileError) as error:
        layout_read(LAYOUT.replace(old, new), source="plans/test.yaml")
    assert (error.value.source, error.value.line) == ("plans/test.yaml", line)
    assert words in str(error.value)


def test_the_checks_flag_each_planted_problem_with_its_reason():
    layout = layout_read(LAYOUT, source="t")
    checks = quarterly_checks(layout=layout, values=[
        _value("ehcp_in_mainstream", 12, previous=8),  # +50%: over the 25% threshold
        _value("special_school_attendance_rate", 41.5, previous=42.0, unit="percent"),  # below 50
        _value("inmss_placements", None),  # nothing counted
        _value("neet_16_17_ehcp_rate", "c", previous=9.0, unit="percent"),  # suppressed
    ])
    assert [(c.indicator_id, c.kind) for c in checks] == [
        ("ehcp_in_mainstream", CHANGE), ("special_school_attendance_rate", RANGE), ("inmss_placements", MISSING),
        ("neet_16_17_ehcp_rate", WITHHELD)]
    assert checks[0].reason == "8 to 12 since the quarter before (50%; the threshold is 25%)."
    assert checks[1].reason == "41.5 is outside the plausible range 50 to 100."
    assert quarterly_checks(layout=layout, values=[_value("ehcp_in_mainstream", 9, previous=8)]) == []


def _quarterly(tmp_path, layout_text, name):
    from sendreform.returns.services import quarterly_make

    layout = layout_read(layout_text, source=name)
    made = quarterly_make(quarter="2026-Q3", layout=layout, progress=lambda *a: None)
    return made, load_workbook(io.BytesIO(made[1]))


@pytest.mark.django_db(transaction=True)
def test_the_return_for_2026_q3_and_a_changed_layout_moves_the_value(small_area, tmp_path):
    (name, _, as_at, digest, checks, _), wb = _quarterly(tmp_path, LAYOUT, "one.yaml")
    assert name == "quarterly-return-2026-Q3.xlsx" and as_at == dt.date(2026, 9, 30)
    assert digest.startswith("sha256:")
    sheet = wb["Key metrics"]
    # 12 children in mainstream at 30 September (8 at 30 June), in the 2026-Q3 column (D) of row 6
    assert (sheet["A6"].value, sheet["D6"].value) == ("Children with EHC plans in mainstream settings", 12)
    assert sheet["D2"].value == "2026-Q3" and sheet["C6"].value is None
    values = {r[0].value: [c.value for c in r] for r in wb["Values"].iter_rows(min_row=2)}
    assert values["ehcp_in_mainstream"][3:10] == [12, "as it stood at the period's end", dt.datetime(2026, 9, 30),
                                                 dt.datetime(2026, 9, 30), values["ehcp_in_mainstream"][7], 8,
                                                 "Key metrics!D6"]
    assert "None needed" in values["ehcp_in_mainstream"][7]
    flagged = {(r[0].value, r[2].value): r[3].value for r in wb["Checks"].iter_rows(min_row=2)}
    assert flagged[("ehcp_in_mainstream", CHANGE)].startswith("8 to 12 since the quarter before (50%")
    # No attendance is recorded: the attendance rate is missing, and says so; no child is in an independent
    # school: that count is 0, in its own cell on its own sheet.
    assert flagged[("special_school_attendance_rate", MISSING)] == ("No value: the data holds nothing to count at "
                                                                    "30 September 2026.")
    assert wb["Other"]["B7"].value == 0 and ("inmss_placements", MISSING) not in flagged
    # When the layout puts the metric at row 9 of another sheet, Then the value moves there, and only there.
    _, moved = _quarterly(tmp_path, LAYOUT.replace("ehcp_in_mainstream: {row: 6}",
                                                   "ehcp_in_mainstream: {sheet: DfE, cell: F9}"), "two.yaml")
    assert moved["DfE"]["F9"].value == 12 and moved["Key metrics"]["D6"].value is None


@pytest.mark.django_db(transaction=True)
def test_the_command_writes_the_quarterly_return_and_refuses_a_bad_layout(small_area, tmp_path, capsys):
    from sendreform.cli.main import main

    layout = tmp_path / "layout.yaml"
    layout.write_text(LAYOUT, encoding="utf-8")
    out = tmp_path / "q3.xlsx"
    assert main(["returns", "quarterly", "--quarter", "2026-Q3", "--layout", str(layout), "--out", str(out)]) == 0
    assert load_workbook(out)["Key metrics"]["D6"].value == 12
    assert "Large change: Children with EHC plans in mainstream settings: 8 to 12" in capsys.readouterr().out
    layout.write_text(LAYOUT.replace("{row: 6}", "{row: 0}"), encoding="utf-8")
    assert main(["returns", "quarterly", "--quarter", "2026-Q3", "--layout", str(layout), "--out",
                 str(tmp_path / "no.xlsx")]) == 2
    assert f"{layout}: line 6: indicators.ehcp_in_mainstream.row: 0 is not a row number" in capsys.readouterr().err
    assert not (tmp_path / "no.xlsx").exists()


def test_an_areas_own_mapping_onto_the_data_templates_rows_is_read_and_checked():
    from sendreform.returns.layout import lsrp_mapping_read

    mapping = lsrp_mapping_read("provision:\n  - {setting: MAINSTREAM_BASE, phase: pre16, "
                                "row: Support bases in mainstream settings}\nneeds:\n  DS: Physical Disability\n",
                                source="plans/area-lsrp.yaml")
    assert mapping.row_of("MAINSTREAM_BASE", "pre16") == "Support bases in mainstream settings"
    assert mapping.row_of("MAINSTREAM_BASE", "post16") == "Mainstream Post 16 specialist provision"
    assert mapping.needs["DS"] == "Physical Disability"
    with pytest.raises(PlanFileError) as error:
        lsrp_mapping_read("provision:\n  - {setting: MAINSTREAM, row: Support bases in mainstream settings}\n"
                          "  - {setting: SCHOOL, row: Alternative Provision}\n", source="plans/area-lsrp.yaml")
    assert str(error.value) == ("plans/area-lsrp.yaml: line 3: provision[1]: 'SCHOOL' is not a setting category "
                                "(EARLY_YEARS, MAINSTREAM, MAINSTREAM_BASE, MAINTAINED_SPECIAL, INMSS, AP, "
                                "POST16_MAINSTREAM, POST16_SPECIALIST, EHE, EOTAS, UNPLACED, NOT_IN_EDUCATION, OTHER)")


_HOSTILE = st.sampled_from(["", ".inf", ".nan", "2026-02-30", "9" * 40, "[[[[", "{a: [b", "*x", "~", "'", "-1",
                            "1e400", "{row: 0}", "{cell: ZZZZ9}", "{range: [1]}", "[C, D]", "{2026-Q9: D}"])


def _mutated(text: str, index: int, value: str, how: str) -> str:
    lines = text.splitlines(keepends=True)
    i = index % len(lines)
    if how == "drop":
        del lines[i]
    elif how == "cut":
        return "".join(lines)[: sum(len(x) for x in lines[:i]) + len(lines[i]) // 2]
    else:
        key = lines[i].split(":")[0]
        lines[i] = f"{key}: {value}\n" if ":" in lines[i] else f"{value}\n"
    return "".join(lines)


@settings(max_examples=200, deadline=None)
@example("quarter_columns: .inf\nindicators: {ehcp_in_mainstream: {row: 6}}\n")  # once a TypeError
@example("indicators: [ehcp_in_mainstream]\n")
@given(st.one_of(st.text(max_size=200),
                 st.builds(_mutated, st.sampled_from([LAYOUT, READING.read_text(encoding="utf-8")]),
                           st.integers(0, 1000), _HOSTILE, st.sampled_from(["drop", "cut", "set"]))))
def test_any_returns_file_is_read_or_refused_with_a_plan_file_error(text):
    from sendreform.returns.layout import lsrp_mapping_read

    for read in (layout_read, lsrp_mapping_read):
        try:
            read(text, source="fuzz.yaml")
        except PlanFileError as error:
            assert str(error).startswith("fuzz.yaml")
