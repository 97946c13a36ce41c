"""Background jobs: a job runs its function, records progress, its result or its error; a restart marks
unfinished jobs; only the starter (or a whole-area role) can follow a job."""

import time

import pytest
from django.db import OperationalError

from sendreform.accounts import roles
from sendreform.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from sendreform.jobs.services import job_execute, job_start, jobs_interrupted_mark
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def work_counting(*, params, progress, job):
    for i in range(1, params["steps"] + 1):
        progress(f"step {i}", i, params["steps"])
    return f"/result/{job.pk}/"


def work_failing(*, params, progress, job):
    progress("reading the data", 1, 4)
    raise ValueError("population.csv row 3, column age: 'ten' is not a number")


def _job(target, params, by=None):
    return Job.objects.create(kind="test", title="A test job", target=f"tests.jobs.test_jobs.{target}",
                              params=params, created_by=by)


def test_a_job_runs_to_the_end_and_records_its_result():
    # Given a queued job of five steps
    job = _job("work_counting", {"steps": 5})
    # When it is executed
    job = job_execute(job_id=job.pk)
    # Then it is finished, with all five steps counted and the link to its result
    assert (job.status, job.done, job.total, job.percent) == (DONE, 5, 5, 100)
    assert job.result_url == f"/result/{job.pk}/"
    assert job.started is not None and job.finished is not None


def test_a_failing_job_keeps_the_reason_and_how_far_it_got():
    job = job_execute(job_id=_job("work_failing", {}).pk)
    assert job.status == FAILED
    assert job.error == "ValueError: population.csv row 3, column age: 'ten' is not a number"
    assert (job.stage, job.done, job.total, job.percent) == ("reading the data", 1, 4, 25)


def work_with_the_table_locked(*, params, progress, job):
    """Progress written while a reader holds the jobs table: the first `locked` writes are refused as SQLite's
    shared cache refuses them, at once."""
    from django.db.models import QuerySet

    real = QuerySet.update
    refused = {"left": params["locked"]}

    def update(self, **fields):
        if self.model is Job and "stage" in fields and refused["left"]:
            refused["left"] -= 1
            raise OperationalError("database table is locked: app_job")
        return real(self, **fields)

    QuerySet.update = update
    try:
        progress("reading the data", 1, 2)
    finally:
        QuerySet.update = real
    return "/result/"


@pytest.mark.parametrize(("locked", "done"), [(3, 1), (10, 0)])
def test_a_locked_jobs_table_delays_progress_and_never_fails_the_job(locked, done):
    # Given a job whose progress write finds the jobs table locked 3 times (then free), or 10 times (past the
    # five tries a progress write gets)
    job = job_execute(job_id=_job("work_with_the_table_locked", {"locked": locked}).pk)
    # Then the job finishes; its progress (step 1 of 2) was written after waiting, or skipped
    assert job.status == DONE and job.result_url == "/result/"
    assert (job.done, job.total) == ((1, 2) if done else (0, 0))


def test_a_job_that_is_not_queued_is_not_run_again():
    job = _job("work_counting", {"steps": 2})
    Job.objects.filter(pk=job.pk).update(status=RUNNING)
    assert job_execute(job_id=job.pk).done == 0


def test_a_wrong_function_path_is_refused_when_the_job_is_asked_for():
    with pytest.raises(AttributeError):
        job_start(kind="test", title="x", target="tests.jobs.test_jobs.no_such_work", params={}, by=None)
    assert not Job.objects.exists()


def test_a_restart_marks_unfinished_jobs_as_failed_and_says_why():
    waiting, running, done = _job("work_counting", {}), _job("work_counting", {}), _job("work_counting", {})
    Job.objects.filter(pk=running.pk).update(status=RUNNING)
    Job.objects.filter(pk=done.pk).update(status=DONE)
    assert jobs_interrupted_mark() == 2
    assert Job.objects.get(pk=waiting.pk).error.startswith("The service was restarted")
    assert Job.objects.get(pk=done.pk).status == DONE


@pytest.mark.django_db(transaction=True)
def test_a_started_job_runs_on_a_background_thread_after_the_request_commits():
    user = UserFactory(role=roles.OFFICER)
    job = job_start(kind="test", title="Counting", target="tests.jobs.test_jobs.work_counting",
                    params={"steps": 3}, by=user)
    deadline = time.monotonic() + 60  # a guard against hanging, not a timing assertion
    while Job.objects.get(pk=job.pk).status in (QUEUED, RUNNING) and time.monotonic() < deadline:
        time.sleep(0.05)
    job.refresh_from_db()
    assert (job.status, job.done, job.result_url) == (DONE, 3, f"/result/{job.pk}/")


def test_only_the_starter_or_a_whole_area_role_can_follow_a_job(client):
    member, forum_rep = UserFactory(role=roles.BOARD_MEMBER), UserFactory(role=roles.PCF_REP)
    officer = UserFactory(role=roles.OFFICER)
    job = job_execute(job_id=_job("work_counting", {"steps": 4}, by=member).pk)
    client.force_login(member)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200 and "See the result" in page.content.decode()
    assert client.get(f"/jobs/{job.pk}.json").json()["percent"] == 100
    client.force_login(forum_rep)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert "A test job" not in client.get("/jobs/").content.decode()
    client.force_login(officer)
    assert client.get(f"/jobs/{job.pk}.json").json()["status"] == DONE


def test_the_home_page_lists_the_jobs_a_user_started(client):
    # Given an officer who started a job that failed, and another officer's job
    officer, other = UserFactory(role=roles.OFFICER), UserFactory(role=roles.OFFICER)
    job_execute(job_id=_job("work_failing", {}, by=officer).pk)
    Job.objects.create(kind="test", title="Someone else's run", target="x.y", created_by=other)
    # When the officer opens their home page
    client.force_login(officer)
    html = client.get("/").content.decode()
    # Then their job is listed with its state, the other's is not, and the full list is linked
    assert f'<a class="govuk-link" href="/jobs/{Job.objects.get(created_by=officer).pk}/">A test job</a>: failed' in html
    assert "Someone else&#x27;s run" not in html and "Someone else's run" not in html
    assert 'href="/jobs/">All background jobs</a>' in html
