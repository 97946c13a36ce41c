"""Writes of the forecasts: scenarios created and edited (validated by the model's own parser, every version
kept), the demo's scenarios loaded from `scenarios/*.yaml`, forecast runs started as background jobs, computed
from the live database's history and stored with their tables, summary.json and workbook, and backtests of the
model started and stored the same way with their tables and report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sendreform.common.concurrency import version_update
from sendreform.forecast.history import History
from sendreform.forecast.scenarios import ScenarioError, scenario_parse
from sendreform.forecasting.models import (
    DONE,
    EnglandBacktest,
    ForecastBacktest,
    ForecastRun,
    Scenario,
    ScenarioEdit,
)
from sendreform.forecasting.selectors import summary_with_accuracy

Progress = Callable[[str, int, int], None]
JOB_TARGET = "sendreform.forecasting.services.forecast_run_execute"
BACKTEST_JOB_TARGET = "sendreform.forecasting.services.forecast_backtest_execute"
MIN_SIMS, MAX_SIMS = 10, 10_000
MIN_YEARS, MAX_YEARS = 1, 10
# A recency half-life (years) shorter than half a year ignores all but the last transition year; one longer than
# the eight censuses of a history weights them all alike.
MIN_HALF_LIFE, MAX_HALF_LIFE = 0.5, 10.0


def _name_line(text: str) -> int | None:
    match = re.search(r"^name\s*:", text, flags=re.MULTILINE)
    return text[:match.start()].count("\n") + 1 if match else None


def scenario_validate(*, text: str, scenario: Scenario | None = None):
    """The model's scenario from the text, or a `ScenarioError` naming the line; a name another stored
    scenario already has is an error too (the name is how runs and pages refer to it)."""
    parsed = scenario_parse(text)
    clash = Scenario.objects.filter(name=parsed.name)
    if scenario is not None:
        clash = clash.exclude(pk=scenario.pk)
    if clash.exists():
        raise ScenarioError(f"another scenario is already called {parsed.name!r}; give this one its own name",
                            line=_name_line(text))
    if len(parsed.name) > Scenario._meta.get_field("name").max_length:
        raise ScenarioError("the name must be 200 characters or fewer", line=_name_line(text))
    return parsed


@transaction.atomic
def scenario_create(*, text: str, by, note: str = "Created") -> Scenario:
    parsed = scenario_validate(text=text)
    scenario = Scenario.objects.create(name=parsed.name, description=parsed.description.strip(), text=text,
                                       created_by=by, updated_by=by)
    ScenarioEdit.objects.create(scenario=scenario, text=text, by=by, note=note)
    return scenario


@transaction.atomic
def scenario_update(*, scenario: Scenario, version: int, text: str, by) -> Scenario:
    """Save a new version of the scenario; nothing is saved if the text is not a valid scenario. Raises
    EditConflict if the scenario is no longer at `version` (someone else saved it since the form was shown)."""
    parsed = scenario_validate(text=text, scenario=scenario)
    if text == scenario.text:
        return scenario
    scenario.name, scenario.description, scenario.text = parsed.name, parsed.description.strip(), text
    scenario.updated_by, scenario.updated = by, timezone.now()
    version_update(scenario, version=version, fields=["name", "description", "text", "updated_by", "updated"])
    ScenarioEdit.objects.create(scenario=scenario, text=text, by=by, note="Edited")
    return scenario


def scenarios_demo_ensure(*, folder: Path | None = None) -> list[str]:
    """Load each `scenarios/*.yaml` whose scenario name is not stored yet; returns the names loaded."""
    folder = Path(folder) if folder is not None else Path(settings.BASE_DIR) / "scenarios"
    loaded = []
    for path in sorted(folder.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        name = scenario_parse(text, source=path.name).name
        if not Scenario.objects.filter(name=name).exists():
            scenario_create(text=text, by=None, note=f"Loaded from {path.name}")
            loaded.append(name)
    return loaded


@transaction.atomic  # the job is queued once the run links to it, so the run always takes the job's status
def forecast_run_start(*, scenario: Scenario | None, sims: int, years: int, by, seed: int = 870,
                       half_life: float | None = None, as_at: dt.date | None = None):
    """Record a run and start it as a background job; returns the job (whose page follows it). Without a
    half-life the run uses the model's own default, as `sendreform forecast run` does."""
    from sendreform.forecast.model import DEFAULT_HALF_LIFE
    from sendreform.jobs.services import job_start

    if not (MIN_SIMS <= sims <= MAX_SIMS and MIN_YEARS <= years <= MAX_YEARS):
        raise ValueError(f"simulations must be {MIN_SIMS} to {MAX_SIMS:,} and years {MIN_YEARS} to {MAX_YEARS}")
    run = ForecastRun.objects.create(
        scenario=scenario, scenario_name=scenario.name if scenario else "",
        scenario_text=scenario.text if scenario else "", sims=sims, years=years, seed=seed,
        half_life=half_life or DEFAULT_HALF_LIFE,
        as_at=as_at or dt.date.today(), created_by=by)
    job = job_start(kind="forecast", title=f"Forecast: {run.scenario_label}, {sims:,} simulations of {years} "
                                           f"year{'s' if years != 1 else ''}",
                    target=JOB_TARGET, params={"run_id": run.pk}, by=by)
    ForecastRun.objects.filter(pk=run.pk).update(job=job)
    return job


