"""Start a job after the request that asks for it commits, hand it to the task runner (django-tasks' database
backend, ADR 14), run it in the worker and record its progress, heartbeat, result or error; mark a job whose
worker died as failed; retry a failed job with the same arguments. A job's function is named by its dotted
path and called as `fn(params=..., progress=..., job=...)`; it returns the URL of its result.

Whatever a job computes (a forecast run, a backtest: a `JobWork`) takes its status, finish time and error from
the job, written in the same transaction as the job's own, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from sendreform.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job, JobWork
from sendreform.standards.formats import date_words

log = logging.getLogger(__name__)
# Progress is written at most this often (seconds), so a fast loop does not hammer the database.
PROGRESS_INTERVAL = 0.5
_WORK_FIELDS = ("status", "finished", "error")


def job_start(*, kind: str, title: str, target: str, params: dict, by) -> Job:
    """Record a job and queue it for the worker once the current transaction commits (so its rows are visible
    to it)."""
    _function(target)  # a wrong path fails here, in the request, not later in the worker
    job = Job.objects.create(kind=kind, title=title, target=target, params=params, created_by=by)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from sendreform.jobs.tasks import job_run

    result = job_run.enqueue(job_id=job_id)
    # A worker may already be writing the job's progress (with the test suite's immediate backend the job has
    # even finished): the id is recorded through the write that waits out a locked table.
    _job_update(job_id, task_id=str(result.id))


def _function(target: str) -> Callable:
    module, _, name = target.rpartition(".")
    return getattr(import_module(module), name)


class _Heartbeat:
    """Writes the job's heartbeat every SENDREFORM_JOB_HEARTBEAT_SECONDS from a thread of its own while the job
    runs, so a long step without progress still shows the worker alive, and a dead worker shows as silence."""

    def __init__(self, job_id: int, attempt: int):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(job_id, attempt), daemon=True,
                                        name=f"job-{job_id}-heartbeat")

    def _beat(self, job_id: int, attempt: int) -> None:
        try:
            while not self._stop.wait(settings.SENDREFORM_JOB_HEARTBEAT_SECONDS):
                _job_update(job_id, on_attempt=attempt, tries=5, heartbeat=timezone.now())
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def job_execute(*, job_id: int) -> Job:
    """Run a queued job to the end, recording progress as it goes; a failure is recorded, not raised."""
    job = Job.objects.get(pk=job_id)
    attempt, now = job.attempt, timezone.now()
    if job.status != QUEUED or not _job_update(job.pk, on_attempt=attempt, from_status=QUEUED, status=RUNNING,
                                               started=now, heartbeat=now):
        return job
    last = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_INTERVAL and done < total:
            return
        last = time.monotonic()
        # Progress is for the person watching: a write that cannot get the table in time is skipped, not fatal.
        _job_update(job.pk, on_attempt=attempt, tries=5, stage=stage[:200], done=max(done, 0), total=max(total, 0),
                    heartbeat=timezone.now())

    try:
        with _Heartbeat(job.pk, attempt):
            url = _function(job.target)(params=job.params, progress=progress, job=job)
    except Exception as error:  # noqa: BLE001 - any failure of the work is the job's outcome, shown to the user
        log.exception("job %s failed", job.pk)
        _job_update(job.pk, on_attempt=attempt, status=FAILED, error=f"{type(error).__name__}: {error}"[:5000],
                    finished=timezone.now(), heartbeat=timezone.now())
    else:
        _job_update(job.pk, on_attempt=attempt, status=DONE, result_url=url or "", finished=timezone.now(),
                    heartbeat=timezone.now(), stage="Finished", error="")
    job.refresh_from_db()
    return job


def _job_update(pk: int, *, on_attempt: int | None = None, from_status: str | None = None, tries: int = 100,
                **fields) -> bool:
    """Write a job's fields (only while it is still on attempt `on_attempt`: a worker thought dead that finishes after
    all must not overwrite a retry; and only from status `from_status` when given), and the status, finish time
    and error of what it computes in the same transaction. Tries again while the table is locked by a reader
    (SQLite's shared cache, where a page polling the job holds it, answers "locked" at once instead of waiting);
    False if it never could, or the job was not as required."""
    jobs = Job.objects.filter(pk=pk)
    if on_attempt is not None:
        jobs = jobs.filter(attempt=on_attempt)
    if from_status is not None:
        jobs = jobs.filter(status=from_status)
    work = {name: fields[name] for name in _WORK_FIELDS if name in fields}
    for n in range(tries):
        try:
            with transaction.atomic():
                written = jobs.update(**fields)
                if written and work:
                    for model in JobWork.__subclasses__():
                        model.objects.filter(job_id=pk).update(**work)
            return bool(written)
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            if n < tries - 1:
                time.sleep(0.05)
    log.warning("job %s: could not record %s: the jobs table stayed locked", pk, ", ".join(sorted(fields)))
    return False


def jobs_stale_mark(*, now: dt.datetime | None = None) -> int:
    """Mark as failed, saying why, each running job whose worker has not written its heartbeat for
    SENDREFORM_JOB_STALE_SECONDS (the worker was stopped, killed or lost its machine); returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.SENDREFORM_JOB_STALE_SECONDS)
    marked = 0
    for job in Job.objects.filter(status=RUNNING, heartbeat__lt=cutoff):
        last = timezone.localtime(job.heartbeat)
        error = (f"The worker running this job stopped answering at {last:%H:%M} on {date_words(last)} (it was "
                 "stopped or restarted, or its machine failed). Retry the job to run it again with the same "
                 "settings.")
        if _job_update(job.pk, on_attempt=job.attempt, from_status=RUNNING, status=FAILED, error=error,
                       finished=now):
            _task_failed(job.task_id, now)
            marked += 1
    return marked


def _task_failed(task_id: str, now: dt.datetime) -> None:
    """The task runner's own record of a task whose worker died stays "running"; say it failed there too."""
    if not task_id:
        return
    from django_tasks_db.models import DBTaskResult

    from sendreform.jobs.tasks import TaskResultStatus

    DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED, finished_at=now)


def job_retry(*, job: Job) -> Job:
    """Queue a failed job again with the same arguments, as its next attempt; what it computes goes back in the
    queue with it. The job keeps its page, so links to it still work."""
    if job.status != FAILED:
        raise ValueError(f"only a failed job can be retried; this one is {job.status_label.lower()}")
    _job_update(job.pk, on_attempt=job.attempt, from_status=FAILED, status=QUEUED, attempt=F("attempt") + 1, stage="", done=0, total=0,
                error="", result_url="", started=None, finished=None, heartbeat=None)
    job.refresh_from_db()
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job
