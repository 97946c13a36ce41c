"""`sendreform sen2 import`, `sendreform sen2 reverse` and `sendreform sen2 export`: a SEN2 return into the
database through the import pattern (check, preview, confirm; ADR 18), the last import put back, and the
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
    p = actions.add_parser("import", help=IMPORT_HELP, description=IMPORT_HELP + ". " + _IMPORT_MORE)
    p.add_argument("file", type=Path, metavar="FILE", help="the SEN2 XML file")
    p.add_argument("--dry-run", action="store_true", help="check and preview only; change nothing")
    p.add_argument("--create-establishments", action="store_true",
                   help="create each setting the file names by a URN or UKPRN that is not stored, as an "
                        "out-of-area independent setting (otherwise the import stops and lists them)")
    p.add_argument("--yes", action="store_true", help="apply without asking (for scripts)")
    p.add_argument("--examples", type=int, default=3, metavar="N", help="examples shown per table (default 3)")
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


def _setup():
    from sendreform.cli import main

    main._django_setup()


def _unconfirmed(args, question: str, command: str) -> int | None:
    """None when the user confirmed (or gave --yes); otherwise the exit status, having said nothing changed."""
    if args.yes:
        return None
    if not sys.stdin.isatty():
        print(f"{command}: give --yes to go ahead without being asked; nothing was changed.", file=sys.stderr)
        return 1
    if input(f"{question} [y/N] ").strip().lower() in ("y", "yes"):
        return None
    print("Nothing was changed.")
    return 0


def _print_preview(preview, examples: int) -> None:
    people = preview.mapping.people_summary(examples=examples)
    print(f"People: {people['matched']:,} matched, {people['new']:,} new, {people['ambiguous']:,} ambiguous"
          + "".join(f"; {people[k]:,} {k}" for k in sorted(people) if k.startswith("matched by ")))
    for text in people["ambiguous_people"]:
        print(f"  ambiguous: {text}")
    for setting in people["unknown_settings"]:
        print(f"  setting not stored: {setting['setting']} ({setting['placements']} placement(s), first "
              f"{setting['first']})")
    print(f"{'table':<16} {'added':>8} {'changed':>8} {'closed':>8} {'unchanged':>10}")
    counts = preview.plan.counts()
    for table, c in counts.items():
        print(f"{table:<16} {c['added']:>8,} {c['changed']:>8,} {c['closed']:>8,} {c['unchanged']:>10,}")
    for table, kinds in preview.plan.examples(limit=examples).items():
        for kind in ("changed", "closed"):
            for ex in kinds[kind]:
                diffs = ", ".join(f"{d['column']} {d['old']} -> {d['new']}" for d in ex["differences"])
                print(f"  {table} {kind}: {ex['label'] or ex['key']}: {diffs}")


def _import(args, parser) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(f"{COMMAND}: cannot read {args.file}: {error.strerror}; nothing was changed", file=sys.stderr)
        return 2
    _setup()
    from sendreform.imports.sen2 import sen2_apply, sen2_check, sen2_preview
    from sendreform.imports.services import ImportRefused

    checked = sen2_check(data=data, file_name=str(args.file), by_name=COMMAND)
    print(checked.report.summary())
    if checked.run.errors:
        print(checked.report.text(), end="")
        print(f"{COMMAND}: {args.file} was refused; nothing was imported.", file=sys.stderr)
        return 1
    preview = sen2_preview(checked=checked, create_establishments=args.create_establishments)
    _print_preview(preview, args.examples)
    blocked = preview.mapping.blocked
    if blocked:
        for reason in blocked:
            print(f"{COMMAND}: {reason}", file=sys.stderr)
        print(f"{COMMAND}: nothing was imported.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return 0
    refused = _unconfirmed(args, f"Apply these changes ({preview.plan.changes:,} rows)?", COMMAND)
    if refused is not None:
        return refused
    try:
        run = sen2_apply(checked=checked, preview=preview)
    except ImportRefused as error:
        print(f"{COMMAND}: {error}", file=sys.stderr)
        return 1
    print(f"Imported {args.file} as import {run.pk}: {preview.plan.changes:,} rows added, changed or closed. "
          "`sendreform sen2 reverse` puts them back.")
    return 0


def _reverse(args, parser) -> int:
    _setup()
    from sendreform.imports.sen2 import SOURCE
    from sendreform.imports.services import ImportRefused, import_last_applied, import_reverse

    run = import_last_applied(source=SOURCE)
    if run is None:
        print("sendreform sen2 reverse: no applied SEN2 import to reverse.", file=sys.stderr)
        return 1
    changes = run.changes.count()
    print(f"The last SEN2 import: {run.pk}, {run.file_name}, by {run.by_name} at {run.applied_at:%Y-%m-%d %H:%M}, "
          f"{changes:,} rows added, changed or closed.")
    refused = _unconfirmed(args, "Reverse it?", "sendreform sen2 reverse")
    if refused is not None:
        return refused
    try:
        counts = import_reverse(run=run, by_name="sendreform sen2 reverse")
    except ImportRefused as error:
        print(f"sendreform sen2 reverse: {error}", file=sys.stderr)
        return 1
    print(f"Reversed import {run.pk}: {counts.get('removed', 0):,} rows removed, {counts.get('restored', 0):,} "
          "restored to their values before.")
    return 0


def _export(args, parser) -> int:
    from sendreform.sen2.records import COLLECTION_YEARS

    if args.year < COLLECTION_YEARS[0]:
        print(f"sendreform sen2 export: SEN2 is person level from {COLLECTION_YEARS[0]}; {args.year} cannot be "
              "written", file=sys.stderr)
        return 2
    _setup()
    from sendreform.imports.sen2 import sen2_export

    args.out.parent.mkdir(parents=True, exist_ok=True)
    summary, report = sen2_export(year=args.year, out=args.out, lea=args.la, made_at=args.made_at)
    print(f"Wrote {args.out}")
    print(summary.text(), end="")
    print(report.text() if not report.ok else report.summary(), end="" if not report.ok else "\n")
    return 0 if report.ok else 1
