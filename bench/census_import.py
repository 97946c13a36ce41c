"""Benchmark of importing a term's school census (aim ≤ 20 s for a Reading-sized term): about 30,000 synthetic
pupils on the rolls of 60 schools (Reading has about 30,000 pupils in its state-funded schools), with their
SEN provision, needs, the sessions missed in the term before and suspensions, written as the COLLECT Blade CSV
files and read into an empty SQLite database the way `sendreform import census FILE... --yes` does (check:
every value; preview: pupils matched and each table compared; apply in one transaction with the change log);
then the same files again (everything matched, nothing changed); then the next term, with 3% of pupils gone
from their school's roll (their enrolments closed) and 3% new. The database is a temporary one, migrated and
given its 60 schools before the clock starts, and deleted afterwards; results replace the "## School census
import" section of docs/benchmarks.md.

    .venv/bin/python bench/census_import.py
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import DOC, machine, section_write, stage_print, stage_run  # noqa: E402 - after the checkout is on the path

SECTION = "## School census import"
DIR_VARIABLE = "CENSUS_IMPORT_BENCH_DIR"
PUPILS = 30_000
SCHOOLS = 60
NEEDS = ("SPLD", "MLD", "SEMH", "SLCN", "ASD", "OTH")
REASONS = ("DB", "PA", "VA", "VP", "DM")


def _upn(n: int) -> str:
    from sendreform.sen2.rules import upn_check_letter

    digits = f"870{n:09d}"
    return upn_check_letter("A" + digits) + digits


def _pupils(rng: random.Random, first: int, count: int) -> list[dict]:
    out = []
    for n in range(first, first + count):
        age = rng.randint(4, 15)
        born = dt.date(2021 - age, 9, 1) + dt.timedelta(days=rng.randrange(365))
        out.append({"n": n, "urn": 200001 + (n % SCHOOLS), "born": born, "sex": rng.choice("MF"),
                    "entry": dt.date(max(2015, born.year + 4), 9, 1),
                    "provision": rng.choices("NKE", weights=(82, 14, 4))[0], "need": rng.choice(NEEDS),
                    "absent": rng.randrange(0, 30), "unauthorised": rng.randrange(0, 6),
                    "excluded": rng.random() < 0.03})
    return out


def _files(pupils: list[dict], year: int, term: str):
    from sendreform.interchange.census import census_tables_write

    rows, needs, absences, exclusions = [], [], [], []
    for p in pupils:
        tid = f"T{p['n']:07d}"
        rows.append({"pupilonrolltableid": tid, "NativeId": p["urn"], "upn": _upn(p["n"]), "surname": f"Pupil{p['n']}",
                     "forename": "Sam", "dob": p["born"], "sex": p["sex"], "ethnicity": "WBRI", "entrydate": p["entry"],
                     "enrolstatus": "C", "senprovision": p["provision"], "senunitindicator": False,
                     "resourcedprovisionindicator": False, "termlysessionspossible": 140})
        if p["provision"] != "N":
            needs.append({"pupilonrolltableid": tid, "sentype": p["need"], "sentyperank": 1})
        for code, sessions in (("I", p["absent"]), ("O", p["unauthorised"])):
            if sessions:
                absences.append({"pupilonrolltableid": tid, "attendancereason": code, "sessions": sessions})
        if p["excluded"]:
            exclusions.append({"pupilonrolltableid": tid, "startdate": dt.date(year - 1, 11, 12), "category": "SUSP",
                               "sessions": 2, "reason1": REASONS[p["n"] % len(REASONS)], "senprovision": p["provision"]})
    return census_tables_write(year=year, term=term, pupils=rows, needs=needs, absences=absences,
                               exclusions=exclusions)


def _import(files) -> dict:
    from sendreform.imports.census import census_apply, census_bundle, census_check, census_preview

    out = {}
    start, cpu = time.perf_counter(), time.process_time()
    name, data = census_bundle(files)
    checked = census_check(data=data, file_name=name, by_name="bench")
    out["check"] = time.perf_counter() - start
    mark = time.perf_counter()
    preview = census_preview(checked=checked)
    out["preview"] = time.perf_counter() - mark
    mark = time.perf_counter()
    run = census_apply(checked=checked, preview=preview)
    out["apply"] = time.perf_counter() - mark
    out["total"] = time.perf_counter() - start
    out["cpu"] = time.process_time() - cpu
    out["changes"] = run.changes.count()
    out["errors"] = checked.run.errors
    out["bytes"] = len(data)
    out["counts"] = preview.plan.counts()
    return out


def stage_reading() -> dict:
    folder = Path(os.environ[DIR_VARIABLE])
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'import.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendreform.config.settings")
    os.environ.setdefault("SENDREFORM_DEMO", "true")  # synthetic data: the demo's own secret key
    os.environ.setdefault("SENDREFORM_IMPORT_DIR", str(folder / "imports"))
    import django

    django.setup()
    from django.core.management import call_command

    from sendreform.people.models import Establishment

    call_command("migrate", verbosity=0)
    Establishment.objects.bulk_create([Establishment(
        establishment_id=f"URN{200001 + i}", urn=200001 + i, name=f"School {i}", la_code="870",
        phase="PRIMARY" if i < 45 else "SECONDARY", kind="SPECIAL" if i >= 57 else "MAINSTREAM",
        funding="MAINTAINED", in_area=True) for i in range(SCHOOLS)])
    rng = random.Random(870)
    pupils = _pupils(rng, 1, PUPILS)
    spring = _files(pupils, 2026, "spring")
    first = _import(spring)
    again = _import(spring)
    gone = int(PUPILS * 0.03)
    summer = _files(pupils[gone:] + _pupils(rng, PUPILS + 1, gone), 2026, "summer")
    following = _import(summer)
    return {"pupils": PUPILS, "first": first, "again": again, "next": following, "gone": gone}


STAGES = {"reading": stage_reading}


def _section(r: dict, load: str) -> str:
    first, again, nxt = r["first"], r["again"], r["next"]
    added = sum(c["added"] for c in first["counts"].values())
    unchanged = sum(c["unchanged"] for c in again["counts"].values())
    closed = nxt["counts"]["placement"]["closed"]

    def row(what, t):
        return (f"| {what} | {t['total']:.1f} s (check {t['check']:.1f} s, preview {t['preview']:.1f} s, apply "
                f"{t['apply']:.1f} s) | {t['cpu']:.1f} s | {r['peak_mb']:,.0f} MB | ≤ 20 s |")

    return "\n".join([
        SECTION, "",
        f"`bench/census_import.py`. Machine: {machine()}; {load}. A Reading-sized census term ({r['pupils']:,} "
        f"synthetic pupils on the rolls of {SCHOOLS} schools, with SEN provision, needs, sessions missed and "
        f"suspensions; the Blade CSV files zipped, {first['bytes'] / 2**20:.1f} MB) imported into an empty SQLite "
        "database (its schools stored) as `sendreform import census FILE... --yes` does: check (every value of "
        "every table), preview (pupils matched, every table compared with what is stored), apply (one transaction, "
        "each row's values before and after kept for reversal). Time is wall-clock; CPU is the process's own CPU "
        "time for the same steps (on a shared machine the rest of the wall time is waiting for a CPU and the disk). "
        "Peak memory is the stage's whole process.", "",
        "| what | time | CPU | peak memory | aim |",
        "|---|---|---|---|---|",
        row(f"Spring into an empty database: {added:,} rows added ({first['changes']:,} changes logged)", first),
        row(f"The same files again: {unchanged:,} rows unchanged, {again['changes']} changed", again),
        row(f"Summer, {r['gone']:,} pupils gone and {r['gone']:,} new: {closed:,} enrolments closed, "
            f"{nxt['changes']:,} changes", nxt),
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
    folder = Path(tempfile.mkdtemp(prefix="census-import-bench-"))
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
