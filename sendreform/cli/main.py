"""The `sendreform` command: load the synthetic local area, serve the app, write dated snapshots and check
data quality. Django is set up only for the subcommands that read or write the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

SETTINGS_MODULE = "sendreform.config.settings"
DEFAULT_BIND = "127.0.0.1:8000"

_COMMAND_DESCRIPTION = """\
Run a local area's Local SEND Reform Plan: one record per child, the EHC pipeline, Experts at Hand,
indicators and returns. Each subcommand has its own --help.
"""

_COMMAND_EXAMPLES = """\
examples:
  sendreform demo                      load the synthetic local area and print the demo sign-ins
  sendreform serve                     serve the app on http://127.0.0.1:8000 with its background worker
  sendreform worker                    run background jobs and the schedule (serve starts one)
  sendreform snapshot --as-at 2026-01-15 --out var/snapshots/2026-01-15
  sendreform check                     data-quality summary of the database
  sendreform metrics --as-at 2026-03-31
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit status (0 done or clean, 1 issues found, 2 bad input)."""
    parser = parser_build()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return args.run(args, parser)


def parser_build() -> argparse.ArgumentParser:
    """The argument parser of `sendreform` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="sendreform",
        description=_COMMAND_DESCRIPTION,
        epilog=_COMMAND_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {code_version()}")
    commands = parser.add_subparsers(dest="command", title="subcommands", metavar="COMMAND")
    _demo_parser(commands)
    _serve_parser(commands)
    _snapshot_parser(commands)
    _check_parser(commands)
    from sendreform.cli import metrics

    metrics.add_parser(commands, _subcommand, _date)
    from sendreform.cli import forecast

    forecast.add_parser(commands, _subcommand, _date)
    from sendreform.cli import plan

    plan.add_parser(commands, _subcommand, _date)
    from sendreform.cli import population

    population.add_parser(commands, _subcommand, _date)
    from sendreform.cli import sen2

    sen2.add_parser(commands, _subcommand, _date)
    from sendreform.cli import imports

    imports.add_parser(commands, _subcommand, _date)
    from sendreform.cli import tables

    tables.add_parser(commands, _subcommand, _date)
    from sendreform.cli import backup

    backup.add_parser(commands, _subcommand, _date)
    from sendreform.cli import published

    published.add_parser(commands, _subcommand, _date)
    from sendreform.cli import worker

    worker.add_parser(commands, _subcommand, _date)
    from sendreform.cli import returns

    returns.add_parser(commands, _subcommand, _date)
    return parser


# ---------------------------------------------------------------------------------------------- demo


def _demo_parser(commands) -> None:
    p = _subcommand(
        commands,
        "demo",
        summary="load the synthetic local area and the demo users (or write many areas as Parquet)",
        description="""\
Generate the synthetic local area (seeded, so the same seed gives the same children) and load it into the
database, migrating it first; then create the demo users (one per role) that do not exist yet and print
every sign-in. An account that already exists is never changed: its password stays as it is. Running it
again changes nothing that is already there. It runs as the demo (SENDREFORM_DEMO=true unless set).

With --areas and --out it writes N synthetic local areas, or all of England, as Parquet files instead,
for benchmarks; the database is not touched.""",
        examples="""\
  sendreform demo
  sendreform demo --seed 870 --as-at 2026-01-15 --password 'a-longer-secret'
  sendreform demo --areas 20 --out var/bench/areas-20
  sendreform demo --areas england --out var/bench/england""",
    )
    p.add_argument("--seed", type=int, default=870, help="random seed of the synthetic area (default 870)")
    p.add_argument(
        "--as-at",
        type=_date,
        default=None,
        metavar="DATE",
        help="generate history up to this date, YYYY-MM-DD (default: today)",
    )
    p.add_argument(
        "--password",
        default=None,
        metavar="P",
        help="password for the demo users it creates (default: sendreform-demo-2026); at least 12 characters",
    )
    p.add_argument(
        "--areas",
        type=_areas,
        default=None,
        metavar="N|england",
        help="write N synthetic areas, or 'england' for every local area, as Parquet (needs --out)",
    )
    p.add_argument("--out", type=Path, default=None, metavar="DIR", help="folder for the Parquet of --areas")
    p.set_defaults(run=_demo)


