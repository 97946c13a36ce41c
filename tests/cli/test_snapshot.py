"""`sendreform snapshot` on a small hand-built database: Parquet that DuckDB reads back, and a manifest whose
hash is stable across runs and changes with the data."""

import datetime as dt
import json

import duckdb
import pytest

from sendreform.accounts.models import AuditEntry
from sendreform.cli.main import main
from sendreform.standards.schemas import TABLE_ORDER
from sendreform.statutory.models import Placement

EXPECTED_ROWS = {
    "cluster": 1,
    "establishment": 2,
    "person": 2,
    "ehc_request": 1,
    "ehc_assessment": 1,
    "ehc_plan": 1,
    "annual_review": 1,
    "placement": 2,
}


def snapshot(out, *extra) -> dict:
    assert main(["snapshot", "--as-at", "2026-01-15", "--out", str(out), *extra]) == 0
    return json.loads((out / "manifest.json").read_text())


def parquet(out, table: str) -> duckdb.DuckDBPyRelation:
    return duckdb.read_parquet(str(out / f"{table}.parquet"))


@pytest.mark.django_db(transaction=True)
def test_snapshot_writes_parquet_duckdb_reads_with_the_right_row_counts(small_area, tmp_path, capsys):
    # Given the small area / When it is snapshotted as at 15 January 2026
    manifest = snapshot(tmp_path)
    # Then DuckDB reads every table back with the counts of the data as it stood that day
    counts = {name: parquet(tmp_path, name).count("*").fetchone()[0] for name in TABLE_ORDER}
    assert {name: n for name, n in counts.items() if n} == EXPECTED_ROWS
    assert {name: t["rows"] for name, t in manifest["tables"].items()} == counts
    # And the rules were applied: the assessment awaited, Ben's placement open, Amira's plan not there yet
    assert parquet(tmp_path, "ehc_assessment").project("outcome, outcome_date").fetchall() == [("A", None)]
    assert parquet(tmp_path, "placement").order("placement_id").project(
        "placement_id, end_date"
    ).fetchall() == [("PL1", None), ("PL2", None)]
    assert parquet(tmp_path, "ehc_plan").project("plan_id").fetchall() == [("EHCP2",)]
    assert manifest["as_at"] == "2026-01-15"
    assert manifest["code_version"].startswith("0.1.0")
    assert "content hash sha256:" in capsys.readouterr().out
    # And the export of child-level rows from the database is in the audit log, with who ran it
    [export] = AuditEntry.objects.filter(action="export")
    assert export.username.startswith("command line (")
    assert export.detail == f"snapshot as at 2026-01-15 to {tmp_path}: {sum(EXPECTED_ROWS.values()):,} rows"


@pytest.mark.django_db(transaction=True)
def test_the_manifest_hash_is_stable_and_changes_when_a_row_changes(small_area, tmp_path):
    # Given two snapshots of the same data
    first = snapshot(tmp_path / "first")
    second = snapshot(tmp_path / "second")
    # When a placement gains an end date and a third is taken
    Placement.objects.filter(placement_id="PL1").update(end_date=dt.date(2025, 7, 22))
    third = snapshot(tmp_path / "third")
    # Then the first two agree and the third differs, in the placement table alone
    assert first["content_hash"] == second["content_hash"]
    assert third["content_hash"] != first["content_hash"]
    changed = [n for n in TABLE_ORDER if third["tables"][n]["sha256"] != first["tables"][n]["sha256"]]
    assert changed == ["placement"]


def test_a_snapshot_can_be_taken_of_a_folder_of_canonical_files(canonical_folder, tmp_path):
    manifest = snapshot(tmp_path / "snap", "--data", str(canonical_folder))
    assert manifest["tables"]["person"]["rows"] == 1
    assert parquet(tmp_path / "snap", "person").project("person_id, birth_date").fetchall() == [
        ("P1", dt.date(2015, 9, 1))
    ]


def test_a_bad_folder_stops_the_snapshot_before_anything_is_written(canonical_folder, tmp_path, capsys):
    (canonical_folder / "ehc_plan.csv").unlink()
    assert (
        main(
            [
                "snapshot",
                "--as-at",
                "2026-01-15",
                "--out",
                str(tmp_path / "snap"),
                "--data",
                str(canonical_folder),
            ]
        )
        == 2
    )
    assert "ehc_plan.csv: missing" in capsys.readouterr().err
    assert not (tmp_path / "snap").exists()
