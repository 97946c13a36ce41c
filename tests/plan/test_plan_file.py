"""The plan file round trip: Reading's plan and a small second plan load and export byte for byte; a malformed
file is rejected with its line and the reason, and the database is left as it was."""

import datetime as dt

import pytest

from sendreform.plan.models import Milestone, Plan, Workstream
from sendreform.plan.planfile import PlanFileError, plan_file_read
from sendreform.plan.selectors import plan_export_text, plan_mapping
from sendreform.plan.services import plan_import

SECOND_PLAN = """\
# A Local SEND Reform Plan as data: the local area, the indicators' baselines, targets and milestones, the
# plan (building blocks and enablers, roadmap, workstreams, milestones, trajectories, investment), its
# governance and its risks. Load it with `sendreform plan import FILE`; `sendreform plan export` writes it.
local_area:
  name: Elmshire
  la_code: '999'
indicators:
  ehcp_total:
    baseline: {value: 1200, date: 2026-03-31}
    target: {change_pct: -5.5, date: 2029-03-31}
  eah_settings_engaged_pct:
    milestones:
      - {date: 2026-09-30, value: 40}
plan:
  title: Elmshire SEND plan
  roadmap_years:
    - year: 2026/27
      headline: Start
    - year: 2027/28
      headline: Grow
  building_blocks:
    - key: inclusion
      kind: building_block
      name: Inclusion in settings
      vision:
        - Every school inclusive
      roadmap:
        2026/27:
          - Train every SENCo
        2027/28:
          - Peer review
      success_measures:
        - name: Attendance
          2026/27: Better attendance
    - key: data
      kind: enabler
      name: Data and digital
  workstreams:
    - key: senco-training
      building_block: inclusion
      name: SENCo training
      lead: Head of Inclusion (Accountable)
      outcome:
        - Confident SENCos
      quarters:
        - quarter: 2026-27 Q2
          milestones:
            - text: Commission the training
              status: done
              evidence: Contract signed
              links:
                - https://example.org/contract
            - text: Book the venues
              status: at_risk
          trajectory:
            - text: 40% of settings engaged
              indicators:
                - eah_settings_engaged_pct
        - quarter: 2026-27 Q3
          milestones:
            - text: First cohort trained
              status: not_started
  investment_note: Amounts from the finance breakdown of June 2026
  investment:
    - category: workforce_training
      heading: Training
      quarters:
        - quarter: 2026-27 Q2
          description: Trainers
          planned_pence: 2500000
          actual_pence: 2412550
        - quarter: 2026-27 Q3
          planned_pence: 1000000
governance:
  boards:
    - key: partnership-board
      name: Elmshire Partnership Board
      kind: group
      purpose: Oversees the plan
      chair: Director of Children's Services
      cadence: Monthly
      escalation_route: Cabinet
    - key: sro
      name: Director of Education
      kind: individual
      sro: true
      purpose: Accountable for delivery
      escalates_to: partnership-board
  meetings:
    - board: partnership-board
      date: 2026-07-15
      title: July board
      decisions:
        - text: Approve the training budget
          status: agreed
      actions:
        - text: Report on venues
          owner: Head of Inclusion
          due: 2026-08-31
          status: open
risks:
  - ref: E1
    title: Trainers cannot be recruited
    plan_wording:
      impact: High
      likelihood: Medium
      rag: Red
      residual_rag: Red
    inherent:
      impact: critical
      likelihood: possible
    residual:
      impact: critical
      likelihood: possible
    mitigations:
      - Regional framework
    owner: Head of Inclusion
    review_date: 2026-09-01
    escalates_to: partnership-board
"""


@pytest.mark.django_db
def test_reading_plan_round_trips_byte_for_byte(reading_text):
    # Given Reading's plan file, when it is imported and exported
    plan_import(text=reading_text, source="plans/reading.yaml")
    # Then the export is the file, byte for byte
    assert plan_export_text() == reading_text


@pytest.mark.django_db
def test_reading_plan_holds_the_plan(reading_plan):
    # Then the four building blocks, six enablers, four workstreams, six boards and five risks are there
    from sendreform.governance.models import Board, Risk

    kinds = list(reading_plan.building_blocks.values_list("kind", flat=True))
    assert kinds.count("building_block") == 4 and kinds.count("enabler") == 6
    assert Workstream.objects.count() == 4
    assert Workstream.objects.get(key="inclusion-in-settings").lead == "RISE Service Lead (Accountable)"
    assert Board.objects.count() == 6 and Board.objects.get(is_sro=True).key == "sro"
    assert list(Risk.objects.values_list("ref", flat=True)) == ["R1", "R2", "R3", "R4", "R5"]
    assert {m.quarter for m in Milestone.objects.all()} == {"2026-27 Q2", "2026-27 Q3", "2026-27 Q4"}
    # and the Q2 milestones are due at the end of September 2026
    assert set(Milestone.objects.filter(quarter="2026-27 Q2").values_list("due", flat=True)) == {
        dt.date(2026, 9, 30)}


