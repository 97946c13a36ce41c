"""The scenario writer: the YAML text it writes for each kind of change reads back through `scenario_parse` as
the change that was asked for."""

import datetime as dt

import pytest

from sendreform.forecast.scenarios import KIND_LABELS, scenario_parse, scenario_yaml

SEPT = dt.date(2027, 9, 1)
CASES = {
    "scale": ({"transition": "joining", "factor": 0.85, "settings": ["MAINSTREAM"], "ncy": [0, 11]},
              {"transition": "joining", "factor": 0.85, "settings": ("MAINSTREAM",), "ncy": (0, 11)}),
    "add_places": ({"setting": "MAINSTREAM_BASE", "places": {"ASD": 80, "SEMH": 24}, "fill_from": ["INMSS"]},
                   {"setting": "MAINSTREAM_BASE", "places": {"ASD": 80, "SEMH": 24}, "fill_from": ("INMSS",)}),
    "cap_setting": ({"setting": "INMSS", "places": 150, "move_to": "MAINTAINED_SPECIAL"},
                    {"setting": "INMSS", "places": {"ALL": 150}, "move_to": "MAINTAINED_SPECIAL"}),
    "close_setting": ({"setting": "AP", "move_to": "MAINSTREAM"},
                      {"setting": "AP", "places": {"ALL": 0}, "move_to": "MAINSTREAM"}),
    "shift": ({"from_setting": "INMSS", "to_setting": "MAINTAINED_SPECIAL", "share": 0.2},
              {"setting": "INMSS", "to_setting": "MAINTAINED_SPECIAL", "share": 0.2}),
}


def test_every_kind_the_model_takes_has_a_case():
    assert set(CASES) == set(KIND_LABELS)


@pytest.mark.parametrize("kind", list(CASES))
def test_the_written_yaml_reads_back_as_the_change(kind):
    params, expected = CASES[kind]
    text = scenario_yaml(name="Fewer: independent places", description="Test #1", changes=[
        {"type": kind, "from": SEPT, **params}])
    scenario = scenario_parse(text)
    assert (scenario.name, scenario.description, scenario.text) == ("Fewer: independent places", "Test #1", text)
    [change] = scenario.changes
    assert (change.kind, change.start) == (kind, SEPT)
    assert {key: getattr(change, key) for key in expected} == expected


def test_the_text_is_the_yaml_a_person_would_write():
    text = scenario_yaml(name="Fewer new plans", changes=[
        {"type": "scale", "from": SEPT, "transition": "joining", "factor": 0.9, "needs": ["ASD", "SEMH"]}])
    assert text == ("name: Fewer new plans\nchanges:\n- type: scale\n  from: 2027-09-01\n  transition: joining\n"
                    "  factor: 0.9\n  needs: [ASD, SEMH]\n")