def history_read(*, as_at: dt.date, progress: Progress | None = None) -> History:
    """The census history the model learns from, read from the live database as it stood on `as_at` (through
    its own connection, so a background job can read it)."""
    from sendreform.common.warehouse import ibis_connection
    from sendreform.forecast.history import history_from_connection

    if progress:
        progress("Reading the census history", 0, 1)
    con = ibis_connection()
    try:
        return history_from_connection(con=con, as_at=as_at)
    finally:
        con.disconnect()


def forecast_run_execute(*, params: dict, progress: Progress, job=None) -> str:
    """The background job: read the history from the live database, run the model, store the results;
    returns the run's page. A failure is raised for the job to record, on itself and the run alike."""
    run = ForecastRun.objects.get(pk=params["run_id"])
    if not run.summary_json:  # (a retry of a job that stored its results but died before it could say so)
        history = history_read(as_at=run.as_at, progress=progress)
        forecast_run_compute(run=run, history=history, progress=progress)
    return reverse("forecasting:run", args=[run.pk])


def _table_stored(frame: pd.DataFrame) -> dict:
    """A table as its columns and rows, lists because PostgreSQL's jsonb does not keep the order of an object's
    keys; each number exactly as the model made it (`to_json` would round to 10 significant figures, and the
    CSV would then differ from the command line's), a missing value as null."""
    split = frame.to_dict(orient="split", index=False)
    return {"columns": [str(c) for c in split["columns"]],
            "data": [[None if pd.isna(v) else v for v in row] for row in split["data"]]}


def forecast_run_compute(*, run: ForecastRun, history: History, progress: Progress | None = None) -> ForecastRun:
    """Run the model on `history` with the run's parameters and store its tables, summary and workbook."""
    from sendreform.cli.main import code_version
    from sendreform.forecast.run import forecast_run, run_write
    from sendreform.forecast.template import template_values, template_write

    scenario = scenario_parse(run.scenario_text, source=run.scenario_name) if run.scenario_text else None
    result = forecast_run(history=history, years=run.years, sims=run.sims, seed=run.seed, scenario=scenario,
                          half_life=run.half_life, code_version=code_version(), progress=progress)
    if progress:
        progress("Writing the tables and the data template", 0, 1)
    from sendreform.returns.layout import lsrp_mapping_load

    mapping = lsrp_mapping_load(settings.SENDREFORM_LSRP_MAPPING)  # the area's own, as the returns use
    sections = template_values(sim=result.scenario or result.baseline, history=history, seed=run.seed,
                               mapping=mapping)
    with tempfile.TemporaryDirectory() as folder:
        path = template_write(path=Path(folder) / "data-template.xlsx", sections=sections, history=history,
                              summary=summary_with_accuracy(result.summary), mapping=mapping)
        workbook = path.read_bytes()
        # summary.json as the command line writes it (its keys in order, indented alike), kept as that text.
        run_write(run=dataclasses.replace(result, tables={}), out_dir=folder)
        summary_json = (Path(folder) / "summary.json").read_text(encoding="utf-8")
    run.tables = {name: _table_stored(frame) for name, frame in result.tables.items()}
    run.summary_json = summary_json
    run.workbook = workbook
    _work_store(run, "tables", "summary_json", "workbook")
    return run


