"""Background jobs: a job runs its function in the worker, records progress, its heartbeat, its result or its
error; a job whose worker died is marked failed and a retry completes it; only the starter (or a whole-area
role) can follow a job."""

import datetime as dt
import time

import pytest
from django.db import OperationalError
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from sendreform.jobs.services import job_execute, job_retry, job_start, jobs_stale_mark
from sendreform.jobs.worker import worker_build
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


DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def queued_for_the_worker(settings):
    """Jobs wait in the database for a worker, as when served (the suite's default runs them at once)."""
    settings.TASKS = DB_TASKS


def worker_drain():
    """A worker in this process that runs what is queued, then stops."""
    worker_build(interval=0, batch=True).run()


@pytest.mark.django_db(transaction=True)
def test_a_started_job_waits_for_the_worker_which_runs_it(queued_for_the_worker):
    from django_tasks_db.models import DBTaskResult

    user = UserFactory(role=roles.OFFICER)
    job = job_start(kind="test", title="Counting", target="tests.jobs.test_jobs.work_counting",
                    params={"steps": 3}, by=user)
    # Given the request committed: the job is queued in the task runner's table, and nothing ran it yet
    job.refresh_from_db()
    assert job.status == QUEUED and job.task_id
    assert DBTaskResult.objects.get(id=job.task_id).status == "READY"
    # When a worker runs
    worker_drain()
    # Then the job ran there to the end, and the task runner recorded it as done too
    job.refresh_from_db()
    assert (job.status, job.done, job.result_url, job.attempt) == (DONE, 3, f"/result/{job.pk}/", 1)
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"


def _running(job, *, heartbeat_ago: dt.timedelta, done=2, total=5):
    """The job as a worker left it when it died mid-way: running, two steps of five done, and silent since."""
    beat = timezone.now() - heartbeat_ago
    Job.objects.filter(pk=job.pk).update(status=RUNNING, started=beat, heartbeat=beat, done=done, total=total,
                                         stage=f"step {done}")


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_died_is_marked_failed_and_a_retry_completes_it(queued_for_the_worker, settings):
    from django_tasks_db.models import DBTaskResult

    settings.SENDREFORM_JOB_STALE_SECONDS = 120
    user = UserFactory(role=roles.OFFICER)
    job = job_start(kind="test", title="Counting", target="tests.jobs.test_jobs.work_counting",
                    params={"steps": 5}, by=user)
    job.refresh_from_db()
    first_task = job.task_id
    # Given the worker took the job, got two steps in and died: no heartbeat for three minutes
    DBTaskResult.objects.filter(id=first_task).update(status="RUNNING")
    _running(job, heartbeat_ago=dt.timedelta(minutes=3))
    # And another job whose worker wrote its heartbeat a minute ago (alive)
    alive = _job("work_counting", {"steps": 1})
    _running(alive, heartbeat_ago=dt.timedelta(minutes=1))
    # When the heartbeat check runs
    assert jobs_stale_mark() == 1
    # Then the dead one is failed, saying why and keeping how far it got; the live one is left running
    job.refresh_from_db()
    assert job.status == FAILED and job.error.startswith("The worker running this job stopped answering at ")
    assert (job.done, job.total, job.finished is not None) == (2, 5, True)
    assert Job.objects.get(pk=alive.pk).status == RUNNING
    assert DBTaskResult.objects.get(id=first_task).status == "FAILED"
    # When it is retried and a worker runs
    job_retry(job=job)
    job.refresh_from_db()
    assert (job.status, job.attempt, job.error, job.done) == (QUEUED, 2, "", 0)
    worker_drain()
    # Then it completes with the same arguments, as a new task of the runner
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.result_url) == (DONE, 5, 5, f"/result/{job.pk}/")
    assert job.task_id != first_task


