"""Benchmark of the KPI catalogue: the whole catalogue at Reading scale on a Parquet snapshot through
DuckDB and live on SQLite, and broken down by local area over the synthetic England through DuckDB,
beside the plain pandas way of computing the twelve target metrics; and `sendreform metrics` end to end as
a user runs it (a new process each time), side by side with a hand-written DuckDB query
(`bench/duckdb_reference.py`) over 10 synthetic areas and England, on the Reading snapshot and on the live
demo database (issue 21). Each stage runs in its own process so that its peak memory (ru_maxrss) is its
own; a command's peak is its own process's. Results replace the "## Indicators" section of
docs/benchmarks.md.

    .venv/bin/python bench/metrics.py
    .venv/bin/python bench/metrics.py --stage reading_duckdb     # one stage, JSON on stdout
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DOC, ENGLAND, england_ready, machine, section_write, stage_print, stage_run, timed  # noqa: E402 - after the checkout is on the path

AS_AT = dt.date(2026, 11, 28)
SECTION = "## Indicators"
READING = ROOT / "var" / "bench" / "reading"  # the Reading snapshot as Parquet, written once
AREAS10 = ROOT / "var" / "bench" / "areas-10"  # `sendreform demo --areas 10`, written once
CACHES = ROOT / "var" / "bench" / "metrics-cache"  # each command stage's own, emptied first
SENDREFORM = Path(sys.executable).parent / "sendreform"
PANDAS_NEEDS_GIB = 18
THREE = ["inmss_placements", "ehcp_in_mainstream", "special_school_attendance_rate"]  # duckdb_reference.METRICS
TARGETS = [
    "special_school_attendance_rate", "maintained_special_places", "inmss_placements", "ehcp_in_mainstream",
    "neet_16_17_ehcp_rate", "pex_school_cannot_meet_need", "ehe_ehcp_return_rate", "ehcp_unplaced_or_eotas",
    "avg_days_unplaced", "avg_days_ap_commission", "ptt_time_in_school_pct", "send_corporate_complaints",
]




def _duckdb_over(folder: Path):
    """DuckDB over a folder of canonical Parquet, as `sendreform metrics --data` reads it: views over the files."""
    from sendreform.interchange.canonical_files import canonical_files_connect

    return canonical_files_connect(data_dir=folder, check_codes=True)


def _reading_ready() -> None:
    """Write the Reading snapshot to READING unless it is there already."""
    if (READING / "person.parquet").exists():
        return
    import pyarrow.parquet as pq

    from sendreform.demo.generator import generate_area

    READING.mkdir(parents=True, exist_ok=True)
    for name, table in generate_area(seed=870, as_at=AS_AT).items():
        pq.write_table(table, READING / f"{name}.parquet")


def _areas10_ready() -> None:
    if not (AREAS10 / "manifest.json").exists():
        subprocess.run([str(SENDREFORM), "demo", "--areas", "10", "--out", str(AREAS10), "--as-at",
                        AS_AT.isoformat()], cwd=ROOT, check=True)


def stage_reading_duckdb() -> dict:
    os.environ["SENDREFORM_CACHE_DIR"] = str(_fresh_cache("reading_duckdb"))  # cold: nothing compiled yet
    from sendreform.metrics import engine

    con = _duckdb_over(READING)
    tables = engine.tables_from_connection(con)
    return timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], con=con))[0]


def stage_reading_sqlite() -> dict:
    os.environ["SENDREFORM_CACHE_DIR"] = str(_fresh_cache("reading_sqlite"))  # cold: nothing compiled yet
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
    os.environ["SENDREFORM_CACHE_DIR"] = str(_fresh_cache("england_duckdb"))  # cold: nothing compiled yet
    from sendreform.metrics import engine

    con = _duckdb_over(ENGLAND)
    tables = engine.tables_from_connection(con)
    out, _ = timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], by=["local_area"], con=con), repeat=2)
    figures = engine.evaluate(tables, as_ats=[AS_AT], ids=["ehcp_total"], by=["local_area"], con=con)
    out["areas"] = len(figures[0].groups)
    out["plans"] = figures[0].value
    return out


def stage_england_targets_duckdb() -> dict:
    os.environ["SENDREFORM_CACHE_DIR"] = str(_fresh_cache("england_targets_duckdb"))  # cold: nothing compiled yet
    from sendreform.metrics import engine

    con = _duckdb_over(ENGLAND)
    tables = engine.tables_from_connection(con)
    return timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], ids=TARGETS, by=["local_area"], con=con),
                 repeat=2)[0]


# --- End to end, as a user runs it: a new process for each run (issue 21) --------------------------------


def _env(cache: Path) -> dict:
    """The environment of a run: its own cache folder, and Python writing bytecode as it does for a user."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SENDREFORM_CACHE_DIR"] = str(cache)
    return env


