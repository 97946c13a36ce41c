"""Forecast pages: who may read, start runs and edit scenarios (403 otherwise, 404 for what does not exist);
each table's CSV holds what the page shows; the data template workbook holds the run's numbers; figures
shown outside the council's own view are suppressed; summary.json and the model's own tables download byte for
byte as `sendreform forecast run` writes them, on PostgreSQL too."""

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from sendreform.accounts import roles
from sendreform.forecast.model import DEFAULT_HALF_LIFE
from sendreform.forecasting.models import ForecastRun, Scenario
from sendreform.jobs.models import Job
from sendreform.jobs.services import jobs_stale_mark
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _Tables(HTMLParser):
    """Each table of a page as its caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables, self._cell, self._in_caption = {}, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th"):
            self._rows[-1].append(self._cell.strip())
            self._cell = None
        elif tag == "table":
            self.tables[self._caption.strip()] = self._rows

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def page_tables(response) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _plain(cell: str) -> str:
    """A number as the CSV holds it: 1,234 is 1234."""
    return cell.replace(",", "") if re.fullmatch(r"-?[\d,]+", cell) else cell


def _client(client, role, username=None):
    user = UserFactory(role=role, **({"username": username} if username else {}))
    client.force_login(user)
    return user


def test_a_board_member_reads_the_runs_but_cannot_start_one(client, finished_run):
    # Given a board member
    _client(client, roles.BOARD_MEMBER)
    # When they open the forecasts
    page = client.get("/forecasts/")
    # Then they see the run, and no form to start one
    assert page.status_code == 200
    assert "<h1 class=\"govuk-heading-xl\">Forecasts</h1>" in page.content.decode()
    assert page_tables(page)["Forecast runs"][1][:4] == [f"Run {finished_run.pk}", finished_run.scenario_name,
                                                          "100", "3"]
    assert "Start the run" not in page.content.decode()
    # And a start sent anyway is refused, and nothing is started
    assert client.post("/forecasts/", {"scenario": "baseline", "sims": "20", "years": "1"}).status_code == 403
    assert not Job.objects.exists()


def test_an_officer_starts_a_run_and_is_taken_to_its_job(client):
    officer = _client(client, roles.OFFICER)
    Scenario.objects.create(name="Fewer new plans", text="x")
    response = client.post("/forecasts/", {"scenario": "baseline", "sims": "200", "years": "4"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    run = ForecastRun.objects.get()
    assert (run.sims, run.years, run.scenario, run.created_by, run.job) == (200, 4, None, officer, job)
    assert (run.seed, run.half_life) == (870, DEFAULT_HALF_LIFE)  # the command line's defaults
    assert job.title == "Forecast: Baseline, 200 simulations of 4 years"


@pytest.mark.parametrize(("sims", "years", "message"), [
    ("ten", "5", "Enter the number of simulations as a whole number, like 1000"),
    ("5", "5", "The number of simulations must be 10 or more"),
    ("1000", "", "Enter the number of years ahead"),
    ("1000", "11", "The number of years ahead must be 10 or fewer"),
])
def test_a_bad_start_shows_an_error_summary_and_starts_nothing(client, sims, years, message):
    _client(client, roles.ANALYST)
    page = client.post("/forecasts/", {"scenario": "baseline", "sims": sims, "years": years})
    text = page.content.decode()
    assert page.status_code == 400
    assert "govuk-error-summary" in text and message in text
    assert "<title>Error: " in text
    assert not ForecastRun.objects.exists() and not Job.objects.exists()


def test_the_run_page_shows_the_fan_chart_its_table_and_how_to_reproduce_it(client, finished_run):
    _client(client, roles.OFFICER)
    page = client.get(f"/forecasts/runs/{finished_run.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Experts at Hand and local specialist places: 100 simulations of 3 years</h1>" in text
    assert 'aria-labelledby="chart-total-plans-title chart-total-plans-desc"' in text
    tables = page_tables(page)
    for caption in ("Plans at each January census", "Plans by primary need", "Plans by setting",
                    "Plans by age group", "Total High Needs cost of plans (pounds)",
                    "High Needs cost by DSG management plan line (median, pounds)",
                    "Sufficiency: demand for specialist places against places, by year",
                    "Scenario against the baseline"):
        assert caption in tables, caption
    # The table's projected medians are the run's summary.json, rounded to whole plans
    projected = [r for r in tables["Plans at each January census"] if len(r) > 1 and r[1] == "Projection"]
    summary = finished_run.summary["total_plans"]
    assert [int(r[2].replace(",", "")) for r in projected] == [round(s["median"]) for s in summary]
    # And the command line repeats the run
    pk = finished_run.pk
    assert (f"sendreform forecast run --scenario run-{pk}-scenario.yaml --sims 100 --years 3 --seed 870 "
            f"--half-life {DEFAULT_HALF_LIFE:g} --as-at 2026-03-01 --out var/forecast/run-{pk}") in text
    assert finished_run.summary["inputs_hash"] in text


@pytest.mark.parametrize(("key", "caption"), [("total-plans", "Plans at each January census"),
                                              ("plans-by-need", "Plans by primary need"),
                                              ("cost-by-line", "High Needs cost by DSG management plan line "
                                                               "(median, pounds)"),
                                              ("sufficiency", "Sufficiency: demand for specialist places against "
                                                              "places, by year")])
@pytest.mark.parametrize("role", [roles.OFFICER, roles.PCF_REP])
def test_each_csv_holds_what_the_page_table_shows(client, finished_run, key, caption, role):
    _client(client, role)
    shown = page_tables(client.get(f"/forecasts/runs/{finished_run.pk}/"))[caption]
    download = client.get(f"/forecasts/runs/{finished_run.pk}/{key}.csv")
    assert download["Content-Type"].startswith("text/csv")
    assert csv_rows(download) == [[_plain(cell) for cell in row] for row in shown]


def test_figures_outside_the_councils_view_are_suppressed(client, finished_run):
    # Given the officer's plans by need for the last census, where some needs have 1 to 5 plans
    _client(client, roles.OFFICER)
    officer = csv_rows(client.get(f"/forecasts/runs/{finished_run.pk}/plans-by-need.csv"))
    small = [i for i, row in enumerate(officer[1:-1], start=1) if 1 <= int(row[1]) <= 5]
    assert small, "the small area has needs with 1 to 5 plans"
    # When a parent carer forum representative downloads the same table
    _client(client, roles.PCF_REP)
    forum = csv_rows(client.get(f"/forecasts/runs/{finished_run.pk}/plans-by-need.csv"))
    # Then those cells are "c", and the shown cells are the officer's
    assert all(forum[i][1] == "c" for i in small)
    assert all(f == o for f_row, o_row in zip(forum, officer, strict=True)
               for f, o in zip(f_row, o_row, strict=True) if f != "c")
    # And the workbook and the model's own tables, which hold small numbers, are refused
    assert client.get(f"/forecasts/runs/{finished_run.pk}/data-template.xlsx").status_code == 403
    assert client.get(f"/forecasts/runs/{finished_run.pk}/model/plans_by_need.csv").status_code == 403


def test_the_workbook_holds_the_runs_projected_total(client, finished_run):
    _client(client, roles.ANALYST)
    download = client.get(f"/forecasts/runs/{finished_run.pk}/data-template.xlsx")
    wb = load_workbook(io.BytesIO(download.content))
    sheet = wb["5.1"]
    total_row = next(r for r in range(4, 11) if sheet.cell(row=r, column=1).value == "Total")
    # Given the run's table of total plans, Then section 5.1's total for calendar year 2027 (the DfE's column
    # counted at the January 2028 census) is its median, made whole (half up)
    total = client.get(f"/forecasts/runs/{finished_run.pk}/model/total_plans.csv")
    median_2028 = next(float(r[1]) for r in csv_rows(total)[1:] if r[0] == "2028")
    assert (sheet.cell(row=2, column=4).value, sheet.cell(row=3, column=4).value) == (2027, "projection")
    assert sheet.cell(row=total_row, column=4).value == int(median_2028 + 0.5)
    assert any("Experts at Hand" in str(c.value) for c in wb["Assumptions"]["B"])


def test_summary_json_and_the_scenario_used_download(client, finished_run):
    _client(client, roles.BOARD_MEMBER)
    summary = client.get(f"/forecasts/runs/{finished_run.pk}/summary.json").json()
    assert summary["total_plans"] == finished_run.summary["total_plans"] and summary["sims"] == 100
    assert client.get(f"/forecasts/runs/{finished_run.pk}/scenario.yaml").content.decode() == \
        finished_run.scenario_text


def test_what_does_not_exist_is_not_found(client, finished_run):
    _client(client, roles.OFFICER)
    assert client.get(f"/forecasts/runs/{finished_run.pk + 1}/").status_code == 404
    assert client.get(f"/forecasts/runs/{finished_run.pk}/no-such-table.csv").status_code == 404
    assert client.get(f"/forecasts/runs/{finished_run.pk}/model/no_such_table.csv").status_code == 404
    assert client.get("/forecasts/scenarios/9999/").status_code == 404


def test_signing_in_is_needed(client):
    response = client.get("/forecasts/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


BAD = """\
name: Flying
changes:
  - type: scale
    transition: flying
    factor: 0.9
    from: 2027-09-01
