"""Hostile scenario YAML (issue 12): factors of .inf or .nan, duplicate keys, impossible dates, deep nesting,
huge text and bytes that are not UTF-8 are refused with a `ScenarioError` naming the line; whatever the text,
`scenario_parse` returns a valid scenario or raises `ScenarioError`, never another exception."""

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendreform.forecast.scenarios import MAX_FACTOR, ScenarioError, scenario_load, scenario_parse

GOOD = """\
name: Fewer joiners
changes:
  - type: scale
    transition: joining
    factor: 0.9
    from: 2027-09-01
"""


@pytest.mark.parametrize(("text", "line", "message"), [
    (GOOD.replace("0.9", ".inf"), 5, "factor must be a number from 0 to 10"),
    (GOOD.replace("0.9", ".nan"), 5, "factor must be a number from 0 to 10"),
    (GOOD.replace("0.9", "1e300"), 5, "factor must be a number from 0 to 10"),
    (GOOD.replace("2027-09-01", "2026-02-30"), 6, "2026-02-30 cannot be read"),
    (GOOD.replace("2027-09-01", "1066-10-14"), 6, "from must be a date like 2027-09-01, from 2000 to 2100"),
    (GOOD + "name: Again\n", 7, "'name' appears twice"),
    (GOOD.replace("    factor: 0.9\n", "    factor: 0.9\n    factor: 5\n"), 6, "'factor' appears twice"),
    (GOOD.replace("0.9", "[" * 5000 + "]" * 5000), None, "nested too deeply"),
    (GOOD.replace("type: scale", "type: add_places").replace("transition: joining\n    factor: 0.9",
                                                             "setting: LA_SPECIAL\n    places: {ASD: 99999999}"),
     5, "places must map need codes to whole numbers of places up to 100,000"),
    ("name: " + "x" * 60_000, None, "a scenario is at most 50,000 characters"),
])
def test_a_hostile_scenario_is_refused_naming_the_line(text, line, message):
    with pytest.raises(ScenarioError) as error:
        scenario_parse(text, source="s.yaml")
    assert error.value.line == line, str(error.value)
    assert message in str(error.value)


def test_a_scenario_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(GOOD.encode("utf-8").replace(b"Fewer", b"F\xe9wer"))
    with pytest.raises(ScenarioError, match=r"s.yaml: byte 7 is not UTF-8 text"):
        scenario_load(path)


_SCALARS = st.one_of(st.text(max_size=20), st.sampled_from([".inf", "-.inf", ".nan", "1e400", "2026-02-30",
                                                            "2027-09-01", "0.85", "-1", "[]", "{}", "*a", "&a x",
                                                            "!!python/object:os.system", "~", "'", "[[[["]))
_FIELDS = st.sampled_from(["type", "transition", "factor", "from", "needs", "settings", "ncy", "setting", "places",
                           "fill_from", "move_to", "share", "from_setting", "to_setting", "name"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(max_size=400),
    st.lists(st.tuples(_FIELDS, _SCALARS), max_size=8).map(
        lambda items: "name: x\nchanges:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in items) + "\n"),
    st.tuples(st.integers(0, GOOD.count("\n")), _SCALARS).map(
        lambda t: "\n".join(line if i != t[0] else line.split(":")[0] + ": " + t[1]
                            for i, line in enumerate(GOOD.split("\n")))),
))
def test_any_scenario_text_is_a_valid_scenario_or_a_scenario_error(text):
    try:
        scenario = scenario_parse(text, source="fuzz.yaml")
    except ScenarioError as error:
        assert str(error).startswith("fuzz.yaml")
        return
    for change in scenario.changes:
        assert dt.date(2000, 1, 1) <= change.start <= dt.date(2100, 12, 31)
        assert math.isfinite(change.factor) and 0 <= change.factor <= MAX_FACTOR
        assert 0 <= change.share <= 1 and all(0 <= p <= 100_000 for p in change.places.values())
