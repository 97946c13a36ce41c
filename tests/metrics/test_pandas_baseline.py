"""The pandas baseline of bench/metrics.py gives the engine's answers, so the benchmark compares like with
like."""

import ibis
import pyarrow.parquet as pq
import pytest

from bench.pandas_metrics import load, target_metrics
from sendreform.metrics import engine
from tests.metrics.small_area import AS_AT, arrow_tables


def test_pandas_baseline_matches_the_engine_by_local_area(tmp_path):
    # Given the hand-built area as Parquet
    for name, table in arrow_tables().items():
        pq.write_table(table, tmp_path / f"{name}.parquet")
    expected = target_metrics(load(tmp_path), AS_AT)
    con = ibis.duckdb.connect()
    for name, table in arrow_tables().items():
        con.create_table(name, obj=table)
    # When the engine computes the same twelve metrics by local area
    figures = engine.evaluate(engine.tables_from_connection(con), as_ats=[AS_AT], ids=list(expected),
                              by=["local_area"], con=con)
    # Then every value agrees
    for fig in figures:
        got = {g.group: g.value for g in fig.groups} if fig.groups else {"ALL": fig.value}
        got = {k: v for k, v in got.items() if v is not None}
        assert got == pytest.approx(expected[fig.id]), fig.id
