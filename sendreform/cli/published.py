"""`sendreform published load DIR` and `sendreform published remove RELEASE`: the DfE's published EHC plan
statistics for every area, kept in tables of their own for the benchmarking page."""

from __future__ import annotations

import sys
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[1] / "published" / "data" / "ehcp"

DESCRIPTION = f"""\
Read the DfE's "Education, health and care plans" release CSVs (explore-education-statistics) and store every
published figure, with the DfE's symbols (c, x, z, low, u) kept as published. DIR holds release folders
(education-health-and-care-plans_YYYY/data/*.csv or *.csv.gz) or is one. The 2022 and 2025 releases are known;
a later release in the same layout is read too, and any file or column the reader does not know is listed.
A release replaces the stored release of the same name. A file that cannot be read is reported with its row
and column, and nothing is changed. --check reads and reports without storing. By default only the whole-group
rows are stored (all plans, all requests, ...; the 2022 files' setting groups); --all-breakdowns stores the sex,
ethnicity and age breakdowns too (about 4 million figures for the two releases: slow on SQLite).
The extract shipped with sendreform is {SHIPPED.relative_to(SHIPPED.parents[3])}."""

EXAMPLES = """\
  sendreform published load sendreform/published/data/ehcp
  sendreform published load ../shared/data/ehcp --check
  sendreform published remove education-health-and-care-plans_2022"""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "published", summary="load the DfE's published EHC plan statistics (benchmarking)",
                   description=DESCRIPTION, examples=EXAMPLES)
    actions = p.add_subparsers(dest="published_command", title="actions", metavar="ACTION", required=True)
    load = actions.add_parser("load", help="read release CSVs and store them, replacing releases of the same name")
    load.add_argument("folder", type=Path, metavar="DIR", help="a folder of release folders, or one release folder")
    load.add_argument("--check", action="store_true", help="read and report; store nothing")
    load.add_argument("--all-breakdowns", action="store_true", help="store every breakdown, not only the totals")
    load.set_defaults(run=_load)
    remove = actions.add_parser("remove", help="remove one stored release and its figures")
    remove.add_argument("name", metavar="RELEASE", help="e.g. education-health-and-care-plans_2022")
    remove.set_defaults(run=_remove)


def published_folder_load(*, folder: Path, check: bool = False, all_breakdowns: bool = False, out=None) -> int:
    """Read, report and (unless check) store; the exit status (2: the files cannot be read)."""
    out = out or sys.stdout
    from sendreform.interchange.published import PublishedDataError, published_read

    try:
        releases = published_read(folder=folder, headline_only=not all_breakdowns)
    except PublishedDataError as error:
        print(f"sendreform published load: {error}; nothing was changed", file=sys.stderr)
        return 2
    for release in releases:
        periods = sorted({v.time_period for v in release.values})
        print(f"{release.name}: {len(release.files)} files, {len(release.values):,} figures, periods "
              f"{periods[0]} to {periods[-1]}", file=out)
        for note in release.notes:
            print(f"  note: {note}", file=out)
    if check:
        print("Checked; nothing was stored (--check).", file=out)
        return 0
    from sendreform.cli import main

    main._django_setup()
    from sendreform.published.services import published_load

    stored = published_load(releases=releases, source=str(folder))
    print(f"Stored {', '.join(r.name for r in stored)}: {sum(r.figure_count for r in stored):,} figures", file=out)
    return 0


def _load(args, parser) -> int:
    return published_folder_load(folder=args.folder, check=args.check, all_breakdowns=args.all_breakdowns)


def _remove(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.published.services import published_remove

    removed = published_remove(name=args.name)
    if not removed:
        print(f"sendreform published remove: no release {args.name!r} is stored", file=sys.stderr)
        return 2
    print(f"Removed {args.name}: {removed:,} figures")
    return 0
