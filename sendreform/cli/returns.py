"""`sendreform returns template` and `sendreform returns quarterly`: the returns to the DfE as workbooks, from
the live database, as the returns page generates them (ADR 27)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

DESCRIPTION = """\
Write a return to the DfE from the live database. "template" writes the Local SEND Reform Plan data template in
the DfE's layout: plans by age group, provision and primary need (5.1 to 7.7) and EHC needs assessment requests,
assessments and plans (10 to 12) for calendar years 2025 to 2029, actual then projected by the baseline model,
every cell a whole number and every section adding up to its total, then the plan's baseline and success
metrics. "quarterly" writes the quarterly key-metrics return for a calendar quarter (2026-Q3 is July to
September 2026), laid out by the area's returns file (SENDREFORM_RETURNS_LAYOUT, or --layout), with a Values
sheet and a Checks sheet; every figure is suppressed as it leaves the council. A returns file that cannot be
read is reported with its line and field, and nothing is written."""

EXAMPLES = """\
  sendreform returns template --out var/returns/data-template.xlsx
  sendreform returns quarterly --quarter 2026-Q3 --out var/returns/quarterly-2026-Q3.xlsx
  sendreform returns quarterly --quarter 2026-Q3 --layout plans/reading-quarterly-return.yaml --out q3.xlsx"""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "returns", summary="write the DfE data template or a quarterly key-metrics return",
                   description=DESCRIPTION, examples=EXAMPLES)
    actions = p.add_subparsers(dest="returns_command", title="actions", metavar="ACTION", required=True)
    template = actions.add_parser("template", help="the LSRP data template (.xlsx)")
    template.add_argument("--out", type=Path, required=True, metavar="FILE", help="the workbook to write")
    template.add_argument("--as-at", type=date_type, default=None, metavar="DATE",
                          help="the data as it stood on this date (default: today)")
    template.add_argument("--sims", type=int, default=None, help="simulations (default SENDREFORM_RETURNS_SIMS)")
    template.add_argument("--suppressed", action="store_true",
                          help="the copy board members and the parent carer forum see (small cells as 'c')")
    template.set_defaults(run=_template)
    quarterly = actions.add_parser("quarterly", help="the quarterly key-metrics return (.xlsx)")
    quarterly.add_argument("--quarter", required=True, help="a calendar quarter, such as 2026-Q3")
    quarterly.add_argument("--out", type=Path, required=True, metavar="FILE", help="the workbook to write")
    quarterly.add_argument("--layout", type=Path, default=None, metavar="FILE",
                           help="the returns file (default SENDREFORM_RETURNS_LAYOUT)")
    quarterly.set_defaults(run=_quarterly)


def _audit(detail: str) -> None:
    from sendreform.accounts.services import AUDIT_EXPORT, audit_record, command_line_username

    audit_record(user=None, username=command_line_username(), action=AUDIT_EXPORT, detail=detail[:300])


def _template(args, parser) -> int:
    from sendreform.cli import main

    if args.sims is not None and args.sims < 10:
        parser.error("--sims must be 10 or more")
    main._django_setup()
    from sendreform.forecast.history import HistoryNotCovered
    from sendreform.plan.planfile import PlanFileError
    from sendreform.returns.services import data_template_make

    try:
        [(name, content, as_at, digest, _, summary)] = data_template_make(
            as_at=args.as_at or dt.date.today(), suppressed=[args.suppressed], sims=args.sims,
            progress=main.progress_bar())
    except (PlanFileError, HistoryNotCovered) as error:
        print(f"sendreform returns template: {error}; nothing was written", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(content)
    _audit(f"data template as at {as_at} to {args.out}")
    print(f"Data template written to {args.out} ({summary}); the data as it stood on {as_at}, content hash {digest}")
    return 0


def _quarterly(args, parser) -> int:
    from sendreform.cli import main
    from sendreform.returns.layout import quarter_is_valid

    if not quarter_is_valid(args.quarter):
        parser.error(f"--quarter {args.quarter!r} is not a calendar quarter like 2026-Q3")
    main._django_setup()
    from sendreform.plan.planfile import PlanFileError
    from sendreform.returns.layout import layout_load
    from sendreform.returns.services import layout_current, quarterly_make

    try:
        layout = layout_load(args.layout) if args.layout else layout_current()
    except PlanFileError as error:
        print(f"sendreform returns quarterly: {error}; nothing was written", file=sys.stderr)
        return 2
    name, content, as_at, digest, checks, summary = quarterly_make(quarter=args.quarter, layout=layout,
                                                                    progress=main.progress_bar())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(content)
    _audit(f"quarterly return {args.quarter} to {args.out}")
    print(f"Quarterly return {args.quarter} written to {args.out}: {summary}; the data as it stood on {as_at}, "
          f"content hash {digest}")
    for c in checks:
        print(f"  {c['kind']}: {c['title']}: {c['reason']}")
    return 0
