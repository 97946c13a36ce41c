"""Synthetic data for every local area in England, written as one Parquet file per canonical table: the
workload for analysing many areas together (DuckDB or Spark over Parquet).

Each area is Reading's synthetic area scaled by its real caseload (active EHC plans in January 2025, DfE
caseload.csv) and carries its real old LA code, so the files hold about 639,000 plans and 9 million pupils.
Reading (870) is generated at scale 1, exactly as `generator.generate_area` calibrates it. A worker process
generates the next area while this process appends the last one to the files, so memory stays bounded
whatever the number of areas (a second generating worker brought no gain on a two-core machine: the
generator is bound by memory bandwidth).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sendreform.demo import calibration as cal
from sendreform.standards.schemas import TABLES, arrow_schema

WORKERS = 1
# Tables without an area column, written once for all the areas so that their keys stay unique (`sendreform
# metrics --data` refuses a repeated key): the population summed by year and age, and the unit costs, which are
# the same rows in every area.
AREALESS = ("population", "unit_cost")


def arealess_combine(name: str, tables: list[pa.Table]) -> pa.Table:
    """One table for all the areas of a table without an area column (AREALESS)."""
    if name == "unit_cost":
        return tables[0]
    summed = pa.concat_tables(tables).group_by(["year", "age"]).aggregate([("population", "sum")])
    summed = summed.rename_columns(["year", "age", "population"]).sort_by([("year", "ascending"), ("age", "ascending")])
    return summed.cast(arrow_schema(name))


def _area(job: tuple[int, str, float, dt.date]) -> dict[str, pa.Table]:
    from sendreform.demo.generator import generate_area

    seed, la_code, scale, as_at = job
    return generate_area(seed=seed, as_at=as_at, la_code=la_code, scale=scale)


def areas_of_england(areas: int | None = None) -> list[dict]:
    """The areas written: old and new LA codes, name, January 2025 plans and the scale used."""
    rows = cal.la_plans_2025()
    chosen = rows if areas is None else rows[:areas]
    return [
        {"la_code": old, "new_la_code": new, "name": name, "ehc_plans_2025": plans,
         "scale": 1.0 if old == cal.READING_LA_CODE else plans / cal.READING_PLANS_2025}
        for old, new, name, plans in chosen
    ]


def write_areas(*, out_dir: Path, areas: int | None = None, seed: int = 870, as_at: dt.date | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Write `<table>.parquet` for every canonical table and `manifest.json` into `out_dir`.

    `areas=None` writes all 153 English local authorities; `areas=N` the first N (by old LA code).
    `progress(la_code, done, total)` is called after each area. Returns the manifest.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    as_at = as_at or dt.date.today()
    chosen = areas_of_england(areas)
    jobs = [(seed, a["la_code"], a["scale"], as_at) for a in chosen]
    rows = {name: 0 for name in TABLES}
    held: dict[str, list[pa.Table]] = {name: [] for name in AREALESS}
    writers = {name: pq.ParquetWriter(out_dir / f"{name}.parquet", arrow_schema(name)) for name in TABLES}
    try:
        # Workers generate; this process writes, in area order, as each area arrives.
        context = multiprocessing.get_context("spawn")
        with context.Pool(min(WORKERS, len(jobs)) or 1) as pool:
            for done, tables in enumerate(pool.imap(_area, jobs), start=1):
                for name, table in tables.items():
                    if name in held:
                        held[name].append(table)
                        continue
                    writers[name].write_table(table)
                    rows[name] += table.num_rows
                del tables
                if progress:
                    progress(chosen[done - 1]["la_code"], done, len(jobs))
        for name, tables in held.items():
            table = arealess_combine(name, tables)
            writers[name].write_table(table)
            rows[name] = table.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    manifest = {"seed": seed, "as_at": as_at.isoformat(), "areas": chosen, "rows": rows}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
