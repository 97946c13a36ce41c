"""The Ibis connection to the live database, built from Django's DATABASES setting.

The pure layers (metrics, snapshots, the data-quality check) take an Ibis connection and never import
Django; this is where the Django side makes one for them: to the live database itself, or to an in-memory
DuckDB copy of it for the dashboard's heavy reads. It uses Ibis's own SQLite and PostgreSQL backends:
DuckDB's scanners would need extensions downloaded at run time, which an offline server cannot do.
"""

from __future__ import annotations

import sqlite3
import threading
import time

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


_ANALYTICS: dict = {"version": None, "con": None, "made": 0.0}
_ANALYTICS_LOCK = threading.Lock()


def analytics_connection(*, version: str):
    """An in-memory DuckDB copy of the canonical tables, made once per data version and kept by the process.

    The dashboard and board packs evaluate the whole catalogue over many dates; DuckDB does that in a second
    where SQLite takes tens of seconds, and the copy costs a few seconds once per change of data (or once
    per SENDREFORM_ANALYTICS_MAX_AGE_SECONDS). The figures are the same
    because the same engine runs on both (tests/metrics checks every indicator on each backend).
    """
    from django.conf import settings

    from sendreform.metrics.engine import tables_from_connection

    # Row counts miss an edit that keeps them, so a copy is also remade once it is older than the limit.
    max_age = settings.SENDREFORM_ANALYTICS_MAX_AGE_SECONDS
    with _ANALYTICS_LOCK:
        if _ANALYTICS["version"] != version or time.monotonic() - _ANALYTICS["made"] >= max_age:
            live = ibis_connection()
            try:
                copy = ibis.duckdb.connect()
                for name, table in tables_from_connection(live).items():
                    copy.create_table(name, obj=table.to_pyarrow())
            finally:
                live.disconnect()
            if _ANALYTICS["con"] is not None:
                _ANALYTICS["con"].disconnect()
            _ANALYTICS.update(version=version, con=copy, made=time.monotonic())
        return _ANALYTICS["con"]
