"""Backends for the metrics tests: the same hand-built area loaded into DuckDB and SQLite (always),
PostgreSQL (when DATABASE_URL points at one) and PySpark (when Java is on the machine)."""

import os
import shutil

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.metrics.small_area import arrow_tables


def _load(con, decimals_as_float=False):
    for name, table in arrow_tables().items():
        if decimals_as_float:  # ibis's SQLite backend cannot read back the DECIMAL(9, 2) it would create
            table = table.cast(pa.schema([
                f.with_type(pa.float64()) if pa.types.is_decimal(f.type) else f for f in table.schema
            ]))
        con.create_table(name, obj=table, overwrite=True)
    return con


def _backends():
    # The PostgreSQL pass of `make test` (DATABASE_URL set) runs these tests on PostgreSQL alone.
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return ["postgres"]
    names = ["duckdb", "sqlite"]
    if os.environ.get("SENDREFORM_TEST_SPARK", "1") == "1":  # set it to 0 to leave Spark out locally
        names.append("pyspark")
    return names


@pytest.fixture(scope="session", params=_backends())
def backend(request, tmp_path_factory):
    name = request.param
    if name == "duckdb":
        return _load(ibis.duckdb.connect())
    if name == "sqlite":
        return _load(ibis.sqlite.connect(str(tmp_path_factory.mktemp("sqlite") / "area.sqlite")),
                     decimals_as_float=True)
    if name == "postgres":
        con = ibis.connect(os.environ["DATABASE_URL"])
        schema = "metrics_test"
        con.raw_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        con.raw_sql(f"SET search_path TO {schema}")
        return _load(con)
    return _spark(request, tmp_path_factory)


def _spark(request, tmp_path_factory):
    """PySpark local[2] reading the area as Parquet, as it would read many local areas' snapshots."""
    if not shutil.which("java"):
        pytest.fail("PySpark needs a Java runtime: sudo apt-get install default-jre-headless")
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    folder = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]").appName("sendreform-tests")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4").config("spark.sql.warehouse.dir", str(folder / "warehouse"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    request.addfinalizer(session.stop)
    con = ibis.pyspark.connect(session)
    for name, table in arrow_tables().items():
        path = folder / f"{name}.parquet"
        pq.write_table(table, path)
        con.read_parquet(str(path), table_name=name)
    return con


@pytest.fixture(scope="session")
def multi_area_folder(tmp_path_factory):
    """Two small synthetic areas as one folder of canonical Parquet (`multi_area.py`)."""
    from tests.metrics.multi_area import multi_area_write

    return multi_area_write(tmp_path_factory.mktemp("areas"))
