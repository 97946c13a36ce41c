"""Benchmark of the KPI catalogue: the whole catalogue at Reading scale on a Parquet snapshot through
DuckDB and live on SQLite, and broken down by local area over the synthetic England through DuckDB,
beside the plain pandas way of computing the twelve target metrics. Each stage runs in its own process so
that its peak memory (ru_maxrss) is its own; results replace the "## Indicators" section of
docs/benchmarks.md.

    .venv/bin/python bench/metrics.py
    .venv/bin/python bench/metrics.py --stage reading_duckdb     # one stage, JSON on stdout
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DOC, ENGLAND, england_ready, machine, section_write, stage_print, stage_run, timed  # noqa: E402 - after the checkout is on the path

AS_AT = dt.date(2026, 11, 28)
SECTION = "## Indicators"
TARGETS = [
    "special_school_attendance_rate", "maintained_special_places", "inmss_placements", "ehcp_in_mainstream",
    "neet_16_17_ehcp_rate", "pex_school_cannot_meet_need", "ehe_ehcp_return_rate", "ehcp_unplaced_or_eotas",
    "avg_days_unplaced", "avg_days_ap_commission", "ptt_time_in_school_pct", "send_corporate_complaints",
]




def _duckdb_over(folder: Path):
    """DuckDB over a folder of canonical Parquet, as `sendreform metrics --data` reads it: views over the files."""
    from sendreform.interchange.canonical_files import canonical_files_connect

    return canonical_files_connect(data_dir=folder, check_codes=True)


def stage_reading_duckdb() -> dict:
    import pyarrow.parquet as pq

    from sendreform.demo.generator import generate_area
    from sendreform.metrics import engine

    folder = Path(tempfile.mkdtemp(prefix="sendreform-reading-"))
    for name, table in generate_area(seed=870, as_at=AS_AT).items():
        pq.write_table(table, folder / f"{name}.parquet")
    con = _duckdb_over(folder)
    tables = engine.tables_from_connection(con)
    return timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], con=con))[0]


def stage_reading_sqlite() -> dict:
    folder = tempfile.mkdtemp(prefix="sendreform-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendreform.config.settings"
    os.environ.setdefault("SENDREFORM_DEMO", "true")  # synthetic data: the demo's own secret key
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sendreform.common.warehouse import ibis_connection
    from sendreform.demo.services import demo_area_load
    from sendreform.metrics import engine

    demo_area_load(seed=870, as_at=AS_AT)
    con = ibis_connection()
    tables = engine.tables_from_connection(con)
    return timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], con=con))[0]


def stage_england_duckdb() -> dict:
    from sendreform.metrics import engine

    con = _duckdb_over(ENGLAND)
    tables = engine.tables_from_connection(con)
    out, _ = timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], by=["local_area"], con=con), repeat=2)
    figures = engine.evaluate(tables, as_ats=[AS_AT], ids=["ehcp_total"], by=["local_area"], con=con)
    out["areas"] = len(figures[0].groups)
    out["plans"] = figures[0].value
    return out


def stage_england_targets_duckdb() -> dict:
    from sendreform.metrics import engine

    con = _duckdb_over(ENGLAND)
    tables = engine.tables_from_connection(con)
    return timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], ids=TARGETS, by=["local_area"], con=con),
                 repeat=2)[0]


def stage_england_command() -> dict:
    """`sendreform metrics --data` on England's folder as a user runs it: reading and checking the folder, every
    indicator by local area against the plan, and the CSV."""
    import contextlib
    import io

    from sendreform.cli.main import main

    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        out, status = timed(lambda: main(["metrics", "--data", str(ENGLAND), "--as-at", AS_AT.isoformat(),
                                          "--by", "local_area", "--format", "csv"]), repeat=2)
    if status != 0:
        raise RuntimeError(f"sendreform metrics --data exited {status}")
    return out


def stage_england_targets_pandas() -> dict:
    from bench.pandas_metrics import load, target_metrics

    start = time.perf_counter()
    target_metrics(load(ENGLAND), AS_AT)
    return {"cold": time.perf_counter() - start}


STAGES = {
    "reading_duckdb": stage_reading_duckdb,
    "reading_sqlite": stage_reading_sqlite,
    "england_duckdb": stage_england_duckdb,
    "england_command": stage_england_command,
    "england_targets_duckdb": stage_england_targets_duckdb,
    "england_targets_pandas": stage_england_targets_pandas,
}


def _run(name: str) -> dict:
    """One stage in its own process, with how many CPUs other work on the machine used meanwhile."""
    busy, start = _busy_seconds(), time.perf_counter()
    result = stage_run(__file__, name)
    others = _busy_seconds() - busy - result["cpu_seconds"]
    result["others_cpus"] = max(others, 0.0) / (time.perf_counter() - start)
    return result




def _aims(r: dict, ratio: float, ratio_cold: float) -> list[str]:
    """Each aim of the benchmark, met or not, from the results."""
    whole = r["england_duckdb"]
    checks = [
        ("the Reading snapshot in ≤ 1 s", max(r["reading_duckdb"]["cold"], r["reading_duckdb"]["warm"]) <= 1),
        ("live SQLite at Reading in ≤ 5 s", max(r["reading_sqlite"]["cold"], r["reading_sqlite"]["warm"]) <= 5),
        ("the whole catalogue by local area at England scale in ≤ 60 s, cold and warm",
         max(whole["cold"], whole["warm"]) <= 60),
        ("in ≤ 8 GB", whole["peak_mb"] <= 8 * 1024),
        ("the twelve target metrics ≥ 5× faster than pandas, cold and warm", min(ratio, ratio_cold) >= 5),
    ]
    met = [text for text, ok in checks if ok]
    missed = [text for text, ok in checks if not ok]
    lines = [f"Aims met: {'; '.join(met) or 'none'}."]
    if missed:
        lines.append(f"Aims not met: {'; '.join(missed)}.")
    return lines


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _others_note(r: dict) -> str:
    others = {name: s["others_cpus"] for name, s in r.items()}
    busiest = max(others, key=others.get)
    if others[busiest] < 0.1:
        return "Nothing else was running on the machine during the stages."
    return (f"Other work was running on the machine: during the stages it used on average "
            f"{min(others.values()):.1f} to {others[busiest]:.1f} of the {os.cpu_count()} CPUs (most during "
            f"{busiest}), so the times are slower than on an idle machine.")


def _section(r: dict) -> str:
    ratio = r["england_targets_pandas"]["cold"] / r["england_targets_duckdb"]["warm"]
    ratio_cold = r["england_targets_pandas"]["cold"] / r["england_targets_duckdb"]["cold"]
    rows = [
        ("Reading, whole catalogue, Parquet snapshot through DuckDB", r["reading_duckdb"], "≤ 1 s"),
        ("Reading, whole catalogue, live SQLite", r["reading_sqlite"], "≤ 5 s"),
        (f"England ({r['england_duckdb']['areas']} areas, {r['england_duckdb']['plans']:,.0f} active plans), "
         "whole catalogue by local area through DuckDB", r["england_duckdb"], "≤ 60 s, ≤ 8 GB"),
        ("England, `sendreform metrics --data` by local area as a user runs it (reading and checking the folder, "
         "the plan's expected values, the CSV)", r["england_command"], ""),
        ("England, the twelve target metrics by local area through DuckDB", r["england_targets_duckdb"], ""),
        ("England, the twelve target metrics by local area in plain pandas", r["england_targets_pandas"], ""),
    ]
    lines = [
        SECTION, "",
        f"`bench/metrics.py`, as at {AS_AT.isoformat()}. Machine: {machine()}.",
        "Cold is the first run in a fresh process, which compiles every query to SQL; warm is the best later "
        "run, which reuses the compiled SQL (as the dashboard does). Peak memory is the stage's own process. "
        "England is read in place from its Parquet files (DuckDB views), so every run reads them again, as "
        "the pandas baseline's time includes reading them.",
        "",
        "| what | cold | warm | peak memory | aim |",
        "|---|---|---|---|---|",
    ]
    for label, s, aim in rows:
        warm = f"{s['warm']:.2f} s" if "warm" in s else "—"
        lines.append(f"| {label} | {s['cold']:.2f} s | {warm} | {s['peak_mb']:,.0f} MB | {aim} |")
    lines += [
        "",
        f"The engine computes the twelve target metrics for every local area of England {ratio:.1f}× faster "
        f"than the pandas way when warm, {ratio_cold:.1f}× including compiling its queries (aim: 5×), in "
        f"{r['england_targets_duckdb']['peak_mb'] / r['england_targets_pandas']['peak_mb']:.0%} of its memory.",
        *_aims(r, ratio, ratio_cold),
        _others_note(r),
        "The engine puts every indicator's units in one table and joins them to the people's breakdown "
        "columns once for the whole catalogue; placements, each plan holder's placement and SEN pupils' "
        "attendance are computed once and shared (ADR 8).",
        "The pandas baseline is `bench/pandas_metrics.py`; `tests/metrics/test_pandas_baseline.py` holds "
        "it to the engine's answers.",
        "",
    ]
    return "\n".join(lines)




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", choices=sorted(STAGES))
    args = parser.parse_args()
    if args.stage:
        stage_print(STAGES[args.stage])
        return
    england_ready(AS_AT)
    results = {}
    for name in STAGES:
        print(f"-- {name}", file=sys.stderr, flush=True)
        results[name] = _run(name)
        print(json.dumps(results[name]), file=sys.stderr, flush=True)
    section_write(SECTION, _section(results))
    print(f"Wrote the '{SECTION[3:]}' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
