"""Scenario effects, costs and sufficiency worked by hand on tiny inputs."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sendreform.forecast import costs
from sendreform.forecast.history import NEEDS, SETTINGS
from sendreform.forecast.model import N_STATE, state_index
from sendreform.forecast.scenarios import ScenarioError, scenario_parse
from sendreform.forecast.sufficiency import capacity, sufficiency_table

EAH = """\
name: EAH
changes:
  - type: scale
    transition: joining
    factor: 0.85
    from: 2027-09-01
    settings: [MAINSTREAM]
  - type: shift
    from_setting: INMSS
    to_setting: MAINTAINED_SPECIAL
    share: 1.0
    from: 2027-09-01
"""


def test_a_cut_from_september_acts_on_the_part_of_the_year_after_it():
    scenario = scenario_parse(EAH)
    # Census 21 January 2027 to 20 January 2028 is 364 days; 1 September 2027 leaves 141 of them.
    edit = scenario.step(y0=2027, y1=2028)
    mainstream = state_index(5, NEEDS.index("ASD"), SETTINGS.index("MAINSTREAM")) % (len(NEEDS) * len(SETTINGS))
    special = mainstream - SETTINGS.index("MAINSTREAM") + SETTINGS.index("INMSS")
    assert edit.join[9, mainstream] == pytest.approx(1 - 0.15 * 141 / 364)
    assert edit.join[9, special] == 1.0
    # The whole of the next year is cut by 15%, and the year before not at all.
    assert scenario.step(y0=2028, y1=2029).join[9, mainstream] == pytest.approx(0.85)
    assert scenario.step(y0=2026, y1=2027).join.min() == 1.0


def test_a_shift_of_the_whole_share_moves_every_inmss_child_on_the_date():
    scenario = scenario_parse(EAH)
    x = np.zeros((2, N_STATE), dtype=np.int64)
    inmss = state_index(8, NEEDS.index("SEMH"), SETTINGS.index("INMSS"))
    x[:, inmss] = 7
    moved = scenario.step(y0=2027, y1=2028).transfer(np.random.default_rng(0), x)
    assert moved[:, inmss].tolist() == [0, 0]
    assert moved[:, inmss - SETTINGS.index("INMSS") + SETTINGS.index("MAINTAINED_SPECIAL")].tolist() == [7, 7]
    # In a year not containing the date nothing moves.
    assert (scenario.step(y0=2028, y1=2029).transfer(np.random.default_rng(0), x) == x).all()


def test_a_bad_scenario_names_the_line():
    text = EAH.replace("factor: 0.85", "factor: lots")
    with pytest.raises(ScenarioError) as error:
        scenario_parse(text, source="eah.yaml")
    assert error.value.line == 5
    assert "eah.yaml, line 5: factor must be a number" in str(error.value)
    with pytest.raises(ScenarioError, match="line 3: type must be one of"):
        scenario_parse("name: x\nchanges:\n  - type: teleport\n    from: 2027-09-01\n")


def test_inmss_unit_cost_grows_by_the_plans_inflation():
    table = pd.DataFrame({"setting_category": ["INMSS"], "need_type": [None], "financial_year": ["2024-25"],
                          "annual_cost": [6_400_000]})
    unit = costs.unit_costs(unit_cost=table, years=[2026, 2027, 2028, 2029])
    inmss = unit[:, NEEDS.index("ASD"), SETTINGS.index("INMSS")]
    # 2025-26: 64,000 x 1.06; 2026-27: x 1.05; 2027-28: x 1.04; 2028-29: x 1.03 (the default).
    assert inmss.tolist() == pytest.approx([67_840, 71_232, 74_081.28, 76_303.7184])
    assert unit[:, :, SETTINGS.index("MAINSTREAM")].sum() == 0  # no cost rows: no High Needs cost


def test_cost_by_line_multiplies_plans_by_unit_cost():
    cube = np.zeros((1, 1, 6, len(NEEDS), len(SETTINGS)), dtype=np.int32)
    cube[0, 0, 2, NEEDS.index("ASD"), SETTINGS.index("INMSS")] = 3
    cube[0, 0, 3, NEEDS.index("SEMH"), SETTINGS.index("EHE")] = 2
    unit = np.zeros((1, len(NEEDS), len(SETTINGS)))
    unit[0, :, SETTINGS.index("INMSS")] = 70_000
    unit[0, :, SETTINGS.index("EHE")] = 1_000
    lines = costs.cost_by_line(cube=cube, costs=unit)
    names = list(costs.DSG_LINES)
    assert lines[0, 0, names.index("Independent and non-maintained special schools")] == 210_000
    assert lines[0, 0, names.index("Education otherwise than at school and other arrangements")] == 2_000
    assert lines.sum() == 212_000


def test_sufficiency_sets_demand_against_places_open_at_each_census():
    est = pd.DataFrame([
        dict(establishment_id="A", kind="SPECIAL", funding="MAINTAINED", in_area=True, has_sen_unit=False,
             has_resourced_provision=False, specialist_places=100, open_date=None, close_date=None),
        dict(establishment_id="B", kind="MAINSTREAM", funding="ACADEMY", in_area=True, has_sen_unit=True,
             has_resourced_provision=False, specialist_places=20, open_date=None, close_date=None),
        dict(establishment_id="C", kind="SPECIAL", funding="MAINTAINED", in_area=False, has_sen_unit=False,
             has_resourced_provision=False, specialist_places=500, open_date=None, close_date=None),
    ])
    planned = pd.DataFrame([dict(kind="MAINSTREAM", places=64, open_date=dt.date(2027, 9, 1))])
    places = capacity(establishment=est, planned_places=planned, years=[2027, 2028])
    base = places.set_index(["year", "setting"])["capacity"]
    assert base[(2027, "MAINSTREAM_BASE")] == 20 and base[(2028, "MAINSTREAM_BASE")] == 84
    assert base[(2028, "MAINTAINED_SPECIAL")] == 100  # the out-of-area school is not local capacity
    cube = np.zeros((3, 2, 6, len(NEEDS), len(SETTINGS)), dtype=np.int32)
    cube[:, :, 2, 0, SETTINGS.index("MAINTAINED_SPECIAL")] = np.array([[110, 120], [115, 125], [120, 130]])
    table = sufficiency_table(cube=cube, years=[2027, 2028], places=places).set_index(["year", "setting"])
    assert table.loc[(2028, "MAINTAINED_SPECIAL"), "demand_median"] == 125
    assert table.loc[(2028, "MAINTAINED_SPECIAL"), "gap_median"] == 25
