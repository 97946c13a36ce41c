"""The catalogue on Apache Spark: a session with settings that suit the engine's queries, the canonical tables
of a folder as Spark reads them, and the engine's runner for Spark (ADR 30).

Spark plans each query from scratch and, unlike DuckDB, keeps nothing between them: a table made of
several indicators' units and read by two aggregates is computed twice, and an intermediate that eleven
indicators share is computed eleven times. `SparkRunner` therefore keeps the shared intermediates and the
gathered units as cached DataFrames (temporary views over data Spark holds in memory, spilling to disk),
computed once per run and released after it, and fetches every breakdown's aggregate in one job.

`master` is `local[2]` (this process, two threads) unless given or set in SPARK_MASTER; a cluster
(`spark://host:7077`) must see the folder at the same path.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import ibis
import ibis.expr.types as ir

from sendreform.metrics import engine
from sendreform.standards.schemas import TABLE_ORDER, arrow_schema

DEFAULT_MASTER = "local[2]"
# The driver is the executor in local mode: it holds the cached intermediates, and 1 GB (Spark's default) is
# too little for the synthetic England's. SPARK_DRIVER_MEMORY overrides it.
DRIVER_MEMORY = "4g"
# Shuffles of the engine's aggregates are small after the first: adaptive execution merges partitions below
# its target size, so this is an upper bound per shuffle (Spark's 200 costs ~200 tasks per stage locally).
SHUFFLE_PARTITIONS = 8


def spark_master(master: str | None = None) -> str:
    """The master to use: the one given, else SPARK_MASTER, else local[2]."""
    return master or os.environ.get("SPARK_MASTER") or DEFAULT_MASTER


def spark_session(*, master: str | None = None, app: str = "sendreform-metrics"):
    """A SparkSession for the engine (the running one is reused, with the engine's SQL settings applied)."""
    from pyspark.sql import SparkSession

    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise ValueError("Spark needs a Java runtime: install one (sudo apt-get install default-jre-headless) "
                         "or set JAVA_HOME")
    master = spark_master(master)
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(master).appName(app)
        .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", DRIVER_MEMORY))
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    for key, value in SQL_SETTINGS.items():
        session.conf.set(key, value)
    return session


# Settings a running session can take (session_connect applies them to a session made elsewhere too).
SQL_SETTINGS = {
    "spark.sql.shuffle.partitions": str(SHUFFLE_PARTITIONS),
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.coalescePartitions.enabled": "true",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def spark_connect(*, data_dir: Path | str, master: str | None = None, session=None, checked=None):
    """An Ibis PySpark connection holding every canonical table of `data_dir`. A Parquet file in the canonical
    Arrow schema is read where it lies, once (Spark reads only the columns and row groups each query needs);
    any other table is taken from `checked`, the DuckDB connection `canonical_files_connect` made when it read
    and checked the folder (which has converted it to the canonical schema)."""
    import pyarrow.parquet as pq

    folder = Path(data_dir)
    session = session or spark_session(master=master)
    con = ibis.pyspark.connect(session)
    for name in TABLE_ORDER:
        path, schema = folder / f"{name}.parquet", arrow_schema(name)
        if path.exists() and _canonical(pq.read_schema(path), schema):
            frame = session.read.parquet(str(path.resolve())).select(*schema.names)
        elif checked is not None:
            frame = session.createDataFrame(checked.table(name).to_pyarrow())
        else:
            raise ValueError(f"{path} is not a canonical Parquet file: read the folder with the checks first")
        frame.createOrReplaceTempView(name)
    return con


def _canonical(found, schema) -> bool:
    return all(f.name in found.names and found.field(f.name).type == f.type for f in schema)


class SparkRunner(engine.Runner):
    """Runs the engine's queries on Spark: shared intermediates and the units are cached temporary views, filled
    by the first query that reads them and released at the end of the run (or, after a failed run, when the
    next one makes the view again)."""

    def __init__(self, con, tables: Mapping[str, ir.Table], variant: tuple = ()):
        super().__init__(con, tables, variant)
        self._views: list[str] = []

    def materialise(self, name: str, key: tuple, build, *, only_if_shallow: bool = False) -> ir.Table:
        # What SQLite alone needs apart (read once, inside a bigger query) stays inline.
        return build() if only_if_shallow else self._cache(name, build())

    def gather(self, name: str, parts: Mapping[tuple, Callable[[], ir.Table]], schema) -> ir.Table:
        if not parts:
            return ibis.table(schema, name=name)
        return self._cache(name, ibis.union(*[build() for build in parts.values()]))

    def _cache(self, name: str, expr: ir.Table) -> ir.Table:
        from pyspark import StorageLevel

        session = self.con._session
        self._uncache(name)
        self.con._run_pre_execute_hooks(expr)  # the dates table: an in-memory table Spark must be given
        session.sql(self.con.compile(expr)).createOrReplaceTempView(name)
        session.catalog.cacheTable(name, StorageLevel.MEMORY_AND_DISK)  # filled by the first query reading it
        self._views.append(name)
        return self.con.table(name)

    def _uncache(self, name: str) -> None:
        session = self.con._session
        if session.catalog.tableExists(name) and session.catalog.isCached(name):
            session.catalog.uncacheTable(name)

    def release(self) -> None:
        for name in self._views:
            self._uncache(name)
            self.con._session.catalog.dropTempView(name)
        self._views.clear()