def _demo(args, parser) -> int:
    if args.areas is not None:
        if args.out is None:
            parser.error("demo --areas needs --out DIR: where to write the Parquet files")
        if args.password is not None:
            parser.error("demo --password sets the demo users' password; it has no use with --areas")
        from sendreform.demo.england import write_areas

        label = "every local area in England" if args.areas == "england" else f"{args.areas} synthetic areas"
        print(f"Writing {label} as Parquet to {args.out} ...", file=sys.stderr)
        result = write_areas(
            out_dir=args.out,
            areas=None if args.areas == "england" else args.areas,
            seed=args.seed,
            as_at=args.as_at,
            progress=progress_bar(),
        )
        print(f"Wrote {label} to {args.out}")
        for key, value in result.items():
            print(f"  {key}: {value}")
        return 0
    if args.out is not None:
        parser.error("demo --out is for --areas; without --areas the demo area goes into the database")

    os.environ.setdefault("SENDREFORM_DEMO", "true")  # a secret key of its own and no two-factor (settings.DEMO)
    _django_setup()
    if args.password is not None:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(args.password)
        except ValidationError as error:
            parser.error("demo --password: " + " ".join(error.messages))
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from sendreform.demo.services import demo_area_load

    counts = demo_area_load(seed=args.seed, as_at=args.as_at, progress=progress_bar())
    print(f"Synthetic local area loaded (seed {args.seed}):")
    print(_table_text(["table", "rows"], [[name, f"{n:,}"] for name, n in counts.items()], right={1}))

    from sendreform.accounts.services import demo_users_ensure

    users = demo_users_ensure() if args.password is None else demo_users_ensure(password=args.password)
    print("\nDemo sign-ins:")
    rows = [
        [u["username"], u["password"] if u.get("created", True) else "(not changed)",
         u.get("role_label") or u["role"], u.get("bound_to") or ""]
        for u in users
    ]
    print(_table_text(["username", "password", "role", "bound to"], rows))
    kept = [u["username"] for u in users if not u.get("created", True)]
    if kept:
        print(f"{len(users) - len(kept)} demo user(s) created. {', '.join(kept)} already existed and were left as "
              "they were: their passwords are not changed.")
    _demo_plan_load()
    from sendreform.governance.demo import plan_demo_progress_ensure

    progressed = plan_demo_progress_ensure(today=args.as_at or dt.date.today(), seed=args.seed)
    if progressed:
        print("\nThe plan worked forward to today: " + ", ".join(f"{n:,} {what}" for what, n in progressed.items()))
    from sendreform.experts.demo import experts_demo_history_ensure

    added = experts_demo_history_ensure(seed=args.seed, today=args.as_at)
    if added:
        print("\nExperts at Hand history added: " + ", ".join(f"{n:,} {what}" for what, n in added.items()))
    from sendreform.casework.demo import casework_demo_history_ensure

    added = casework_demo_history_ensure(seed=args.seed, today=args.as_at)
    if added:
        print("EHC casework history added: " + ", ".join(f"{n:,} {what}" for what, n in added.items()))
    from sendreform.forecasting.services import scenarios_demo_ensure

    for name in scenarios_demo_ensure():
        print(f"Forecast scenario loaded: {name}")
    return 0


