"""Start a job after the request that asks for it commits, run it on a background thread of the serving
process, and record its progress, result or error. A job's function is named by its dotted path and called
as `fn(params=..., progress=..., job=...)`; it returns the URL of its result.

Jobs run in the process that serves the request, so a restart of the service interrupts them:
`jobs_interrupted_mark` (called when the service starts) records that instead of leaving them "running".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from sendreform.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job

log = logging.getLogger(__name__)
# Progress is written at most this often (seconds), so a fast loop does not hammer the database.
PROGRESS_INTERVAL = 0.5


def job_start(*, kind: str, title: str, target: str, params: dict, by) -> Job:
    """Record a job and start it once the current transaction commits (so its rows are visible to it)."""
    _function(target)  # a wrong path fails here, in the request, not later in the background
    job = Job.objects.create(kind=kind, title=title, target=target, params=params, created_by=by)
    if getattr(settings, "SENDREFORM_JOBS_INLINE", False):
        transaction.on_commit(lambda: job_execute(job_id=job.pk))
    else:
        transaction.on_commit(lambda: threading.Thread(target=_thread_main, args=(job.pk,), daemon=True,
                                                       name=f"job-{job.pk}").start())
    return job


def _thread_main(job_id: int) -> None:
    try:
        job_execute(job_id=job_id)
    finally:
        connection.close()  # this thread's own connection


def _function(target: str) -> Callable:
    module, _, name = target.rpartition(".")
    return getattr(import_module(module), name)


def job_execute(*, job_id: int) -> Job:
    """Run a queued job to the end, recording progress as it goes; a failure is recorded, not raised."""
    job = Job.objects.get(pk=job_id)
    if job.status != QUEUED:
        return job
    now = timezone.now()
    _job_update(job.pk, status=RUNNING, started=now, heartbeat=now)
    last = 0.0

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_INTERVAL and done < total:
            return
        last = time.monotonic()
        # Progress is for the person watching: a write that cannot get the table in time is skipped, not fatal.
        _job_update(job.pk, attempts=5, stage=stage[:200], done=max(done, 0), total=max(total, 0),
                    heartbeat=timezone.now())

    try:
        url = _function(job.target)(params=job.params, progress=progress, job=job)
    except Exception as error:  # noqa: BLE001 - any failure of the work is the job's outcome, shown to the user
        log.exception("job %s failed", job.pk)
        _job_update(job.pk, status=FAILED, error=f"{type(error).__name__}: {error}"[:5000],
                    finished=timezone.now(), heartbeat=timezone.now())
    else:
        _job_update(job.pk, status=DONE, result_url=url or "", finished=timezone.now(), heartbeat=timezone.now(),
                    stage="Finished")
    job.refresh_from_db()
    return job


def _job_update(pk: int, *, attempts: int = 100, **fields) -> bool:
    """Write a job's fields, trying again while the table is locked by a reader (SQLite's shared cache, where a
    page polling the job holds it, answers "locked" at once instead of waiting); False if it never could."""
    for attempt in range(attempts):
        try:
            Job.objects.filter(pk=pk).update(**fields)
            return True
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            if attempt < attempts - 1:
                time.sleep(0.05)
    log.warning("job %s: could not record %s: the jobs table stayed locked", pk, ", ".join(sorted(fields)))
    return False


def jobs_interrupted_mark() -> int:
    """Mark jobs left waiting or running by a stopped service as failed, saying why; returns how many."""
    return Job.objects.filter(status__in=[QUEUED, RUNNING]).update(
        status=FAILED, finished=timezone.now(),
        error="The service was restarted before this job finished. Start it again.")