@pytest.mark.django_db
def test_a_second_plan_round_trips_byte_for_byte():
    # Given a small plan of another local area, when it is imported and exported
    plan_import(text=SECOND_PLAN, source="elmshire.yaml")
    # Then the export is the file, byte for byte, and its money and statuses came through
    assert plan_export_text() == SECOND_PLAN
    assert Milestone.objects.get(text="Book the venues").status == "at_risk"
    assert plan_mapping()["plan"]["investment"][0]["quarters"][0]["actual_pence"] == 2412550
    assert plan_mapping()["plan"]["investment_note"] == "Amounts from the finance breakdown of June 2026"
    assert plan_mapping()["plan"]["building_blocks"][0]["vision"] == ["Every school inclusive"]


@pytest.mark.django_db
def test_reading_plan_holds_each_building_blocks_vision_in_the_plans_words(reading_plan):
    # Then each of the four building blocks has its "where we will be in the next 3 years" points
    vision = dict(reading_plan.building_blocks.values_list("key", "vision"))
    assert [len(vision[k]) for k in ("inclusive-settings", "specialist-support", "system-leadership",
                                     "inclusive-culture")] == [23, 18, 7, 5]
    assert vision["inclusive-settings"][0] == ("Reading will have a consistently inclusive education system, "
                                               "aligned to SEND Reforms, where:")
    assert "Reduced reliance on EHCPs through effective early intervention." in vision["specialist-support"]
    # And the enablers have none: the plan gives them no vision of their own
    assert all(not v for k, v in vision.items() if reading_plan.building_blocks.get(key=k).kind == "enabler")
    # And the plan says it gives no investment amounts
    assert "The plan gives no amounts" in reading_plan.investment_note
    assert not reading_plan.investment.exclude(planned_pence=None).exists()


@pytest.mark.django_db
def test_the_metrics_layer_reads_the_indicators_section_of_the_exported_file(reading_text):
    from sendreform.metrics.catalogue import CATALOGUE
    from sendreform.metrics.targets import targets_from_mapping

    plan_import(text=reading_text)
    targets = targets_from_mapping(plan_file_read(plan_export_text()), known_ids=CATALOGUE)
    assert targets.get("eah_settings_engaged_pct").expected(dt.date(2026, 12, 31)) == 75


def _broken(old: str, new: str) -> tuple[str, int]:
    """SECOND_PLAN with one line changed, and that line's number."""
    assert SECOND_PLAN.count(old) == 1
    return SECOND_PLAN.replace(old, new), SECOND_PLAN[:SECOND_PLAN.index(old)].count("\n") + 1


MALFORMED = [
    ("local_area:\n\tname: Elmshire\n", 2, "not valid YAML"),
    ("local_area:\n  name: A\n  name: B\n", 3, "'name' appears twice"),
    (*_broken("      status: at_risk", "      status: slipping"),
     "'slipping' is not one of not_started, on_track, at_risk, off_track, done"),
    (*_broken("due: 2026-08-31", "due: 31/08/2026"), "'31/08/2026' is not a date"),
    (*_broken("  ehcp_total:", "  ehcp_totals:"), "no indicator has this id"),
    (*_broken("      lead: Head", "      leader: Head"), "unknown field 'leader'"),
    (*_broken("      escalates_to: partnership-board\n  meetings", "      escalates_to: board-x\n  meetings"),
     "no board has key 'board-x'"),
    (*_broken("    title: Trainers cannot be recruited", "    title: Trainers cannot be recruited,"),
     "risks[0].title ends with ',': give the whole title"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "line", "reason"), MALFORMED)
def test_a_malformed_file_is_rejected_with_its_line_and_reason_and_nothing_changes(reading_plan, text, line,
                                                                                   reason):
    # Given Reading's plan loaded
    before = plan_export_text()
    # When a malformed file is imported
    with pytest.raises(PlanFileError) as error:
        plan_import(text=text, source="bad.yaml")
    # Then the error names the line and the reason
    assert error.value.line == line, str(error.value)
    assert reason in str(error.value)
    assert str(error.value).startswith(f"bad.yaml: line {line}: ")
    # And the database is as it was
    assert plan_export_text() == before
    assert Plan.objects.count() == 1


@pytest.mark.django_db
def test_the_command_reports_a_malformed_file_and_changes_nothing(reading_plan, tmp_path, capsys):
    from sendreform.cli.main import main

    before = plan_export_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(SECOND_PLAN.replace("status: at_risk", "status: late"), encoding="utf-8")
    assert main(["plan", "import", str(bad)]) == 2
    assert f"line {_broken('status: at_risk', 'x')[1]}: " in capsys.readouterr().err
    assert plan_export_text() == before