def _fresh_cache(name: str) -> Path:
    cache = CACHES / name
    shutil.rmtree(cache, ignore_errors=True)
    return cache


CPU = {}  # CPU seconds of the last run of each command line, beside its wall time


def _process(argv: list[str], env: dict) -> float:
    """Wall seconds of one process run to its end (its output discarded; a failure stops the stage); its CPU
    seconds go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                         check=False)
    wall = time.perf_counter() - start
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {out.returncode}: {out.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(tuple(argv), []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall


def _children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _command(folder: Path | None, *extra: str) -> list[str]:
    data = ["--data", str(folder)] if folder else []
    return [str(SENDREFORM), "metrics", *data, "--as-at", AS_AT.isoformat(), "--format", "csv", *extra]


def _side_by_side(folder: Path, name: str, runs: int = 3) -> dict:
    """The hand-written query and `sendreform metrics --data` for the same three metrics by local area, taking
    turns so that both see the same load. The command's first run has no cache (it checks every file and
    compiles its queries); the later ones find the verdicts and the compiled SQL."""
    env = _env(_fresh_cache(name))
    reference, command = [], []
    kpis = [arg for kpi in THREE for arg in ("--kpi", kpi)]
    for _ in range(runs):
        reference.append(_process([sys.executable, "bench/duckdb_reference.py", str(folder), "--as-at",
                                   AS_AT.isoformat()], env))
        command.append(_process(_command(folder, "--by", "local_area", *kpis), env))
    cpu_ref = CPU[(sys.executable, "bench/duckdb_reference.py", str(folder), "--as-at", AS_AT.isoformat())]
    cpu_cmd = CPU[tuple(_command(folder, "--by", "local_area", *kpis))]
    return {"reference": min(reference), "reference_first": reference[0], "cold": command[0],
            "warm": min(command[1:]), "peak_mb_child": _children_peak_mb(), "reference_cpu": min(cpu_ref),
            "cold_cpu": cpu_cmd[0], "warm_cpu": min(cpu_cmd[1:])}


def _cold_warm(argv: list[str], name: str, runs: int = 3) -> dict:
    env = _env(_fresh_cache(name))
    walls = [_process(argv, env) for _ in range(runs)]
    cpus = CPU[tuple(argv)]
    return {"cold": walls[0], "warm": min(walls[1:]), "peak_mb_child": _children_peak_mb(), "cold_cpu": cpus[0],
            "warm_cpu": min(cpus[1:])}


def stage_areas10_side_by_side() -> dict:
    return _side_by_side(AREAS10, "areas10")


def stage_england_side_by_side() -> dict:
    return _side_by_side(ENGLAND, "england3", runs=2)


def stage_reading_command() -> dict:
    """`sendreform metrics --data` on the Reading snapshot: the whole catalogue against the plan, as CSV."""
    return _cold_warm(_command(READING), "reading")


def stage_live_command() -> dict:
    """`sendreform metrics` on the demo's live SQLite database: the whole catalogue against the plan."""
    folder = tempfile.mkdtemp(prefix="sendreform-bench-")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "SENDREFORM_DEMO": "true",
           "DJANGO_SETTINGS_MODULE": "sendreform.config.settings"}
    subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                    "from django.core.management import call_command; call_command('migrate', verbosity=0); "
                    "from sendreform.demo.services import demo_area_load; "
                    f"demo_area_load(seed=870, as_at=__import__('datetime').date.fromisoformat('{AS_AT}'))"],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "SENDREFORM_DEMO": "true"})
    return _cold_warm(_command(None), "live")


def stage_england_command_catalogue() -> dict:
    """England's whole catalogue by local area through the command, checks included."""
    return _cold_warm(_command(ENGLAND, "--by", "local_area"), "england", runs=2)


def _targets_end_to_end(folder: Path, name: str) -> dict:
    """The twelve target metrics by local area, end to end: the command (its caches made by a first run) and
    the pandas script, each a new process."""
    env = _env(_fresh_cache(name))
    kpis = [arg for kpi in TARGETS for arg in ("--kpi", kpi)]
    argv = _command(folder, "--by", "local_area", *kpis)
    command = [_process(argv, env) for _ in range(2)]
    out = {"command_cold": command[0], "command_warm": command[1], "command_warm_cpu": CPU[tuple(argv)][1]}
    available = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    if folder == ENGLAND and available < PANDAS_NEEDS_GIB:  # shared machine: pandas at England takes ~16 GB
        return {**out, "pandas_skipped_gib": available}
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "bench/pandas_metrics.py", str(folder), "--as-at", AS_AT.isoformat()],
                         cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return {**out, "pandas": time.perf_counter() - start,
            "pandas_compute": float(run.stderr.strip().splitlines()[-1].split(":")[1]),
            "peak_mb_child": _children_peak_mb()}


