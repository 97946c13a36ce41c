"""`sendreform sen2 import`, `sendreform sen2 reverse` and `sendreform sen2 export`: a SEN2 return into the
database through the import pattern (check, preview, confirm; ADR 18), the last import put back (both the
code of `sendreform import sen2` and `sendreform import reverse sen2`, `sendreform/cli/imports.py`), and the
return written from the database. `sendreform/cli/sen2.py` adds these actions beside `validate`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

IMPORT_HELP = "read a return into the database: check, preview, then apply on confirmation"
REVERSE_HELP = "put back the last applied SEN2 import (what it added removed, what it changed restored)"
EXPORT_HELP = "write the SEN2 return of a collection year from the database, checked against the schema and rules"
COMMAND = "sendreform sen2 import"


def add_actions(actions, date_type) -> None:
    """The import, reverse and export actions of `sendreform sen2`."""
    from sendreform.cli.imports import import_arguments
    from sendreform.imports.sources import source_get

    p = actions.add_parser("import", help=IMPORT_HELP, description=IMPORT_HELP + ". " + _IMPORT_MORE)
    import_arguments(p, source_get("sen2"))
    p.set_defaults(run=_import)

    p = actions.add_parser("reverse", help=REVERSE_HELP, description=REVERSE_HELP + ". Refused, naming the rows, "
                           "when a later import or an edit in the app has changed them since.")
    p.add_argument("--yes", action="store_true", help="reverse without asking")
    p.set_defaults(run=_reverse)

    p = actions.add_parser("export", help=EXPORT_HELP, description=EXPORT_HELP + ". " + _EXPORT_MORE)
    p.add_argument("--year", type=int, required=True, help="the collection year, e.g. 2027 (census in January)")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="the XML file to write")
    p.add_argument("--la", metavar="NNN", help="the local authority number for the header (default: that of the "
                   "last SEN2 import, else the LA most people with a plan live in)")
    p.add_argument("--made-at", type=dt.datetime.fromisoformat, metavar="DATETIME",
                   help="the header's DateTime (default: the census date at midnight, so the same data always "
                        "gives the same file)")
    p.set_defaults(run=_export)


_IMPORT_MORE = """The file is read and validated as `sendreform sen2 validate` does; a file with errors is
refused and nothing is stored. Otherwise people are matched (UPN, then ULN, then surname, forename and date of
birth) and the preview says, per table, what would be added, changed, closed and left as it is. Ambiguous people
stop the import; so do settings named by URN or UKPRN that are not stored, unless --create-establishments. Then
it asks before applying everything in one transaction. The same file twice changes nothing."""

_EXPORT_MORE = """It holds every person with a plan active on the census date (the third Thursday of January),
with its placements, needs and latest review; plans issued or ceased in the previous calendar year; and requests
and assessments received, decided or still open in it. The summary counts what was written by module."""


def _import(args, parser) -> int:
    from sendreform.cli.imports import import_run
    from sendreform.imports.sources import source_get

    return import_run(args, source=source_get("sen2"), command=COMMAND, reverse_hint="sendreform sen2 reverse")


def _reverse(args, parser) -> int:
    from sendreform.cli.imports import reverse_run

    return reverse_run(args, source_key="sen2", command="sendreform sen2 reverse")


def _export(args, parser) -> int:
    from sendreform.sen2.records import COLLECTION_YEARS

    if args.year < COLLECTION_YEARS[0]:
        print(f"sendreform sen2 export: SEN2 is person level from {COLLECTION_YEARS[0]}; {args.year} cannot be "
              "written", file=sys.stderr)
        return 2
    from sendreform.cli import main

    main._django_setup()
    from sendreform.imports.sen2 import sen2_export

    args.out.parent.mkdir(parents=True, exist_ok=True)
    summary, report = sen2_export(year=args.year, out=args.out, lea=args.la, made_at=args.made_at)
    print(f"Wrote {args.out}")
    print(summary.text(), end="")
    print(report.text() if not report.ok else report.summary(), end="" if not report.ok else "\n")
    return 0 if report.ok else 1
