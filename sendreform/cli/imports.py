"""`sendreform import SOURCE FILE... [--dry-run]` and `sendreform import reverse SOURCE`: any registered source
(`sendreform.imports.sources`) brought in through the one import pattern (check, preview, confirm; ADR 18),
and the last import of a source put back. One subcommand per source, made from the registry: a source that
registers itself has its command here with nothing more to write. `sendreform sen2 import` and `sendreform
sen2 reverse` run the same code."""

from __future__ import annotations

import sys
from pathlib import Path

DESCRIPTION = """\
Bring a local area's own data into sendreform, as "Bring in data" does: each file is read and checked (bad
input names the file, row and column and nothing is stored), people are matched to those stored (UPN, then
ULN, then surname, forename and date of birth) and the preview says, per table, what would be added, changed,
closed and left as it is. Then it asks before applying everything in one transaction. The same file twice
changes nothing; `sendreform import reverse SOURCE` puts back the last import of a source.
Exit status: 0 imported (or nothing to do), 1 refused or not confirmed, 2 a file could not be read."""

EXAMPLES = """\
  sendreform import census var/samples/census/2026_spring_*.csv --dry-run
  sendreform import sen2 sen2_2026.xml --create-establishments --yes
  sendreform import reverse census"""


def add_parser(commands, subcommand, date_type) -> None:
    from sendreform.imports.sources import sources_list

    p = subcommand(commands, "import", summary="bring in a file of any source: check, preview, then apply",
                   description=DESCRIPTION, examples=EXAMPLES)
    kinds = p.add_subparsers(dest="import_source", title="sources", metavar="SOURCE", required=True)
    for source in sources_list():
        a = kinds.add_parser(source.key, help=f"{source.label}: {source.file_kind}",
                             description=f"{source.label}. {source.about}")
        import_arguments(a, source)
        a.set_defaults(run=lambda args, parser, source=source: import_run(
            args, source=source, command=f"sendreform import {source.key}",
            reverse_hint=f"sendreform import reverse {source.key}"))
    r = kinds.add_parser("reverse", help="put back the last applied import of a source",
                         description="Put back the last applied import of a source: what it added is removed, "
                                     "what it changed or closed gets its values before. Refused, naming the rows, "
                                     "when a later import or an edit in the app has changed them since.")
    r.add_argument("source", choices=[s.key for s in sources_list()], metavar="SOURCE",
                   help="which source: " + ", ".join(s.key for s in sources_list()))
    r.add_argument("--yes", action="store_true", help="reverse without asking")
    r.set_defaults(run=lambda args, parser: reverse_run(args, source_key=args.source,
                                                        command="sendreform import reverse"))


def import_arguments(p, source) -> None:
    """The arguments of importing files of `source` (here and under `sendreform sen2 import`)."""
    if source.many:
        p.add_argument("files", type=Path, nargs="+", metavar="FILE",
                       help=f"{source.file_kind}; the files given together are one import")
    else:
        p.add_argument("file", type=Path, metavar="FILE", help=source.file_kind)
    p.add_argument("--dry-run", action="store_true", help="check and preview only; change nothing")
    if source.create_establishments:
        p.add_argument("--create-establishments", action="store_true",
                       help="create each setting the file names by a URN or UKPRN that is not stored, as an "
                            "out-of-area independent setting (otherwise the import stops and lists them)")
    p.add_argument("--yes", action="store_true", help="apply without asking (for scripts)")
    p.add_argument("--examples", type=int, default=3, metavar="N", help="examples shown per table (default 3)")


def _setup():
    from sendreform.cli import main

    main._django_setup()


