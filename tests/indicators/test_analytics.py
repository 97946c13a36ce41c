"""The shared analytics copy (ADR 15): the dashboard reads the figures a background job computed into one DuckDB
file after the data changed, never computing the catalogue while the user waits; when the data has changed
since, it shows the last figures saying how old they are and that they are being recomputed (one recompute
queued however often the data changes); before the first copy exists it says the figures are being computed."""

import datetime as dt

import pytest
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.indicators.analytics import data_changed
from sendreform.indicators.models import AnalyticsCopy
from sendreform.jobs.models import QUEUED, Job
from sendreform.metrics import engine, report
from tests.factories import EhcPlanFactory, PersonFactory, PlacementFactory, SenNeedFactory, UserFactory
from tests.indicators.test_pages import EHCP_TOTAL, _get, _row
from tests.jobs.test_jobs import DB_TASKS, worker_drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def served(settings):
    """As in production: the copy is made by the worker, never by a page, and jobs wait for the worker."""
    settings.SENDREFORM_ANALYTICS_WAIT = False
    settings.SENDREFORM_ANALYTICS_MAX_AGE_SECONDS = 3600
    settings.TASKS = DB_TASKS


def _cannot_compute(*args, **kwargs):
    raise AssertionError("a page computed the catalogue while the user waited")


def _queued():
    return Job.objects.filter(kind="analytics", status=QUEUED).count()


def test_the_dashboard_shows_the_figures_its_job_computed_and_says_when_they_are_being_recomputed(
        client, area, served, monkeypatch):
    officer = UserFactory(role=roles.OFFICER)
    # Given the figures computed in the background after the data was loaded (three children with plans)
    data_changed(reason="the demo area was loaded")
    worker_drain()
    copy = AnalyticsCopy.objects.get()
    # When the officer opens the dashboard, with the engine unable to compute anything in the request
    for name in ("catalogue_report", "trajectories_resolved"):
        monkeypatch.setattr(report, name, _cannot_compute)
    monkeypatch.setattr(engine, "evaluate", _cannot_compute)
    html = _get(client, officer, "/indicators/").content.decode()
    # Then it shows the job's figures, as of when the copy was taken
    assert _row(html, EHCP_TOTAL)[1] == "3"
    made = timezone.localtime(copy.made)
    assert f"Figures as of {made:%H:%M} on {made.day} {made:%B %Y}" in html and "recomputing" not in html
    # Given Dan, a fourth child with a plan, is added and the change declared (an import would do this)
    person = PersonFactory(person_id="P4", forename="Dan", birth_date=dt.date(2015, 2, 2))
    SenNeedFactory(person=person, need_type="ASD")
    PlacementFactory(person=person, establishment=area["oak"])
    EhcPlanFactory(person=person)
    change = data_changed(reason="a census import")
    # When the dashboard is opened twice before the worker has caught up
    _get(client, officer, "/indicators/")
    html = _get(client, officer, "/indicators/").content.decode()
    # Then it shows the last figures, saying how old they are and that they are being recomputed, once
    changed = timezone.localtime(change.at)
    assert _row(html, EHCP_TOTAL)[1] == "3"
    assert f"Figures as of {made.day} {made:%B %Y} {made:%H:%M}, recomputing: the data changed at {changed:%H:%M}" in html
    assert _queued() == 1
    # When the worker has run the recompute, Then the page shows the new figures, no longer stale
    monkeypatch.undo()
    worker_drain()
    html = _get(client, officer, "/indicators/").content.decode()
    assert _row(html, EHCP_TOTAL)[1] == "4" and "recomputing" not in html
    assert AnalyticsCopy.objects.count() == 2 and _queued() == 0


def test_a_change_the_hook_was_not_told_of_is_seen_in_the_row_counts(client, area, served):
    officer = UserFactory(role=roles.OFFICER)
    data_changed(reason="the demo area was loaded")
    worker_drain()
    # Given a child added by code that calls no hook
    PersonFactory(person_id="P5", forename="Eve", birth_date=dt.date(2015, 2, 2))
    # When the dashboard is opened, Then it says it is recomputing, and a recompute is queued
    assert "recomputing" in _get(client, officer, "/indicators/").content.decode()
    assert _queued() == 1


def test_before_the_first_copy_the_dashboard_says_the_figures_are_being_computed(client, area, served):
    officer = UserFactory(role=roles.OFFICER)
    response = _get(client, officer, "/indicators/")
    assert "The figures are being computed" in response.content.decode() and response["Refresh"] == "30"
    assert _queued() == 1 and not AnalyticsCopy.objects.exists()
