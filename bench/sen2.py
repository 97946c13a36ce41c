"""Benchmark of SEN2: validating a Reading-sized return (aim ≤ 5 s) and an England-sized one (about 650,000
plans, several GB; aim ≤ 5 minutes and ≤ 2 GB). Both files are written by `sendreform.sen2.writer` from
synthetic records generated one person at a time (England's 700,000 people are never held in memory), to a
temporary folder that is deleted afterwards. Each stage runs in its own process so that its peak memory
(ru_maxrss) is its own; results replace the "## SEN2 validation" section of docs/benchmarks.md.

    .venv/bin/python bench/sen2.py
    .venv/bin/python bench/sen2.py --stage reading      # one stage, JSON on stdout (SEN2_BENCH_DIR names the folder)
"""

from __future__ import annotations

import argparse
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

from bench._common import DOC, machine, section_write, stage_print, stage_run, timed  # noqa: E402 - after the checkout is on the path

SECTION = "## SEN2 validation"
YEAR = 2026
READING_PEOPLE = 2_600  # about Reading's 2,065 plans in January 2026 with its year's requests and ceased plans
ENGLAND_PEOPLE = 722_222  # nine in ten have a plan: about 650,000 plans
DIR_VARIABLE = "SEN2_BENCH_DIR"


def people(n: int, *, seed: int = 870):
    """`n` synthetic people in `Person.sort_key` order, made one at a time: one in ten has only a request
    decided not to assess, one in ten a plan ceased in the year, one in ten a plan issued in the year, the rest
    a plan from earlier years, active on the census date with its placements, needs and review."""
    import random

    from sendreform.sen2.records import (
        ActivePlans,
        Assessment,
        NamedPlan,
        Person,
        PlacementDetail,
        PlanDetail,
        Request,
        SENNeed,
    )
    from sendreform.sen2.rules import upn_check_letter

    # UPNs sort by their check letter first: bucket the numbers by letter (n ints, not n records)
    buckets: dict[str, list[int]] = {}
    for i in range(n):
        buckets.setdefault(upn_check_letter(f"X870{i:09d}"), []).append(i)
    rng = random.Random(seed)
    needs = ("ASD", "SEMH", "SLCN", "MLD", "SPLD", "SLD", "PMLD", "PD", "HI", "VI", "MSI", "DS", "OTH")
    ethnic = ("WBRI", "WOTH", "AIND", "APKN", "BAFR", "BCRB", "MWBC", "CHNE", "OOTH", "NOBT")
    d = dt.date
    for letter in sorted(buckets):
        for i in buckets[letter]:
            kind = i % 10
            age = rng.randint(2, 22)
            birth = d(YEAR - 1 - age, rng.randint(1, 12), rng.randint(1, 28))
            urn = str(100000 + rng.randrange(900000))
            received = d(YEAR - 1, rng.randint(1, 6), rng.randint(1, 28))
            if kind == 0:
                req = Request(received_date=received, request_source=str(rng.randint(1, 5)), rya=False,
                              request_outcome_date=received + dt.timedelta(days=40), request_outcome="N")
            else:
                placements = [PlacementDetail(urn=urn, placement_rank=1, entry_date=d(YEAR - 1, 9, 1),
                                              sen_unit_indicator=False, resourced_provision_indicator=False)]
                if kind == 9:
                    placements.append(PlacementDetail(urn=str(100000 + rng.randrange(900000)), placement_rank=2,
                                                      entry_date=d(YEAR - 1, 9, 1)))
                sen = [SENNeed(sen_type=rng.choice(needs), sen_type_rank=1)]
                if rng.random() < 0.4:
                    sen.append(SENNeed(sen_type="OTH" if sen[0].sen_type != "OTH" else "ASD", sen_type_rank=2))
                if kind == 2:  # issued in the year
                    start = received + dt.timedelta(days=rng.randint(100, 180))
                    assessment = Assessment(assessment_outcome="Y", assessment_outcome_date=start, week20=False,
                                            assessment_mediation=False, assessment_tribunal=False)
                    req = Request(received_date=received, request_source=str(rng.randint(1, 5)), rya=False,
                                  request_outcome_date=received + dt.timedelta(days=35), request_outcome="Y",
                                  assessment=assessment)
                    review = {}
                else:
                    start = d(YEAR - 1 - rng.randint(1, 8), rng.randint(1, 12), rng.randint(1, 28))
                    assessment = Assessment(assessment_outcome="H")
                    req = Request(request_outcome="H", assessment=assessment)
                    meeting = d(YEAR - 1, rng.randint(2, 11), rng.randint(1, 28))
                    review = {"review_meeting": meeting, "review_outcome": rng.choice("MMMA"),
                              "last_review": meeting + dt.timedelta(days=14)}
                assessment.named_plan = NamedPlan(start_date=start, plan_details=[PlanDetail(urn=urn, placement_rank=1)],
                                                  pb=rng.random() < 0.05)
                if kind == 1:  # ceased in the year
                    assessment.named_plan.cease_date = d(YEAR - 1, 7, 31)
                    assessment.named_plan.cease_reason = rng.choice("1234569")
                else:
                    req.active_plans = ActivePlans(placement_details=placements, sen_needs=sen, **review)
            yield Person(surname=f"Surname{i:06d}", forename=rng.choice(("Alex", "Sam", "Jo", "Ali", "Mia")),
                         person_birth_date=birth, sex=rng.choice("MF"), ethnicity=rng.choice(ethnic),
                         upn=f"{letter}870{i:09d}", requests=[req])


