"""`sendreform metrics`: the KPI catalogue on the live database or on a folder of canonical tables, as a
table, CSV or the JSON the dashboard and board pack read."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

DESCRIPTION = """\
Compute every indicator of the KPI catalogue (or those named with --kpi) on the live database, or with
--data on a folder of <table>.csv or <table>.parquet files in the canonical schema. Stock measures count
what is open on the as-at date; flow measures count events in the period, by default the financial year
to date. Values are compared with the local plan's trajectory (--plan) for the expected value and RAG.
With --suppress, counts of 1 to 5 and rates built on them (a rate over sessions by its children) are shown
as "c", and in each breakdown the next smallest cells while the hidden ones could be worked back from the
total (a breakdown nothing protects is left out), as for anyone outside the council's own view.
A folder may hold many areas' tables: --by local_authority (the same as local_area) gives each area's
figures, on DuckDB in this process or with --engine spark on Apache Spark (local, or the cluster given by
--master or SPARK_MASTER), with the same figures."""

EXAMPLES = """\
  sendreform metrics
  sendreform metrics --as-at 2026-03-31 --kpi ehcp_total --kpi inmss_placements --format json
  sendreform metrics --by primary_need --suppress --format csv > kpis.csv
  sendreform metrics --data var/snapshots/2026-01-15 --as-at 2026-01-15
  sendreform metrics --data var/region --by local_authority --engine spark --format csv"""

FORMATS = ("table", "csv", "json")
ENGINES = ("duckdb", "spark")
ALIASES = {"local_authority": "local_area"}  # the name a region or the DfE looks for


def add_parser(commands, subcommand, date_type) -> None:
    from sendreform.metrics.catalogue import CATALOGUE, PERSON_BREAKDOWNS

    p = subcommand(commands, "metrics", summary="compute the plan's indicators (table, CSV or JSON)",
                   description=DESCRIPTION, examples=EXAMPLES)
    p.add_argument("--data", type=Path, help="a folder of canonical tables (default: the live database)")
    p.add_argument("--as-at", type=date_type, default=dt.date.today(), help="the as-at date (default today)")
    p.add_argument("--period-start", type=date_type, help="first day of the period (default: 1 April)")
    p.add_argument("--period-end", type=date_type, help="last day of the period (default: the as-at date)")
    p.add_argument("--kpi", action="append", choices=sorted(CATALOGUE), metavar="ID",
                   help="an indicator id; repeat for more (default: the whole catalogue)")
    p.add_argument("--by", action="append", choices=(*PERSON_BREAKDOWNS, *ALIASES), default=[],
                   metavar="BREAKDOWN",
                   help=f"a breakdown ({', '.join(PERSON_BREAKDOWNS)}, or local_authority for local_area); "
                        "repeatable")
    p.add_argument("--suppress", action="store_true", help="suppress small numbers as for external use")
    p.add_argument("--plan", type=Path, default=Path("plans/reading.yaml"),
                   help="the local plan file with baselines, targets and milestones")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--engine", choices=ENGINES, default="duckdb",
                   help="what computes the figures of a --data folder: DuckDB in this process (default) or Apache "
                        "Spark, for more areas than one machine holds")
    p.add_argument("--master", metavar="URL",
                   help="with --engine spark, the Spark master (default SPARK_MASTER, else local[2]: this machine)")
    p.set_defaults(run=run)


def run(args, parser) -> int:
    from sendreform.cli import main
    from sendreform.interchange.canonical_files import CanonicalFileError
    from sendreform.metrics.catalogue import CATALOGUE
    from sendreform.metrics.report import catalogue_report
    from sendreform.metrics.targets import PlanFileError, targets_load

    if (args.period_start is None) != (args.period_end is None):
        parser.error("give both --period-start and --period-end, or neither")
    period = (args.period_start, args.period_end) if args.period_start else None
    if period and period[0] > period[1]:
        parser.error("--period-start is after --period-end")
    if args.engine == "spark" and args.data is None:
        parser.error("--engine spark computes a folder of canonical tables: give --data")
    if args.master and args.engine != "spark":
        parser.error("--master is for --engine spark")
    by = list(dict.fromkeys(ALIASES.get(b, b) for b in args.by))
    try:
        targets = targets_load(args.plan, known_ids=CATALOGUE) if args.plan.exists() else None
        if args.engine == "spark":
            from sendreform.interchange.canonical_files import canonical_files_connect
            from sendreform.metrics.spark import spark_connect

            checked = canonical_files_connect(data_dir=args.data, check_codes=True, check_keys=True)
            targets = _plan_for_data(targets, args, checked.con)
            con = spark_connect(data_dir=args.data, master=args.master, checked=checked)
        else:
            con = _connection(args.data)
            targets = _plan_for_data(targets, args, con)
        out = catalogue_report(None, as_at=args.as_at, period=period, ids=args.kpi, by=by,
                               suppress=args.suppress, targets=targets, con=con)
    except (CanonicalFileError, PlanFileError, ValueError) as error:
        print(f"sendreform metrics: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(out, indent=2))
    elif args.format == "csv":
        _csv(out, sys.stdout)
    else:
        _table(out, main._table_text)
    return 0


# --- The connection and the plan (ADR 31): no Ibis unless a request has to be compiled ---------------------


def _connection(data: Path | None):
    """A DB-API connection, without Ibis: DuckDB over a folder of canonical files, checked (a check an unchanged
    file passed is not run again), or the live SQLite database (through Ibis on PostgreSQL)."""
    if data is not None:
        from sendreform.interchange.canonical_files import canonical_files_open

        con = canonical_files_open(data_dir=data, check_codes=True, check_keys=True)
        con.execute("SET preserve_insertion_order = false")  # no figure depends on it; it saves memory at scale
        return con
    from sendreform.cli import main

    main._django_setup()
    from django.db import connections

    database = connections["default"]
    if database.vendor == "sqlite" and not str(database.settings_dict["NAME"]).startswith("file:"):
        import sqlite3

        return sqlite3.connect(str(database.settings_dict["NAME"]))
    return main._connection(None)


def _plan_for_data(targets, args, con):
    """The plan's targets where the data is the plan's own area. A folder holding other areas' children (the
    person table's home authority) gets no expected values or RAG: the plan's baselines and trajectory are one
    area's, not the folder's."""
    if targets is None or args.data is None or not targets.la_code:
        return targets
    areas = [row[0] for row in con.execute("SELECT DISTINCT home_la FROM person LIMIT 2").fetchall()]
    if areas in ([], [targets.la_code]):
        return targets
    print(f"sendreform metrics: {args.plan} is the plan of {targets.area or 'one area'} ({targets.la_code}); "
          f"{args.data} holds children of other areas too, so no expected values or RAG are shown.",
          file=sys.stderr)
    return None


def report_rows(out: dict):
    """Flat rows of a report: the area figure of each indicator, then each group of each breakdown."""
    for k in out["kpis"]:
        yield {"id": k["id"], "title": k["title"], "unit": k["unit"], "by": "", "group": "",
               "value": k["value"], "numerator": k["numerator"], "denominator": k["denominator"],
               "expected": k["expected"], "rag": k["rag"] or "", "ratio": "", "note": k.get("note", "")}
        for g in k["groups"]:
            yield {"id": k["id"], "title": k["title"], "unit": k["unit"], "by": g["by"], "group": g["group"],
                   "value": g["value"], "numerator": g["numerator"], "denominator": g["denominator"],
                   "expected": "", "rag": "", "ratio": g["ratio"], "note": ""}


def _csv(out: dict, stream) -> None:
    fields = ["as_at", "period_start", "period_end", "id", "title", "unit", "by", "group", "value",
              "numerator", "denominator", "expected", "rag", "ratio", "note"]
    w = csv.DictWriter(stream, fieldnames=fields)
    w.writeheader()
    for row in report_rows(out):
        w.writerow({"as_at": out["as_at"], "period_start": out["period"][0], "period_end": out["period"][1],
                    **{k: ("" if v is None else v) for k, v in row.items()}})


def _shown(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if not value.is_integer() else f"{value:,.0f}"
    return str(value)


def _table(out: dict, table_text) -> None:
    print(f"Indicators as at {out['as_at']}, period {out['period'][0]} to {out['period'][1]}\n")
    rows = [[r["id"] + (f" [{r['by']}={r['group']}]" if r["by"] else ""), _shown(r["value"]),
             _shown(r["numerator"]), _shown(r["denominator"]), _shown(r["expected"] if r["expected"] != "" else None),
             r["rag"] or "-"] for r in report_rows(out)]
    print(table_text(["indicator", "value", "numerator", "denominator", "expected", "RAG"], rows,
                     right={1, 2, 3, 4}))
