"""The round trip of `import tables`: the canonical tables of a small generated area exported from the database,
imported into an empty database, give every indicator of the catalogue the same value (the metrics engine on
both), and the same rows."""

from __future__ import annotations

import datetime as dt

import ibis
import pytest

from sendreform.demo.generator import generate_area
from sendreform.demo.services import demo_tables_load
from sendreform.imports.tables import tables_apply, tables_bundle, tables_check, tables_preview, tables_read
from sendreform.imports.workbook import OWN_LISTS, tables_export, tables_from_database, tables_own_lists
from sendreform.interchange.snapshot import content_hash
from sendreform.metrics import engine
from sendreform.standards.schemas import TABLE_ORDER

pytestmark = pytest.mark.django_db(transaction=True)

AS_AT = dt.date(2026, 3, 31)
AS_ATS = [AS_AT]


def state(as_ats=AS_ATS) -> tuple[dict, str, dict]:
    """The database's canonical tables (as the export reads them), their content hash, and every indicator on
    `as_ats` by the metrics engine on them (in DuckDB, as the dashboard computes them)."""
    tables = tables_from_database()
    con = ibis.duckdb.connect()
    for name, table in tables.items():
        con.create_table(name, obj=table)
    figures = engine.evaluate(engine.tables_from_connection(con), as_ats=as_ats, con=con)
    con.disconnect()
    return tables, content_hash(tables=tables), {(f.id, f.as_at): (f.value, f.numerator, f.denominator)
                                                 for f in figures}


def _empty() -> None:
    from django.apps import apps

    models = {m._meta.db_table: m for m in apps.get_models()}
    for name in reversed(TABLE_ORDER):
        models[name]._base_manager.all().delete()


def test_exported_tables_imported_into_an_empty_database_give_the_same_indicators(transactional_db, tmp_path):
    # Given a small generated area in the database, its indicators and its tables exported
    demo_tables_load(tables=generate_area(seed=870, as_at=AS_AT, scale=0.01))
    tables, rows_before, before = state()
    written = tables_export(out=tmp_path / "tables", tables=tables)
    assert written["person"] > 50 and written["ehc_plan"] > 5
    # (the other two formats hold the same rows as the CSV files)
    tables_export(out=tmp_path / "parquet", fmt="parquet", tables=tables)
    tables_export(out=tmp_path / "tables.xlsx", tables=tables)
    # (the demo's sample of the council's own lists holds those tables and only the people they name)
    own = tables_own_lists(tables)
    named = {p for name in ("part_time_timetable", "ap_commission", "tribunal_appeal", "survey_response")
             for p in tables[name]["person_id"].to_pylist() if p}
    assert set(own) == {*OWN_LISTS, "person"} and set(own["person"]["person_id"].to_pylist()) == named
    assert 0 < len(named) < written["person"]
    csv_rows = tables_read(data=tables_bundle(path=tmp_path / "tables")[0], file_name="tables.zip")
    for other in (tables_read(data=tables_bundle(path=tmp_path / "parquet")[0], file_name="parquet.zip"),
                  tables_read(data=(tmp_path / "tables.xlsx").read_bytes(), file_name="tables.xlsx")):
        assert not other.issues
        assert {n: t.rows for n, t in other.tables.items()} == {n: t.rows for n, t in csv_rows.tables.items()}

    # When the database is emptied and the folder imported (checked, previewed, confirmed)
    _empty()
    data, name = tables_bundle(path=tmp_path / "tables")
    checked = tables_check(data=data, file_name=name, by_name="test")
    assert checked.issues == []
    preview = tables_preview(checked=checked)
    assert preview.plan.counts()["person"]["added"] == written["person"]
    tables_apply(checked=checked, preview=preview)

    # Then every row is back, and every indicator has the value it had
    _, rows_after, after = state()
    assert rows_after == rows_before
    assert after == before
    assert before[("ehcp_total", AS_AT)][0] > 0
