"""`sendreform backup` and `sendreform restore` (issue 12): a demo-like database is backed up, restored into an
empty database, and every table is equal, row for row, on SQLite and on PostgreSQL; a damaged file or a
manifest that does not match is refused and the database is left as it was; a database that is not empty is
replaced only when confirmed."""

import datetime as dt
import io
import json
import tarfile
import uuid

import pytest
from django.db import connections

from sendreform.common.backup import (
    BackupError,
    backup_restore,
    backup_write,
    connection_for,
    database_is_empty,
    table_fingerprints,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_like():
    """A small synthetic area with every kind of record: children and casework, Experts at Hand with its
    workflow history, users and roles, the audit log, Reading's plan and governance, a board pack, forecast
    scenarios and a job."""
    from sendreform.accounts.services import demo_users_ensure
    from sendreform.demo.services import demo_area_load
    from sendreform.forecasting.services import scenarios_demo_ensure
    from sendreform.governance.models import Board
    from sendreform.governance.services import board_pack_store
    from sendreform.jobs.models import Job
    from sendreform.plan.services import plan_import
    from tests.factories import (
        AuditEntryFactory,
        EahInvolvementFactory,
        EahPractitionerFactory,
        EahReferralFactory,
    )
    from tests.plan.conftest import READING

    demo_area_load(seed=870, as_at=dt.date(2026, 1, 15), scale=0.02)
    users = demo_users_ensure(password="a-long-test-password")
    EahReferralFactory.create_batch(2)
    EahInvolvementFactory()  # with a referral of its own: three referrals
    EahPractitionerFactory()
    plan_import(text=READING.read_text(encoding="utf-8"), source="plans/reading.yaml")
    board_pack_store(board=Board.objects.first(), as_at=dt.date(2026, 1, 15), content_hash="sha256:0",
                     state={"rag": {"Red": 1}}, pdf=bytes(range(256)) * 4, by=None)
    scenarios_demo_ensure()
    Job.objects.create(kind="forecast", title="Baseline forecast", target="sendreform.x", params={"sims": 10},
                       status="done")
    AuditEntryFactory.create_batch(3)
    return users


def _counts(tables: dict) -> dict:
    return {name: spec["rows"] for name, spec in tables.items()}


def _check_round_trip(tmp_path, target) -> dict:
    source = connections["default"]
    out = tmp_path / "backup.tar.gz"
    manifest = backup_write(out=out, code_version="test")
    # The manifest describes the database as it is: every table, including users, the audit log, the plan,
    # governance, packs, Experts at Hand, forecasts and jobs
    before = table_fingerprints(source)
    assert manifest["tables"] == before
    counts = _counts(before)
    assert counts["plan_milestone"] == 87 and counts["governance_risk"] == 5 and counts["governance_boardpack"] == 1
    assert counts["app_job"] == 1 and counts["app_user"] >= 10 and counts["app_audit_entry"] >= 3
    assert counts["person"] > 0 and counts["eah_referral"] == 3 and counts["app_eah_practitioner"] == 1
    assert counts["app_forecast_scenario"] >= 1
    # When it is restored into an empty database
    assert database_is_empty(target)
    backup_restore(file=out, connection=target)
    # Then every table is there with the same rows and the same content
    assert table_fingerprints(target) == before
    assert not database_is_empty(target)
    return manifest


def _rewritten(path, out, *, manifest=None, payload: bytes | None = None):
    """The backup at `path` written again to `out` with its manifest or its database replaced."""
    with tarfile.open(path, "r:gz") as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest).encode()
    name = next(n for n in members if n != "manifest.json")
    if payload is not None:
        members[name] = payload
    with tarfile.open(out, "w:gz") as archive:
        for n, data in members.items():
            info = tarfile.TarInfo(n)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return members[name]


def _check_refusals(tmp_path, target, manifest) -> None:
    good = tmp_path / "backup.tar.gz"
    state = table_fingerprints(target)
    # A file cut short
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(BackupError, match="cannot be read as a backup"):
        backup_restore(file=cut, connection=target)
    # A database whose bytes were changed: its hash does not match the manifest
    payload = _rewritten(good, tmp_path / "x.tar.gz")
    flipped = bytearray(payload)
    flipped[len(flipped) // 2] ^= 0xFF
    _rewritten(good, tmp_path / "bad.tar.gz", payload=bytes(flipped))
    with pytest.raises(BackupError, match="does not match the manifest's hash"):
        backup_restore(file=tmp_path / "bad.tar.gz", connection=target)
    # A manifest that does not describe the database in the file (another backup's hash)
    _rewritten(good, tmp_path / "other.tar.gz", manifest={**manifest, "payload_sha256": "0" * 64})
    with pytest.raises(BackupError, match="does not match the manifest's hash"):
        backup_restore(file=tmp_path / "other.tar.gz", connection=target)
    # A manifest whose table counts are not the database's
    tables = {**manifest["tables"], "plan_milestone": {**manifest["tables"]["plan_milestone"], "rows": 86}}
    _rewritten(good, tmp_path / "counts.tar.gz", manifest={**manifest, "tables": tables})
    with pytest.raises(BackupError, match="plan_milestone"):
        backup_restore(file=tmp_path / "counts.tar.gz", connection=target)
    # Not a backup at all
    (tmp_path / "notes.tar.gz").write_text("hello", encoding="utf-8")
    with pytest.raises(BackupError, match="cannot be read as a backup"):
        backup_restore(file=tmp_path / "notes.tar.gz", connection=target)
    # And after every refusal the database is as it was
    target.close()
    assert table_fingerprints(target) == state


def test_a_backup_restores_every_table_into_an_empty_database(demo_like, tmp_path):
    source = connections["default"]
    if source.vendor == "sqlite":
        target = connection_for({"NAME": str(tmp_path / "empty.sqlite3")}, alias="restore-target")
        try:
            manifest = _check_round_trip(tmp_path, target)
            _check_refusals(tmp_path, target, manifest)
        finally:
            target.close()
        return
    name = f"sendreform_restore_{uuid.uuid4().hex[:8]}"
    with source.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    target = connection_for({"NAME": name}, alias="restore-target")
    try:
        manifest = _check_round_trip(tmp_path, target)
        _check_refusals(tmp_path, target, manifest)
    finally:
        target.close()
        with source.cursor() as cursor:
            cursor.execute(f'DROP DATABASE "{name}"')


def test_restore_asks_before_replacing_a_database_that_is_not_empty(demo_like, tmp_path, capsys, monkeypatch):
    from sendreform.cli.main import main
    from sendreform.governance.models import Board, Meeting

    out = tmp_path / "nightly.tar.gz"
    assert main(["backup", "--out", str(out)]) == 0
    assert f"to {out}" in capsys.readouterr().out
    # Given a meeting recorded after the backup
    board = Board.objects.first()
    Meeting.objects.create(board=board, date=dt.date(2026, 2, 1), title="After the backup")
    # Without a terminal and without --yes, restore refuses and changes nothing
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["restore", str(out)]) == 2
    assert "give --yes" in capsys.readouterr().err and Meeting.objects.filter(title="After the backup").exists()
    # Answering no at a terminal changes nothing either
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["restore", str(out)]) == 1 and Meeting.objects.filter(title="After the backup").exists()
    # With --yes the database is the backup's again: the meeting recorded since is gone
    assert main(["restore", str(out), "--yes"]) == 0
    assert "every table matches the manifest" in capsys.readouterr().out
    connections["default"].close()
    assert not Meeting.objects.filter(title="After the backup").exists()
