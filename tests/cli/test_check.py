"""`sendreform check`: exit 0 on a clean database, 1 with counts and examples when issues are seeded, and a
message naming file, row and column when a folder cannot be read."""

import datetime as dt
import json

import pytest

from sendreform.cli.main import main
from sendreform.experts.models import EahReferral
from sendreform.inclusion.models import ApCommission, ApProvider
from sendreform.people.models import Establishment, Person, SenStatus
from sendreform.statutory.models import Placement

from .conftest import write_csv

D = dt.date


@pytest.mark.django_db(transaction=True)
def test_a_clean_database_exits_0(small_area, capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "Data-quality check of the database" in out and ": clean." in out


@pytest.fixture
def seeded(small_area):
    """One orphan (a commission by a setting that is not there), one future date, one unknown risk flag."""
    ben = Person(pk="P2")
    oakfield = Establishment(pk="E1")
    provider = ApProvider(provider_id="AP1", name="Riverside Tuition", approved=True)
    provider.save()
    ApCommission(
        commission_id="AC1",
        person=ben,
        commissioned_by="E999",
        provider=provider,
        start_date=D(2025, 11, 3),
        sessions_per_week=4,
    ).save()
    Placement(placement_id="PL3", person=ben, sen_setting="EHE", start_date=D(2099, 1, 1)).save()
    EahReferral(
        referral_id="X1",
        establishment=oakfield,
        person=ben,
        received_date=D(2025, 12, 1),
        risk_flags="SUSPENSION,FIGHTING",
    ).save()


@pytest.mark.django_db(transaction=True)
def test_seeded_issues_are_counted_with_examples(seeded, capsys):
    # When the database is checked as JSON
    status = main(["check", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    # Then the status is 1 and each seeded issue is found once, with the row that shows it
    assert status == 1
    by_check = {c["check"]: c for c in report["checks"]}
    assert {name: c["count"] for name, c in by_check.items()} == {
        "orphan_rows": 1,
        "impossible_dates": 1,
        "unknown_codes": 1,
        "duplicate_keys": 0,
        "overlapping_episodes": 0,
    }
    assert by_check["orphan_rows"]["examples"] == [
        {"table": "ap_commission", "key": "AC1", "column": "commissioned_by", "value": "E999"}
    ]
    assert by_check["impossible_dates"]["examples"] == [
        {"table": "placement", "key": "PL3", "column": "start_date", "value": "2099-01-01"}
    ]
    assert by_check["unknown_codes"]["examples"] == [
        {"table": "eah_referral", "key": "X1", "column": "risk_flags", "value": "FIGHTING"}
    ]
    assert report["source"] == "the database"


@pytest.mark.django_db(transaction=True)
def test_seeded_issues_as_a_table(seeded, capsys):
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "3 issues found" in out
    assert "  ap_commission.commissioned_by -> establishment.establishment_id or LA: 1" in out
    assert "    ap_commission  AC1  commissioned_by  E999" in out


def test_a_folder_with_an_orphan_is_checked_like_the_database(canonical_folder, capsys):
    write_csv(
        canonical_folder / "placement.csv",
        "placement",
        [
            {
                "placement_id": "PL9",
                "person_id": "P404",
                "sen_setting": "EHE",
                "sen_unit": "false",
                "resourced_provision": "false",
                "la_funded": "true",
                "start_date": "2025-01-06",
            },
        ],
    )
    assert main(["check", "--data", str(canonical_folder), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [orphans] = [c for c in report["checks"] if c["check"] == "orphan_rows"]
    assert orphans["examples"] == [
        {"table": "placement", "key": "PL9", "column": "person_id", "value": "P404"}
    ]


def test_a_clean_folder_exits_0(canonical_folder, capsys):
    assert main(["check", "--data", str(canonical_folder)]) == 0


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        pytest.param(
            lambda f: (f / "ehc_request.csv").unlink(),
            "ehc_request.csv: missing: no ehc_request.csv or ehc_request.parquet",
            id="missing file",
        ),
        pytest.param(
            lambda f: (f / "person.csv").write_text("person_id,forename\nP1,Amira\n"),
            "person.csv, column upn: is missing, and so are uln, surname, birth_date, sex, ethnicity, "
            "postcode, home_la",
            id="missing columns",
        ),
        pytest.param(
            lambda f: write_csv(
                f / "person.csv",
                "person",
                [
                    {
                        "person_id": "P1",
                        "forename": "A",
                        "surname": "K",
                        "birth_date": "2015-09-01",
                        "sex": "F",
                        "ethnicity": "ABAN",
                        "home_la": "870",
                    },
                    {
                        "person_id": "P2",
                        "forename": "B",
                        "surname": "O",
                        "birth_date": "31/02/2015",
                        "sex": "M",
                        "ethnicity": "BAFR",
                        "home_la": "870",
                    },
                ],
            ),
            "person.csv, row 2 (line 3), column birth_date: '31/02/2015' is not a date (YYYY-MM-DD)",
            id="unreadable date",
        ),
    ],
)
def test_a_bad_file_stops_with_a_message_naming_file_row_and_column(canonical_folder, capsys, spoil, message):
    # Given a folder with one bad file / When it is checked
    spoil(canonical_folder)
    status = main(["check", "--data", str(canonical_folder)])
    # Then the command stops with status 2 and says where the problem is
    captured = capsys.readouterr()
    assert status == 2
    assert message in captured.err
    assert captured.out == ""


@pytest.mark.django_db(transaction=True)
def test_a_child_open_at_two_settings_at_once_is_reported(small_area, capsys):
    """Ben left Brookside for Oakfield in July 2026 but his SEN status at Brookside was never closed, and
    Amira has a second placement at Brookside while hers at Oakfield is still open. A handover on one day
    (Ben's new placement beginning the day his old one ends) is not an overlap."""
    ben, amira = Person(pk="P2"), Person(pk="P1")
    oakfield, brookside = Establishment(pk="E1"), Establishment(pk="E2")
    SenStatus(person=ben, establishment=brookside, sen_provision="K", start_date=D(2023, 9, 1)).save()
    Placement(placement_id="PL4", person=ben, establishment=oakfield, start_date=D(2026, 7, 20)).save()
    Placement(placement_id="PL5", person=amira, establishment=brookside, start_date=D(2025, 1, 6)).save()

    assert main(["check", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    [overlaps] = [c for c in report["checks"] if c["check"] == "overlapping_episodes"]
    assert overlaps["count"] == 2
    assert {(r["rule"], r["count"]) for r in overlaps["rules"]} == {
        ("placement open at two settings at once", 1),
        ("sen_status open at a setting other than the placement then open", 1),
    }
    assert overlaps["examples"] == [
        {"table": "sen_status", "key": "P2, 2023-09-01", "column": "establishment_id",
         "value": "E2 from 2023-09-01 and placement at E1 from 2026-07-20"},
        {"table": "placement", "key": "PL1", "column": "establishment_id",
         "value": "E1 from 2024-09-01 and placement at E2 from 2025-01-06"},
    ]

    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "overlapping_episodes (2)" in out
    assert "  sen_status open at a setting other than the placement then open: 1" in out