def _work_store(work, *fields: str) -> None:
    """Store what was computed; a run or backtest with a job takes its status from the job (which finishes once
    this returns), and one computed without a job is finished now."""
    if work.job_id is None:
        work.status, work.finished, work.error = DONE, timezone.now(), ""
        fields = (*fields, "status", "finished", "error")
    work.save(update_fields=fields)


# ------------------------------------------------------------------------------------------ backtests


@transaction.atomic  # (as forecast_run_start)
def forecast_backtest_start(*, sims: int, by, seed: int = 870, half_life: float | None = None,
                            as_at: dt.date | None = None):
    """Record a backtest and start it as a background job; returns the job (whose page follows it). Without a
    half-life it uses the model's own default, as `sendreform forecast backtest` does."""
    from sendreform.forecast.model import DEFAULT_HALF_LIFE
    from sendreform.jobs.services import job_start

    if not MIN_SIMS <= sims <= MAX_SIMS:
        raise ValueError(f"simulations must be {MIN_SIMS} to {MAX_SIMS:,}")
    if half_life is not None and not MIN_HALF_LIFE <= half_life <= MAX_HALF_LIFE:
        raise ValueError(f"the half-life must be {MIN_HALF_LIFE:g} to {MAX_HALF_LIFE:g} years")
    backtest = ForecastBacktest.objects.create(sims=sims, seed=seed, half_life=half_life or DEFAULT_HALF_LIFE,
                                               as_at=as_at or dt.date.today(), created_by=by)
    job = job_start(kind="forecast_backtest", title=f"Forecast backtest: {sims:,} simulations from each past census",
                    target=BACKTEST_JOB_TARGET, params={"backtest_id": backtest.pk}, by=by)
    ForecastBacktest.objects.filter(pk=backtest.pk).update(job=job)
    return job


def forecast_backtest_execute(*, params: dict, progress: Progress, job=None) -> str:
    """The background job: read the history from the live database as forecast runs do, backtest the model on
    it, store the results; returns the backtest's page. A failure is raised for the job to record, on itself and
    the backtest alike."""
    backtest = ForecastBacktest.objects.get(pk=params["backtest_id"])
    if not backtest.report:  # (a retry of a job that stored its results but died before it could say so)
        history = history_read(as_at=backtest.as_at, progress=progress)
        forecast_backtest_compute(backtest=backtest, history=history, progress=progress)
    return reverse("forecasting:backtest", args=[backtest.pk])