def _demo_plan_load() -> None:
    """Load the local area's plan file (plans/<area>.yaml) when the database holds no plan yet."""
    from django.conf import settings

    from sendreform.plan.models import Plan
    from sendreform.plan.services import plan_import

    path = settings.BASE_DIR / "plans" / f"{settings.LOCAL_AREA_NAME.lower()}.yaml"
    if Plan.objects.exists() or not path.exists():
        return
    plan_import(text=path.read_text(encoding="utf-8"), source=str(path))
    print(f"\nPlan loaded from {path}: {Plan.objects.get().title}")


# --------------------------------------------------------------------------------------------- serve


def _serve_parser(commands) -> None:
    p = _subcommand(
        commands,
        "serve",
        summary="serve the app with gunicorn, and run its background worker beside it",
        description="""\
Serve sendreform with gunicorn (sendreform.config.wsgi:application) and WhiteNoise for static files, and run
the background worker (`sendreform worker`: jobs and the schedule) beside it. Ctrl+C or SIGTERM stops both;
if either stops on its own, the other is stopped too and the command ends with its exit status. Without --demo
the production settings apply (DJANGO_SECRET_KEY and the rest: docs/security.md); gunicorn trusts the proxy
headers only from the addresses in FORWARDED_ALLOW_IPS.""",
        examples="""\
  sendreform serve --demo
  sendreform serve --bind 0.0.0.0:8080 --workers 4
  sendreform serve --no-worker         the worker runs elsewhere (sendreform worker)""",
    )
    p.add_argument(
        "--demo", action="store_true",
        help="serve the demo: no secret key needed and no two-factor sign-in (SENDREFORM_DEMO=true); never for "
        "real data",
    )
    p.add_argument(
        "--bind",
        type=_bind,
        default=DEFAULT_BIND,
        metavar="HOST:PORT",
        help=f"address to listen on (default {DEFAULT_BIND})",
    )
    p.add_argument(
        "--workers", type=_positive, default=2, metavar="N", help="gunicorn worker processes (default 2)"
    )
    p.add_argument(
        "--timeout", type=_positive, default=60, metavar="SECONDS",
        help="seconds a request may take before its worker is restarted (default 60; a page's database work "
        "stops sooner, at SENDREFORM_REQUEST_TIME_LIMIT_SECONDS: ADR 13)",
    )
    p.add_argument("--no-worker", action="store_true",
                   help="serve only; run `sendreform worker` separately")
    p.set_defaults(run=_serve)


def _serve(args, parser) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if args.demo:
        os.environ["SENDREFORM_DEMO"] = "true"  # gunicorn's workers and the task worker inherit it
    _django_setup()
    from django.conf import settings

    from sendreform.jobs.services import jobs_stale_mark

    if stale := jobs_stale_mark():
        print(f"{stale} background job(s) whose worker stopped answering are marked as failed.", flush=True)
    gunicorn = [sys.executable, "-m", "gunicorn", "sendreform.config.wsgi:application", "--bind", args.bind,
                "--workers", str(args.workers), "--timeout", str(args.timeout)]
    if settings.FORWARDED_ALLOW_IPS:  # as Django reads it, from the environment or .env (gunicorn reads no .env)
        gunicorn += ["--forwarded-allow-ips", ",".join(settings.FORWARDED_ALLOW_IPS)]
    commands = [gunicorn] if args.no_worker else [gunicorn, [sys.executable, "-m", "sendreform.cli", "worker"]]
    print(f"sendreform on http://{args.bind}/ ({args.workers} workers"
          f"{'' if args.no_worker else ' and the background worker'}; Ctrl+C stops it)", flush=True)
    if not settings.TWO_FACTOR_REQUIRED:
        print("Two-factor sign-in is off: for real data leave SENDREFORM_DEMO unset (docs/security.md).", flush=True)
    return processes_supervise(commands)


