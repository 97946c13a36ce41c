"""Reads of the forecasts: who may read and run them, whose view is suppressed, the runs, backtests and
scenarios, and a run's or backtest's stored tables back as frames."""

from __future__ import annotations

import shlex

import pandas as pd

from sendreform.accounts import roles
from sendreform.forecast.backtest import backtest_headline, backtest_verdict
from sendreform.forecasting.models import (
    DONE,
    EnglandBacktest,
    ForecastBacktest,
    ForecastRun,
    Scenario,
    ScenarioEdit,
)

# Officers, analysts and administrators run forecasts and edit scenarios; every role reads the results,
# which are area aggregates, suppressed outside the council's own view as the dashboard's are.
RUN_ROLES = frozenset({roles.OFFICER, roles.ANALYST, roles.ADMIN})


def forecast_can_read(*, user) -> bool:
    return getattr(user, "role", None) in roles.LOCAL_AREA_ROLES


def forecast_can_run(*, user) -> bool:
    return getattr(user, "role", None) in RUN_ROLES


def forecast_suppressed_for(*, user) -> bool:
    """Whether this user's figures pass small-number suppression (anyone outside the whole-area roles)."""
    return getattr(user, "role", None) not in roles.WHOLE_AREA_ROLES


def forecast_runs_list():
    return ForecastRun.objects.select_related("created_by", "scenario", "job").defer("tables", "workbook")


def forecast_run_get(*, pk: int) -> ForecastRun:
    return ForecastRun.objects.select_related("created_by", "scenario", "job").get(pk=pk)


def forecast_run_latest_finished() -> ForecastRun | None:
    return forecast_runs_list().filter(status=DONE).order_by("-finished", "-pk").first()


def forecast_run_population_years(*, run: ForecastRun) -> dict[str, int]:
    """The January censuses whose background population a finished run used: joining rates are measured against
    the population of each census after the first of its history up to the last (`joining_from`, `joining_to`;
    none with a history of one census), and joiners are projected from that of each census ahead
    (`projected_from`, `projected_to`)."""
    table = ForecastRun.objects.values_list("tables__total_plans", flat=True).get(pk=run.pk) or {}
    columns = table.get("columns", [])
    if "year" not in columns or "kind" not in columns:
        return {}
    year_at, kind_at = columns.index("year"), columns.index("kind")
    actual = sorted(int(row[year_at]) for row in table.get("data", []) if row[kind_at] == "actual")
    if not actual:
        return {}
    last = actual[-1]
    years = {"projected_from": last + 1, "projected_to": last + run.years}
    if len(actual) > 1:
        years.update(joining_from=actual[0] + 1, joining_to=last)
    return years


def _frames(tables: dict) -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(table["data"], columns=table["columns"]) for name, table in (tables or {}).items()}


def forecast_run_frames(*, run: ForecastRun) -> dict[str, pd.DataFrame]:
    """The run's tables as the model made them (as `sendreform forecast run` writes them to CSV)."""
    return _frames(run.tables)


def forecast_run_command(*, run: ForecastRun) -> str:
    """The `sendreform forecast run` command that repeats this run on the same data (the scenario saved as
    `run-<id>-scenario.yaml`)."""
    parts = ["sendreform", "forecast", "run"]
    if run.scenario_text:
        parts += ["--scenario", f"run-{run.pk}-scenario.yaml"]
    parts += ["--sims", str(run.sims), "--years", str(run.years), "--seed", str(run.seed), "--half-life",
              f"{run.half_life:g}", "--as-at", run.as_at.isoformat(), "--out", f"var/forecast/run-{run.pk}"]
    return shlex.join(parts)


def forecast_backtests_list():
    return ForecastBacktest.objects.select_related("created_by", "job").defer("tables")


def forecast_backtest_get(*, pk: int) -> ForecastBacktest:
    return ForecastBacktest.objects.select_related("created_by", "job").get(pk=pk)


def forecast_backtest_frames(*, backtest: ForecastBacktest) -> dict[str, pd.DataFrame]:
    """The backtest's tables as the model made them: `backtest`, `backtest_summary` and `backtest_breakdowns`
    (as `sendreform forecast backtest` writes them to CSV), `breakdown_summary` and `history_flows`."""
    return _frames(backtest.tables)


# The files of `sendreform forecast backtest` among a backtest's tables, as the command line names them.
BACKTEST_FILES = ("backtest", "backtest_summary", "backtest_breakdowns")


def forecast_backtest_command(*, backtest: ForecastBacktest) -> str:
    """The `sendreform forecast backtest` command that repeats this backtest on the same data."""
    return shlex.join(["sendreform", "forecast", "backtest", "--sims", str(backtest.sims), "--seed",
                       str(backtest.seed), "--half-life", f"{backtest.half_life:g}", "--as-at",
                       backtest.as_at.isoformat(), "--out", f"var/forecast/backtest-{backtest.pk}"])


def forecast_backtest_verdict(*, backtest: ForecastBacktest) -> str:
    """The report's one-sentence verdict (whether the model beat both naive forecasts at every horizon), as
    backtest.md says it; empty until finished."""
    if backtest.status != DONE:
        return ""
    return backtest_headline(forecast_backtest_frames(backtest=backtest)["backtest_summary"])


