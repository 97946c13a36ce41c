"""Forecast pages: the runs with the form that starts one in the background, a run's page (charts, tables,
downloads and how to reproduce it), the backtests of the model with the form that starts one and a backtest's
page, the scenarios with their edit history, and the background population the runs join from with the upload
that replaces it. Who may do what is decided in `selectors`; the writes are in `services`; these views only
render."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sendreform.common.concurrency import EditConflict, edit_conflict
from sendreform.forecasting import selectors
from sendreform.forecasting.charts import section_chart
from sendreform.forecasting.forms import (
    BacktestStartForm,
    EnglandStartForm,
    PopulationUploadForm,
    RunStartForm,
    ScenarioForm,
    ScenarioFromFieldsForm,
)
from sendreform.forecasting.models import DONE, EnglandBacktest, ForecastBacktest, ForecastRun, Scenario
from sendreform.forecasting.services import (
    forecast_backtest_start,
    forecast_england_start,
    forecast_run_start,
    scenario_create,
    scenario_update,
)
from sendreform.forecasting.tables import (
    BACKTEST_BREAKDOWNS,
    backtest_sections,
    england_sections,
    population_difference_table,
    population_table,
    run_sections,
)
from sendreform.interchange.population import Population, population_csv_text
from sendreform.places.selectors import population_loads_list, population_rows
from sendreform.places.services import population_replace
from sendreform.published.selectors import own_area_code
from sendreform.web.tables import Column, Table, rows_from, table_csv_response


def _reader(request):
    if not selectors.forecast_can_read(user=request.user):
        raise PermissionDenied("Your role cannot see the forecasts.")


def _runner(request):
    if not selectors.forecast_can_run(user=request.user):
        raise PermissionDenied("Your role can read forecasts but not run them or change scenarios.")


def _runs_table(runs) -> Table:
    return Table(
        caption="Forecast runs", csv_url=reverse("forecasting:runs-csv"),
        empty_text="No forecast has been run yet.",
        columns=[Column("run", "Run", link_key="url"), Column("scenario", "Scenario"),
                 Column("sims", "Simulations", numeric=True), Column("years", "Years ahead", numeric=True),
                 Column("created_by", "Started by"), Column("created", "Started"), Column("status", "Status")],
        rows=rows_from(runs, run=lambda r: f"Run {r.pk}", url=lambda r: reverse("forecasting:run", args=[r.pk]),
                       scenario=lambda r: r.scenario_label, sims=lambda r: r.sims, years=lambda r: r.years,
                       created_by=lambda r: r.created_by.username if r.created_by else "",
                       created=lambda r: r.created, status=lambda r: r.status_label))


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request):
    _reader(request)
    can_run = selectors.forecast_can_run(user=request.user)
    scenarios = list(selectors.scenarios_list())
    form = RunStartForm(scenarios=scenarios)
    if request.method == "POST":
        _runner(request)
        form = RunStartForm(request.POST, scenarios=scenarios)
        if form.is_valid():
            job = forecast_run_start(scenario=form.chosen_scenario, sims=form.cleaned_data["sims"],
                                     years=form.cleaned_data["years"], by=request.user)
            return redirect("jobs:detail", pk=job.pk)
    runs = list(selectors.forecast_runs_list()[:200])
    return render(request, "forecasting/run_list.html", {
        "form": form, "can_run": can_run, "table": _runs_table(runs), "scenario_count": len(scenarios)},
        status=400 if form.errors else 200)


@login_required
def run_list_csv(request):
    _reader(request)
    return table_csv_response(table=_runs_table(selectors.forecast_runs_list()), filename="forecast-runs.csv")


def _run(request, pk) -> ForecastRun:
    _reader(request)
    try:
        return selectors.forecast_run_get(pk=pk)
    except ForecastRun.DoesNotExist:
        raise Http404("No forecast run has this number.") from None


def _sections(request, run: ForecastRun):
    if run.status != DONE:
        return []
    return run_sections(selectors.forecast_run_frames(run=run),
                        suppressed=selectors.forecast_suppressed_for(user=request.user), sims=run.sims,
                        csv_url=lambda key: reverse("forecasting:run-csv", args=[run.pk, key]))


@login_required
def run_detail(request, pk):
    run = _run(request, pk)
    suppressed = selectors.forecast_suppressed_for(user=request.user)
    tables = _sections(request, run)
    sections = [{"section": s, "chart": c} for s, c in zip(tables, _charts(run, tables, suppressed), strict=True)]
    return render(request, "forecasting/run_detail.html", {
        "run": run, "sections": sections, "suppressed": suppressed, "command": selectors.forecast_run_command(run=run),
        "accuracy": selectors.forecast_england_accuracy(area_code=own_area_code()) if run.status == DONE else {},
        "summary": run.summary, "headline": _headline(run, suppressed), "model_tables": sorted(run.tables) if not suppressed else [],
        "can_run": selectors.forecast_can_run(user=request.user)})


def _charts(item: ForecastRun | ForecastBacktest | EnglandBacktest, sections, suppressed: bool) -> list:
    """The sections' charts; a finished run or backtest never changes, so its drawings (about a second of work
    for a run) are kept."""
    if item.status != DONE:
        return [section_chart(s) for s in sections]
    kind = {ForecastRun: "run", ForecastBacktest: "backtest", EnglandBacktest: "england"}[type(item)]
    key = f"forecast-{kind}-charts:{item.pk}:{item.finished.isoformat()}:{int(suppressed)}"
    charts = cache.get(key)
    if charts is None:
        charts = [section_chart(s) for s in sections]
        cache.set(key, charts, timeout=None)
    return charts


def _headline(run: ForecastRun, suppressed: bool) -> str:
    """The run in one sentence: the median and 95% interval of plans at the last projected census."""
    rows = (run.summary or {}).get("total_plans") or []
    if not rows or (suppressed and rows[-1]["median"] <= 5):
        return ""
    last = rows[-1]
    return (f"In January {last['year']} the median projection is {last['median']:,.0f} children and young people "
            f"with an EHC plan (95% interval {last['p2_5']:,.0f} to {last['p97_5']:,.0f}).")


@login_required
def run_csv(request, pk, key):
    run = _run(request, pk)
    section = next((s for s in _sections(request, run) if s.key == key), None)
    if section is None:
        raise Http404("This run has no such table.")
    return table_csv_response(table=section.table, filename=f"forecast-run-{run.pk}-{key}.csv")


def _council_view(request, item: ForecastRun | ForecastBacktest,
                  holds: str = "The model's own tables and the data template hold"):
    if selectors.forecast_suppressed_for(user=request.user):
        raise PermissionDenied(f"{holds} small numbers: they are for the council's own view.")
    if item.status != DONE:
        raise Http404("This has not finished.")


@login_required
def run_model_table(request, pk, name):
    """One of the model's own tables, exactly as `sendreform forecast run` writes it."""
    run = _run(request, pk)
    _council_view(request, run)
    frames = selectors.forecast_run_frames(run=run)
    if name not in frames:
        raise Http404("This run has no such table.")
    response = HttpResponse(frames[name].to_csv(index=False), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@login_required
def run_summary_json(request, pk):
    run = _run(request, pk)
    if run.status != DONE:
        raise Http404("This run has not finished.")
    # The stored text, so the file is byte for byte the one `sendreform forecast run` writes.
    response = HttpResponse(run.summary_json, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="forecast-run-{run.pk}-summary.json"'
    return response


@login_required
def run_scenario_yaml(request, pk):
    run = _run(request, pk)
    if not run.scenario_text:
        raise Http404("This run is the baseline: it has no scenario.")
    response = HttpResponse(run.scenario_text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-scenario.yaml"'
    return response


@login_required
def run_workbook(request, pk):
    run = _run(request, pk)
    _council_view(request, run)
    response = HttpResponse(bytes(run.workbook),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="forecast-run-{run.pk}-data-template.xlsx"'
    return response


# ------------------------------------------------------------------------------------------ backtests


def _backtests_table(backtests) -> Table:
    return Table(
        caption="Backtests", csv_url=reverse("forecasting:backtests-csv"),
        empty_text="No backtest has been run yet.",
        columns=[Column("backtest", "Backtest", link_key="url"), Column("sims", "Simulations", numeric=True),
                 Column("half_life", "Half-life (years)", numeric=True), Column("created_by", "Started by"),
                 Column("created", "Started"), Column("status", "Status"), Column("verdict", "Verdict")],
        rows=rows_from(backtests, backtest=lambda b: f"Backtest {b.pk}",
                       url=lambda b: reverse("forecasting:backtest", args=[b.pk]), sims=lambda b: b.sims,
                       half_life=lambda b: f"{b.half_life:g}",
                       created_by=lambda b: b.created_by.username if b.created_by else "",
                       created=lambda b: b.created, status=lambda b: b.status_label,
                       verdict=lambda b: selectors.forecast_backtest_verdict(backtest=b) or b.error))


@login_required
@require_http_methods(["GET", "POST"])
def backtest_list(request):
    _reader(request)
    form = BacktestStartForm()
    if request.method == "POST":
        _runner(request)
        form = BacktestStartForm(request.POST)
        if form.is_valid():
            job = forecast_backtest_start(sims=form.cleaned_data["sims"], half_life=form.cleaned_data["half_life"],
                                          by=request.user)
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "forecasting/backtest_list.html", {
        "form": form, "can_run": selectors.forecast_can_run(user=request.user),
        "table": _backtests_table(selectors.forecast_backtests_list()[:200])}, status=400 if form.errors else 200)


@login_required
def backtest_list_csv(request):
    _reader(request)
    return table_csv_response(table=_backtests_table(selectors.forecast_backtests_list()),
                              filename="forecast-backtests.csv")


def _backtest(request, pk) -> ForecastBacktest:
    _reader(request)
    try:
        return selectors.forecast_backtest_get(pk=pk)
    except ForecastBacktest.DoesNotExist:
        raise Http404("No backtest has this number.") from None


def _backtest_sections(request, backtest: ForecastBacktest):
    if backtest.status != DONE:
        return []
    return backtest_sections(selectors.forecast_backtest_frames(backtest=backtest),
                             suppressed=selectors.forecast_suppressed_for(user=request.user),
                             csv_url=lambda key: reverse("forecasting:backtest-csv", args=[backtest.pk, key]))


@login_required
def backtest_detail(request, pk):
    backtest = _backtest(request, pk)
    suppressed = selectors.forecast_suppressed_for(user=request.user)
    tables = _backtest_sections(request, backtest)
    sections = {s.key: {"section": s, "chart": c}
                for s, c in zip(tables, _charts(backtest, tables, suppressed), strict=True)}
    return render(request, "forecasting/backtest_detail.html", {
        "backtest": backtest, "half_life": f"{backtest.half_life:g}", "suppressed": suppressed,
        "horizon": sections.get("by-horizon"),
        "origins": sections.get("origins"), "history": sections.get("history"),
        "breakdowns": [sections[key] for key in BACKTEST_BREAKDOWNS.values() if key in sections],
        "done": selectors.forecast_backtest_done(backtest=backtest),
        "command": selectors.forecast_backtest_command(backtest=backtest),
        "files": selectors.BACKTEST_FILES if not suppressed else ()})


@login_required
def backtest_csv(request, pk, key):
    backtest = _backtest(request, pk)
    section = next((s for s in _backtest_sections(request, backtest) if s.key == key), None)
    if section is None:
        raise Http404("This backtest has no such table.")
    return table_csv_response(table=section.table, filename=f"forecast-backtest-{backtest.pk}-{key}.csv")


_BACKTEST_HOLDS = ("The backtest's report and its own tables hold the history's joiners and leavers in full, which "
                   "can be")


@login_required
def backtest_report(request, pk):
    """backtest.md exactly as `sendreform forecast backtest` writes it."""
    backtest = _backtest(request, pk)
    _council_view(request, backtest, holds=_BACKTEST_HOLDS)
    response = HttpResponse(backtest.report, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="forecast-backtest-{backtest.pk}.md"'
    return response


@login_required
def backtest_model_table(request, pk, name):
    """One of the files `sendreform forecast backtest` writes, exactly as it writes it."""
    backtest = _backtest(request, pk)
    _council_view(request, backtest, holds=_BACKTEST_HOLDS)
    frames = selectors.forecast_backtest_frames(backtest=backtest)
    if name not in selectors.BACKTEST_FILES or name not in frames:
        raise Http404("This backtest has no such table.")
    response = HttpResponse(frames[name].to_csv(index=False), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# ------------------------------------------------------------------------------------------ the real-England backtest


def _england_table(backtests) -> Table:
    return Table(
        caption="Real-England backtests", csv_url=reverse("forecasting:england-list-csv"),
        empty_text="No real-England backtest has been run yet.",
        columns=[Column("backtest", "Backtest", link_key="url"), Column("sims", "Simulations", numeric=True),
                 Column("created_by", "Started by"), Column("created", "Started"), Column("status", "Status")],
        rows=rows_from(backtests, backtest=lambda b: f"Real-England backtest {b.pk}",
                       url=lambda b: reverse("forecasting:england", args=[b.pk]), sims=lambda b: b.sims,
                       created_by=lambda b: b.created_by.username if b.created_by else "",
                       created=lambda b: b.created, status=lambda b: b.status_label))


@login_required
@require_http_methods(["GET", "POST"])
def england_list(request):
    _reader(request)
    form = EnglandStartForm()
    if request.method == "POST":
        _runner(request)
        form = EnglandStartForm(request.POST)
        if form.is_valid():
            job = forecast_england_start(sims=form.cleaned_data["sims"], by=request.user)
            return redirect("jobs:detail", pk=job.pk)
    return render(request, "forecasting/england_list.html", {
        "form": form, "can_run": selectors.forecast_can_run(user=request.user),
        "table": _england_table(selectors.forecast_england_list()[:200])}, status=400 if form.errors else 200)


@login_required
def england_list_csv(request):
    _reader(request)
    return table_csv_response(table=_england_table(selectors.forecast_england_list()),
                              filename="real-england-backtests.csv")


def _england(request, pk) -> EnglandBacktest:
    _reader(request)
    try:
        return selectors.forecast_england_get(pk=pk)
    except EnglandBacktest.DoesNotExist:
        raise Http404("No real-England backtest has this number.") from None


def _england_sections(backtest: EnglandBacktest):
    if backtest.status != DONE:
        return []
    return england_sections(selectors.forecast_england_frames(backtest=backtest),
                            csv_url=lambda key: reverse("forecasting:england-csv", args=[backtest.pk, key]))


@login_required
def england_detail(request, pk):
    backtest = _england(request, pk)
    tables = _england_sections(backtest)
    sections = [{"section": s, "chart": c} for s, c in zip(tables, _charts(backtest, tables, False), strict=True)]
    return render(request, "forecasting/england_detail.html", {
        "backtest": backtest, "regimes": sections[:-1], "areas": sections[-1] if sections else None,
        "done": selectors.forecast_england_done(backtest=backtest),
        "command": selectors.forecast_england_command(backtest=backtest), "files": selectors.ENGLAND_FILES})


@login_required
def england_csv(request, pk, key):
    backtest = _england(request, pk)
    section = next((s for s in _england_sections(backtest) if s.key == key), None)
    if section is None:
        raise Http404("This backtest has no such table.")
    return table_csv_response(table=section.table, filename=f"real-england-backtest-{backtest.pk}-{key}.csv")


@login_required
def england_file(request, pk, name):
    """One of the files `sendreform forecast backtest --published` writes, exactly as it writes it."""
    backtest = _england(request, pk)
    if backtest.status != DONE or name not in selectors.ENGLAND_FILES:
        raise Http404("This backtest has no such file.")
    if name.endswith(".md"):
        response = HttpResponse(backtest.report, content_type="text/markdown; charset=utf-8")
    else:
        frame = selectors.forecast_england_frames(backtest=backtest)[name.removesuffix(".csv")]
        response = HttpResponse(selectors.england_csv_text(name=name, frame=frame), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ------------------------------------------------------------------------------------------ scenarios


def _scenarios_table(scenarios) -> Table:
    return Table(
        caption="Scenarios", csv_url=reverse("forecasting:scenarios-csv"), empty_text="No scenarios yet.",
        columns=[Column("name", "Scenario", link_key="url"), Column("description", "What it changes"),
                 Column("updated_by", "Last changed by"), Column("updated", "Last changed")],
        rows=rows_from(scenarios, name=lambda s: s.name, url=lambda s: reverse("forecasting:scenario", args=[s.pk]),
                       description=lambda s: s.description,
                       updated_by=lambda s: s.updated_by.username if s.updated_by else "loaded from a file",
                       updated=lambda s: s.updated))


@login_required
def scenario_list(request):
    _reader(request)
    return render(request, "forecasting/scenario_list.html", {
        "table": _scenarios_table(selectors.scenarios_list()),
        "can_edit": selectors.forecast_can_run(user=request.user)})


@login_required
def scenario_list_csv(request):
    _reader(request)
    return table_csv_response(table=_scenarios_table(selectors.scenarios_list()), filename="forecast-scenarios.csv")


def _scenario(request, pk) -> Scenario:
    _reader(request)
    try:
        return selectors.scenario_get(pk=pk)
    except Scenario.DoesNotExist:
        raise Http404("No scenario has this number.") from None


def _edits_table(scenario) -> Table:
    return Table(caption="History of changes", csv_url=reverse("forecasting:scenario-history-csv", args=[scenario.pk]),
                 columns=[Column("at", "When"), Column("by", "Who"), Column("note", "What")],
                 rows=rows_from(selectors.scenario_edits(scenario=scenario), at=lambda e: e.at,
                                by=lambda e: e.by.username if e.by else "the demo", note=lambda e: e.note))


@login_required
def scenario_detail(request, pk):
    scenario = _scenario(request, pk)
    # The button starts a run with the start form's own defaults, so the two ways to start one agree.
    sims, years = RunStartForm.base_fields["sims"].initial, RunStartForm.base_fields["years"].initial
    return render(request, "forecasting/scenario_detail.html", {
        "scenario": scenario, "history": _edits_table(scenario),
        "can_edit": selectors.forecast_can_run(user=request.user),
        "run_defaults": {"sims": sims, "sims_text": f"{sims:,}", "years": years}})


@login_required
def scenario_history_csv(request, pk):
    scenario = _scenario(request, pk)
    return table_csv_response(table=_edits_table(scenario), filename=f"scenario-{scenario.pk}-history.csv")


@login_required
@require_http_methods(["GET", "POST"])
def scenario_edit(request, pk=None):
    _reader(request)
    _runner(request)
    scenario = _scenario(request, pk) if pk is not None else None
    conflict = {}
    if request.method == "POST":
        form = ScenarioForm(request.POST, scenario=scenario)
        if form.is_valid():
            try:
                if scenario is None:
                    scenario = scenario_create(text=form.cleaned_data["text"], by=request.user)
                else:
                    scenario = scenario_update(scenario=scenario, version=form.cleaned_data["version"],
                                               text=form.cleaned_data["text"], by=request.user)
                return redirect("forecasting:scenario", pk=scenario.pk)
            except EditConflict as exc:
                scenario = exc.current
                conflict = edit_conflict(form=form, what="scenario", current=scenario)
    else:
        form = ScenarioForm(initial={"text": scenario.text if scenario else NEW_SCENARIO,
                                     "version": scenario.version if scenario else None}, scenario=scenario)
    return render(request, "forecasting/scenario_edit.html", {"form": form, "scenario": scenario, **conflict},
                  status=409 if conflict else 400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_from_fields(request):
    _reader(request)
    _runner(request)
    form = ScenarioFromFieldsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scenario = scenario_create(text=form.cleaned_data["text"], by=request.user, note="Created from the form")
        return redirect("forecasting:scenario", pk=scenario.pk)
    return render(request, "forecasting/scenario_fields.html", {"form": form}, status=400 if form.errors else 200)


NEW_SCENARIO = """\
name: A new scenario
description: What the scenario changes, in a sentence or two.
changes:
  - type: scale
    transition: joining
    factor: 0.9
    from: 2027-09-01
"""


# ------------------------------------------------------------------------------------------ the background population

# The file read and waiting for the officer's confirmation: its name, what it was, and its rows (at most 26 ages
# by some 30 years), kept in the server-side session, never in the page.
_UPLOAD = "forecasting-population-upload"


def _censuses(years: list[int]) -> str:
    """January censuses in words: "the January 2026 census" or "the January 2026 to 2043 censuses"."""
    if len(years) == 1:
        return f"the January {years[0]} census"
    return f"the January {years[0]} to {years[-1]} censuses"


def _stored_table(rows) -> Table:
    return population_table(rows, caption="Background population by January census and age group",
                            csv_url=reverse("forecasting:population-table-csv"),
                            empty_text="No population is stored for any January census.")


def _loads_table() -> Table:
    return Table(
        caption="Replacements of the population: who, when and from which file",
        csv_url=reverse("forecasting:population-history-csv"),
        empty_text="The population has not been replaced here or with sendreform population load: what is "
                   "stored came with the data.",
        columns=[Column("at", "When"), Column("by", "Who"), Column("source", "File"), Column("shape", "What it was"),
                 Column("area", "Area"), Column("censuses", "January censuses"),
                 Column("added", "Rows added", numeric=True), Column("changed", "Rows changed", numeric=True),
                 Column("unchanged", "Rows unchanged", numeric=True)],
        rows=rows_from(population_loads_list(), at=lambda load: load.at,
                       by=lambda load: load.by.username if load.by else "sendreform population load",
                       source=lambda load: load.source, shape=lambda load: load.shape, area=lambda load: load.area,
                       censuses=lambda load: f"{load.year_from} to {load.year_to}" if load.year_to != load.year_from
                       else str(load.year_from),
                       added=lambda load: load.added, changed=lambda load: load.changed,
                       unchanged=lambda load: load.unchanged))


def _latest_run_years() -> dict:
    run = selectors.forecast_run_latest_finished()
    if run is None:
        return {}
    return {"run": run, **selectors.forecast_run_population_years(run=run)}


@login_required
@require_http_methods(["GET", "POST"])
def population(request):
    _reader(request)
    form = PopulationUploadForm()
    if request.method == "POST":
        _runner(request)
        form = PopulationUploadForm(request.POST, request.FILES)
        if form.is_valid():
            read = form.population
            request.session[_UPLOAD] = {
                "token": secrets.token_urlsafe(16), "file_name": form.file_name, "area": read.area,
                "shape": read.shape, "rows": [[year, age, count] for (year, age), count in sorted(read.rows.items())]}
            return redirect("forecasting:population-confirm")
    rows = population_rows()
    years = sorted({year for year, _ in rows})
    return render(request, "forecasting/population.html", {
        "form": form, "can_replace": selectors.forecast_can_run(user=request.user), "table": _stored_table(rows),
        "stored": {"censuses": _censuses(years), "years": len(years), "rows": len(rows)} if years else None,
        "history": _loads_table(), "latest": _latest_run_years(),
        "waiting": request.session.get(_UPLOAD) if selectors.forecast_can_run(user=request.user) else None},
        status=400 if form.errors else 200)


@login_required
def population_table_csv(request):
    _reader(request)
    return table_csv_response(table=_stored_table(population_rows()), filename="population-by-age-group.csv")


@login_required
def population_csv(request):
    """Every stored row as the canonical population.csv (year, age, population), as `sendreform population
    convert` writes it: it can be uploaded here again, or read with --data."""
    _reader(request)
    stored = Population(rows=population_rows(), area=None, shape="canonical population.csv")
    text = population_csv_text(stored)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="population.csv"'
    return response


@login_required
def population_history_csv(request):
    _reader(request)
    return table_csv_response(table=_loads_table(), filename="population-history.csv")


def _waiting(request) -> dict | None:
    """The file read and waiting for confirmation, for those who may replace the population."""
    _reader(request)
    _runner(request)
    return request.session.get(_UPLOAD)


def _waiting_population(upload: dict) -> Population:
    return Population(rows={(year, age): count for year, age, count in upload["rows"]}, area=upload["area"],
                      shape=upload["shape"])


def _confirm_tables(upload: dict) -> dict[str, Table]:
    read = _waiting_population(upload)
    stored = population_rows(years=read.years)

    def csv_url(key: str) -> str:
        return reverse("forecasting:population-confirm-csv", args=[key])

    return {
        "file": population_table(read.rows, caption="Population in the file by January census and age group",
                                 csv_url=csv_url("file")),
        "stored": population_table(stored, caption="Population stored now for the same censuses",
                                   csv_url=csv_url("stored"),
                                   empty_text="Nothing is stored for these censuses yet: every row will be added."),
        "difference": population_difference_table(read.rows, stored, csv_url=csv_url("difference")),
    }


@login_required
@require_http_methods(["GET", "POST"])
def population_confirm(request):
    upload = _waiting(request)
    if request.method == "POST":
        if upload is None or request.POST.get("upload") != upload["token"]:
            messages.warning(request, "Nothing was changed: the file you confirmed is no longer waiting (it was "
                                      "cancelled, another file was uploaded since, or you signed out). Upload it "
                                      "again.")
            return redirect("forecasting:population")
        del request.session[_UPLOAD]
        if request.POST.get("action") != "replace":
            messages.info(request, f"Nothing was changed: {upload['file_name']} was not stored.")
            return redirect("forecasting:population")
        read = _waiting_population(upload)
        counts = population_replace(population=read, by=request.user, source=upload["file_name"])
        messages.success(request, f"Population replaced for {_censuses(read.years)}: {counts['added']:,} added, "
                                  f"{counts['changed']:,} changed, {counts['unchanged']:,} unchanged")
        return redirect("forecasting:population")
    if upload is None:
        return redirect("forecasting:population")
    read = _waiting_population(upload)
    stored_years = sorted({year for year, _ in population_rows(years=read.years)})
    new_years = [year for year in read.years if year not in stored_years]
    years = read.years
    span = f"{years[0]} to {years[-1]} ({len(years)} years" if len(years) > 1 else f"{years[0]} (1 year"
    return render(request, "forecasting/population_confirm.html", {
        "upload": upload, "tables": _confirm_tables(upload),
        "new_years": {"censuses": _censuses(new_years), "count": len(new_years)} if new_years else None,
        "summary": [("File", upload["file_name"]), ("What it is", read.shape),
                    ("Area", read.area or "None: a canonical population.csv names no area"),
                    ("January censuses", f"{span} of ages 0 to 25: {len(read.rows):,} rows)")]})


@login_required
def population_confirm_csv(request, key):
    upload = _waiting(request)
    tables = _confirm_tables(upload) if upload else {}
    if key not in tables:
        raise Http404("No file is waiting to be confirmed, or it has no such table.")
    return table_csv_response(table=tables[key], filename=f"population-upload-{key}.csv")
