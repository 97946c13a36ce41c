"""The worker process (`sendreform worker`, which `sendreform serve` starts beside gunicorn): django-tasks'
database worker runs the queued jobs, and a scheduler thread beside it, every `tick` seconds, marks the jobs
whose worker died as failed and starts the scheduled work that is due (`sendreform/jobs/schedule.py`)."""

from __future__ import annotations

import logging
import threading
import time

from django.db import OperationalError, close_old_connections, connection
from django.utils.crypto import get_random_string

log = logging.getLogger(__name__)


def scheduler_tick() -> tuple[int, list]:
    """One round of the scheduler: (jobs marked failed for a stale heartbeat, scheduled jobs started)."""
    from sendreform.jobs.schedule import schedule_enqueue
    from sendreform.jobs.services import jobs_stale_mark

    return jobs_stale_mark(), schedule_enqueue()


def _scheduler_loop(stop: threading.Event, tick: float) -> None:
    try:
        while True:
            close_old_connections()
            try:
                stale, started = scheduler_tick()
                if stale or started:
                    log.warning("scheduler: %s job(s) marked failed for a stale heartbeat; started %s",
                                stale, ", ".join(j.title for j in started) or "nothing")
            except Exception:  # noqa: BLE001 - a locked database or a bad entry must not stop the scheduler
                log.exception("scheduler: this round failed; trying again in %s s", tick)
            if stop.wait(tick):
                return
    finally:
        connection.close()


def worker_build(*, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None):
    """django-tasks' database worker for the default queue."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(queue_names=["default"], interval=interval, batch=batch, backend_name="default",
                  startup_delay=False, max_tasks=max_tasks, worker_id=get_random_string(32),
                  excluded_queue_names=[])


def worker_loop(worker) -> None:
    """Run the worker until it is stopped, going on after the database answered "locked" (SQLite, when a write
    outlasts the busy timeout, or at once with a shared in-memory database) rather than dying of it."""
    from django_tasks_db.utils import is_locked_database_exception

    while worker.running:
        try:
            worker.run()
            return
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise
            log.warning("worker: the database was locked (%s); going on", error)
            time.sleep(max(worker.interval, 0.1))


def worker_run(*, interval: float = 1.0, tick: float = 30.0, scheduler: bool = True) -> None:
    """Run jobs until SIGINT or SIGTERM (a job running then is finished first; a second signal stops it)."""
    stop = threading.Event()
    if scheduler:
        threading.Thread(target=_scheduler_loop, args=(stop, tick), daemon=True, name="scheduler").start()
    worker = worker_build(interval=interval)
    worker.configure_signals()
    try:
        worker_loop(worker)
    finally:
        stop.set()