def forecast_backtest_done(*, backtest: ForecastBacktest) -> dict:
    """What a finished backtest did, for its page to say in words: its origins, the censuses it learned from,
    how far ahead it forecast, the verdict's sentences by horizon and the report's one-sentence verdict."""
    if backtest.status != DONE:
        return {}
    frames = forecast_backtest_frames(backtest=backtest)
    origins, flows = sorted(frames["backtest"]["origin"].unique().tolist()), frames["history_flows"]
    return {"origins": len(origins), "first_origin": origins[0], "last_origin": origins[-1],
            "first_census": int(flows["from"].min()), "last_census": int(flows["to"].max()),
            "horizon": int(frames["backtest"]["horizon"].max()),
            "by_horizon": backtest_verdict(frames["backtest_summary"]).splitlines(),
            "verdict": forecast_backtest_verdict(backtest=backtest)}


def forecast_england_list():
    return EnglandBacktest.objects.select_related("created_by", "job").defer("tables", "report")


def forecast_england_get(*, pk: int) -> EnglandBacktest:
    return EnglandBacktest.objects.select_related("created_by", "job").get(pk=pk)


def forecast_england_latest_finished() -> EnglandBacktest | None:
    return EnglandBacktest.objects.filter(status=DONE).order_by("-finished", "-pk").first()


def forecast_england_frames(*, backtest: EnglandBacktest) -> dict[str, pd.DataFrame]:
    """The real-England backtest's tables: `england_backtest` and `england_summary` (as `sendreform forecast
    backtest --published` writes them to CSV) and `areas` (key, name, nine-character codes)."""
    return _frames(backtest.tables)


def forecast_england_command(*, backtest: EnglandBacktest) -> str:
    """The `sendreform forecast backtest --published` command that repeats this backtest."""
    return shlex.join(["sendreform", "forecast", "backtest", "--published", backtest.source, "--sims",
                       str(backtest.sims), "--seed", str(backtest.seed), "--out", f"var/forecast/england-{backtest.pk}"])


# The files of `sendreform forecast backtest --published`, as the command names them.
ENGLAND_FILES = ("england_backtest.csv", "england_summary.csv", "england_backtest.md")


def england_csv_text(*, name: str, frame: pd.DataFrame) -> str:
    """A stored table as the command writes it (the summary rounded to 2 places, as `england_write` does)."""
    return (frame.round(2) if name == "england_summary.csv" else frame).to_csv(index=False)


def forecast_england_done(*, backtest: EnglandBacktest) -> dict:
    """What a finished real-England backtest did, for its page to say in words: its areas, origins and the aim
    checked on each regime ({regime: [(aim, met)]})."""
    from sendreform.forecast.england import aim_check

    if backtest.status != DONE:
        return {}
    frames = forecast_england_frames(backtest=backtest)
    frame, summary = frames["england_backtest"], frames["england_summary"]
    origins = sorted(frame["origin"].unique().tolist())
    return {"areas": int(frame["area"].nunique()), "first_origin": origins[0], "last_origin": origins[-1],
            "last_census": int(frame["origin"].max()) + 1,
            "aims": {regime: list(aim_check(summary, regime).items()) for regime in summary["regime"].unique()}}


def forecast_england_accuracy(*, area_code: str) -> dict:
    """What the latest finished real-England backtest says of the model's accuracy 2 years ahead, over England
    and for the area with this code (nine-character or three-digit; the sentence says only England's if the
    backtest does not hold it): {"sentence", "backtest"}, or {} if no backtest has finished. For the run page and
    the data template."""
    from sendreform.forecast.england import accuracy_sentence

    backtest = forecast_england_latest_finished()
    if backtest is None:
        return {}
    frames = forecast_england_frames(backtest=backtest)
    areas = frames["areas"]
    match = areas[(areas["area"] == area_code) | areas["codes"].str.split(" + ", regex=False).apply(
        lambda codes: area_code in codes)]
    key, name = (match.iloc[0]["area"], match.iloc[0]["name"]) if len(match) else (None, "")
    sentence = accuracy_sentence(frames["england_backtest"], area=key, area_name=name)
    return {"sentence": sentence, "backtest": backtest} if sentence else {}


def summary_with_accuracy(summary: dict) -> dict:
    """A run's summary with what the latest real-England backtest says of the area's accuracy, for the data
    template's Assumptions sheet (unchanged when no backtest has finished)."""
    from sendreform.published.selectors import own_area_code

    sentence = forecast_england_accuracy(area_code=own_area_code()).get("sentence")
    return {**summary, "accuracy": sentence} if sentence else summary


def scenarios_list():
    return Scenario.objects.select_related("updated_by")


def scenario_get(*, pk: int) -> Scenario:
    return Scenario.objects.select_related("created_by", "updated_by").get(pk=pk)


def scenario_edits(*, scenario: Scenario) -> list[ScenarioEdit]:
    return list(scenario.edits.select_related("by"))
