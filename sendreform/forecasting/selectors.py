"""Reads of the forecasts: who may read and run them, whose view is suppressed, the runs and scenarios, and a
run's stored tables back as frames."""

from __future__ import annotations

import shlex

import pandas as pd

from sendreform.accounts import roles
from sendreform.forecasting.models import ForecastRun, Scenario, ScenarioEdit

# Officers, analysts and administrators run forecasts and edit scenarios; every role reads the results,
# which are area aggregates, suppressed outside the council's own view as the dashboard's are.
RUN_ROLES = frozenset({roles.OFFICER, roles.ANALYST, roles.ADMIN})


def forecast_can_read(*, user) -> bool:
    return getattr(user, "role", None) in roles.ROLES


def forecast_can_run(*, user) -> bool:
    return getattr(user, "role", None) in RUN_ROLES


def forecast_suppressed_for(*, user) -> bool:
    """Whether this user's figures pass small-number suppression (anyone outside the whole-area roles)."""
    return getattr(user, "role", None) not in roles.WHOLE_AREA_ROLES


def forecast_runs_list():
    return ForecastRun.objects.select_related("created_by", "scenario", "job").defer("tables", "workbook")


def forecast_run_get(*, pk: int) -> ForecastRun:
    return ForecastRun.objects.select_related("created_by", "scenario", "job").get(pk=pk)


def forecast_run_frames(*, run: ForecastRun) -> dict[str, pd.DataFrame]:
    """The run's tables as the model made them (as `sendreform forecast run` writes them to CSV)."""
    return {name: pd.DataFrame(table["data"], columns=table["columns"]) for name, table in (run.tables or {}).items()}


def forecast_run_command(*, run: ForecastRun) -> str:
    """The `sendreform forecast run` command that repeats this run on the same data (the scenario saved as
    `run-<id>-scenario.yaml`)."""
    parts = ["sendreform", "forecast", "run"]
    if run.scenario_text:
        parts += ["--scenario", f"run-{run.pk}-scenario.yaml"]
    parts += ["--sims", str(run.sims), "--years", str(run.years), "--seed", str(run.seed), "--half-life",
              f"{run.half_life:g}", "--as-at", run.as_at.isoformat(), "--out", f"var/forecast/run-{run.pk}"]
    return shlex.join(parts)


def scenarios_list():
    return Scenario.objects.select_related("updated_by")


def scenario_get(*, pk: int) -> Scenario:
    return Scenario.objects.select_related("created_by", "updated_by").get(pk=pk)


def scenario_edits(*, scenario: Scenario) -> list[ScenarioEdit]:
    return list(scenario.edits.select_related("by"))
