"""Benchmark of the catalogue over many areas on Spark beside DuckDB: the whole catalogue by local area over
the synthetic England (or, with --areas N, its first N areas), evaluated through the engine on each and run
through `sendreform metrics --engine duckdb|spark` as a user runs it. Each stage runs in its own process;
results replace the "## Spark beside DuckDB" section of docs/benchmarks.md.

    .venv/bin/python bench/spark.py                 # England (written first if absent, about 7 minutes)
    .venv/bin/python bench/spark.py --areas 10      # the first ten areas (written to var/bench/areas-10)
    .venv/bin/python bench/spark.py --stage evaluate_spark --folder var/bench/england   # one stage, JSON
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DOC, ENGLAND, england_ready, machine, section_write, timed  # noqa: E402 - after the path
from bench.metrics import AS_AT, _busy_seconds, _others_note  # noqa: E402 - as the Indicators section

SECTION = "## Spark beside DuckDB"
STAGE_TIMEOUT = 1800  # seconds: a stage slower than this is reported as such, not waited for


def _evaluate(con) -> dict:
    from sendreform.metrics import engine

    tables = engine.tables_from_connection(con)
    out, figures = timed(lambda: engine.evaluate(tables, as_ats=[AS_AT], by=["local_area"], con=con), repeat=2)
    plans = next(f for f in figures if f.id == "ehcp_total")
    out["areas"], out["plans"] = len(plans.groups), plans.value
    out["rows"] = sum(len(f.groups) + 1 for f in figures)
    return out


def stage_evaluate_duckdb(folder: Path) -> dict:
    from sendreform.interchange.canonical_files import canonical_files_connect

    return _evaluate(canonical_files_connect(data_dir=folder))


def stage_evaluate_spark(folder: Path) -> dict:
    from sendreform.metrics.spark import spark_connect, spark_session

    start = time.perf_counter()
    session = spark_session()
    started = time.perf_counter() - start
    out = _evaluate(spark_connect(data_dir=folder, session=session))
    out["session_start"] = started
    return out


def _command(folder: Path, engine: str) -> dict:
    from sendreform.cli.main import main

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = main(["metrics", "--data", str(folder), "--as-at", AS_AT.isoformat(), "--by", "local_authority",
                       "--format", "csv", "--engine", engine])
    if status != 0:
        raise RuntimeError(f"sendreform metrics --engine {engine} exited {status}")
    return {"cold": time.perf_counter() - start}


def stage_command_duckdb(folder: Path) -> dict:
    return _command(folder, "duckdb")


def stage_command_spark(folder: Path) -> dict:
    return _command(folder, "spark")


STAGES = {
    "evaluate_duckdb": stage_evaluate_duckdb,
    "evaluate_spark": stage_evaluate_spark,
    "command_duckdb": stage_command_duckdb,
    "command_spark": stage_command_spark,
}


def _run(name: str, folder: Path) -> dict:
    """One stage in its own process (its peak memory its own; Spark's JVM is a child of it, counted apart),
    with how many CPUs other work on the machine used meanwhile."""
    busy, start = _busy_seconds(), time.perf_counter()
    try:
        out = subprocess.run([sys.executable, __file__, "--stage", name, "--folder", str(folder)],
                             capture_output=True, text=True, cwd=ROOT, timeout=STAGE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": True, "others_cpus": 0.0}
    if out.returncode != 0:  # said in the section: the command refuses a folder its checks do not pass
        return {"failed": out.stderr.strip().splitlines()[-1], "others_cpus": 0.0}
    result = json.loads(out.stdout.strip().splitlines()[-1])
    wall = time.perf_counter() - start
    result["others_cpus"] = max(_busy_seconds() - busy - result["cpu_seconds"] - result["children_cpu"], 0) / wall
    return result


def _stage_print(stage, folder: Path) -> None:
    import resource

    out = stage(folder)
    own = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_seconds"] = own.ru_utime + own.ru_stime
    out["peak_mb"] = own.ru_maxrss / 1024
    out["children_cpu"], out["children_peak_mb"] = _children()
    print(json.dumps(out))


def _children() -> tuple[float, float]:
    """CPU seconds and summed peak memory (MB) of this process's descendants still running: Spark's JVM."""
    parent, stats = {}, {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                parent[int(proc.name)] = int(fields[1])
                stats[int(proc.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    mine, cpu, peak = {os.getpid()}, 0.0, 0.0
    for _ in range(5):  # a few generations: python -> spark-submit -> java
        mine |= {pid for pid, ppid in parent.items() if ppid in mine}
    for pid in mine - {os.getpid()}:
        cpu += stats[pid]
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak += int(line.split()[1]) / 1024
    return cpu, peak


def _seconds(s: dict, key: str) -> str:
    if s.get("failed"):
        return "failed (below)"
    return "over the time limit" if s.get("timeout") else f"{s[key]:.1f} s"


def _missing(s: dict) -> bool:
    return bool(s.get("timeout") or s.get("failed"))


def _section(r: dict, label: str) -> str:
    from sendreform.metrics import spark

    ed, es, cd, cs = (r[n] for n in STAGES)
    lines = [
        SECTION, "",
        f"`bench/spark.py` over {label}, as at {AS_AT.isoformat()}, the whole catalogue by local area. "
        f"Machine: {machine()}. Spark is PySpark {_pyspark_version()} `{spark.DEFAULT_MASTER}` (this machine, "
        f"two threads), driver memory {spark.DRIVER_MEMORY}, {spark.SHUFFLE_PARTITIONS} shuffle partitions "
        "with adaptive execution (ADR 30). Cold is the first evaluation in a fresh process, warm the second; "
        "the command is one run in a fresh process, as a user runs it (reading and checking the folder, the "
        "plan's expected values, the CSV). Peak memory is the Python process's; Spark's JVM is its child, shown "
        "apart.",
        "",
        "| what | DuckDB | Spark | Spark ÷ DuckDB |",
        "|---|---|---|---|",
    ]
    for what, key, d, s in (("evaluate, cold", "cold", ed, es), ("evaluate, warm", "warm", ed, es),
                            ("`sendreform metrics --engine …`", "cold", cd, cs)):
        ratio = "—" if _missing(d) or _missing(s) else f"{s[key] / d[key]:.1f}×"
        lines.append(f"| {what} | {_seconds(d, key)} | {_seconds(s, key)} | {ratio} |")
    if not _missing(es):
        lines.append(f"| Spark's session start (not in the times above) | | {es['session_start']:.1f} s | |")
        lines.append(f"| peak memory, evaluate | {ed['peak_mb']:,.0f} MB | {es['peak_mb']:,.0f} MB + JVM "
                     f"{es['children_peak_mb']:,.0f} MB | |")
    lines.append("")
    lines += [f"Stage {name} failed: {s['failed']}" for name, s in r.items() if s.get("failed")]
    if not (_missing(ed) or _missing(es)):
        worst = max(es["cold"] / ed["cold"], es["warm"] / ed["warm"])
        verdict = "met" if worst <= 3 else f"not met: {worst:.1f}×"
        lines.append(f"Both engines give {ed['rows']:,} figures ({ed['areas']} areas, {ed['plans']:,.0f} active "
                     f"plans). Aim: Spark within 3× of DuckDB's time for the synthetic England's catalogue "
                     f"on the same machine: {verdict}.")
    lines += [_others_note(r), ""]
    return "\n".join(lines)


def _pyspark_version() -> str:
    import pyspark

    return pyspark.__version__


def _folder(areas: int | None) -> tuple[Path, str]:
    if areas is None:
        england_ready(AS_AT)
        return ENGLAND, "the synthetic England"
    folder = ROOT / "var" / "bench" / f"areas-{areas}"
    if not (folder / "manifest.json").exists():
        from sendreform.demo.england import write_areas

        write_areas(out_dir=folder, areas=areas, seed=870, as_at=AS_AT)
    return folder, f"the synthetic England's first {areas} areas"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", choices=sorted(STAGES))
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--areas", type=int, help="the first N areas of England rather than all 153")
    args = parser.parse_args()
    if args.stage:
        _stage_print(STAGES[args.stage], args.folder)
        return
    folder, label = _folder(args.areas)
    results = {}
    for name in STAGES:
        print(f"-- {name}", file=sys.stderr, flush=True)
        results[name] = _run(name, folder)
        print(json.dumps(results[name]), file=sys.stderr, flush=True)
    section_write(SECTION, _section(results, label))
    print(f"Wrote the '{SECTION[3:]}' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
