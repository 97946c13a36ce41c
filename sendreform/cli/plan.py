"""`sendreform plan import FILE`, `sendreform plan export` and `sendreform boardpack`: the plan as a file,
checked, shown and merged whole or not at all, written back exactly; and a board's pack as a tagged PDF."""

from __future__ import annotations

import sys
from pathlib import Path

PLAN_DESCRIPTION = """\
Merge a local area's plan file (plans/<area>.yaml: its indicators' baselines and targets, building blocks,
roadmap, workstreams and milestones, investment, governance and risks) into the plan the database holds, or
write the plan in the database back as that file.

An import is checked, shown, then confirmed. A malformed file is rejected with its line and the reason, and
so is one that looks cut short (it ends part-way through a line, lacks a section the plan has, or holds
under half of a section's items: give --allow-fewer if that is meant). Then it prints what it would add,
change (old → new) and keep, and asks before changing anything (--yes: without asking; --dry-run: only
show). Items are matched by key; a field edited in the app since the last import keeps the app's value;
nothing is deleted: meetings, decisions and actions recorded in the app, the history, board packs and items
the file no longer holds are kept (ADR 16)."""

PLAN_EXAMPLES = """\
  sendreform plan import plans/reading.yaml
  sendreform plan import plans/reading.yaml --dry-run
  sendreform plan import plans/reading.yaml --yes
  sendreform plan export > plans/reading.yaml
  sendreform plan export --out /tmp/plan.yaml"""

BOARDPACK_DESCRIPTION = """\
Write a board's pack as a tagged PDF (PDF/UA-1): cover, a one-page summary (RAG counts, what changed since
the board's last pack and the edits made to the plan since), every indicator with actual, expected, RAG and a
trend chart, milestones due or overdue, planned against actual spend, the risk heat map and top risks, the
board's decisions and actions, and a data note naming the snapshot (as-at date and content hash) and the
suppression applied. Figures are suppressed, as for anyone outside the council's own view. The pack is kept,
so the next one can say what changed. Each stage is reported on standard error as it starts."""

BOARDPACK_EXAMPLES = """\
  sendreform boardpack --board "SEND Reform Programme Board / SEND Operational Group" --as-at 2026-09-30 --out pack.pdf
  sendreform boardpack --board send-reform-programme-board --as-at 2026-09-30 --out pack.pdf"""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "plan", summary="load the plan file into the database, or write it back",
                   description=PLAN_DESCRIPTION, examples=PLAN_EXAMPLES)
    actions = p.add_subparsers(dest="plan_command", title="actions", metavar="ACTION", required=True)
    load = actions.add_parser("import", help="merge a plan file into the plan: check, show the changes, confirm")
    load.add_argument("file", type=Path, metavar="FILE", help="the plan file (YAML)")
    load.add_argument("--yes", action="store_true", help="apply the changes without asking")
    load.add_argument("--dry-run", action="store_true", help="only show what the import would change")
    load.add_argument("--allow-fewer", action="store_true",
                      help="accept a file holding far fewer items than the plan (nothing is deleted)")
    load.set_defaults(run=run_import)
    dump = actions.add_parser("export", help="write the plan in the database as a plan file")
    dump.add_argument("--out", type=Path, default=None, metavar="FILE", help="file to write (default: stdout)")
    dump.set_defaults(run=run_export)

    b = subcommand(commands, "boardpack", summary="write a board's pack as a tagged PDF",
                   description=BOARDPACK_DESCRIPTION, examples=BOARDPACK_EXAMPLES)
    b.add_argument("--board", required=True, metavar="NAME", help="the board's name or key")
    b.add_argument("--as-at", type=date_type, required=True, metavar="DATE", help="the as-at date, YYYY-MM-DD")
    b.add_argument("--out", type=Path, required=True, metavar="FILE", help="the PDF file to write")
    b.set_defaults(run=run_boardpack)


def run_import(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.plan.planfile import PlanFileError
    from sendreform.plan.services import plan_import

    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as error:
        print(f"sendreform plan import: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as error:
        print(f"sendreform plan import: {args.file}: byte {error.start} is not UTF-8 text; save the file as "
              "UTF-8; nothing was changed", file=sys.stderr)
        return 2
    options = {"text": text, "source": str(args.file), "allow_fewer": args.allow_fewer}
    try:
        preview = plan_import(**options, apply=False)
        sys.stdout.write(preview.text())
        if not preview.changes_anything:
            print("Nothing to change.")
            return 0
        if args.dry_run:
            print("Dry run: nothing was changed.")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                print("sendreform plan import: give --yes to apply the changes without a terminal (or --dry-run); "
                      "nothing was changed", file=sys.stderr)
                return 2
            if input("Apply these changes? [y/N] ").strip().lower() not in ("y", "yes"):
                print("Nothing was changed.")
                return 1
        applied = plan_import(**options, apply=True)
    except PlanFileError as error:
        print(f"sendreform plan import: {error}; nothing was changed", file=sys.stderr)
        return 2
    if applied != preview:  # the database changed between the preview and the confirmation
        sys.stdout.write("What was applied differs from the preview, because the plan changed meanwhile:\n"
                         + applied.text())
    print(f"Imported {args.file}: {len(applied.added)} added, {len(applied.changed)} changed.")
    return 0


def run_export(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.plan.selectors import plan_export_text

    text = plan_export_text()
    if text is None:
        print("sendreform plan export: there is no plan in the database; load one with "
              "`sendreform plan import FILE`", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
    return 0


def run_boardpack(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.governance.boardpack import board_pack_generate
    from sendreform.governance.models import Board

    board = Board.objects.filter(key=args.board).first() or Board.objects.filter(name__iexact=args.board).first()
    if board is None:
        names = "; ".join(Board.objects.values_list("name", flat=True)) or "none: load a plan first"
        print(f"sendreform boardpack: no board is called {args.board!r} (boards: {names})", file=sys.stderr)
        return 2
    def progress(stage: str, done: int, total: int) -> None:
        print(f"[{done}/{total}] {stage}", file=sys.stderr, flush=True)

    pack = board_pack_generate(board=board, as_at=args.as_at, by=None, progress=progress)
    args.out.write_bytes(bytes(pack.pdf))
    print(f"Board pack for {board.name} as at {args.as_at} written to {args.out} "
          f"(snapshot content hash {pack.content_hash})")
    return 0
