"""Hostile plan files (issue 12): impossible dates, numbers that are not finite, deep nesting, huge files, values
the database would refuse and bytes that are not UTF-8 are refused with a `PlanFileError` naming the file, line
or item and field, and nothing changes; whatever the text, reading or importing it gives a plan or a
`PlanFileError`, never another exception."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendreform.plan.planfile import PlanFileError, plan_file_read
from sendreform.plan.selectors import plan_export_text
from sendreform.plan.services import plan_import
from tests.plan.test_plan_file import SECOND_PLAN


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("date: 2026-03-31}", "date: 2026-02-30}", "'2026-02-30' is not a date"),
    ("value: 1200,", "value: .inf,", "indicators.ehcp_total.baseline.value: inf is not a finite number"),
    ("value: 1200,", "value: .nan,", "indicators.ehcp_total.baseline.value: nan is not a finite number"),
    ("date: 2026-03-31}", "date: 1066-03-31}", "1066-03-31 is not a date from 1990 to 2100"),
])
def test_a_hostile_value_is_refused_naming_its_line(old, new, reason):
    assert SECOND_PLAN.count(old) == 1
    with pytest.raises(PlanFileError) as error:
        plan_file_read(SECOND_PLAN.replace(old, new), source="bad.yaml")
    assert error.value.line == _line_of(SECOND_PLAN, old), str(error.value)
    assert reason in str(error.value)


def test_deep_nesting_and_a_huge_file_are_refused():
    with pytest.raises(PlanFileError, match="bad.yaml: not valid YAML: nested too deeply"):
        plan_file_read("local_area: " + "[" * 20000 + "]" * 20000 + "\n", source="bad.yaml")
    huge = SECOND_PLAN + "# " + "x" * (6_000_000 - len(SECOND_PLAN) - 3) + "\n"
    with pytest.raises(PlanFileError, match="bad.yaml: the file has 6,000,000 characters; a plan file is at most"):
        plan_file_read(huge, source="bad.yaml")


@pytest.mark.django_db
def test_a_value_the_database_would_refuse_stops_the_import_naming_the_item_and_field(reading_plan):
    before = plan_export_text()
    text = SECOND_PLAN.replace("name: Elmshire", "name: Reading").replace("title: Elmshire SEND plan",
                                                                          "title: " + "T" * 300)
    with pytest.raises(PlanFileError) as error:
        plan_import(text=text, source="bad.yaml", allow_fewer=True)
    assert str(error.value) == ("bad.yaml: the plan: title: Ensure this value has at most 200 characters "
                                "(it has 300).")
    assert plan_export_text() == before


@pytest.mark.django_db
def test_the_command_refuses_a_file_that_is_not_utf8(reading_plan, tmp_path, capsys):
    from sendreform.cli.main import main

    path = tmp_path / "plan.yaml"
    path.write_bytes(SECOND_PLAN.encode("utf-8").replace(b"Elmshire", b"Elmsh\xefre", 1))
    assert main(["plan", "import", str(path), "--yes"]) == 2
    assert f"{path}: byte " in capsys.readouterr().err


LINES = SECOND_PLAN.splitlines(keepends=True)
HOSTILE = st.sampled_from(["", ".inf", ".nan", "2026-02-30", "9" * 40, "[[[[", "{a: [b", "*x", "&x", "!!binary ???",
                           "- x", "~", "'", "x" * 300, "2026-27 Q9", "-1", "1e400"])


def _mutated(draw_index: int, value: str, how: str) -> str:
    lines = list(LINES)
    i = draw_index % len(lines)
    if how == "drop":
        del lines[i]
    elif how == "cut":
        return "".join(lines)[: sum(len(x) for x in lines[:i]) + len(lines[i]) // 2]
    elif how == "twice":
        lines.insert(i, lines[i])
    else:
        key = lines[i].split(":")[0]
        lines[i] = f"{key}: {value}\n" if ":" in lines[i] else f"{value}\n"
    return "".join(lines)


MUTATIONS = st.builds(_mutated, st.integers(0, 10_000), HOSTILE, st.sampled_from(["drop", "cut", "twice", "set"]))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), MUTATIONS))
def test_any_plan_file_text_is_read_or_refused_with_a_plan_file_error(text):
    try:
        data = plan_file_read(text, source="fuzz.yaml")
    except PlanFileError as error:
        assert str(error).startswith("fuzz.yaml")
        return
    assert set(data) == {"local_area", "indicators", "plan", "governance", "risks"}


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MUTATIONS)
def test_any_plan_file_is_imported_whole_or_refused_and_changes_nothing(text):
    before = plan_export_text()
    try:
        plan_import(text=text, source="fuzz.yaml", allow_fewer=True)
    except PlanFileError as error:
        assert str(error).startswith("fuzz.yaml") and plan_export_text() == before
