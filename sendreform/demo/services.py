"""Loading the synthetic local area into the operational database (the `sendreform demo` command uses it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyarrow as pa
from django.apps import apps
from django.db import transaction

from sendreform.accounts.services import AUDIT_IMPORT, audit_record, command_line_username
from sendreform.standards.schemas import TABLE_ORDER

BATCH_SIZE = 2000

Progress = Callable[[str, int, int], None]


def _models_by_table() -> dict:
    return {model._meta.db_table: model for model in apps.get_models() if model._meta.db_table in TABLE_ORDER}


def _counts() -> dict[str, int]:
    models = _models_by_table()
    return {name: models[name]._base_manager.count() for name in TABLE_ORDER}


def demo_tables_load(*, tables: dict[str, pa.Table], progress: Progress | None = None) -> dict[str, int]:
    """Insert canonical tables into the database in one transaction, tables in reference order, rows in
    batches; returns the rows inserted per table."""
    models = _models_by_table()
    inserted = {}
    with transaction.atomic():
        for name in TABLE_ORDER:
            model = models[name]
            table = tables[name]
            total = table.num_rows
            done = 0
            if progress:
                progress(name, 0, total)
            for batch in table.to_batches(max_chunksize=BATCH_SIZE):
                # Column names are the models' attribute names (foreign keys as their *_id columns).
                rows = batch.to_pylist()
                model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH_SIZE)
                done += len(rows)
                if progress:
                    progress(name, done, total)
            inserted[name] = total
        audit_record(user=None, username=command_line_username(), action=AUDIT_IMPORT,
                     detail=f"synthetic area: {sum(inserted.values()):,} rows in {len(inserted)} tables")
    return inserted


def demo_area_load(*, seed: int = 870, as_at: dt.date | None = None, progress: Progress | None = None,
                   scale: float = 1.0) -> dict[str, int]:
    """Generate the synthetic area (Reading's shape, LA 870) and load it, returning rows per table.

    Idempotent: when the database already holds persons nothing is generated or changed and the existing
    counts are returned. `scale` (1 = Reading) lets tests load a smaller area.
    """
    from sendreform.people.models import Person

    if Person._base_manager.exists():
        return _counts()
    from sendreform.demo.generator import generate_area

    tables = generate_area(seed=seed, as_at=as_at, la_code="870", scale=scale)
    return demo_tables_load(tables=tables, progress=progress)