"""


def test_a_scenario_with_an_error_is_shown_with_its_line_and_not_saved(client):
    _client(client, roles.OFFICER)
    page = client.post("/forecasts/scenarios/new/", {"text": BAD})
    text = page.content.decode()
    assert page.status_code == 400
    assert '<a href="#id_text">Line 4: transition must be one of joining, leaving, moving, need_change</a>' in text
    assert "transition: flying" in text  # the text typed is kept for correcting
    assert not Scenario.objects.exists()


def test_a_scenario_is_created_edited_and_its_history_shown(client):
    _client(client, roles.OFFICER, username="olu")
    response = client.post("/forecasts/scenarios/new/", {"text": BAD.replace("flying", "joining")})
    scenario = Scenario.objects.get()
    assert response["Location"] == f"/forecasts/scenarios/{scenario.pk}/"
    _client(client, roles.ANALYST, username="ana")
    client.post(f"/forecasts/scenarios/{scenario.pk}/edit/", {"text": BAD.replace("flying", "leaving"), "version": "0"})
    page = client.get(f"/forecasts/scenarios/{scenario.pk}/")
    assert "transition: leaving" in page.content.decode()
    history = page_tables(page)["History of changes"]
    assert [row[1:] for row in history[1:]] == [["ana", "Edited"], ["olu", "Created"]]
    assert csv_rows(client.get(f"/forecasts/scenarios/{scenario.pk}/history.csv"))[1][1:] == ["ana", "Edited"]


def test_a_board_member_reads_scenarios_but_cannot_edit_them(client):
    scenario = Scenario.objects.create(name="Fewer new plans", text=BAD.replace("flying", "joining"))
    _client(client, roles.BOARD_MEMBER)
    assert client.get(f"/forecasts/scenarios/{scenario.pk}/").status_code == 200
    assert "Edit the scenario" not in client.get(f"/forecasts/scenarios/{scenario.pk}/").content.decode()
    assert client.get(f"/forecasts/scenarios/{scenario.pk}/edit/").status_code == 403
    assert client.post("/forecasts/scenarios/new/", {"text": BAD}).status_code == 403
    assert page_tables(client.get("/forecasts/scenarios/"))["Scenarios"][1][0] == "Fewer new plans"


def test_a_run_whose_worker_died_shows_as_failed_with_the_reason(client):
    # Given a run started, and the worker running it silent for an hour (it died)
    officer = _client(client, roles.OFFICER)
    client.post("/forecasts/", {"scenario": "baseline", "sims": "20", "years": "1"})
    Job.objects.update(status="running", heartbeat=timezone.now() - dt.timedelta(hours=1))
    assert jobs_stale_mark() == 1
    run = ForecastRun.objects.get()
    # When its page is opened, Then it says the run failed and why
    text = client.get(f"/forecasts/runs/{run.pk}/").content.decode()
    assert "This run did not finish" in text and "The worker running this job stopped answering at" in text
    assert page_tables(client.get("/forecasts/"))["Forecast runs"][1][-1] == "Failed"
    assert run.created_by == officer and "Retry it from its job" in text
    # And when the job is retried from its page, the run is back in the queue with it
    client.post(f"/jobs/{run.job_id}/retry/")
    run.refresh_from_db()
    assert (run.status, run.error, run.finished) == (run.job.status, run.job.error, run.job.finished) == ("queued", "", None)


def test_an_officer_starts_a_run_from_a_scenarios_page(client):
    # Given a scenario, and an officer on its page
    scenario = Scenario.objects.create(name="Fewer new plans", text=BAD.replace("flying", "joining"))
    officer = _client(client, roles.OFFICER)
    text = client.get(f"/forecasts/scenarios/{scenario.pk}/").content.decode()
    assert "Start a run with this scenario</button>" in text
    assert "1,000 simulations of 5 years ahead" in text
    # When they press the button, sending the form as the page holds it
    form = text[text.index('<form method="post" action="/forecasts/"'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    response = client.post("/forecasts/", fields)
    # Then a run of that scenario, 1,000 simulations of 5 years, is started and they are taken to its job
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    run = ForecastRun.objects.get()
    assert (run.scenario, run.sims, run.years, run.created_by, run.job) == (scenario, 1000, 5, officer, job)
    assert job.title == "Forecast: Fewer new plans, 1,000 simulations of 5 years"


def test_a_board_member_has_no_button_to_start_a_run_from_a_scenario(client):
    scenario = Scenario.objects.create(name="Fewer new plans", text=BAD.replace("flying", "joining"))
    _client(client, roles.BOARD_MEMBER)
    assert "Start a run with this scenario" not in client.get(f"/forecasts/scenarios/{scenario.pk}/").content.decode()


@pytest.fixture
def finished_run_and_result(monkeypatch, request):
    """The finished run of `finished_run` with the model's own result for it (as the command line has it)."""
    import sendreform.forecast.run as pure

    results, model = [], pure.forecast_run

    def recorded(**kwargs):
        results.append(model(**kwargs))
        return results[-1]

    monkeypatch.setattr(pure, "forecast_run", recorded)
    run = request.getfixturevalue("finished_run")
    return run, results[-1]