def _header():
    from sendreform.sen2.writer import header_new

    return header_new(year=YEAR, lea="870", dmo="Y", dco="Y", dsco="N", date_time=dt.datetime(YEAR, 1, 20, 9, 0))


def _write(path: Path, n: int) -> dict:
    from sendreform.sen2.writer import write_return

    start = time.perf_counter()
    summary = write_return(_header(), people(n), path, sort=False)
    return {"write_seconds": time.perf_counter() - start, "people": summary.counts["Person"],
            "plans": summary.counts["NamedPlan"], "active": summary.counts["ActivePlans"],
            "bytes": path.stat().st_size}


def _folder() -> Path:
    return Path(os.environ[DIR_VARIABLE])


def stage_reading() -> dict:
    from sendreform.sen2.rules import validate

    path = _folder() / "reading.xml"
    out = _write(path, READING_PEOPLE)
    times, report = timed(lambda: validate(path))
    out.update(times, errors=report.errors, queries=report.queries, persons=report.persons)
    return out


def stage_england_write() -> dict:
    return _write(_folder() / "england.xml", ENGLAND_PEOPLE)


def stage_england_validate() -> dict:
    from sendreform.sen2.rules import validate

    path = _folder() / "england.xml"
    start, cpu = time.perf_counter(), time.process_time()
    report = validate(path)
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "persons": report.persons,
            "errors": report.errors, "queries": report.queries, "bytes": path.stat().st_size}


STAGES = {"reading": stage_reading, "england_write": stage_england_write, "england_validate": stage_england_validate}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs when the stages started"


def _section(r: dict, load: str) -> str:
    rd, ew, ev = r["reading"], r["england_write"], r["england_validate"]
    return "\n".join([
        SECTION, "",
        f"`bench/sen2.py`, collection year {YEAR}. Machine: {machine()}; {load}. Files written by "
        "`sendreform.sen2.writer` from synthetic people made one at a time, to a temporary folder deleted "
        "afterwards. Validation is the whole of `sendreform sen2 validate`: the file streamed with lxml's "
        "iterparse, each person checked against our XSD and then by every rule. Cold is the first run in a fresh "
        "process; warm the best of two later runs. Peak memory is the stage's own process (`ru_maxrss`).", "",
        "| what | time | peak memory | aim |",
        "|---|---|---|---|",
        f"| Reading-sized: validate {rd['persons']:,} people ({rd['plans']:,} plans, {rd['bytes'] / 2**20:.1f} MB); "
        f"{rd['errors']} errors, {rd['queries']} queries | cold {rd['cold']:.2f} s, warm {rd['warm']:.2f} s | "
        f"{rd['peak_mb']:,.0f} MB | ≤ 5 s |",
        f"| England-sized: write {ew['people']:,} people ({ew['plans']:,} plans, {ew['active']:,} active) as one "
        f"file of {ew['bytes'] / 2**30:.2f} GB, streamed | {ew['write_seconds']:.0f} s | {ew['peak_mb']:,.0f} MB | |",
        f"| England-sized: validate it ({ev['persons']:,} people); {ev['errors']} errors, {ev['queries']:,} queries "
        f"| {ev['seconds']:.0f} s ({ev['cpu']:.0f} s of CPU) | {ev['peak_mb']:,.0f} MB | ≤ 300 s, ≤ 2,048 MB |",
        "",
        f"The synthetic England has {ev['errors']} errors and {ev['queries']:,} queries: every check runs on every "
        "person and few report; a file with many failures also holds its issues for the report. The synthetic "
        f"people are lean (one request each, about {ew['bytes'] / ew['people']:,.0f} bytes a person), so England's "
        "file here is smaller than a real one of several GB; reading and checking time grows with the people and "
        "elements, memory does not. Wall time is CPU time plus waiting for a core: on a machine shared with other "
        "work, the two differ.",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", choices=sorted(STAGES))
    args = parser.parse_args()
    if args.stage:
        stage_print(STAGES[args.stage])
        return
    load = _load()
    folder = Path(tempfile.mkdtemp(prefix="sen2-bench-"))
    os.environ[DIR_VARIABLE] = str(folder)
    results = {}
    try:
        for name in STAGES:
            print(f"-- {name}", file=sys.stderr, flush=True)
            results[name] = stage_run(__file__, name)
            print(json.dumps(results[name])[:500], file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    section_write(SECTION, _section(results, load))
    print(f"Wrote the '{SECTION[3:]}' section of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
