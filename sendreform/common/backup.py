"""Backing up the whole database and restoring it (`sendreform backup` and `sendreform restore`; ADR 16).

A backup is one gzipped tar file holding `manifest.json` and the database itself: on SQLite a copy made with
SQLite's online backup API (`sqlite3.Connection.backup`, safe while the app runs), on PostgreSQL a
`pg_dump --format=custom` taken in the same snapshot as the manifest. The manifest names the engine, when
and by which code version the backup was made, the migrations applied, the SHA-256 of the database file and,
for every table (users, roles, audit log, canonical tables, casework, Experts at Hand, plan, governance, packs,
forecasts, jobs: all of them), its row count and a hash of its content in primary-key order.

A restore reads the manifest, checks the file's hash and refuses a file that does not match; on SQLite it
also checks every table of the copy against the manifest before touching the database. It then replaces the
whole database in one step (SQLite's backup API into the live database; on PostgreSQL the schema is dropped
and the dump restored in one transaction through psql) and checks every table again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

FORMAT = "sendreform-backup/1"
MANIFEST = "manifest.json"
PAYLOAD = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in PAYLOAD:
        raise BackupError(f"backups cover SQLite and PostgreSQL; this database is {connection.vendor}")
    return connection.vendor


def connection_for(settings_dict: dict, *, alias: str = "backup") -> BaseDatabaseWrapper:
    """A separate Django connection to the database `settings_dict` describes (e.g. an empty one to restore into)."""
    base = dict(connections["default"].settings_dict)
    base.update(settings_dict)
    return load_backend(base["ENGINE"]).DatabaseWrapper(base, alias)


def _value(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def table_fingerprints(connection: BaseDatabaseWrapper) -> dict[str, dict]:
    """Every table's row count and the SHA-256 of its rows in primary-key order (all columns, as stored)."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            key = connection.introspection.get_primary_key_column(cursor, table)
            order = connection.ops.quote_name(key) if key else ", ".join(
                str(i + 1) for i in range(len(connection.introspection.get_table_description(cursor, table))))
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608 - names from introspection
            digest, rows = hashlib.sha256(), 0
            while batch := cursor.fetchmany(5000):
                for row in batch:
                    digest.update(json.dumps([_value(v) for v in row], default=str).encode())
                    digest.update(b"\n")
                rows += len(batch)
            out[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return out


def _migrations(connection: BaseDatabaseWrapper) -> list[str]:
    if "django_migrations" not in connection.introspection.table_names():
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env(settings: dict) -> tuple[list[str], dict]:
    """The connection options of the PostgreSQL client tools, and their environment (password)."""
    args = [f"--dbname={settings['NAME']}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            args.append(f"{option}={settings[key]}")
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is needed to back up or restore PostgreSQL; install the PostgreSQL client "
                          "tools (Debian: sudo apt-get install postgresql-client)")
    return path


def _run(argv: list[str], env: dict) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup_write(*, out: Path, connection: BaseDatabaseWrapper | None = None, code_version: str = "",
                 progress: Callable[[str], None] = lambda stage: None) -> dict:
    """Write a backup of the whole database to `out` (written beside it, then moved into place). Returns the
    manifest."""
    source = connection or connections["default"]
    engine = _engine(source)
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="sendreform-backup-") as folder:
        payload = Path(folder) / PAYLOAD[engine]
        if engine == "sqlite":
            progress("Copying the database with SQLite's online backup API")
            source.ensure_connection()
            target = sqlite3.connect(payload)
            try:
                source.connection.backup(target)
            finally:
                target.close()
            progress("Counting and hashing every table of the copy")
            copy = connection_for({"NAME": str(payload), "ENGINE": source.settings_dict["ENGINE"]}, alias="copy")
            try:
                tables, migrations = table_fingerprints(copy), _migrations(copy)
            finally:
                copy.close()
        else:
            tables, migrations = _pg_dump(source, payload, progress)
        progress("Writing the backup file")
        manifest = {
            "format": FORMAT, "engine": engine, "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "code_version": code_version, "migrations": migrations, "payload": payload.name,
            "payload_bytes": payload.stat().st_size, "payload_sha256": _file_sha256(payload), "tables": tables,
        }
        partial = out.with_name(out.name + ".part")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(payload, arcname=payload.name)
        partial.replace(out)
    return manifest


