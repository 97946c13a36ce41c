"""Forecast services: a run on a small hand-built area stores the model's own tables; scenarios are validated
by the model's parser, naming the line, and nothing is saved on error; the demo's scenarios load once."""

import datetime as dt

import pandas as pd
import pytest

from sendreform.common.warehouse import ibis_connection
from sendreform.forecast.history import history_from_connection
from sendreform.forecast.model import DEFAULT_HALF_LIFE
from sendreform.forecast.run import FILES, forecast_run
from sendreform.forecast.scenarios import ScenarioError
from sendreform.forecasting.models import DONE, ForecastRun, Scenario, ScenarioEdit
from sendreform.forecasting.selectors import forecast_run_frames
from sendreform.forecasting.services import (
    forecast_run_compute,
    forecast_run_start,
    scenario_create,
    scenario_update,
    scenarios_demo_ensure,
)
from sendreform.jobs.models import Job
from sendreform.jobs.services import job_execute
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CUT = """\
name: Fewer new plans
description: Ten per cent fewer children join from September.
changes:
  - type: scale
    transition: joining
    factor: 0.9
    from: {date}
"""


def _history():
    con = ibis_connection()
    try:
        return history_from_connection(con=con, as_at=dt.date.today())
    finally:
        con.disconnect()


@pytest.mark.django_db(transaction=True)  # the model reads through its own connection to the database
def test_a_run_stores_the_tables_the_model_makes(small_area):
    # Given the small area (30 plans at the last census) and a baseline run of 50 simulations of 2 years
    officer = UserFactory()
    run = ForecastRun.objects.create(sims=50, years=2, seed=7, half_life=DEFAULT_HALF_LIFE, as_at=dt.date.today(),
                                     created_by=officer)
    history = _history()
    # When the run is computed and stored
    forecast_run_compute(run=run, history=history)
    run.refresh_from_db()
    # Then it is finished, and its stored tables are the model's own for the same history and seed
    expected = forecast_run(history=history, years=2, sims=50, seed=7)
    assert run.status == DONE
    stored = forecast_run_frames(run=run)
    assert set(stored) == set(FILES) - {"scenario_vs_baseline"}
    total = stored["total_plans"]
    assert total[total["kind"] == "actual"]["median"].iloc[-1] == small_area["plans"]
    pd.testing.assert_frame_equal(stored["total_plans"], expected.tables["total_plans"], check_dtype=False)
    assert stored["cost_total"]["median"].sum() == pytest.approx(expected.tables["cost_total"]["median"].sum())
    assert [r["median"] for r in run.summary["total_plans"]] == [r["median"] for r in expected.summary["total_plans"]]
    assert run.summary["seed"] == 7 and run.summary["last_census"] == small_area["last_census"]
    assert bytes(run.workbook[:2]) == b"PK"  # an .xlsx is a zip file


@pytest.mark.django_db(transaction=True)
def test_a_started_run_goes_through_a_job_and_links_to_its_page(small_area, settings):
    officer = UserFactory()
    scenario = scenario_create(text=CUT.format(date=f"{small_area['last_census']}-09-01"), by=officer)
    # Given a scenario run started as a job
    job = forecast_run_start(scenario=scenario, sims=20, years=1, by=officer)
    run = ForecastRun.objects.get(job=job)
    assert (run.scenario_name, run.scenario_text) == ("Fewer new plans", scenario.text)
    # When the job has run
    job = job_execute(job_id=job.pk)  # (already run: this only reads it back)
    # Then it finished with the run's page as its result, and the run holds the scenario against the baseline
    assert job.status == "done" and job.result_url == f"/forecasts/runs/{run.pk}/"
    run.refresh_from_db()
    vs = forecast_run_frames(run=run)["scenario_vs_baseline"]
    assert set(vs["measure"]) >= {"total plans", "High Needs cost (pounds)"}
    assert run.summary["scenario"]["name"] == "Fewer new plans"


@pytest.mark.django_db(transaction=True)
def test_a_run_that_fails_says_why_on_the_run_and_the_job(settings):
    # Given no data at all in the database
    officer = UserFactory()
    job = forecast_run_start(scenario=None, sims=20, years=1, by=officer)
    # When the job has run
    job = job_execute(job_id=job.pk)  # (already run: this only reads it back)
    # Then both the job and the run are failed, with the same reason
    run = ForecastRun.objects.get(job=job)
    assert job.status == "failed" and run.status == "failed"
    assert run.error and run.error.split(":")[0] == job.error.split(":")[0]


def test_a_scenario_error_names_the_line_and_nothing_is_saved():
    officer = UserFactory()
    text = CUT.format(date="2027-09-01").replace("transition: joining", "transition: flying")
    with pytest.raises(ScenarioError) as error:
        scenario_create(text=text, by=officer)
    assert error.value.line == 5
    assert error.value.message.startswith("transition must be one of joining, leaving")
    assert not Scenario.objects.exists() and not ScenarioEdit.objects.exists()


def test_an_edit_keeps_the_history_and_a_bad_edit_changes_nothing():
    officer, analyst = UserFactory(username="olu"), UserFactory(username="ana", role="ANALYST")
    scenario = scenario_create(text=CUT.format(date="2027-09-01"), by=officer)
    scenario_update(scenario=scenario, version=0, text=CUT.format(date="2028-09-01"), by=analyst)
    with pytest.raises(ScenarioError) as error:
        scenario_update(scenario=scenario, version=1, text=CUT.format(date="next year"), by=analyst)
    assert error.value.line == 7 and "from must be a date" in error.value.message
    scenario.refresh_from_db()
    assert "2028-09-01" in scenario.text and scenario.updated_by == analyst
    assert [(e.by.username, e.note) for e in scenario.edits.all()] == [("ana", "Edited"), ("olu", "Created")]


def test_two_scenarios_cannot_share_a_name():
    scenario_create(text=CUT.format(date="2027-09-01"), by=None)
    with pytest.raises(ScenarioError) as error:
        scenario_create(text=CUT.format(date="2028-09-01"), by=None)
    assert error.value.line == 1 and "already called 'Fewer new plans'" in error.value.message


def test_the_demo_scenarios_load_once():
    assert scenarios_demo_ensure() == ["Experts at Hand and local specialist places"]
    assert scenarios_demo_ensure() == []
    scenario = Scenario.objects.get()
    assert scenario.edits.get().note == "Loaded from experts-at-hand.yaml"
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_command_line_on_the_run_page_repeats_the_run(small_area, settings, tmp_path, monkeypatch):
    # Given a baseline run started from the app on the small area
    import json
    import shlex

    from sendreform.cli.main import main
    from sendreform.forecasting.selectors import forecast_run_command

    job = forecast_run_start(scenario=None, sims=30, years=2, by=UserFactory())
    run = ForecastRun.objects.get(job=job)
    # When the command its page shows is run on the same database
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(forecast_run_command(run=run))[1:]) == 0
    # Then summary.json has the same inputs' hash and the same projected totals
    summary = json.loads((tmp_path / "var" / "forecast" / f"run-{run.pk}" / "summary.json").read_text())
    assert summary["inputs_hash"] == run.summary["inputs_hash"]
    assert summary["total_plans"] == run.summary["total_plans"]
