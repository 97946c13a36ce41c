"""Benchmark of `sendreform import tables` (aim ≤ 60 s): every canonical table of the whole synthetic Reading
(seed 870), written as a folder of canonical CSV files, imported into an empty SQLite database the way
`sendreform import tables FOLDER --yes` does it (check: every cell, code, key and reference; preview: people and
settings matched, every table compared with what is stored; apply in one transaction with the change log), then
the same folder again (everything matched, nothing changed). The database is a temporary one, migrated before
the clock starts and deleted afterwards; results replace the "## Import tables" section of docs/benchmarks.md.

    .venv/bin/python bench/tables_import.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DOC, machine, section_write, stage_print, stage_run  # noqa: E402 - after the checkout is on the path
from bench.sen2_import import _load  # noqa: E402 - the load line both import benchmarks give

SECTION = "## Import tables"
DIR_VARIABLE = "TABLES_IMPORT_BENCH_DIR"
AS_AT = dt.date(2026, 11, 28)


def _import(data: bytes, name: str) -> dict:
    from sendreform.imports.tables import tables_apply, tables_check, tables_preview

    out = {}
    start, cpu = time.perf_counter(), time.process_time()
    checked = tables_check(data=data, file_name=name, by_name="bench")
    out["check"] = time.perf_counter() - start
    mark = time.perf_counter()
    preview = tables_preview(checked=checked)
    out["preview"] = time.perf_counter() - mark
    mark = time.perf_counter()
    run = tables_apply(checked=checked, preview=preview)
    out["apply"] = time.perf_counter() - mark
    out["total"] = time.perf_counter() - start
    out["cpu"] = time.process_time() - cpu
    out["changes"] = run.changes.count()
    out["errors"] = len(checked.issues)
    out["counts"] = preview.plan.counts()
    return out


def stage_reading() -> dict:
    folder = Path(os.environ[DIR_VARIABLE])
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'import.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendreform.config.settings")
    os.environ.setdefault("SENDREFORM_DEMO", "true")  # synthetic data: the demo's own secret key
    import django

    django.setup()
    from django.core.management import call_command

    from sendreform.demo.generator import generate_area
    from sendreform.imports.tables import tables_bundle
    from sendreform.imports.workbook import tables_export

    call_command("migrate", verbosity=0)
    rows = tables_export(out=folder / "reading", tables=generate_area(seed=870, as_at=AS_AT))
    data, name = tables_bundle(path=folder / "reading")
    first = _import(data, name)
    again = _import(data, name)
    return {"rows": sum(rows.values()), "bytes": len(data), "first": first, "again": again}


STAGES = {"reading": stage_reading}


def _section(r: dict, load: str) -> str:
    first, again = r["first"], r["again"]
    added = sum(c["added"] for c in first["counts"].values())
    unchanged = sum(c["unchanged"] for c in again["counts"].values())

    def row(what, t):
        return (f"| {what} | {t['total']:.1f} s (check {t['check']:.1f} s, preview {t['preview']:.1f} s, apply "
                f"{t['apply']:.1f} s) | {t['cpu']:.1f} s | {r['peak_mb']:,.0f} MB | ≤ 60 s |")

    return "\n".join([
        SECTION, "",
        f"`bench/tables_import.py`. Machine: {machine()}; {load}. Every canonical table of the whole synthetic "
        f"Reading (seed 870, as at {AS_AT:%-d %B %Y}: {r['rows']:,} rows; the folder of CSV files zipped as the "
        f"command reads a folder, {r['bytes'] / 2**20:.1f} MB) imported into an empty SQLite database as "
        "`sendreform import tables FOLDER --yes` does: check (every cell's type and code, each key, each reference), "
        "preview (people and settings matched, every table compared with what is stored), apply (one "
        "transaction, each row's values kept for reversal). The CPU time is the import's own (this process's), which a "
        "busy machine does not stretch as it stretches the wall-clock time. Peak memory is the stage's whole "
        "process.", "",
        "| what | time | CPU time | peak memory | aim |",
        "|---|---|---|---|---|",
        row(f"Into an empty database: {added:,} rows added ({first['changes']:,} changes logged)", first),
        row(f"The same folder again: {unchanged:,} rows unchanged, {again['changes']} changed", again),
        "",
    ])


def main() -> None:
    if "--stage" in sys.argv:
        stage_print(STAGES[sys.argv[sys.argv.index("--stage") + 1]])
        return
    load = _load()
    folder = Path(tempfile.mkdtemp(prefix="tables-import-bench-"))
    os.environ[DIR_VARIABLE] = str(folder)
    try:
        result = stage_run(__file__, "reading")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result)[:800], file=sys.stderr)
    section_write(SECTION, _section(result, load))
    print(f"Wrote the '{SECTION[3:]}' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
