"""Importing a plan file never destroys (issue 12, ADR 16): a file cut short is refused and changes nothing;
re-importing the plan file keeps the meetings, decisions and actions recorded in the app, the board packs, the
history and the edits made since the last import; the import shows what it would change before it does."""

import datetime as dt

import pytest

from sendreform.governance.models import Action, Board, BoardPack, Decision, Meeting, Risk
from sendreform.governance.services import action_create, board_pack_store, decision_create, meeting_create
from sendreform.plan.models import ChangeEntry, Milestone, Workstream
from sendreform.plan.planfile import PlanFileError
from sendreform.plan.selectors import plan_export_text
from sendreform.plan.services import milestone_update, plan_import

pytestmark = pytest.mark.django_db

# the first Q2 milestone of Reading's "inclusion-in-settings" workstream, and how the import's report names it
FIRST = ("Formalise the arrangements for EAH based on analysis of demand and capacity across the local area, "
         "aligning this with support already in place")
NAMED = f"milestone {FIRST[:60]!r} (inclusion-in-settings, 2026-27 Q2)"


def _recorded_in_the_app(officer):
    """A meeting with a decision and an action, a milestone marked done, and a stored board pack."""
    board = Board.objects.get(key="send-reform-programme-board")
    meeting = meeting_create(board=board, date=dt.date(2026, 10, 6), title="October board", notes="", by=officer)
    decision_create(meeting=meeting, text="Adopt the graduated approach", status="agreed", by=officer)
    action_create(meeting=meeting, text="Circulate the toolkit", owner="Head of Inclusion", due=dt.date(2026, 11, 1),
                  status="open", by=officer)
    milestone = Milestone.objects.filter(workstream__key="inclusion-in-settings").order_by("due", "position")[0]
    milestone_update(milestone=milestone, version=milestone.version, by=officer, status="done", evidence="Offer mapped in September",
                     links=[])
    board_pack_store(board=board, as_at=dt.date(2026, 9, 30), content_hash="sha256:abc", state={}, pdf=b"%PDF-1.7",
                     by=officer)
    return milestone


def _counts():
    return {model.__name__: model.objects.count()
            for model in (Board, Meeting, Decision, Action, Risk, BoardPack, Workstream, Milestone, ChangeEntry)}


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.75, 0.97])
def test_a_plan_file_cut_off_mid_line_is_refused_and_nothing_changes(reading_plan, reading_text, users, cut):
    # Given Reading's plan with a meeting, an edit and a pack recorded in the app
    _recorded_in_the_app(users["OFFICER"])
    before, counts = plan_export_text(), _counts()
    # When the file, cut off part-way through a line, is imported
    text = reading_text[:int(len(reading_text) * cut)].rstrip("\n") + "x"
    with pytest.raises(PlanFileError) as error:
        plan_import(text=text, source="plans/reading.yaml")
    # Then it is refused, naming the file and the line, and nothing changed: 87 milestones, six boards, five risks
    # and the pack are all still there
    assert str(error.value).startswith("plans/reading.yaml: line ")
    assert plan_export_text() == before and _counts() == counts
    assert counts["Milestone"] == 87 and counts["Board"] == 6 and counts["Risk"] == 5 and counts["BoardPack"] == 1


def test_a_plan_file_cut_off_at_a_line_end_is_refused_as_holding_far_fewer_items(reading_plan, reading_text):
    # Given Reading's plan file cut at the end of its first workstream: it parses, but holds a fraction of the plan
    second = reading_text.index("\n    - key: ", reading_text.index("\n  workstreams:\n") + 20)
    text = reading_text[:second + 1]
    before = plan_export_text()
    # When it is imported, it is refused: the file has no governance section though the plan holds six boards
    with pytest.raises(PlanFileError, match="the file has no governance: section, but the plan holds 6 boards"):
        plan_import(text=text, source="cut.yaml")
    # And with the sections after the workstreams present, it is refused too, naming the section
    cut = text + reading_text[reading_text.index("\n  investment_note:") + 1:]
    with pytest.raises(PlanFileError, match=r"plan.workstreams: the file holds 1 workstreams where the plan holds 4"):
        plan_import(text=cut, source="cut.yaml")
    assert plan_export_text() == before
    # And given --allow-fewer it is merged, but nothing is deleted: the milestones it lacks are kept and listed
    report = plan_import(text=cut, source="cut.yaml", allow_fewer=True)
    assert Milestone.objects.count() == 87 and not report.changes_anything
    assert len([line for line in report.kept if line.startswith("milestone ")]) > 30