def forecast_backtest_compute(*, backtest: ForecastBacktest, history: History,
                              progress: Progress | None = None) -> ForecastBacktest:
    """Backtest the model on `history` with the backtest's parameters and store what `sendreform forecast
    backtest` writes (its three tables and backtest.md), with the breakdowns' summary and the history's joiners
    and leavers that its report shows. Progress is reported as each origin is done."""
    from sendreform.forecast.backtest import (
        MIN_TRANSITIONS,
        backtest_frames,
        backtest_history_check,
        backtest_report,
        backtest_summary,
        breakdown_summary,
        history_flows,
    )

    backtest_history_check(history)
    origins = history.years[MIN_TRANSITIONS:-1]

    def each_origin(_stage: str, done: int, total: int) -> None:
        if progress:
            stage = (f"Forecasting from the January {origins[done]} census" if done < total else
                     "Writing the report")
            progress(stage, done, total)

    each_origin("", 0, len(origins))
    frame, cells = backtest_frames(history=history, sims=backtest.sims, seed=backtest.seed,
                                   half_life=backtest.half_life, progress=each_origin)
    summary, by = backtest_summary(frame), breakdown_summary(cells)
    report = backtest_report(frame=frame, summary=summary, by=by, history=history, sims=backtest.sims,
                             seed=backtest.seed, half_life=backtest.half_life)
    backtest.tables = {name: _table_stored(table) for name, table in (
        ("backtest", frame), ("backtest_summary", summary), ("backtest_breakdowns", cells),
        ("breakdown_summary", by), ("history_flows", history_flows(history)))}
    backtest.report = report
    _work_store(backtest, "tables", "report")
    return backtest


# ------------------------------------------------------------------------------------------ the real-England backtest

ENGLAND_JOB_TARGET = "sendreform.forecasting.services.forecast_england_execute"


@transaction.atomic  # (as forecast_run_start)
def forecast_england_start(*, sims: int, by, seed: int = 870, source: str | None = None):
    """Record a real-England backtest and start it as a background job; returns the job (whose page follows it).
    It reads the DfE release CSVs in `source` (default: the SENDREFORM_PUBLISHED_EHCP setting, the extract the
    repository ships)."""
    from sendreform.jobs.services import job_start

    if not MIN_SIMS <= sims <= MAX_SIMS:
        raise ValueError(f"simulations must be {MIN_SIMS} to {MAX_SIMS:,}")
    backtest = EnglandBacktest.objects.create(sims=sims, seed=seed, source=str(source or settings.PUBLISHED_EHCP),
                                              created_by=by)
    job = job_start(kind="forecast_england", title=f"Real-England backtest: {sims:,} simulations for each area "
                                                   "from each past census",
                    target=ENGLAND_JOB_TARGET, params={"backtest_id": backtest.pk}, by=by)
    EnglandBacktest.objects.filter(pk=backtest.pk).update(job=job)
    return job


def forecast_england_execute(*, params: dict, progress: Progress, job=None) -> str:
    """The background job: read the release CSVs, backtest every area, store the results; returns the page. A
    failure (a missing or malformed file, named) is raised for the job to record."""
    from sendreform.forecast.published import published_load

    backtest = EnglandBacktest.objects.get(pk=params["backtest_id"])
    if not backtest.report:  # (a retry of a job that stored its results but died before it could say so)
        progress("Reading the DfE release CSVs", 0, 1)
        published = published_load(folder=backtest.source)
        forecast_england_compute(backtest=backtest, published=published, progress=progress)
    return reverse("forecasting:england", args=[backtest.pk])


def forecast_england_compute(*, backtest: EnglandBacktest, published, areas: list[str] | None = None,
                             progress: Progress | None = None) -> EnglandBacktest:
    """Backtest the model on `published` (every area, or `areas`) with the backtest's parameters and store what
    `sendreform forecast backtest --published` writes, the areas and the loader's defects."""
    from sendreform.forecast.england import england_results

    def each_origin(_stage: str, done: int, total: int) -> None:
        if progress:
            progress("Forecasting every area from each past census" if done < total else "Writing the report",
                     done, total)

    frame, summary, report = england_results(published=published, areas=areas, sims=backtest.sims,
                                             seed=backtest.seed, progress=each_origin)
    shown = published.areas.loc[frame["area"].unique()].reset_index()
    backtest.tables = {"england_backtest": _table_stored(frame), "england_summary": _table_stored(summary),
                       "areas": _table_stored(shown)}
    backtest.defects = list(published.defects)
    backtest.report = report
    _work_store(backtest, "tables", "defects", "report")
    return backtest