def test_summary_json_and_the_model_tables_download_as_the_command_line_writes_them(client, finished_run_and_result, tmp_path):
    # Given a finished run, and the files `sendreform forecast run` writes for the model's result
    from sendreform.forecast.run import run_write

    run, result = finished_run_and_result
    run_write(run=result, out_dir=tmp_path)
    written = (tmp_path / "summary.json").read_bytes()
    # When a reader downloads its summary.json from the app (read back from the database, jsonb on PostgreSQL)
    _client(client, roles.BOARD_MEMBER)
    download = client.get(f"/forecasts/runs/{run.pk}/summary.json")
    summary = json.loads(download.content)
    # Then its keys are in the command line's order, at the top and in each year's totals
    assert list(summary) == list(json.loads(written)) == list(result.summary)
    assert list(summary)[0] == "total_plans"
    assert list(summary["total_plans"][0]) == ["year", "median", "p2_5", "p25", "p75", "p97_5"]
    assert list(summary["scenario"]) == ["name", "text"]
    # And the file is byte for byte the command line's
    assert download["Content-Type"] == "application/json"
    assert download.content == written
    # And so are the model's own tables: their columns in the same order, every number exact
    _client(client, roles.ANALYST)
    for name in result.tables:
        table = client.get(f"/forecasts/runs/{run.pk}/model/{name}.csv")
        assert table.content == (tmp_path / f"{name}.csv").read_bytes(), name