def processes_supervise(commands: list[list[str]], *, poll: float = 0.5, grace: float = 20.0) -> int:
    """Run the commands side by side until one ends or SIGINT/SIGTERM arrives; then stop the others (SIGTERM,
    then SIGKILL after `grace` seconds). Returns the exit status of the one that ended first (0 on a signal)."""
    import signal
    import time

    processes = [subprocess.Popen(command) for command in commands]
    stopping, ended = {"signal": None}, None

    def stop(signum, frame):
        stopping["signal"] = signum

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        while stopping["signal"] is None and all(p.poll() is None for p in processes):
            time.sleep(poll)
        ended = next((p for p in processes if p.poll() is not None), None)
        for p in processes:
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + grace
        for p in processes:
            try:
                p.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stopping["signal"] is not None or ended is None:
        return 0
    print(f"{' '.join(ended.args[1:4])} stopped (exit status {ended.returncode}); the rest were stopped too.",
          file=sys.stderr, flush=True)
    return ended.returncode


# ------------------------------------------------------------------------------------------ snapshot


def _snapshot_parser(commands) -> None:
    p = _subcommand(
        commands,
        "snapshot",
        summary="write every canonical table as it stood on a date, as Parquet with a manifest",
        description="""\
Read every canonical table from the live database (or from a folder of canonical files with --data) and
write one Parquet file per table as the data stood on the as-at date: rows that start after it are
dropped, and later end and outcome dates are blanked with the fields that depend on them (the rules are
in sendreform/interchange/snapshot.py). manifest.json records the as-at date, the rows per table, a
content hash independent of the Parquet writer, the code version and when it was made.""",
        examples="""\
  sendreform snapshot --as-at 2026-01-15 --out var/snapshots/2026-01-15
  sendreform snapshot --as-at 2025-03-31 --out /tmp/fy2024-25 --data exports/census""",
    )
    p.add_argument("--as-at", type=_date, required=True, metavar="DATE", help="the as-at date, YYYY-MM-DD")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the snapshot to")
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="read <table>.csv or <table>.parquet from DIR instead of the database",
    )
    p.set_defaults(run=_snapshot)


def _snapshot(args, parser) -> int:
    from sendreform.interchange.snapshot import snapshot_write

    try:
        con = _connection(args.data)
    except ValueError as error:  # CanonicalFileError: names the file, row and column
        print(f"sendreform snapshot: {error}", file=sys.stderr)
        return 2
    manifest = snapshot_write(
        con=con, as_at=args.as_at, out_dir=args.out, code_version=code_version(), progress=progress_bar()
    )
    rows = sum(t["rows"] for t in manifest["tables"].values())
    if args.data is None:  # child-level rows left the database: recorded like a download
        from sendreform.accounts.services import AUDIT_EXPORT, audit_record, command_line_username

        audit_record(user=None, username=command_line_username(), action=AUDIT_EXPORT,
                     detail=f"snapshot as at {manifest['as_at']} to {args.out}: {rows:,} rows")
    print(
        f"Snapshot as at {manifest['as_at']} written to {args.out}: {len(manifest['tables'])} tables, "
        f"{rows:,} rows, content hash {manifest['content_hash']}"
    )
    return 0


# --------------------------------------------------------------------------------------------- check


def _check_parser(commands) -> None:
    p = _subcommand(
        commands,
        "check",
        summary="data-quality summary: orphan rows, impossible dates, unknown codes, duplicate keys, overlaps",
        description="""\
Check the canonical tables of the database (or of a folder of <table>.csv or <table>.parquet files with
--data) for orphan rows, impossible dates (an end before its start, a date in the future, an age outside
0-25 at a plan's start, an outcome before the request), unknown codes, duplicate keys and overlapping
episodes (a child's SEN status or placement at one setting open while another at a different setting is, which
puts the child on both rolls). Each check gives a count and up to five examples (table, key, column, value).

Exit status: 0 when clean, 1 when issues are found, 2 when a file cannot be read (the message names the
file, row and column).""",
        examples="""\
  sendreform check
  sendreform check --format json > quality.json
  sendreform check --data var/snapshots/2026-01-15""",
    )
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="check <table>.csv or <table>.parquet files in DIR instead of the database",
    )
    p.add_argument(
        "--format", choices=("table", "json"), default="table", help="output format (default table)"
    )
    p.set_defaults(run=_check)