def test_a_dead_workers_late_finish_does_not_overwrite_the_retry():
    # Given a job failed for a stale heartbeat and retried (attempt 2, queued)
    job = _job("work_counting", {"steps": 1})
    _running(job, heartbeat_ago=dt.timedelta(hours=1))
    jobs_stale_mark()
    job_retry(job=Job.objects.get(pk=job.pk))
    # When the first attempt's worker, only slow, writes its outcome after all
    from sendreform.jobs.services import _job_update

    assert not _job_update(job.pk, on_attempt=1, status=DONE, result_url="/stale/")
    # Then the retry is untouched
    job.refresh_from_db()
    assert (job.status, job.attempt, job.result_url) == (QUEUED, 2, "")


def test_only_a_failed_job_can_be_retried():
    job = job_execute(job_id=_job("work_counting", {"steps": 1}).pk)
    with pytest.raises(ValueError, match="only a failed job can be retried; this one is finished"):
        job_retry(job=job)


def work_waiting_for_its_heartbeat(*, params, progress, job):
    """Reports no progress, as a long step does, until the worker's heartbeat has been written twice."""
    first = Job.objects.get(pk=job.pk).heartbeat
    deadline = time.monotonic() + 30  # a guard against hanging, not a timing assertion
    beats = set()
    while len(beats) < 2 and time.monotonic() < deadline:
        beat = Job.objects.get(pk=job.pk).heartbeat
        if beat != first:
            beats.add(beat)
        time.sleep(0.02)
    return f"/beats/{len(beats)}/"


@pytest.mark.django_db(transaction=True)  # the heartbeat is written through its own connection
def test_a_running_job_writes_its_heartbeat_while_it_reports_no_progress(settings):
    settings.SENDREFORM_JOB_HEARTBEAT_SECONDS = 0.05
    job = job_execute(job_id=_job("work_waiting_for_its_heartbeat", {}).pk)
    assert (job.status, job.result_url) == (DONE, "/beats/2/")


def test_the_job_page_offers_a_retry_of_a_failed_job_to_those_who_may_follow_it(client):
    # Given a board member's job that failed, and another member who may not follow it
    member, other = UserFactory(role=roles.BOARD_MEMBER), UserFactory(role=roles.BOARD_MEMBER)
    job = job_execute(job_id=_job("work_failing", {}, by=member).pk)
    client.force_login(other)
    assert client.post(f"/jobs/{job.pk}/retry/").status_code == 404
    # When its starter opens its page and presses "Retry the job"
    client.force_login(member)
    assert "Retry the job</button>" in client.get(f"/jobs/{job.pk}/").content.decode()
    response = client.post(f"/jobs/{job.pk}/retry/")
    # Then the job is queued again, as attempt 2, and the page follows it
    job.refresh_from_db()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert (job.status, job.attempt, job.error) == (QUEUED, 2, "")
    assert "Retry the job</button>" not in client.get(f"/jobs/{job.pk}/").content.decode()


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


@pytest.mark.django_db(transaction=True)
def test_a_job_deleted_while_it_waited_is_skipped_by_the_worker(queued_for_the_worker):
    from django_tasks_db.models import DBTaskResult

    job = job_start(kind="test", title="Counting", target="tests.jobs.test_jobs.work_counting",
                    params={"steps": 1}, by=None)
    task_id = Job.objects.get(pk=job.pk).task_id
    Job.objects.filter(pk=job.pk).delete()
    worker_drain()
    task = DBTaskResult.objects.get(id=task_id)
    assert (task.status, task.return_value) == ("SUCCESSFUL", "deleted")


def test_a_finished_job_says_how_long_it_took_in_words(client):
    member = UserFactory(role=roles.BOARD_MEMBER)
    job = job_execute(job_id=_job("work_counting", {"steps": 1}, by=member).pk)
    Job.objects.filter(pk=job.pk).update(started=job.finished - dt.timedelta(seconds=25))
    client.force_login(member)
    # It said "in 0 minutes".
    assert "in 25 seconds" in client.get(f"/jobs/{job.pk}/").content.decode()
