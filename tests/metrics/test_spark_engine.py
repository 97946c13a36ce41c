"""The catalogue over many areas on Spark gives DuckDB's figures: every indicator with every breakdown, at two
dates, over a folder of three small synthetic areas, and `sendreform metrics --engine spark` prints what
`--engine duckdb` prints."""

import contextlib
import csv
import datetime as dt
import io
import shutil

import pyarrow.parquet as pq
import pytest

from sendreform.cli.main import main
from sendreform.demo.generator import generate_area
from sendreform.interchange.canonical_files import canonical_files_connect
from sendreform.metrics import engine
from sendreform.metrics.catalogue import PERSON_BREAKDOWNS
from sendreform.metrics.spark import DEFAULT_MASTER, spark_connect, spark_master

pytestmark = pytest.mark.skipif(not shutil.which("java"), reason="PySpark needs a Java runtime")

AS_AT = dt.date(2026, 3, 31)
AREAS = ("870", "871", "867")  # Reading, Slough, Bracknell Forest
AREA_LESS = ("unit_cost", "population")  # keyed without an area: (setting, need, year) and (year, age)


@pytest.fixture(scope="module")
def areas(tmp_path_factory):
    """Three synthetic areas at 3% of Reading's size (about 90 plans each) in one folder of Parquet files,
    as `bench/` writes England, but with the first area's unit costs and population alone: those tables have
    no area column, so the command's key check refuses the same key from two areas."""
    folder = tmp_path_factory.mktemp("areas")
    generated = [generate_area(seed=870, as_at=AS_AT, la_code=code, scale=0.03) for code in AREAS]
    for name in generated[0]:
        with pq.ParquetWriter(folder / f"{name}.parquet", generated[0][name].schema) as writer:
            for area in generated if name not in AREA_LESS else generated[:1]:
                writer.write_table(area[name])
    return folder


def _key(fig: engine.Figure) -> tuple:
    return (fig.id, fig.as_at, fig.by, fig.group)


def _fields(fig: engine.Figure) -> dict:
    return {"value": fig.value, "numerator": fig.numerator, "denominator": fig.denominator, "units": fig.units,
            "people": fig.people, "ratio": fig.ratio, "note": fig.note}


def _flat(figures: list[engine.Figure]) -> dict:
    out = {}
    for fig in figures:
        out[_key(fig)] = _fields(fig)
        for group in fig.groups:
            out[_key(group)] = _fields(group)
    return out


DATES = [dt.date(2025, 3, 31), AS_AT]


@pytest.fixture(scope="module")
def figures(areas):
    """The whole catalogue with every breakdown at two dates, on DuckDB and on Spark (one evaluation each:
    Spark's planning makes each one slow)."""
    duck, spark = canonical_files_connect(data_dir=areas), spark_connect(data_dir=areas)
    return {name: _flat(engine.evaluate(engine.tables_from_connection(con), as_ats=DATES, by=PERSON_BREAKDOWNS,
                                        con=con))
            for name, con in (("duckdb", duck), ("spark", spark))}


def test_spark_gives_duckdbs_figures_for_every_indicator_and_breakdown(figures):
    # Given three areas' tables read by DuckDB and by Spark, When the whole catalogue runs with every
    # breakdown at two dates on each
    expected, got = figures["duckdb"], figures["spark"]
    # Then every figure of every group agrees
    assert sorted(got, key=str) == sorted(expected, key=str)
    for key, fields in expected.items():
        assert got[key] == pytest.approx(fields), key
    # and the breakdown by local area has the three areas, whose plans add up to the whole
    total = expected[("ehcp_total", AS_AT, None, None)]["value"]
    by_area = {k[3]: v["value"] for k, v in expected.items() if k[:3] == ("ehcp_total", AS_AT, "local_area")}
    assert set(by_area) == set(AREAS)
    assert sum(by_area.values()) == total > 100


def test_each_areas_plans_on_spark_are_those_counted_from_the_files(areas, figures):
    # Given the plan and person files, counted by hand: a plan is active when it started by the as-at date
    # and has not ceased by it; a person counts once, in their home authority
    plans = pq.read_table(areas / "ehc_plan.parquet").to_pylist()
    home = {p["person_id"]: p["home_la"] for p in pq.read_table(areas / "person.parquet").to_pylist()}
    active = {p["person_id"] for p in plans
              if p["start_date"] <= AS_AT and (p["cease_date"] is None or p["cease_date"] > AS_AT)}
    counted = {code: sum(home[p] == code for p in active) for code in AREAS}
    # When Spark counts plans by local area, Then each area's count is the one from the files
    got = figures["spark"]
    assert {code: got[("ehcp_total", AS_AT, "local_area", code)]["value"] for code in AREAS} == counted


def _command(*args: str) -> list[dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["metrics", *args]) == 0
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_the_command_on_spark_prints_what_it_prints_on_duckdb(areas):
    # Given the folder, When `sendreform metrics` runs by local authority on each engine
    common = ["--data", str(areas), "--as-at", AS_AT.isoformat(), "--by", "local_authority", "--format", "csv",
              "--kpi", "ehcp_total", "--kpi", "send_attendance_rate", "--kpi", "inmss_placements"]
    duckdb_rows = _command(*common)
    spark_rows = _command(*common, "--engine", "spark")
    # Then the rows are the same: each indicator for the whole folder and for each of the three areas
    assert [(r["id"], r["by"], r["group"]) for r in spark_rows] == [(r["id"], r["by"], r["group"]) for r in duckdb_rows]
    assert {r["group"] for r in spark_rows if r["by"]} == set(AREAS)
    for s, d in zip(spark_rows, duckdb_rows, strict=True):
        for field in ("value", "numerator", "denominator", "ratio"):
            assert (float(s[field]) if s[field] else None) == pytest.approx(float(d[field]) if d[field] else None)


def test_the_spark_master_is_the_one_given_else_spark_master_else_local(monkeypatch):
    monkeypatch.delenv("SPARK_MASTER", raising=False)
    assert spark_master() == DEFAULT_MASTER == "local[2]"
    monkeypatch.setenv("SPARK_MASTER", "spark://analytics:7077")
    assert spark_master() == "spark://analytics:7077"
    assert spark_master("local[4]") == "local[4]"


def test_the_command_asks_for_a_folder_on_spark_and_a_master_only_with_spark(capsys):
    with pytest.raises(SystemExit):
        main(["metrics", "--engine", "spark"])
    assert "--engine spark computes a folder of canonical tables: give --data" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["metrics", "--data", ".", "--master", "local[2]"])
    assert "--master is for --engine spark" in capsys.readouterr().err


def test_the_command_says_spark_needs_java_when_there_is_none(areas, monkeypatch, capsys):
    monkeypatch.setattr("sendreform.metrics.spark.shutil.which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    assert main(["metrics", "--data", str(areas), "--as-at", AS_AT.isoformat(), "--engine", "spark"]) == 2
    assert "Spark needs a Java runtime" in capsys.readouterr().err
