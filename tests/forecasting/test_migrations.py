"""The migration that keeps summary.json as the file's text: a run stored before it (its summary as jsonb on
PostgreSQL, keys reordered shorter first) comes out as the command line writes summary.json, and back."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("forecasting", "0003_half_life_the_models_default")]
AFTER = [("forecasting", "0004_summary_as_the_files_text")]

# A summary as `sendreform forecast run` writes it, keys in its order.
SUMMARY = {
    "total_plans": [{"year": 2026, "median": 812.0, "p2_5": 790.0, "p25": 805.0, "p75": 820.0, "p97_5": 836.5},
                    {"year": 2027, "median": 850.0, "p2_5": 801.0, "p25": 835.0, "p75": 866.0, "p97_5": 902.0}],
    "inputs_hash": "3f2a", "last_census": 2025,
    "scenario": {"name": "Fewer new plans", "text": "name: Fewer new plans\nchanges: []\n"},
    "code_version": "abc123", "sims": 100, "years": 2, "seed": 870, "half_life": 3.0,
    "created": "2026-03-01T09:00:00+00:00",
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_stored_summaries_become_the_command_lines_text_and_back():
    try:
        # Given runs stored before the migration: one finished, one that never finished
        apps = _migrate(BEFORE)
        Run = apps.get_model("forecasting", "ForecastRun")
        common = dict(sims=100, years=2, half_life=3.0, as_at=dt.date(2026, 3, 1))
        finished = Run.objects.create(status="done", summary=SUMMARY, **common)
        queued = Run.objects.create(**common)
        # When the migration runs
        apps = _migrate(AFTER)
        Run = apps.get_model("forecasting", "ForecastRun")
        # Then the finished run's summary is the text the command line writes, keys in its order
        text = Run.objects.get(pk=finished.pk).summary_json
        assert text == json.dumps(SUMMARY, indent=2)
        assert list(json.loads(text)["total_plans"][0]) == ["year", "median", "p2_5", "p25", "p75", "p97_5"]
        assert Run.objects.get(pk=queued.pk).summary_json == ""
        # And undone, the summary is back as it was
        apps = _migrate(BEFORE)
        Run = apps.get_model("forecasting", "ForecastRun")
        assert Run.objects.get(pk=finished.pk).summary == SUMMARY
        assert Run.objects.get(pk=queued.pk).summary == {}
    finally:
        _migrate(_leaves())
