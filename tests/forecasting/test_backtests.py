"""Forecast backtests in the app: officers and analysts start one as a background job that reports each origin
and links to its page; everyone else reads it (403 on a start, 404 for what does not exist); the page's tables
are the model's own backtest of the same history, each CSV holds what its table shows, the report and the
backtest's files download as `sendreform forecast backtest` writes them, small figures are suppressed outside
the council's own view, and a history too short to backtest fails saying so."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.forecast.backtest import backtest_frames, backtest_summary, backtest_write
from sendreform.forecast.model import DEFAULT_HALF_LIFE
from sendreform.forecasting.models import DONE, FAILED, ForecastBacktest
from sendreform.forecasting.selectors import forecast_backtest_frames
from sendreform.forecasting.services import forecast_backtest_compute, forecast_backtest_start
from sendreform.jobs.models import Job
from sendreform.jobs.services import job_execute, jobs_stale_mark
from tests.factories import UserFactory
from tests.forecasting.conftest import small_area_build
from tests.forecasting.test_views import _client, _plain, csv_rows, page_tables

pytestmark = pytest.mark.django_db

TABLES = {
    "by-horizon": "Error by years ahead: total plans",
    "origins": "Every forecast of total plans, by origin",
    "by-age-group": "Error by age group",
    "by-setting-category": "Error by setting category",
    "by-primary-need": "Error by primary need",
    "history": "Plans, joiners and leavers between each pair of January censuses",
}


def _page(client, backtest):
    return client.get(f"/forecasts/backtests/{backtest.pk}/")


# ------------------------------------------------------------------------------------------ starting one


@pytest.mark.django_db(transaction=True)  # the backtest reads through its own connection to the database
def test_an_officer_starts_a_backtest_and_its_job_links_to_the_page(client, small_area, settings):
    # Given an officer on the backtests page, where the form offers 500 simulations and the model's half-life
    officer = _client(client, roles.OFFICER)
    text = client.get("/forecasts/backtests/").content.decode()
    assert 'name="sims" type="text" value="500"' in text
    assert f'name="half_life" type="text" value="{DEFAULT_HALF_LIFE:g}"' in text
    # When they start a backtest of 20 simulations with a half-life of 2.5 years
    response = client.post("/forecasts/backtests/", {"sims": "20", "half_life": "2.5"})
    # Then they are taken to its job
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    backtest = ForecastBacktest.objects.get()
    assert (backtest.sims, backtest.half_life, backtest.seed, backtest.created_by, backtest.job) == (
        20, 2.5, 870, officer, job)
    assert job.title == "Forecast backtest: 20 simulations from each past census"
    # And the job finished having counted the three origins of the six censuses (the 3rd to the 5th)
    job.refresh_from_db()
    assert job.status == "done" and (job.done, job.total) == (3, 3)
    # And its page links to the backtest's page, which shows the backtest from those origins
    assert f'<a class="govuk-button" href="/forecasts/backtests/{backtest.pk}/">See the result</a>' in \
        client.get(f"/jobs/{job.pk}/").content.decode()
    page = _page(client, backtest)
    last = small_area["last_census"]
    assert f"From each of the 3 January censuses from {last - 3} to {last - 1} (the origins)" in \
        page.content.decode()
    assert [row[0] for row in page_tables(page)[TABLES["by-horizon"]][1:]] == ["1", "2", "3"]
    backtest.refresh_from_db()
    assert backtest.status == DONE


def test_each_origin_is_reported_as_it_is_done(area_history):
    # Given the small area's eight censuses, 2019 to 2026: origins are 2021 to 2025
    backtest = ForecastBacktest.objects.create(sims=20, half_life=DEFAULT_HALF_LIFE, as_at=dt.date(2026, 3, 1))
    reported = []
    # When it is backtested
    forecast_backtest_compute(backtest=backtest, history=area_history,
                              progress=lambda stage, done, total: reported.append((stage, done, total)))
    # Then the progress names each origin as it starts, and the report once all five are done
    assert reported == [(f"Forecasting from the January {year} census", n, 5)
                        for n, year in enumerate(range(2021, 2026))] + [("Writing the report", 5, 5)]


@pytest.mark.parametrize(("sims", "half_life", "field", "message"), [
    ("ten", "3", "sims", "Enter the number of simulations as a whole number, like 500"),
    ("", "3", "sims", "Enter the number of simulations"),
    ("5", "3", "sims", "The number of simulations must be 10 or more"),
    ("20000", "3", "sims", "The number of simulations must be 10,000 or fewer"),
    ("500", "a few", "half_life", "Enter the recency half-life as a number of years, like 3"),
    ("500", "0", "half_life", "The recency half-life must be 0.5 years or more"),
])
def test_bad_input_shows_an_error_summary_naming_the_field_and_starts_nothing(client, sims, half_life, field,
                                                                              message):
    _client(client, roles.ANALYST)
    page = client.post("/forecasts/backtests/", {"sims": sims, "half_life": half_life})
    text = page.content.decode()
    assert page.status_code == 400
    assert "<title>Error: " in text
    assert f'<a href="#id_{field}">{message}</a>' in text  # the error summary links to the field
    assert f'id="id_{field}-error"' in text
    assert not ForecastBacktest.objects.exists() and not Job.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_history_with_too_few_censuses_fails_saying_so(client, settings):
    # Given an area with only three January censuses
    small_area_build(censuses=3)
    officer = UserFactory(role=roles.OFFICER)
    # When a backtest of it is started and its job has run
    job = job_execute(job_id=forecast_backtest_start(sims=20, by=officer).pk)  # (already run: read back)
    # Then the job and the backtest failed, saying why
    backtest = ForecastBacktest.objects.get(job=job)
    message = "a backtest needs at least four January censuses; the history has 3"
    assert job.status == FAILED and backtest.status == FAILED
    assert message in job.error and message in backtest.error
    # And the backtest's page and the list say so
    client.force_login(officer)
    text = _page(client, backtest).content.decode()
    assert "This backtest did not finish" in text and message in text
    assert page_tables(client.get("/forecasts/backtests/"))["Backtests"][1][5] == "Failed"


def test_a_backtest_whose_worker_died_shows_as_failed_with_the_reason(client):
    # Given a backtest started, and the worker running it silent for an hour (it died)
    _client(client, roles.OFFICER)
    client.post("/forecasts/backtests/", {"sims": "20", "half_life": "3"})
    Job.objects.update(status="running", heartbeat=timezone.now() - dt.timedelta(hours=1))
    assert jobs_stale_mark() == 1
    backtest = ForecastBacktest.objects.get()
    # When its page is opened, Then it says the backtest failed and why
    text = _page(client, backtest).content.decode()
    assert "This backtest did not finish" in text and "The worker running this job stopped answering at" in text
    row = page_tables(client.get("/forecasts/backtests/"))["Backtests"][1]
    assert row[5] == "Failed" and row[6].startswith("The worker running this job stopped answering at ")
    assert backtest.status == "failed" and backtest.error == Job.objects.get().error  # the backtest's own row too


# ------------------------------------------------------------------------------------------ who may do what


def test_a_board_member_reads_backtests_but_cannot_start_one(client, finished_backtest):
    # Given a board member
    _client(client, roles.BOARD_MEMBER)
    # When they open the backtests
    page = client.get("/forecasts/backtests/")
    text = page.content.decode()
    # Then they see the backtest, and no form to start one
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-xl">Forecast backtests</h1>' in text
    assert page_tables(page)["Backtests"][1][:3] == [f"Backtest {finished_backtest.pk}", "50", "3"]
    assert "Start the backtest" not in text and 'name="sims"' not in text
    assert _page(client, finished_backtest).status_code == 200
    # And a start sent anyway is refused, and nothing is started
    assert client.post("/forecasts/backtests/", {"sims": "20", "half_life": "3"}).status_code == 403
    assert ForecastBacktest.objects.count() == 1 and not Job.objects.exists()


def test_what_does_not_exist_is_not_found(client, finished_backtest):
    _client(client, roles.OFFICER)
    pk = finished_backtest.pk
    assert client.get(f"/forecasts/backtests/{pk + 1}/").status_code == 404
    assert client.get(f"/forecasts/backtests/{pk + 1}/by-horizon.csv").status_code == 404
    assert client.get(f"/forecasts/backtests/{pk + 1}/backtest.md").status_code == 404
    assert client.get(f"/forecasts/backtests/{pk}/no-such-table.csv").status_code == 404
    assert client.get(f"/forecasts/backtests/{pk}/model/history_flows.csv").status_code == 404  # not a file of the CLI


def test_signing_in_is_needed(client, finished_backtest):
    for url in ("/forecasts/backtests/", f"/forecasts/backtests/{finished_backtest.pk}/",
                f"/forecasts/backtests/{finished_backtest.pk}/by-horizon.csv", "/forecasts/backtests.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), url


def test_the_forecasts_pages_lead_to_the_backtests(client):
    _client(client, roles.PCF_REP)
    text = client.get("/forecasts/").content.decode()
    assert ('How well has the model forecast this area\'s past? <a class="govuk-link" href="/forecasts/backtests/">'
            'See the backtests</a>.') in text
    assert '<a class="govuk-link" href="/forecasts/backtests/">Backtests</a>' in text
    assert ('<a class="govuk-link" href="/forecasts/backtests/" aria-current="page">Backtests</a>'
            in client.get("/forecasts/backtests/").content.decode())


# ------------------------------------------------------------------------------------------ the page


def test_the_by_horizon_table_is_the_models_backtest_of_the_same_history(client, finished_backtest, area_history):
    # Given the model's own backtest of the same history with the same simulations and seed
    frame, _cells = backtest_frames(history=area_history, sims=50, seed=870, half_life=DEFAULT_HALF_LIFE)
    summary = backtest_summary(frame)
    # When an officer opens the backtest's page
    _client(client, roles.OFFICER)
    page = _page(client, finished_backtest)
    # Then its table by years ahead shows the summary's errors to one decimal place and coverage in whole percent,
    # from 5 origins one year ahead (2021 to 2025), 4 two years ahead and 3 three years ahead
    rows = page_tables(page)[TABLES["by-horizon"]]
    assert rows[0] == ["Years ahead", "Origins", "Model error (%)", "Last value error (%)", "Linear trend error (%)",
                       "95% interval held the actual (% of origins)"]
    assert rows[1:] == [[str(r.horizon), str(r.origins), f"{r.model_mape:.1f}", f"{r.last_value_mape:.1f}",
                         f"{r.linear_trend_mape:.1f}", f"{r.coverage_95:.0f}"] for r in summary.itertuples()]
    assert [row[1] for row in rows[1:]] == ["5", "4", "3"]
    # And the verdict's sentences are the command line's
    text = page.content.decode()
    assert "1 year ahead (5 origins): model error " in text


def test_every_origin_shows_the_actual_beside_each_forecast(client, finished_backtest):
    # Given the backtest's own rows (origin 2021, one year ahead: the January 2022 census)
    stored = forecast_backtest_frames(backtest=finished_backtest)["backtest"]
    first = stored.iloc[0]
    _client(client, roles.ANALYST)
    rows = page_tables(_page(client, finished_backtest))[TABLES["origins"]]
    # Then the page's first row is that forecast in whole plans, and the last value is the origin's own count
    assert rows[1] == ["2021", "1", "2022", str(int(first["actual"])), f"{first['model_median']:.0f}",
                       f"{first['model_p2_5']:.0f}", f"{first['model_p97_5']:.0f}", f"{first['last_value']:.0f}",
                       f"{first['linear_trend']:.0f}"]
    history = page_tables(_page(client, finished_backtest))[TABLES["history"]]
    assert rows[1][7] == next(row[2] for row in history[1:] if row[0] == "2021")  # plans at the 2021 census
    assert len(rows) - 1 == 5 + 4 + 3


@pytest.mark.parametrize(("key", "caption"), TABLES.items())
@pytest.mark.parametrize("role", [roles.OFFICER, roles.PCF_REP])
def test_each_csv_holds_what_the_page_table_shows(client, finished_backtest, key, caption, role):
    _client(client, role)
    shown = page_tables(_page(client, finished_backtest))[caption]
    download = client.get(f"/forecasts/backtests/{finished_backtest.pk}/{key}.csv")
    assert download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"] == f'attachment; filename="forecast-backtest-{finished_backtest.pk}-{key}.csv"'
    assert csv_rows(download) == [[_plain(cell) for cell in row] for row in shown]


def test_the_chart_draws_the_actual_and_each_origins_forecasts_and_says_so(client, finished_backtest):
    _client(client, roles.OFFICER)
    page = _page(client, finished_backtest)
    text = page.content.decode()
    # Then the chart is an SVG above the table of every origin, named and described in words from the tables
    start = text.index('aria-labelledby="chart-origins-title chart-origins-desc"')
    svg = text[text.rindex("<svg", 0, start):text.index("</svg>", start)]
    assert 'role="img"' in svg
    assert '<title id="chart-origins-title">Total plans: the actual and each origin&#x27;s forecasts</title>' in svg
    assert text.index(svg) < text.index(f">{TABLES['origins']}</caption>")
    history = page_tables(page)[TABLES["history"]]
    description = re.search(r'<desc id="chart-origins-desc">(.*?)</desc>', svg).group(1)
    assert description.startswith(f"The actual plans at each January census, from {history[1][2]} in 2019 to "
                                  f"{history[-1][5]} in 2026, as a solid black line; from each of the 5 origins "
                                  "(2021 to 2025)")
    origins = page_tables(page)[TABLES["origins"]][1:]
    above = sum(1 for row in origins if int(row[4]) > int(row[3]))
    assert f"The model&#x27;s median was above the actual in {above} of 12 forecasts." in description


def test_small_figures_are_suppressed_outside_the_councils_view(client, finished_backtest):
    # Given the history as an officer sees it, where some years had 1 to 5 leavers
    _client(client, roles.OFFICER)
    officer = csv_rows(client.get(f"/forecasts/backtests/{finished_backtest.pk}/history.csv"))
    small = [i for i, row in enumerate(officer[1:], start=1) if 1 <= int(row[4]) <= 5 or 1 <= int(row[3]) <= 5]
    assert small, "the small area has years with 1 to 5 leavers"
    # When a parent carer forum representative opens the same backtest
    _client(client, roles.PCF_REP)
    page = _page(client, finished_backtest)
    forum = [[_plain(cell) for cell in row] for row in page_tables(page)[TABLES["history"]]]
    # Then those years' joiners and leavers are both "c" (either could be worked out from the other), and every
    # figure shown is the officer's
    assert all(forum[i][3] == forum[i][4] == "c" for i in small)
    assert all(f == o for f_row, o_row in zip(forum, officer, strict=True)
               for f, o in zip(f_row, o_row, strict=True) if f != "c")
    # And the page says what is hidden and why
    text = page.content.decode()
    assert "Figures of 1 to 5 are shown as “c” so that no child can be identified" in text
    assert "joiners and leavers are hidden together" in text
    # And the report and the backtest's own files, which hold them in full, are refused
    assert client.get(f"/forecasts/backtests/{finished_backtest.pk}/backtest.md").status_code == 403
    assert client.get(f"/forecasts/backtests/{finished_backtest.pk}/model/backtest.csv").status_code == 403
    assert f"/forecasts/backtests/{finished_backtest.pk}/backtest.md" not in text
    assert "officers and analysts can download them" in text


def test_the_report_and_files_download_as_the_command_line_writes_them(client, finished_backtest, area_history,
                                                                       tmp_path):
    # Given the files `sendreform forecast backtest` writes for the same history, simulations and seed
    backtest_write(history=area_history, out_dir=tmp_path, sims=50, seed=870, half_life=DEFAULT_HALF_LIFE)
    # When an analyst downloads the backtest's report and files from the app (read back from the database)
    _client(client, roles.ANALYST)
    pk = finished_backtest.pk
    report = client.get(f"/forecasts/backtests/{pk}/backtest.md")
    # Then each is byte for byte the command line's
    assert report["Content-Disposition"] == f'attachment; filename="forecast-backtest-{pk}.md"'
    assert report["Content-Type"].startswith("text/markdown")
    assert report.content == (tmp_path / "backtest.md").read_bytes()
    for name in ("backtest", "backtest_summary", "backtest_breakdowns"):
        download = client.get(f"/forecasts/backtests/{pk}/model/{name}.csv")
        assert download.content == (tmp_path / f"{name}.csv").read_bytes(), name


def test_the_list_shows_each_backtests_verdict_and_its_csv_the_same(client, finished_backtest):
    _client(client, roles.BOARD_MEMBER)
    rows = page_tables(client.get("/forecasts/backtests/"))["Backtests"]
    verdict = next(line for line in finished_backtest.report.splitlines() if line.startswith("The model "))
    assert rows[0] == ["Backtest", "Simulations", "Half-life (years)", "Started by", "Started", "Status", "Verdict"]
    assert rows[1][3] == "ade" and rows[1][5:] == ["Finished", verdict]
    listed = csv_rows(client.get("/forecasts/backtests.csv"))
    assert listed[0] == rows[0]
    assert listed[1][:4] == rows[1][:4] and listed[1][5:] == rows[1][5:]
    assert listed[1][4] == finished_backtest.created.isoformat()  # the CSV's dates are ISO 8601