def _pg_dump(source: BaseDatabaseWrapper, payload: Path, progress) -> tuple[dict, list[str]]:
    """Dump with pg_dump in a snapshot exported by a repeatable-read transaction, and hash the tables in it, so
    the manifest describes exactly what was dumped even while the app writes."""
    snap = connection_for(source.settings_dict, alias="backup-snapshot")
    try:
        snap.set_autocommit(False)
        with snap.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        progress("Dumping the database with pg_dump")
        args, env = _pg_env(source.settings_dict)
        _run([_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", f"--file={payload}"], env)
        progress("Counting and hashing every table in the same snapshot")
        return table_fingerprints(snap), _migrations(snap)
    finally:
        snap.rollback()
        snap.close()


def backup_read(*, file: Path, folder: Path) -> tuple[dict, Path]:
    """Check a backup file and unpack its database into `folder`: the manifest and the payload's path.
    BackupError if the file is not a backup, is damaged, or its database does not match its manifest."""
    file = Path(file)
    try:
        with tarfile.open(file, "r:gz") as archive:
            names = archive.getnames()
            if MANIFEST not in names:
                raise BackupError(f"{file}: not a sendreform backup (it holds no {MANIFEST})")
            manifest = json.loads(archive.extractfile(MANIFEST).read())
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError(f"{file}: {MANIFEST} is not a {FORMAT} manifest")
            name = manifest.get("payload")
            if name not in PAYLOAD.values() or name not in names:
                raise BackupError(f"{file}: the manifest names the database {name!r}, which the file does not hold")
            archive.extract(name, folder, filter="data")
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BackupError(f"{file}: cannot be read as a backup ({error}); it may be damaged or cut short") from error
    payload = Path(folder) / name
    if _file_sha256(payload) != manifest.get("payload_sha256") or payload.stat().st_size != manifest.get(
            "payload_bytes"):
        raise BackupError(f"{file}: the database inside does not match the manifest's hash; the file is damaged "
                          "or was changed; nothing was restored")
    if not isinstance(manifest.get("tables"), dict) or not manifest["tables"]:
        raise BackupError(f"{file}: the manifest lists no tables")
    return manifest, payload


def _differences(expected: dict, found: dict) -> list[str]:
    out = []
    for table in sorted(set(expected) | set(found)):
        e, f = expected.get(table), found.get(table)
        if e is None or f is None:
            out.append(f"{table}: {'not in the manifest' if e is None else 'missing'}")
        elif e != f:
            out.append(f"{table}: {f['rows']} rows where the manifest has {e['rows']}" if e["rows"] != f["rows"]
                       else f"{table}: content differs from the manifest's hash")
    return out


def database_is_empty(connection: BaseDatabaseWrapper | None = None) -> bool:
    """Whether the database holds no rows in any table but Django's own bookkeeping of migrations and types."""
    connection = connection or connections["default"]
    ignore = {"django_migrations", "django_content_type", "auth_permission"}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in ignore:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                return False
    return True


def backup_restore(*, file: Path, connection: BaseDatabaseWrapper | None = None,
                   progress: Callable[[str], None] = lambda stage: None) -> dict:
    """Replace the whole database with a backup's, after checking the file; then check every table against the
    manifest. Returns the manifest. The caller asks before replacing a database that is not empty."""
    target = connection or connections["default"]
    engine = _engine(target)
    with tempfile.TemporaryDirectory(prefix="sendreform-restore-") as folder:
        progress("Checking the backup file and its hash")
        manifest, payload = backup_read(file=file, folder=Path(folder))
        if manifest["engine"] != engine:
            raise BackupError(f"{file}: a backup of a {manifest['engine']} database cannot be restored into "
                              f"{engine}; nothing was restored")
        if engine == "sqlite":
            progress("Checking every table of the backup against the manifest")
            copy = connection_for({"NAME": str(payload), "ENGINE": target.settings_dict["ENGINE"]}, alias="copy")
            try:
                problems = _differences(manifest["tables"], table_fingerprints(copy))
            finally:
                copy.close()
            if problems:
                raise BackupError(f"{file}: the database inside does not match its manifest ("
                                  + "; ".join(problems[:5]) + "); nothing was restored")
            progress("Replacing the database with SQLite's backup API")
            target.ensure_connection()
            source = sqlite3.connect(payload)
            try:
                source.backup(target.connection)
            finally:
                source.close()
        else:
            _pg_restore(target, payload, manifest["tables"], progress)
        progress("Checking every restored table against the manifest")
        target.close()
        problems = _differences(manifest["tables"], table_fingerprints(target))
        if problems:
            raise BackupError("the restored database does not match the backup's manifest: "
                              + "; ".join(problems[:5]))
    return manifest


def _pg_restore(target: BaseDatabaseWrapper, payload: Path, tables: dict, progress) -> None:
    """Turn the dump into SQL with pg_restore and run it with psql in one transaction after dropping the public
    schema, checking every table's row count at its end, so the database is either wholly replaced by what
    the manifest describes or left as it was."""
    args, env = _pg_env(target.settings_dict)
    script = payload.with_suffix(".sql")
    progress("Reading the dump with pg_restore")
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(payload)], env)
    progress("Replacing the database in one transaction with psql")
    target.close()
    check = payload.with_suffix(".check.sql")
    check.write_text(_pg_count_check(tables), encoding="utf-8")
    _run([_tool("psql"), *args, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
          "--command=DROP SCHEMA IF EXISTS public CASCADE", "--command=CREATE SCHEMA public",
          f"--file={script}", f"--file={check}"], env)


def _pg_count_check(tables: dict) -> str:
    """SQL that fails the restore's transaction (so the database is left as it was) when a restored table's
    row count is not the manifest's."""
    lines = ["DO $check$ BEGIN"]
    for table, spec in sorted(tables.items()):
        name = '"' + table.replace('"', '""') + '"'
        rows = int(spec["rows"])
        literal = table.replace("'", "''")
        lines.append(f"  IF (SELECT count(*) FROM public.{name}) <> {rows} THEN RAISE EXCEPTION "
                     f"'table %: not the % rows of the manifest', '{literal}', {rows}; END IF;")
    return "\n".join([*lines, "END $check$;", ""])