def stage_areas10_targets_end_to_end() -> dict:
    return _targets_end_to_end(AREAS10, "areas10-12")


def stage_england_targets_end_to_end() -> dict:
    return _targets_end_to_end(ENGLAND, "england12")


STAGES = {
    "reading_duckdb": stage_reading_duckdb,
    "reading_command": stage_reading_command,
    "reading_sqlite": stage_reading_sqlite,
    "live_command": stage_live_command,
    "areas10_side_by_side": stage_areas10_side_by_side,
    "areas10_targets_end_to_end": stage_areas10_targets_end_to_end,
    "england_side_by_side": stage_england_side_by_side,
    "england_duckdb": stage_england_duckdb,
    "england_command": stage_england_command_catalogue,
    "england_targets_duckdb": stage_england_targets_duckdb,
    "england_targets_end_to_end": stage_england_targets_end_to_end,
}


def _run(name: str) -> dict:
    """One stage in its own process, with how many CPUs other work on the machine used meanwhile."""
    busy, start, load = _busy_seconds(), time.perf_counter(), os.getloadavg()[0]
    result = stage_run(__file__, name)
    result["load"] = load
    others = _busy_seconds() - busy - result["cpu_seconds"]
    result["others_cpus"] = max(others, 0.0) / (time.perf_counter() - start)
    return result




def _measured(build, default=None):
    """`build()`, or `default` where a stage it reads was not run (KeyError)."""
    try:
        return build()
    except KeyError:
        return default


def _aims(r: dict) -> list[tuple[str, bool | None, str]]:
    """Each aim of the benchmark: (aim, met (None: not measured in this run), the measure)."""
    def ratio(stage):
        return r[stage]["warm"] / r[stage]["reference"]

    def reading():
        return max(r["reading_duckdb"]["cold"], r["reading_duckdb"]["warm"])

    def whole(key):
        return r["england_command"][key]

    def pandas():
        return r["england_targets_end_to_end"]["pandas_compute"] / r["england_targets_duckdb"]["warm"]

    aims = [
        ("`sendreform metrics --data` within 2× of the hand-written DuckDB query at 10 areas",
         lambda: ratio("areas10_side_by_side") <= 2, lambda: f"{ratio('areas10_side_by_side'):.1f}×"),
        ("within 1.5× at England", lambda: ratio("england_side_by_side") <= 1.5,
         lambda: f"{ratio('england_side_by_side'):.1f}×"),
        ("England's whole catalogue by local area through the command, checks included, ≤ 30 s",
         lambda: max(whole("cold"), whole("warm")) <= 30,
         lambda: f"{whole('cold'):.1f} s first, {whole('warm'):.1f} s after, of which {whole('warm_cpu'):.1f} s CPU"),
        ("in ≤ 6 GB", lambda: whole("peak_mb_child") <= 6 * 1024, lambda: f"{whole('peak_mb_child'):,.0f} MB"),
        ("Reading on a snapshot ≤ 1 s cold (the catalogue's evaluation)", lambda: reading() <= 1,
         lambda: f"{reading():.2f} s; the whole command {r['reading_command']['cold']:.1f} s first, "
                 f"{r['reading_command']['warm']:.1f} s after"),
        ("the live command ≤ 3 s", lambda: r["live_command"]["warm"] <= 3,
         lambda: f"{r['live_command']['cold']:.1f} s first, {r['live_command']['warm']:.1f} s after, of which "
                 f"{r['live_command']['warm_cpu']:.1f} s CPU"),
        ("the twelve target metrics ≥ 5× faster than pandas (evaluation)", lambda: pandas() >= 5,
         lambda: f"{pandas():.1f}×"),
    ]
    return [(aim, _measured(met), _measured(measure, "not measured in this run")) for aim, met, measure in aims]


