"""Benchmark of importing a SEN2 return (aim ≤ 15 s for a Reading-sized file): the file `bench/sen2.py` makes
for Reading (2,600 synthetic people, about Reading's 2,065 active plans) read into an empty SQLite database
the way `sendreform sen2 import --create-establishments --yes` does it (check: schema and rules; preview:
people matched and each table compared; apply in one transaction with the change log), then the same file
again (everything matched, nothing changed). The database is a temporary one, migrated before the clock
starts and deleted afterwards; results replace the "## SEN2 import" section of docs/benchmarks.md.

    .venv/bin/python bench/sen2_import.py
"""

from __future__ import annotations

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
from bench.sen2 import READING_PEOPLE, YEAR, _header, people  # noqa: E402

SECTION = "## SEN2 import"
DIR_VARIABLE = "SEN2_IMPORT_BENCH_DIR"


def _import(data: bytes, name: str) -> dict:
    from sendreform.imports.sen2 import sen2_apply, sen2_check, sen2_preview

    out = {}
    start = time.perf_counter()
    checked = sen2_check(data=data, file_name=name, by_name="bench")
    out["check"] = time.perf_counter() - start
    mark = time.perf_counter()
    preview = sen2_preview(checked=checked, create_establishments=True)
    out["preview"] = time.perf_counter() - mark
    mark = time.perf_counter()
    run = sen2_apply(checked=checked, preview=preview)
    out["apply"] = time.perf_counter() - mark
    out["total"] = time.perf_counter() - start
    out["changes"] = run.changes.count()
    out["errors"] = checked.report.errors
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

    from sendreform.sen2.writer import write_return

    call_command("migrate", verbosity=0)
    path = folder / "reading.xml"
    write_return(_header(), people(READING_PEOPLE), path, sort=False)
    data = path.read_bytes()
    first = _import(data, path.name)
    again = _import(data, path.name)
    return {"people": READING_PEOPLE, "bytes": len(data), "first": first, "again": again}


STAGES = {"reading": stage_reading}


def _section(r: dict, load: str) -> str:
    first, again = r["first"], r["again"]
    added = sum(c["added"] for c in first["counts"].values())
    unchanged = sum(c["unchanged"] for c in again["counts"].values())
    plans = first["counts"]["ehc_plan"]["added"]

    def row(what, t):
        return (f"| {what} | {t['total']:.1f} s (check {t['check']:.1f} s, preview {t['preview']:.1f} s, apply "
                f"{t['apply']:.1f} s) | {r['peak_mb']:,.0f} MB | ≤ 15 s |")

    return "\n".join([
        SECTION, "",
        f"`bench/sen2_import.py`, collection year {YEAR}. Machine: {machine()}; {load}. The Reading-sized file of "
        f"`bench/sen2.py` ({r['people']:,} people, {plans:,} plans, {r['bytes'] / 2**20:.1f} MB) imported into an "
        "empty SQLite database as `sendreform sen2 import --create-establishments --yes` does: check (schema and "
        "rules), preview (people matched, every table compared with what is stored), apply (one transaction, "
        "each row's values before and after kept for reversal). Peak memory is the stage's whole process.", "",
        "| what | time | peak memory | aim |",
        "|---|---|---|---|",
        row(f"Into an empty database: {added:,} rows added ({first['changes']:,} changes logged)", first),
        row(f"The same file again: {unchanged:,} rows unchanged, {again['changes']} changed", again),
        "",
    ])


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs when the stage started"


def main() -> None:
    if "--stage" in sys.argv:
        stage_print(STAGES[sys.argv[sys.argv.index("--stage") + 1]])
        return
    load = _load()
    folder = Path(tempfile.mkdtemp(prefix="sen2-import-bench-"))
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