def unconfirmed(args, question: str, command: str) -> int | None:
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
    people = preview.people(examples=examples)
    if "new" in people:
        print(f"People: {people['matched']:,} matched, {people['new']:,} new, {people['ambiguous']:,} ambiguous"
              + "".join(f"; {people[k]:,} {k}" for k in sorted(people) if k.startswith("matched by ")))
    for text in people.get("ambiguous_people", []):
        print(f"  ambiguous: {text}")
    for setting in people.get("unknown_settings", []):
        print(f"  setting not stored: {setting['setting']} ({setting['placements']} placement(s), first "
              f"{setting['first']})")
    print(f"{'table':<16} {'added':>8} {'changed':>8} {'closed':>8} {'unchanged':>10}")
    for table, c in preview.plan.counts().items():
        print(f"{table:<16} {c['added']:>8,} {c['changed']:>8,} {c['closed']:>8,} {c['unchanged']:>10,}")
    for table, kinds in preview.plan.examples(limit=examples).items():
        for kind in ("changed", "closed"):
            for ex in kinds[kind]:
                diffs = ", ".join(f"{d['column']} {d['old']} -> {d['new']}" for d in ex["differences"])
                print(f"  {table} {kind}: {ex['label'] or ex['key']}: {diffs}")


def import_run(args, *, source, command: str, reverse_hint: str) -> int:
    """Check, preview and (confirmed) apply each file of `args` in turn; stops at the first refused."""
    paths = args.files if source.many else [args.file]
    _setup()
    files = []
    for path in paths:
        try:
            files += source.files(path)
        except OSError as error:
            print(f"{command}: cannot read {path}: {error.strerror}; nothing was imported", file=sys.stderr)
            return 2
    if source.many:
        for name, _ in files:
            if not source.accepts(name):
                print(f"{command}: {name} is not {source.file_kind}; nothing was imported", file=sys.stderr)
                return 2
        files = [source.bundle(files)]
    for name, data in files:
        status = _import_one(args, source=source, name=name, data=data, command=command, reverse_hint=reverse_hint)
        if status:
            return status
    return 0


def _import_one(args, *, source, name: str, data: bytes, command: str, reverse_hint: str) -> int:
    from sendreform.imports.services import ImportRefused
    from sendreform.imports.sources import report_of

    if not source.accepts(name):
        print(f"{command}: {name} is not {source.file_kind} (a file name ending {' or '.join(source.suffixes)}); "
              "nothing was imported", file=sys.stderr)
        return 2
    checked = source.check(data=data, file_name=name, by_name=command)
    run = checked.run
    report = report_of(file_name=run.file_name, validation=run.report.get("validation") or {})
    print(report.summary())
    if run.errors:
        print(report.text(), end="")
        print(f"{command}: {name} was refused; nothing was imported.", file=sys.stderr)
        return 1
    options = {"create_establishments": True} if getattr(args, "create_establishments", False) else {}
    preview = source.preview(checked=checked, **options)
    _print_preview(preview, args.examples)
    if preview.blocked:
        for reason in preview.blocked:
            print(f"{command}: {reason}", file=sys.stderr)
        print(f"{command}: nothing was imported.", file=sys.stderr)
        return 1
    if args.dry_run:
        print("Dry run: nothing was changed.")
        return 0
    refused = unconfirmed(args, f"Apply these changes ({preview.plan.changes:,} rows)?", command)
    if refused is not None:
        return refused
    try:
        run = source.apply(checked=checked, preview=preview)
    except ImportRefused as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 1
    print(f"Imported {name} as import {run.pk}: {preview.plan.changes:,} rows added, changed or closed. "
          f"`{reverse_hint}` puts them back.")
    return 0


def reverse_run(args, *, source_key: str, command: str) -> int:
    _setup()
    from sendreform.imports.services import ImportRefused, import_last_applied, import_reverse
    from sendreform.imports.sources import source_get

    label = source_get(source_key).label
    run = import_last_applied(source=source_key)
    if run is None:
        print(f"{command}: no applied {label} import to reverse.", file=sys.stderr)
        return 1
    changes = run.changes.count()
    print(f"The last {label} import: {run.pk}, {run.file_name}, by {run.by_name} at "
          f"{run.applied_at:%Y-%m-%d %H:%M}, {changes:,} rows added, changed or closed.")
    refused = unconfirmed(args, "Reverse it?", command)
    if refused is not None:
        return refused
    try:
        counts = import_reverse(run=run, by_name=command)
    except ImportRefused as error:
        print(f"{command}: {error}", file=sys.stderr)
        return 1
    print(f"Reversed import {run.pk}: {counts.get('removed', 0):,} rows removed, {counts.get('restored', 0):,} "
          "restored to their values before.")
    return 0
