"""`sendreform sen2 validate FILE`: the report on standard output, exit 0 only when there are no errors."""

import csv
import io
import json

import pytest

from sendreform.cli.main import main
from tests.sen2.samples import FILES, UPN_A


def test_a_clean_file_exits_0_with_its_summary(capsys):
    assert main(["sen2", "validate", FILES[2026]]) == 0
    out = capsys.readouterr().out
    assert "SEN2 collection year 2026, 5 people read; 0 errors, 0 queries; the file can be submitted." in out


@pytest.fixture
def bad_file(tmp_path):
    text = open(FILES[2025], encoding="utf-8").read()
    text = text.replace(f"<UPN>{UPN_A}</UPN>", "<UPN>C870200001001</UPN>")  # wrong check letter: an error
    text = text.replace("<ReviewOutcome>M</ReviewOutcome>", "")  # a meeting without its outcome: a query
    path = tmp_path / "return.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_errors_exit_1_and_the_text_names_person_line_and_rule(capsys, bad_file):
    assert main(["sen2", "validate", str(bad_file)]) == 1
    out = capsys.readouterr().out
    assert "1 errors, 1 queries" in out
    assert "ERROR UPN_CHECK_LETTER  UPN C870200001001 (Okafor, Amara)" in out
    assert "QUERY REVIEW_MEETING_WITHOUT_OUTCOME" in out
    assert "/Message/Persons/Person[1]/UPN = 'C870200001001'" in out


def test_csv_and_json_formats(capsys, bad_file):
    assert main(["sen2", "validate", str(bad_file), "--format", "csv"]) == 1
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["rule"] for r in rows] == ["UPN_CHECK_LETTER", "REVIEW_MEETING_WITHOUT_OUTCOME"]
    assert main(["sen2", "validate", str(bad_file), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 1 and data["queries"] == 1 and data["year"] == 2025


def test_a_query_alone_exits_0(capsys, tmp_path):
    path = tmp_path / "q.xml"
    path.write_text(open(FILES[2025], encoding="utf-8").read().replace("<ReviewOutcome>M</ReviewOutcome>", ""))
    assert main(["sen2", "validate", str(path)]) == 0
    assert "0 errors, 1 queries" in capsys.readouterr().out


def test_a_file_checked_as_another_year_is_an_error(capsys):
    assert main(["sen2", "validate", FILES[2025], "--year", "2026"]) == 1
    assert "HEADER_YEAR" in capsys.readouterr().out


@pytest.mark.parametrize("content", [b"not xml at all", b"<Message><Persons/></Message>"])
def test_a_file_that_cannot_be_read_exits_2(capsys, tmp_path, content):
    path = tmp_path / "x.xml"
    path.write_bytes(content)
    assert main(["sen2", "validate", str(path)]) == 2
    assert "could not be read to its end" in capsys.readouterr().out


def test_a_missing_file_exits_2(capsys, tmp_path):
    assert main(["sen2", "validate", str(tmp_path / "none.xml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_the_rules_are_listed_for_a_year(capsys):
    from sendreform.sen2.rules import RULES

    assert main(["sen2", "rules", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "UPN_CHECK_LETTER" in out and "REQUEST_SOURCE_CODE" not in out  # RequestSource is from 2025
    assert main(["sen2", "rules", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == len(RULES)
    assert {"rule": "DP_WITHOUT_PB", "severity": "query"}.items() <= rows[[r["rule"] for r in rows].index(
        "DP_WITHOUT_PB")].items()
