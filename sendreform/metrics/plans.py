"""The statements one `engine.evaluate` request runs on a SQL backend, kept on disk so that a later process can
run them again without building or compiling a query (ADR 31).

A request's *plan* is the ordered list of SQL statements the engine ran for it (temporary tables made and
filled, then the aggregates fetched), all of which read the dates as a table (`sendreform_dates`), so one plan
serves any as-at dates and periods. Its key is the request (indicators, breakdowns, filters), the backend, the
input tables' column types as the database reports them, and the code version: the source of the metrics and
standards packages and the Ibis and sqlglot versions. A change to any indicator, helper or schema therefore
makes new plans; plans of old versions are left to expire (the folder is a cache, safe to delete).

Where plans are kept: `SENDREFORM_CACHE_DIR` (empty to keep none), else `$XDG_CACHE_HOME/sendreform` or
`~/.cache/sendreform`. A plan holds SQL text only: no data, since the dates are rows of a table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import tempfile
from functools import cache
from pathlib import Path

from sendreform.standards.schemas import TABLES

log = logging.getLogger(__name__)
FORMAT = 1
# The packages whose source decides what SQL a request compiles to.
SOURCES = tuple(Path(__file__).resolve().parents[1] / name for name in ("metrics", "standards"))


def cache_dir() -> Path | None:
    """The folder caches are kept in, or None when SENDREFORM_CACHE_DIR is set empty (keep none)."""
    configured = os.environ.get("SENDREFORM_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sendreform"


@cache
def code_version() -> str:
    """A hash of the source that compiles requests to SQL, with the compiler's versions."""
    digest = hashlib.sha256()
    for folder in SOURCES:
        for path in sorted(folder.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist in ("ibis-framework", "sqlglot"):
        try:
            digest.update(f"{dist}={importlib.metadata.version(dist)}".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(dist.encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------ connections


def backend_name(con) -> str | None:
    """The backend of an Ibis connection or of a DB-API connection (DuckDB, SQLite or psycopg)."""
    if con is None:
        return None
    if hasattr(con, "compile"):  # an Ibis backend
        return getattr(con, "name", None)
    module = type(con).__module__.lstrip("_").split(".")[0]  # DuckDB's is _duckdb
    return {"duckdb": "duckdb", "sqlite3": "sqlite", "psycopg": "postgres"}.get(module)


def raw_connection(con):
    """The DB-API connection of an Ibis connection, or the connection itself. SQL compiled for SQLite calls
    functions Ibis defines on the connection (`_ibis_date_delta`): a plain SQLite connection gets them."""
    if hasattr(con, "compile"):
        return con.con
    if backend_name(con) == "sqlite":
        _sqlite_prepare(con)
    return con


def _sqlite_prepare(raw) -> None:
    """What Ibis does to a SQLite connection it opens: its functions registered, LIKE case-sensitive. Its
    functions' module imports only the standard library, so it is loaded alone rather than with all of Ibis."""
    import importlib.machinery
    import importlib.util

    try:
        # Found on the path, not through sys.modules, where a lazily imported Ibis would load itself when asked.
        spec = importlib.machinery.PathFinder.find_spec("ibis")
        path = Path(spec.submodule_search_locations[0]) / "backends" / "sqlite" / "udf.py"
        module_spec = importlib.util.spec_from_file_location("_sendreform_ibis_sqlite_udf", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        module.register_all(raw)
        raw.execute("PRAGMA case_sensitive_like = ON")
    except Exception:  # noqa: BLE001 - another Ibis layout: let Ibis itself prepare the connection
        ibis_backend(raw, "sqlite")


def ibis_backend(con, backend: str):
    """An Ibis connection over the same database session (made only when a request has no plan yet)."""
    if hasattr(con, "compile"):
        return con
    import ibis

    return getattr(ibis, backend).from_connection(con)


def execute(raw, sql: str) -> None:
    raw.execute(sql)
    if getattr(raw, "in_transaction", False):  # sqlite3 opens a transaction before an INSERT
        raw.commit()


def records(raw, sql: str) -> list[dict]:
    cursor = raw.execute(sql)
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def dates_create(raw, backend: str, columns: dict[str, str], rows: list[tuple]) -> None:
    """The temporary table `sendreform_dates` of `columns` (name -> "date" or "string") holding `rows`."""
    text = "TEXT" if backend == "sqlite" else "VARCHAR"
    declared = ", ".join(f'"{c}" {"DATE" if t == "date" else text}' for c, t in columns.items())
    execute(raw, 'DROP TABLE IF EXISTS "sendreform_dates"')
    execute(raw, f'CREATE TEMPORARY TABLE "sendreform_dates" ({declared})')
    if rows:  # literals rather than parameters, which DuckDB checks against pandas (importing it)
        values = ", ".join("(" + ", ".join(_literal(v, backend) for v in row) + ")" for row in rows)
        execute(raw, f'INSERT INTO "sendreform_dates" VALUES {values}')


def _literal(value, backend: str) -> str:
    if isinstance(value, dt.date):  # SQLite keeps dates as ISO text, as Ibis writes them
        return f"'{value.isoformat()}'" if backend == "sqlite" else f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _source_shape(raw, backend: str) -> list:
    """The canonical tables' column names and types as the database reports them."""
    if backend == "sqlite":
        sql = ("SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p "
               "WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid")
    else:
        catalog = "current_database()" if backend == "duckdb" else "current_catalog"
        sql = ("SELECT table_name, column_name, data_type FROM information_schema.columns "
               f"WHERE table_catalog = {catalog} AND table_schema = current_schema() "
               "ORDER BY table_name, ordinal_position")
    return [list(row) for row in raw.execute(sql).fetchall() if row[0] in TABLES]


# ------------------------------------------------------------------------------------------------ plans


def plan_key(raw, backend: str, ids: list[str], by: list[str], filters: dict) -> str:
    text = json.dumps([FORMAT, code_version(), backend, _source_shape(raw, backend), ids, by,
                       sorted(filters.items())])
    return hashlib.sha256(text.encode()).hexdigest()


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / "plans" / f"{key}.json"


def replay(raw, key: str) -> list[dict] | None:
    """The rows a request's kept plan fetches, run on `raw` (whose dates table is made); None if there is no
    plan, or if it fails (it is then removed, and the request compiled again)."""
    path = _path(key)
    try:
        steps = json.loads(path.read_text(encoding="utf-8"))["steps"] if path else None
    except (OSError, ValueError, KeyError):
        return None
    if steps is None:
        return None
    out = []
    try:
        for kind, sql in steps:
            if kind == "fetch":
                out.extend(records(raw, sql))
            else:
                execute(raw, sql)
    except Exception:  # noqa: BLE001 - any database error: the plan no longer fits, so compile afresh
        log.warning("the kept plan %s failed; compiling the request again", path, exc_info=True)
        path.unlink(missing_ok=True)
        return None
    return out


def save(key: str, steps: list[tuple[str, str]]) -> None:
    """Keep a request's plan (atomically; a folder that cannot be written keeps none)."""
    path = _path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                         encoding="utf-8") as handle:
            json.dump({"format": FORMAT, "steps": steps}, handle)
        os.replace(handle.name, path)
    except OSError:
        log.warning("cannot keep the plan in %s", path.parent, exc_info=True)
