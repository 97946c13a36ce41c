"""The board pack: the PDF (read back with pypdf) names the board, every indicator id, the heat map's risks
and the snapshot hash; a milestone's change of status shows in the next pack; the command writes it."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from sendreform.governance.boardpack import board_pack_content, board_pack_generate
from sendreform.governance.models import Board, BoardPack
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.plan.models import Milestone
from sendreform.plan.services import milestone_update

AS_AT = dt.date(2026, 9, 30)


def _text(pdf: bytes) -> str:
    # Line breaks inside a table cell are not the document's words.
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.django_db
def test_the_pdf_names_the_board_every_indicator_the_risks_and_the_snapshot(reading_plan, users):
    board = Board.objects.get(key="send-reform-programme-board")
    pack = board_pack_generate(board=board, as_at=AS_AT, by=users["OFFICER"])
    reader = PdfReader(io.BytesIO(bytes(pack.pdf)))
    text = _text(bytes(pack.pdf))
    flat = text.replace("\n", "")
    assert "SEND Reform Programme Board" in text
    for iid in CATALOGUE:
        assert iid in flat, iid  # in the data note
    # The body names indicators by their titles; the ids are only in the data note at the end.
    body = flat.split("Data note")[0]
    assert "ehcp_total" not in body and "Data note" in flat
    assert CATALOGUE["ehcp_total"].title in " ".join(text.split())
    for ref in ("R1", "R2", "R3", "R4", "R5"):
        assert ref in text
    assert pack.content_hash.startswith("sha256:") and pack.content_hash in flat
    assert "Suppression applied: yes" in text
    # One spelling: "No trajectory", never "No Trajectory"
    assert "No trajectory" in text and "No Trajectory" not in text
    # Tagged: a structure tree and the document's language, as PDF/UA asks
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en-GB"


@pytest.mark.django_db
def test_a_milestones_new_status_shows_in_the_next_pack(reading_plan, users):
    board = Board.objects.get(key="send-reform-programme-board")
    board_pack_generate(board=board, as_at=AS_AT, by=users["OFFICER"])
    milestone = Milestone.objects.filter(quarter="2026-27 Q2").order_by("workstream__position", "position").first()
    milestone_update(milestone=milestone, version=milestone.version, by=users["OFFICER"], status="off_track",
                     evidence="", links=[])
    content = board_pack_content(board=board, as_at=AS_AT)
    change = f"Milestone “{milestone.text[:120]}”: Not started to Off track"
    assert change in content["changes"]
    pack = board_pack_generate(board=board, as_at=AS_AT, by=users["OFFICER"])
    assert "Not started to Off track" in _text(bytes(pack.pdf)).replace("\n", " ")
    assert BoardPack.objects.filter(board=board).count() == 2


@pytest.mark.django_db
def test_the_command_writes_the_pack(reading_plan, tmp_path, capsys):
    from sendreform.cli.main import main

    out = tmp_path / "pack.pdf"
    assert main(["boardpack", "--board", "SEND Strategic Partnership Board", "--as-at", "2026-09-30",
                 "--out", str(out)]) == 0
    assert "SEND Strategic Partnership Board" in _text(out.read_bytes())
    # and it waits for the pack, saying each stage as it starts
    err = capsys.readouterr().err
    assert err.index("[0/3] Computing the indicators") < err.index("[1/3] Rendering the charts") < err.index(
        "[2/3] Printing the PDF")
    assert main(["boardpack", "--board", "No such board", "--as-at", "2026-09-30", "--out", str(out)]) == 2
    assert "no board is called" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)  # the job runs once the request commits, as it does when served
def test_the_button_makes_the_pack_in_a_background_job_that_ends_at_the_pdf(reading_plan, users, client, settings):
    from django.urls import reverse

    from sendreform.jobs.models import DONE, Job
    from tests.factories import PASSWORD

    # Given an officer on a board's page (the job runs in this test's thread, not a background one)
    client.login(username=users["OFFICER"].username, password=PASSWORD)
    board = Board.objects.get(key="send-reform-programme-board")
    # When they press "Generate the board pack" for 30 September 2026
    # The board's page views the pack with a GET that carries no CSRF token in the address; the pack's page has the
    # form that posts, with a commentary box per section.
    board_page = client.get(reverse("governance:board", args=[board.key])).content.decode()
    assert "csrfmiddlewaretoken" not in board_page.split('action="/governance/boards/')[1].split("</form>")[0]
    pack_page = client.get(reverse("governance:pack", args=[board.key]),
                           {"as_at_day": "30", "as_at_month": "9", "as_at_year": "2026"}).content.decode()
    assert 'method="post"' in pack_page and "Commentary on risks" in pack_page
    response = client.post(reverse("governance:pack-create", args=[board.key]),
                           {"as_at_day": "30", "as_at_month": "9", "as_at_year": "2026",
                            "commentary_risks": "R3 is on the agenda of the next meeting."})
    # Then they are sent to the job's page, and the job made the pack in its three stages and links to the PDF
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert (job.status, job.kind, job.done, job.total) == (DONE, "board_pack", 3, 3), job.error
    pack = BoardPack.objects.get()
    assert job.title == "Board pack: SEND Reform Programme Board / SEND Operational Group, as at 30 September 2026"
    assert job.result_url == reverse("governance:pack-pdf", args=[pack.pk])
    assert (pack.as_at, pack.generated_by) == (AS_AT, users["OFFICER"])
    assert "See the result" in client.get(response.url).content.decode()
    pdf = client.get(job.result_url)
    assert pdf["Content-Type"] == "application/pdf" and "SEND Reform Programme Board" in _text(pdf.content)
    # The commentary is printed under its section and kept with the pack.
    assert pack.commentary["risks"] == "R3 is on the agenda of the next meeting." and "summary" not in pack.commentary
    assert "Officer's commentary R3 is on the agenda of the next meeting." in _text(pdf.content).replace("\n", " ")


@pytest.mark.django_db
def test_making_a_pack_reports_its_stages_in_order(reading_plan):
    # Given a progress callback that remembers what it is told
    seen = []
    board = Board.objects.get(key="send-strategic-partnership-board")
    # When a pack is made
    board_pack_generate(board=board, as_at=AS_AT, by=None, progress=lambda *step: seen.append(step))
    # Then it reported computing, charts and printing, then done, as steps of three
    assert seen == [("Computing the indicators", 0, 3), ("Rendering the charts", 1, 3), ("Printing the PDF", 2, 3),
                    ("Done", 3, 3)]


@pytest.mark.django_db
def test_the_next_pack_shows_edits_to_workstreams_and_milestones_and_the_spend(reading_plan, users):
    from sendreform.plan.models import InvestmentLine, Workstream
    from sendreform.plan.services import investment_spend_record, workstream_update

    # Given a first pack
    board = Board.objects.get(key="send-reform-programme-board")
    board_pack_generate(board=board, as_at=AS_AT, by=users["OFFICER"])
    # When an officer changes a workstream's lead, rewords a milestone and records £1,500 of actual spend
    ws = Workstream.objects.get(key="inclusion-in-settings")
    workstream_update(workstream=ws, version=ws.version, by=users["OFFICER"], outcome=ws.outcome, success_measures=ws.success_measures,
                      lead="Head of Inclusion (Accountable)")
    milestone = Milestone.objects.filter(workstream=ws).order_by("due", "position").first()
    milestone_update(milestone=milestone, version=milestone.version, by=users["OFFICER"], text="Agree the inclusion framework",
                     quarter=milestone.quarter, status=milestone.status, evidence="", links=[])
    line = InvestmentLine.objects.get(category="data_digital", quarter="2026-27 Q2")
    investment_spend_record(plan=reading_plan, by=users["OFFICER"], amounts={line.pk: (None, 150_000)},
                            versions={line.pk: line.version})
    # Then the next pack lists each edit with who made it, and the investment table holds the spend
    content = board_pack_content(board=board, as_at=AS_AT)
    items = [e["item"] for e in content["edits"]]
    assert items == ["Workstream “Strengthening inclusion across education settings”",
                     "Milestone “Agree the inclusion framework”",
                     "Spend recorded: Data and digital, 2026-27 Q2"]
    data_digital = next(r for r in content["investment"]["rows"] if r["label"] == "Data and digital")
    assert (data_digital["planned"], data_digital["actual"]) == ("Not recorded", "£1,500.00")
    text = _text(bytes(board_pack_generate(board=board, as_at=AS_AT, by=users["OFFICER"]).pdf)).replace("\n", " ")
    assert "“RISE Service Lead (Accountable)” to “Head of Inclusion (Accountable)”" in text
    assert "Investment: planned against actual spend" in text and "£1,500.00" in text
    assert "The plan gives no amounts." in text


@pytest.mark.django_db
def test_a_packs_indicators_are_as_at_the_last_quarter_end_with_events_of_that_quarter(reading_plan, users):
    # A pack leaves the council: as at 15 November, its indicators are those of 30 September, with counts of
    # events for July to September, so it cannot be set against the dashboard's quarters to give a few days'
    board = Board.objects.get(key="send-reform-programme-board")
    content = board_pack_content(board=board, as_at=dt.date(2026, 11, 15))
    assert content["as_at"] == dt.date(2026, 11, 15) and content["figures_as_at"] == AS_AT
    assert "the last quarter end on or before the pack" in _text(bytes(
        board_pack_generate(board=board, as_at=dt.date(2026, 11, 15), by=users["OFFICER"]).pdf)).replace("\n", " ")


def test_the_pack_writes_money_with_its_pound_sign():
    from sendreform.governance.boardpack import _shown

    assert (_shown(42100, "pounds"), _shown(83.66, "percent"), _shown(46591, "count")) == ("£42,100", "83.7%", "46,591")
