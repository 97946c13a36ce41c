"""`sendreform plan import FILE`, `sendreform plan export` and `sendreform boardpack`: the plan as a file,
loaded whole or not at all, written back exactly; and a board's pack as a tagged PDF."""

from __future__ import annotations

import sys
from pathlib import Path

PLAN_DESCRIPTION = """\
Load a local area's plan file (plans/<area>.yaml: its indicators' baselines and targets, building blocks,
roadmap, workstreams and milestones, investment, governance and risks) into the database, replacing the
plan there; or write the plan in the database back as that file. A malformed file is rejected with its
line and the reason, and nothing is changed. Board packs and the history of changes are kept."""

PLAN_EXAMPLES = """\
  sendreform plan import plans/reading.yaml
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
    load = actions.add_parser("import", help="load a plan file, replacing the plan (all or nothing)")
    load.add_argument("file", type=Path, metavar="FILE", help="the plan file (YAML)")
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
    try:
        plan = plan_import(text=text, source=str(args.file))
    except PlanFileError as error:
        print(f"sendreform plan import: {error}; nothing was changed", file=sys.stderr)
        return 2
    counts = {"workstreams": plan.workstreams.count(),
              "milestones": sum(w.milestones.count() for w in plan.workstreams.all())}
    print(f"Loaded {plan.title} ({plan.local_area_name}) from {args.file}: "
          f"{counts['workstreams']} workstreams, {counts['milestones']} milestones")
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