def test_reimporting_the_plan_file_keeps_what_the_app_recorded_and_its_edits(reading_plan, reading_text, users):
    # Given a meeting, decision, action, a milestone marked done and a pack recorded in the app
    milestone = _recorded_in_the_app(users["OFFICER"])
    counts = _counts()
    # When the correct plan file is imported again
    report = plan_import(text=reading_text, source="plans/reading.yaml")
    # Then nothing is added, changed or lost: the meeting, its decision and action, the pack and the history stay
    assert not report.changes_anything and _counts() == counts
    assert Meeting.objects.get(title="October board").decisions.get().text == "Adopt the graduated approach"
    assert Action.objects.get().text == "Circulate the toolkit" and BoardPack.objects.count() == 1
    # And the milestone keeps the status and evidence set in the app, with the same id (its history with it)
    milestone.refresh_from_db()
    assert milestone.status == "done" and milestone.evidence == "Offer mapped in September"
    assert ChangeEntry.objects.filter(subject_kind="milestone", subject_id=milestone.pk).count() == 1
    # And the report says the app's edit is kept over the file's value, and the meeting kept
    assert f"{NAMED}: status stays 'done' (the file says 'not_started')" in report.kept_edits
    assert any(line.startswith("meeting of send-reform-programme-board on 2026-10-06") for line in report.kept)


def test_a_file_change_is_applied_where_the_app_did_not_edit_and_recorded_in_the_history(reading_plan,
                                                                                        reading_text, users):
    _recorded_in_the_app(users["OFFICER"])
    # Given a file that re-rates R2's owner and marks the first milestone at risk (which the app marked done)
    risk = Risk.objects.get(ref="R2")
    text = reading_text.replace(f"- text: {FIRST}\n              status: not_started",
                                f"- text: {FIRST}\n              status: at_risk", 1)
    start = text.index("  - ref: R2")
    text = text[:start] + text[start:].replace(f"owner: {risk.owner}", "owner: Head of SEND", 1)
    assert text.count("status: at_risk") == reading_text.count("status: at_risk") + 1
    # When it is previewed, the report shows the change and nothing is written
    preview = plan_import(text=text, source="new.yaml", apply=False)
    assert preview.changed == [f"risk R2: owner {risk.owner!r} → 'Head of SEND'"]
    assert Risk.objects.get(ref="R2").owner == risk.owner
    # When it is applied, R2's owner changes, with a history entry naming the file
    applied = plan_import(text=text, source="new.yaml", by=users["OFFICER"])
    assert applied == preview and Risk.objects.get(ref="R2").owner == "Head of SEND"
    entry = ChangeEntry.objects.get(subject_kind="risk", subject_id=risk.pk)
    assert entry.summary == "Changed by importing new.yaml" and entry.username == users["OFFICER"].username
    # And the import itself is in the plan's history, so the board pack's "edits since" lists it
    assert ChangeEntry.objects.get(subject_kind="plan").summary == "Plan file new.yaml imported: 0 added, 1 changed"
    # And the milestone keeps the app's "done": the app's edit wins over the file's, and the report says so
    assert Milestone.objects.get(text=FIRST).status == "done"
    assert any("status stays 'done' (the file says 'at_risk')" in line for line in applied.kept_edits)


def test_a_new_milestone_in_the_file_is_added_and_a_removed_one_kept(reading_plan, reading_text):
    text = reading_text.replace(f"- text: {FIRST}\n", f"- text: Agree {FIRST}\n", 1)
    report = plan_import(text=text, source="new.yaml")
    assert report.added == [f"milestone {('Agree ' + FIRST)[:60]!r} (inclusion-in-settings, 2026-27 Q2)"]
    assert report.kept == [NAMED]
    assert Milestone.objects.count() == 88


