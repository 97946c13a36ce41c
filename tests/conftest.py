"""What every test shares.

Transactional tests (the browser and command tests) empty the database after each test with Django's `flush`,
which on SQLite deletes rows. The audit log and the plan's history refuse DELETE through database triggers
(`sendreform.common.appendonly`), so here, and only here, `flush` lifts those triggers while it empties the
tables and puts them back at once. PostgreSQL's flush truncates, which the row triggers do not see.
"""

import pytest
from django.apps import apps
from django.core.management.commands import flush
from django.db import connections

from sendreform.common.appendonly import AppendOnlyModel, model_trigger_sql


def _append_only_triggers(connection):
    for model in apps.get_models():
        if issubclass(model, AppendOnlyModel):
            yield model_trigger_sql(model=model, vendor=connection.vendor)


@pytest.fixture(autouse=True, scope="session")
def _caches_in_a_temporary_folder(tmp_path_factory):
    """The metrics engine's kept plans and the data-quality verdicts (ADR 31) go to a folder of the run's own,
    never the user's cache."""
    import os

    before = os.environ.get("SENDREFORM_CACHE_DIR")
    os.environ["SENDREFORM_CACHE_DIR"] = str(tmp_path_factory.mktemp("sendreform-cache"))
    yield
    if before is None:
        os.environ.pop("SENDREFORM_CACHE_DIR", None)
    else:
        os.environ["SENDREFORM_CACHE_DIR"] = before


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_append_only_triggers_on_sqlite():
    handle = flush.Command.handle

    def handle_lifting_triggers(self, **options):
        connection = connections[options.get("database") or "default"]
        if connection.vendor != "sqlite":
            return handle(self, **options)
        triggers = list(_append_only_triggers(connection))
        with connection.cursor() as cursor:
            for _create, drop in triggers:
                for statement in drop:
                    cursor.execute(statement)
        try:
            return handle(self, **options)
        finally:
            with connection.cursor() as cursor:
                for create, _drop in triggers:
                    for statement in create:
                        cursor.execute(statement)

    flush.Command.handle = handle_lifting_triggers
    yield
    flush.Command.handle = handle