def _check(args, parser) -> int:
    from sendreform.interchange.quality import CHECKS, quality_check
    from sendreform.standards.schemas import TABLE_ORDER

    try:
        con = _connection(args.data)
    except ValueError as error:
        print(f"sendreform check: {error}", file=sys.stderr)
        return 2
    report = quality_check(tables={name: con.table(name) for name in TABLE_ORDER}, today=dt.date.today())
    source = str(args.data) if args.data else "the database"
    if args.format == "json":
        print(json.dumps({"source": source, **report.to_dict()}, indent=2))
        return 0 if report.clean else 1
    issues = sum(r.count for r in report.results)
    verdict = "clean" if report.clean else f"{issues:,} issue{'s' * (issues != 1)} found"
    print(f"Data-quality check of {source} on {report.today.isoformat()}: {verdict}.\n")
    print(
        _table_text(
            ["check", "count", "what it looks for"],
            [[c, f"{report.check_count(c):,}", d] for c, d in CHECKS.items()],
            right={1},
        )
    )
    for check in CHECKS:
        if not report.check_count(check):
            continue
        print(f"\n{check} ({report.check_count(check):,})")
        for result in report.results:
            if result.check == check and result.count:
                print(f"  {result.rule}: {result.count:,}")
        examples = report.check_examples(check)
        print("  examples:")
        print(
            _table_text(
                ["table", "key", "column", "value"],
                [[e.table, e.key, e.column, e.value] for e in examples],
                indent="    ",
            )
        )
    return 0 if report.clean else 1


# ---------------------------------------------------------------------------------------------- shared


def progress_bar(stream=None, width: int = 30) -> Callable[[str, int, int], None]:
    """A `progress(table, done, total)` callback drawing a text bar on stderr (a line a step if no tty)."""
    out = stream or sys.stderr
    live = out.isatty()

    def draw(table: str, done: int, total: int) -> None:
        filled = width * done // total if total else width
        line = f"[{'#' * filled}{'-' * (width - filled)}] {done:>{len(str(total))}}/{total} {table}"
        if live:
            out.write("\r" + line.ljust(width + 40))
            if done >= total:
                out.write("\n")
        else:
            out.write(line + "\n")
        out.flush()

    return draw


def code_version() -> str:
    """The package version, with the git commit when running from a checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        text = version("sendreform")
    except PackageNotFoundError:
        text = "unknown"
    root = Path(__file__).resolve().parents[2]
    if (root / ".git").exists():
        try:
            sha = subprocess.run(
                ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
            text = f"{text}+g{sha}"
        except (OSError, subprocess.SubprocessError):
            pass
    return text


def _connection(data_dir: Path | None):
    """An Ibis connection to a folder of canonical files, or to the live database through Django."""
    if data_dir is not None:
        from sendreform.interchange.canonical_files import canonical_files_connect

        return canonical_files_connect(data_dir=data_dir)
    _django_setup()
    from sendreform.common.warehouse import ibis_connection

    return ibis_connection()


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django

    django.setup()


def _subcommand(commands, name: str, *, summary: str, description: str, examples: str):
    return commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _table_text(
    headers: list[str], rows: list[list[str]], *, right: set[int] = frozenset(), indent: str = "  "
):
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        return (
            indent
            + "  ".join(
                (str(c).rjust(w) if i in right else str(c).ljust(w))
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def _date(text: str) -> dt.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-15")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a real date") from None


def _areas(text: str) -> int | str:
    if text.lower() == "england":
        return "england"
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r}: give a number of areas (1 or more) or 'england'")


def _positive(text: str) -> int:
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 1 or more")


def _bind(text: str) -> str:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT, like 127.0.0.1:8000")
    return text


if __name__ == "__main__":
    sys.exit(main())
