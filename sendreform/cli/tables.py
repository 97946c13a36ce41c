"""`sendreform tables export` and `sendreform tables template`: the canonical tables of the database written
as a workbook, CSV files or Parquet files that `sendreform import tables` reads back, and the empty template
workbook an officer fills in (ADR 24)."""

from __future__ import annotations

import sys
from pathlib import Path

DESCRIPTION = """\
The canonical tables in files. "export" writes every canonical table of the database: a path ending .xlsx is
one workbook with a sheet per table (as the template, with the rows); otherwise a folder of <table>.csv files
(--format csv, the default) or <table>.parquet files. They hold child-level data: the export is recorded in the
audit log. "template" writes the empty workbook: a sheet per table, the headers, a row saying what each column
holds, each coded column a drop-down of its codes. `sendreform import tables PATH` reads any of them back."""

EXAMPLES = """\
  sendreform tables template --out council-lists.xlsx
  sendreform tables export --out var/tables
  sendreform tables export --out var/tables.xlsx
  sendreform tables export --own-lists --out var/samples/council_lists.xlsx"""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "tables", summary="write the canonical tables (export) or the template workbook",
                   description=DESCRIPTION, examples=EXAMPLES)
    actions = p.add_subparsers(dest="tables_command", title="actions", metavar="ACTION", required=True)
    a = actions.add_parser("export", help="write every canonical table of the database (.xlsx, CSV or Parquet)")
    a.add_argument("--out", type=Path, required=True, metavar="PATH",
                   help="a workbook (a name ending .xlsx) or a folder for the CSV or Parquet files")
    a.add_argument("--format", choices=("csv", "parquet"), default="csv", help="for a folder (default csv)")
    a.add_argument("--own-lists", action="store_true",
                   help="only the lists a council keeps itself (no other source brings them in: clusters, settings, "
                        "part-time timetables, alternative provision, complaints, tribunals, surveys, Experts at "
                        "Hand, unit costs, planned places, population) and the people they name; `make demo` "
                        "writes them to var/samples/council_lists.xlsx")
    a.set_defaults(run=_export)
    t = actions.add_parser("template", help="write the empty template workbook")
    t.add_argument("--out", type=Path, required=True, metavar="FILE", help="the .xlsx file to write")
    t.set_defaults(run=_template)


def _export(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.accounts.services import AUDIT_EXPORT, audit_record, command_line_username
    from sendreform.imports.workbook import tables_export

    try:
        written = tables_export(out=args.out, fmt=args.format, own_lists=args.own_lists)
    except (ValueError, OSError) as error:
        print(f"sendreform tables export: {error}; nothing was written", file=sys.stderr)
        return 1
    total = sum(written.values())
    audit_record(user=None, username=command_line_username(), action=AUDIT_EXPORT,
                 detail=f"canonical tables to {args.out}: {total:,} rows")
    print(f"Wrote {total:,} rows of {len(written)} tables to {args.out}.")
    return 0


def _template(args, parser) -> int:
    if args.out.suffix.lower() != ".xlsx":
        print("sendreform tables template: --out must name an .xlsx file", file=sys.stderr)
        return 2
    from sendreform.imports.workbook import tables_workbook

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(tables_workbook())
    print(f"Wrote the template workbook to {args.out}.")
    return 0
