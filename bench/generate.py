"""Benchmark of the synthetic data: generating Reading, loading it into a fresh SQLite database, and writing
all of England as Parquet. Each stage runs in its own process so that its peak memory (ru_maxrss) is its
own; the results replace the "## Synthetic data generation" section of docs/benchmarks.md.

    .venv/bin/python bench/generate.py            # all stages, then update docs/benchmarks.md
    .venv/bin/python bench/generate.py --stage reading_generate   # one stage, JSON on stdout
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DOC, machine, section_write, stage_run  # noqa: E402 - after the checkout is on the path

AS_AT = dt.date(2026, 11, 28)
SECTION = "## Synthetic data generation"


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def stage_reading_generate() -> dict:
    from sendreform.demo.generator import generate_area

    start = time.perf_counter()
    tables = generate_area(seed=870, as_at=AS_AT)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": {name: t.num_rows for name, t in tables.items()}}


def stage_reading_load() -> dict:
    folder = tempfile.mkdtemp(prefix="sendreform-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendreform.config.settings"
    os.environ.setdefault("SENDREFORM_DEMO", "true")  # synthetic data: the demo's own secret key
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from sendreform.demo.services import demo_area_load

    start = time.perf_counter()
    counts = demo_area_load(seed=870, as_at=AS_AT)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": counts}


def stage_england_write() -> dict:
    from sendreform.demo.england import write_areas

    folder = Path(tempfile.mkdtemp(prefix="sendreform-england-"))
    start = time.perf_counter()
    manifest = write_areas(out_dir=folder, areas=None, seed=870, as_at=AS_AT)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    plans_2025 = sum(a["ehc_plans_2025"] for a in manifest["areas"])
    return {"seconds": seconds, "rows": manifest["rows"], "areas": len(manifest["areas"]),
            "parquet_mb": size / 1e6, "plans_2025": plans_2025}


STAGES = {"reading_generate": stage_reading_generate, "reading_load": stage_reading_load,
          "england_write": stage_england_write}


def run_stage(name: str) -> dict:
    out = STAGES[name]()
    out["peak_mb"] = _peak_mb(resource.RUSAGE_SELF)
    out["peak_child_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
    return out




def _section(results: dict) -> str:
    gen, load, eng = results["reading_generate"], results["reading_load"], results["england_write"]
    rows = gen["rows"]
    total_rows = sum(rows.values())
    lines = [
        SECTION,
        "",
        f"`bench/generate.py` (as at {AS_AT.isoformat()}, seed 870). Machine: {machine()}.",
        "Peak memory is the stage's own process (`ru_maxrss`); for England the largest worker process too.",
        "",
        "| stage | wall time | peak memory | rows |",
        "|---|---|---|---|",
        f"| Reading: `generate_area` | {gen['seconds']:.1f} s | {gen['peak_mb']:.0f} MB | {total_rows:,} |",
        f"| Reading: `demo_area_load` into a new SQLite database (generation included) | {load['seconds']:.1f} s "
        f"| {load['peak_mb']:.0f} MB | {sum(load['rows'].values()):,} |",
        f"| England: `write_areas(areas=None)`, {eng['areas']} areas, a generating worker process "
        f"| {eng['seconds']:.0f} s | {eng['peak_mb']:.0f} MB (writer), {eng['peak_child_mb']:.0f} MB (largest worker) "
        f"| {sum(eng['rows'].values()):,} ({eng['parquet_mb']:.0f} MB of Parquet) |",
        "",
        "Rows per table:",
        "",
        "| table | Reading | England |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {rows[name]:,} | {eng['rows'][name]:,} |" for name in rows]
    lines += ["", f"England's areas hold {eng['plans_2025']:,} EHC plans in January 2025 (DfE caseload), "
              f"{eng['rows']['ehc_plan']:,} plan rows over the whole history.", ""]
    return "\n".join(lines)


def write_doc(results: dict) -> None:
    section_write(SECTION, _section(results))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", choices=sorted(STAGES))
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(run_stage(args.stage)))
        return
    results = {}
    for name in STAGES:
        results[name] = stage_run(__file__, name)
        print(f"{name}: {results[name]['seconds']:.1f} s, peak {results[name]['peak_mb']:.0f} MB", flush=True)
    write_doc(results)
    print(f"updated {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
