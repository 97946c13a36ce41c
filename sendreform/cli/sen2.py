"""`sendreform sen2 ...`: the DfE's SEN2 return. `validate` checks a file as COLLECT would, structure first
(our schema of the collection year) then the return's validation rules, without touching the database."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SEN2_DESCRIPTION = """\
The SEN2 person-level return (XML) that every local authority makes to the DfE each January: check a file
against the return's rules, read it into the shared record, or write it from the database."""

SEN2_EXAMPLES = """\
  sendreform sen2 validate var/sen2_2026.xml
  sendreform sen2 validate return.xml --year 2026 --format csv > report.csv
  sendreform sen2 rules --year 2026"""

VALIDATE_DESCRIPTION = """\
Check a SEN2 file: its structure against sendreform's schema of the collection year (the header's Year unless
--year is given), then every validation rule of the return that can be checked from the file. The report
names, for each failure, the person (UPN or ULN and name), the element path, the line, the rule, the value
found and a plain-English message. Errors stop a file being submitted; queries must be explained. The file is
read as a stream, so a return for all of England needs no more memory than a local area's.
Exit status: 0 no errors (queries allowed), 1 errors found, 2 the file could not be read."""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "sen2", summary="check, read or write the DfE's SEN2 return",
                   description=SEN2_DESCRIPTION, examples=SEN2_EXAMPLES)
    actions = p.add_subparsers(dest="sen2_command", title="actions", metavar="ACTION", required=True)
    v = actions.add_parser("validate", help="check a SEN2 file against the schema and the return's rules",
                           description=VALIDATE_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    v.add_argument("file", type=Path, metavar="FILE", help="the SEN2 XML file")
    v.add_argument("--year", type=int, default=None, metavar="YEAR",
                   help="the collection year to check against (default: the header's Year)")
    v.add_argument("--format", choices=("text", "csv", "json"), default="text", help="report format (default text)")
    v.set_defaults(run=run_validate)
    r = actions.add_parser("rules", help="list the validation rules: id, severity, module, years and message")
    r.add_argument("--year", type=int, default=None, metavar="YEAR", help="only the rules of this collection year")
    r.add_argument("--format", choices=("text", "csv"), default="text", help="list format (default text)")
    r.set_defaults(run=run_rules)
    from sendreform.cli import sen2_data

    sen2_data.add_actions(actions, date_type)


def run_validate(args, parser) -> int:
    from sendreform.sen2.rules import validate

    if not args.file.is_file():
        print(f"sendreform sen2 validate: {args.file}: no such file", file=sys.stderr)
        return 2

    def progress(n: int) -> None:
        print(f"  {n:,} people checked ...", file=sys.stderr, flush=True)

    report = validate(args.file, year=args.year, progress=progress)
    sys.stdout.write(report.render(args.format))
    if args.format != "text":
        print(report.summary(), file=sys.stderr)
    if not report.complete:
        return 2
    return 0 if report.ok else 1


def run_rules(args, parser) -> int:
    import csv

    from sendreform.sen2.rules import RULES

    rules = [r for r in RULES.values() if args.year is None or r.applies(args.year)]
    if args.format == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        out.writerow(["rule", "severity", "module", "from_year", "message"])
        out.writerows([r.id, r.severity, r.module, r.first_year, r.message] for r in rules)
        return 0
    for r in rules:
        print(f"{r.id:<34} {r.severity:<6} {r.module:<22} from {r.first_year}")
        print(f"    {r.message}")
    errors = sum(1 for r in rules if r.severity == "error")
    print(f"{len(rules)} rules: {errors} errors, {len(rules) - errors} queries")
    return 0