def test_a_plan_of_another_area_is_refused(reading_plan, reading_text):
    with pytest.raises(PlanFileError, match="the file is Elmshire's plan but the database holds Reading's"):
        plan_import(text=reading_text.replace("  name: Reading\n", "  name: Elmshire\n", 1), source="e.yaml")


def test_the_command_shows_the_changes_and_applies_them_only_when_confirmed(reading_plan, reading_text, tmp_path,
                                                                           capsys, monkeypatch):
    from sendreform.cli.main import main

    risk = Risk.objects.get(ref="R1")
    path = tmp_path / "reading.yaml"
    start = reading_text.index("  - ref: R1")
    path.write_text(reading_text[:start] + reading_text[start:].replace(f"owner: {risk.owner}", "owner: Someone", 1),
                    encoding="utf-8")
    line = f"  - risk R1: owner {risk.owner!r} → 'Someone'"
    # A dry run shows the change and changes nothing
    assert main(["plan", "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert line in out and "Dry run: nothing was changed." in out and Risk.objects.get(ref="R1").owner == risk.owner
    # Without a terminal and without --yes it refuses
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["plan", "import", str(path)]) == 2
    assert "give --yes" in capsys.readouterr().err and Risk.objects.get(ref="R1").owner == risk.owner
    # At a terminal, answering no changes nothing; yes applies it
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["plan", "import", str(path)]) == 1 and Risk.objects.get(ref="R1").owner == risk.owner
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["plan", "import", str(path)]) == 0 and Risk.objects.get(ref="R1").owner == "Someone"
    # And a cut-off file is refused with its line
    path.write_text(reading_text[:5000], encoding="utf-8")
    assert main(["plan", "import", str(path), "--yes"]) == 2
    assert "it looks cut off" in capsys.readouterr().err


def test_a_meeting_in_the_file_keeps_what_the_app_recorded_at_it(users):
    from tests.plan.test_plan_file import SECOND_PLAN

    # Given a plan whose file records the July board, with its decision and action
    plan_import(text=SECOND_PLAN, source="elmshire.yaml")
    meeting = Meeting.objects.get(title="July board")
    counts = (meeting.decisions.count(), meeting.actions.count())
    # And the app has since written the meeting's notes and recorded another action at it
    Meeting.objects.filter(pk=meeting.pk).update(notes="Quorate; minutes agreed")
    action_create(meeting=meeting, text="Write to schools", owner="Head of SEND", due=dt.date(2026, 8, 1),
                  status="open", by=users["OFFICER"])
    # When the file is imported again
    report = plan_import(text=SECOND_PLAN, source="elmshire.yaml")
    # Then the meeting is the same one, with the app's notes, its decision and both actions, none twice
    meeting.refresh_from_db()
    assert meeting.notes == "Quorate; minutes agreed" and Meeting.objects.count() == 1
    assert (meeting.decisions.count(), meeting.actions.count()) == (counts[0], counts[1] + 1)
    assert not report.changes_anything
    assert report.kept_edits == ["meeting of partnership-board on 2026-07-15: notes stay as recorded in the app "
                                 "(the file says (blank))"]


def test_importing_the_previous_export_undoes_an_imports_changes(reading_plan, reading_text):
    # Given the plan exported before a file that changes R2's owner is imported
    before = plan_export_text()
    start = reading_text.index("  - ref: R2")
    owner = Risk.objects.get(ref="R2").owner
    plan_import(text=reading_text[:start] + reading_text[start:].replace(f"owner: {owner}", "owner: Someone", 1),
                source="new.yaml")
    assert Risk.objects.get(ref="R2").owner == "Someone"
    # When the earlier export is imported, the owner is as it was and the plan exports as before
    report = plan_import(text=before, source="before.yaml")
    assert report.changed == [f"risk R2: owner 'Someone' → {owner!r}"]
    assert Risk.objects.get(ref="R2").owner == owner and plan_export_text() == before