def _busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _others_note(r: dict) -> str:
    others = {name: s["others_cpus"] for name, s in r.items()}
    busiest = max(others, key=others.get)
    loads = [s["load"] for s in r.values()]
    if others[busiest] < 0.1:
        return "Nothing else was running on the machine during the stages."
    return (f"The machine is shared (2 CPUs, other engineers' tests and benchmarks): during the stages other work "
            f"used on average {min(others.values()):.1f} to {others[busiest]:.1f} of the {os.cpu_count()} CPUs "
            f"(most during {busiest}); the load average was {min(loads):.1f} to {max(loads):.1f} when the stages "
            "started. Times are slower than on an idle machine, and by more where a stage ran under more load: "
            "the ratios of runs taken in turn within one stage are what compare.")


def _section(r: dict) -> str:
    ten, eng, whole = (r.get(n, {}) for n in ("areas10_side_by_side", "england_side_by_side", "england_command"))
    e2e, e10 = r.get("england_targets_end_to_end", {}), r.get("areas10_targets_end_to_end", {})
    if "pandas" in e2e:
        pandas_note = (f"The twelve target metrics by local area of England: the engine's evaluation is "
                       f"{e2e['pandas_compute'] / r['england_targets_duckdb']['warm']:.1f}× faster than pandas' "
                       f"reading and computing (aim 5×); end to end, each a new process, the command is "
                       f"{e2e['pandas'] / e2e['command_warm']:.1f}× faster than the pandas script.")
    elif e2e:
        pandas_note = (f"The pandas script was not run over England this time: the shared machine had "
                       f"{e2e['pandas_skipped_gib']:.0f} GiB free and it needs about 16 GB.")
    else:
        pandas_note = ""
    pandas_note += _measured(lambda: (
        f" Over 10 areas, end to end, the command is {e10['pandas'] / e10['command_warm']:.1f}× faster than the "
        f"pandas script ({e10['pandas_compute'] / e10['pandas']:.0%} of whose time is reading and computing, the "
        "rest starting Python and importing pandas)."), "")

    def row(label, cold, warm, peak, aim=""):
        return f"| {label} | {cold} | {warm} | {peak} | {aim} |"

    def secs(value, cpu=None):
        return f"{value:.2f} s" + (f" ({cpu:.2f} s CPU)" if cpu is not None else "")

    def cw(stage, label, aim=""):
        """A row of cold and warm wall times, each with its CPU time where the stage measured it."""
        peak = stage.get("peak_mb_child", stage.get("peak_mb"))
        return row(label, secs(stage["cold"], stage.get("cold_cpu")), secs(stage["warm"], stage.get("warm_cpu")),
                   f"{peak:,.0f} MB", aim)

    lines = [
        SECTION, "",
        f"`bench/metrics.py`, as at {AS_AT.isoformat()}. Machine: {machine()}.",
        "Cold is the first run; warm the best later run. For `sendreform metrics` each run is a new process, "
        "timed from start to exit as a user runs it (imports, reading and checking the folder, the plan, the CSV); "
        "its cold run starts with an empty cache, so it checks every file and compiles its queries, and the later "
        "runs find the files' verdicts and the compiled SQL kept on disk (ADR 31). Python's bytecode is compiled, "
        "as an installation compiles it. The engine's own rows (\"through DuckDB\") time `engine.evaluate` in a "
        "process that has imported everything. England is read in place from its Parquet files (DuckDB views).",
        "",
        "| what | cold | warm | peak memory | aim |",
        "|---|---|---|---|---|",
        *[line for line in (_measured(build) for build in [
            lambda: cw(r["reading_duckdb"], "Reading, whole catalogue, Parquet snapshot through DuckDB",
                       "≤ 1 s cold"),
            lambda: cw(r["reading_command"], "Reading, `sendreform metrics --data` on the snapshot"),
            lambda: cw(r["reading_sqlite"], "Reading, whole catalogue, live SQLite"),
            lambda: cw(r["live_command"], "Reading, `sendreform metrics` on the live demo database (SQLite)",
                       "≤ 3 s"),
            lambda: row("10 areas, three target metrics by local area: hand-written DuckDB query "
                        "(`bench/duckdb_reference.py`)", secs(ten["reference_first"]),
                        secs(ten["reference"], ten["reference_cpu"]), ""),
            lambda: cw(ten, "10 areas, the same through `sendreform metrics --data`", "≤ 2× the query"),
            lambda: row("England, three target metrics by local area: hand-written DuckDB query",
                        secs(eng["reference_first"]), secs(eng["reference"], eng["reference_cpu"]), ""),
            lambda: cw(eng, "England, the same through `sendreform metrics --data`", "≤ 1.5× the query"),
            lambda: cw(r["england_duckdb"], f"England ({r['england_duckdb']['areas']} areas, "
                       f"{r['england_duckdb']['plans']:,.0f} active plans), whole catalogue by local area through "
                       "DuckDB"),
            lambda: cw(whole, "England, whole catalogue by local area through `sendreform metrics --data`, checks "
                       "included", "≤ 30 s, ≤ 6 GB"),
            lambda: cw(r["england_targets_duckdb"],
                       "England, the twelve target metrics by local area through DuckDB"),
            lambda: row("England, the twelve target metrics by local area through `sendreform metrics --data`",
                        secs(e2e["command_cold"]), secs(e2e["command_warm"], e2e["command_warm_cpu"]), ""),
            lambda: row("England, the twelve target metrics by local area in plain pandas "
                        "(`bench/pandas_metrics.py`): the whole script, then its reading and computing",
                        secs(e2e["pandas"]), secs(e2e["pandas_compute"]),
                        f"{e2e['peak_mb_child']:,.0f} MB (the stage's largest process)"),
            lambda: row("10 areas, the twelve target metrics by local area through `sendreform metrics --data`",
                        secs(e10["command_cold"]), secs(e10["command_warm"], e10["command_warm_cpu"]), ""),
            lambda: row("10 areas, the same in plain pandas: the whole script, then its reading and computing",
                        secs(e10["pandas"]), secs(e10["pandas_compute"]), ""),
        ]) if line],
        "",
        "Side by side (runs taken in turn): `sendreform metrics --data` for three target metrics by local area takes "
        + "; ".join(_measured(lambda st=st, where=where: (
            f"{st['warm'] / st['reference']:.1f}× the hand-written DuckDB query {where} "
            f"({st['cold'] / st['reference']:.1f}× on its first run, checking and compiling; "
            f"{st['warm_cpu'] / st['reference_cpu']:.1f}× in CPU time)"), f"not measured {where}")
            for st, where in ((ten, "at 10 areas"), (eng, "at England"))) + ".",
        pandas_note.strip(),
        "",
    ]
    for aim, met, measure in _aims(r):
        verdict = "not measured" if met is None else "met" if met else "missed"
        lines.append(f"- {aim}: **{verdict}** ({measure})")
    lines += [
        "",
        _others_note(r),
        "The engine puts every indicator's units in one table and joins them to the people's breakdown "
        "columns once for the whole catalogue; placements, each plan holder's placement and SEN pupils' "
        "attendance are computed once and shared (ADR 8). A request's SQL is kept on disk and replayed by a new "
        "process without importing Ibis; a check an unchanged file passed is not run again; the plan's baselines "
        "are worked out in the report's own pass, and only where the data is the plan's own area (ADR 31).",
        "The pandas baseline is `bench/pandas_metrics.py` and the hand-written query `bench/duckdb_reference.py`; "
        "`tests/metrics/test_pandas_baseline.py` and `tests/metrics/test_duckdb_reference.py` hold them to the "
        "engine's answers.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", choices=sorted(STAGES))
    parser.add_argument("--only", action="append", choices=sorted(STAGES),
                        help="run these stages and keep the rest from the last run (var/bench/metrics.json)")
    parser.add_argument("--write", action="store_true",
                        help="only write the section from the last run's results (var/bench/metrics.json)")
    args = parser.parse_args()
    if args.stage:
        stage_print(STAGES[args.stage])
        return
    stages = [] if args.write else args.only or list(STAGES)
    if any(name.startswith("england") for name in stages):
        england_ready(AS_AT)
    _reading_ready()
    if any(name.startswith("areas10") for name in stages):
        _areas10_ready()
    # Bytecode compiled as an installation compiles it (pip does at install), so no run pays for it: the
    # packages the command and the baselines import.
    site = next(Path(sys.executable).parents[1].glob("lib/python*/site-packages"))
    packages = ["duckdb", "yaml", "ibis", "sqlglot", "pandas", "numpy", "pyarrow", "django", "dateutil", "pytz"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sendreform"),
                    *[str(site / p) for p in packages if (site / p).exists()]], check=False,
                   stdout=subprocess.DEVNULL, env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    kept = ROOT / "var" / "bench" / "metrics.json"
    results = json.loads(kept.read_text()) if (args.only or args.write) and kept.exists() else {}
    for name in stages:
        print(f"-- {name}", file=sys.stderr, flush=True)
        results[name] = _run(name)
        print(json.dumps(results[name]), file=sys.stderr, flush=True)
        kept.write_text(json.dumps(results))
    if set(results) != set(STAGES):
        print(f"Stages not run: {', '.join(sorted(set(STAGES) - set(results)))}", file=sys.stderr)
    section_write(SECTION, _section(results))
    print(f"Wrote the '{SECTION[3:]}' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
