"""`sendreform backup --out FILE` and `sendreform restore FILE`: the whole database in one checked file, and
back (sendreform.common.backup)."""

from __future__ import annotations

import sys
from pathlib import Path

BACKUP_DESCRIPTION = """\
Back up the whole database (every table: users and roles, the audit log, the canonical tables and casework,
Experts at Hand, the plan and governance, board packs, forecasts and jobs) to one file: on SQLite a copy
made with SQLite's online backup API, on PostgreSQL a pg_dump, in a gzipped tar with a manifest of every
table's row count and content hash and the SHA-256 of the database. Safe while the app is running. The
file holds child-level data: keep it where the database itself may be kept. docs/operations.md says how to
run it nightly."""

RESTORE_DESCRIPTION = """\
Replace the whole database with a backup made by `sendreform backup`. The file is checked first (its hash,
and on SQLite every table against the manifest) and refused if it does not match; a backup of one engine is
not restored into the other. A database that is not empty is replaced only after you confirm (--yes: without
asking). After the restore every table is checked against the manifest again."""


def add_parser(commands, subcommand, date_type) -> None:
    b = subcommand(commands, "backup", summary="back up the whole database to one checked file",
                   description=BACKUP_DESCRIPTION,
                   examples="  sendreform backup --out /var/backups/sendreform/sendreform-$(date +%F).tar.gz")
    b.add_argument("--out", type=Path, required=True, metavar="FILE", help="the backup file to write (.tar.gz)")
    b.set_defaults(run=run_backup)
    r = subcommand(commands, "restore", summary="replace the database with a backup, after checking it",
                   description=RESTORE_DESCRIPTION,
                   examples="  sendreform restore /var/backups/sendreform/sendreform-2026-12-07.tar.gz\n"
                            "  sendreform restore backup.tar.gz --yes")
    r.add_argument("file", type=Path, metavar="FILE", help="the backup file")
    r.add_argument("--yes", action="store_true", help="replace a database that is not empty without asking")
    r.set_defaults(run=run_restore)


def _progress(stage: str) -> None:
    print(stage, file=sys.stderr, flush=True)


def run_backup(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.common.backup import BackupError, backup_write

    if not args.out.parent.is_dir():
        print(f"sendreform backup: the folder {args.out.parent} does not exist", file=sys.stderr)
        return 2
    try:
        manifest = backup_write(out=args.out, code_version=main.code_version(), progress=_progress)
    except BackupError as error:
        print(f"sendreform backup: {error}", file=sys.stderr)
        return 2
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"Backed up {len(manifest['tables'])} tables ({rows:,} rows) of the {manifest['engine']} database to "
          f"{args.out} (database SHA-256 {manifest['payload_sha256']})")
    return 0


def run_restore(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.common.backup import BackupError, backup_restore, database_is_empty

    if not args.file.is_file():
        print(f"sendreform restore: {args.file} is not a file", file=sys.stderr)
        return 2
    try:
        empty = database_is_empty()
    except Exception:  # noqa: BLE001 - a database that cannot be read (not migrated, damaged) is not empty
        empty = False
    if not empty and not args.yes:
        if not sys.stdin.isatty():
            print("sendreform restore: the database is not empty; give --yes to replace it with the backup",
                  file=sys.stderr)
            return 2
        answer = input("The database is not empty: replace everything in it with the backup? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was restored.")
            return 1
    try:
        manifest = backup_restore(file=args.file, progress=_progress)
    except BackupError as error:
        print(f"sendreform restore: {error}", file=sys.stderr)
        return 2
    rows = sum(t["rows"] for t in manifest["tables"].values())
    print(f"Restored {len(manifest['tables'])} tables ({rows:,} rows) from {args.file}, backed up "
          f"{manifest['created_at']} by sendreform {manifest['code_version'] or '(unknown version)'}; every table "
          "matches the manifest. Run `python manage.py migrate` if this code is newer than the backup.")
    return 0
