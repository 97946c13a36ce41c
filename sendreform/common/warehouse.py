"""The Ibis connection to the live database, built from Django's DATABASES setting.

The pure layers (metrics, snapshots, the data-quality check) take an Ibis connection and never import
Django; this is where the Django side makes one for them. It uses Ibis's own SQLite and PostgreSQL backends:
DuckDB's scanners would need extensions downloaded at run time, which an offline server cannot do.
"""

from __future__ import annotations

import sqlite3

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
