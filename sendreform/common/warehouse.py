"""The Ibis connection to the live database, built from Django's DATABASES setting.

The pure layers (metrics, snapshots, the data-quality check) take an Ibis connection and never import
Django; this is where the Django side makes one for them: to the live database itself, or to a DuckDB file
copy of it for the dashboard's heavy reads (`sendreform.indicators.analytics` decides when it is made). It uses Ibis's own SQLite and PostgreSQL backends:
DuckDB's scanners would need extensions downloaded at run time, which an offline server cannot do.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import ibis
from django.db import connections


def ibis_connection(*, alias: str = "default"):
    """A new Ibis connection to the database Django uses under `alias` (its own connection, read-only use)."""
    settings = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        name = str(settings["NAME"])
        if name.startswith("file:"):
            # Django's test databases are shared in-memory URIs, which only a URI-aware connection can open.
            return ibis.sqlite.from_connection(sqlite3.connect(name, uri=True))
        return ibis.sqlite.connect(name)
    if vendor == "postgresql":
        return ibis.postgres.connect(
            host=settings.get("HOST") or None,
            port=int(settings.get("PORT") or 5432),
            user=settings.get("USER") or None,
            password=settings.get("PASSWORD") or None,
            database=settings["NAME"],
        )
    raise ValueError(f"sendreform reads SQLite or PostgreSQL; the {alias!r} database is {vendor}")


def data_version() -> str:
    """Row counts of the canonical tables: cheap, and they change whenever data is loaded or added. Edits
    that keep the counts are picked up when what was computed from an earlier version expires."""
    from django.db import connection

    from sendreform.standards.schemas import TABLE_ORDER

    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {name})" for name in TABLE_ORDER))
        return ",".join(str(n) for n in cursor.fetchone())


def analytics_copy_write(*, path: Path):
    """Copy the canonical tables of the live database into a new DuckDB file; returns its connection (open for
    writing, so the caller can add what it computes before closing it).

    The dashboard and board packs evaluate the whole catalogue over many dates; DuckDB does that in a second
    where SQLite takes tens of seconds. The figures are the same because the same engine runs on both
    (tests/metrics checks every indicator on each backend). One file is shared by every web worker (ADR 15).
    """
    from sendreform.metrics.engine import tables_from_connection

    live = ibis_connection()
    try:
        copy = ibis.duckdb.connect(str(path))
        for name, table in tables_from_connection(live).items():
            copy.create_table(name, obj=table.to_pyarrow())
    finally:
        live.disconnect()
    return copy


_OPEN: dict = {}
_OPEN_LOCK = threading.Lock()


def analytics_open(*, path: Path):
    """The DuckDB file at `path`, opened read-only once per process (every worker reads the same file; none
    writes it after it is made). A process keeps only the newest file it was asked for open."""
    key = str(path)
    with _OPEN_LOCK:
        if key not in _OPEN:
            for old in _OPEN.values():
                old.disconnect()
            _OPEN.clear()
            _OPEN[key] = ibis.duckdb.connect(key, read_only=True)
        return _OPEN[key]


def analytics_close(*, path: Path) -> None:
    """Close this process's connection to `path`, if it has one (before the file is removed)."""
    with _OPEN_LOCK:
        con = _OPEN.pop(str(path), None)
        if con is not None:
            con.disconnect()
