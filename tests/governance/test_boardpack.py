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
        assert iid in flat, iid
    for ref in ("R1", "R2", "R3", "R4", "R5"):
        assert ref in text
    assert pack.content_hash.startswith("sha256:") and pack.content_hash in flat
    assert "Suppression applied: yes" in text
    # Tagged: a structure tree and the document's language, as PDF/UA asks
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en-GB"


@pytest.mark.django_db
def test_a_milestones_new_status_shows_in_the_next_pack(reading_plan, users):
    board = Board.objects.get(key="send-reform-programme-board")
    board_pack_generate(board=board, as_at=AS_AT, by=users["OFFICER"])
    milestone = Milestone.objects.filter(quarter="2026-27 Q2").order_by("workstream__position", "position").first()
    milestone_update(milestone=milestone, by=users["OFFICER"], status="off_track", evidence="", links=[])
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
    assert main(["boardpack", "--board", "No such board", "--as-at", "2026-09-30", "--out", str(out)]) == 2
    assert "no board is called" in capsys.readouterr().err
