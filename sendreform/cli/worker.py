"""`sendreform worker`: run the background jobs and the schedule; `sendreform jobs retry ID`: queue a failed job
again with the same settings (ADR 14); `sendreform figures`: compute the dashboard's figures now (ADR 15)."""

from __future__ import annotations

import sys

WORKER_DESCRIPTION = """\
Run the background jobs (forecast runs, backtests, board packs, the dashboard's figures) as they are queued,
and the scheduled work declared in sendreform/jobs/schedule.py (the Experts at Hand overdue emails each
working morning, the nightly figures). Jobs wait in the database, so they survive a restart of either the
web server or the worker. `sendreform serve` starts one worker beside gunicorn; run more with this command
(each job runs once, and each scheduled occurrence starts once, however many workers run). Ctrl+C or
SIGTERM stops it after the job it is running (a second one stops it at once: that job is then marked
failed when its heartbeat goes stale, and can be retried)."""

JOBS_DESCRIPTION = """\
Background jobs from the command line. "retry ID" queues a failed job again with the same settings, as
the "Retry the job" button on its page does; "check" marks as failed the running jobs whose worker has
stopped answering (the worker does this every half minute itself)."""


def add_parser(commands, subcommand, date_type) -> None:
    p = subcommand(commands, "worker", summary="run the background jobs and the schedule",
                   description=WORKER_DESCRIPTION, examples="  sendreform worker\n  sendreform worker --no-scheduler")
    p.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                   help="how often an idle worker looks for a queued job (default 1)")
    p.add_argument("--no-scheduler", action="store_true",
                   help="run jobs only; leave the schedule and the heartbeat check to another worker")
    p.set_defaults(run=_worker)
    p = subcommand(commands, "jobs", summary="retry a failed background job, or check for dead ones",
                   description=JOBS_DESCRIPTION, examples="  sendreform jobs retry 42\n  sendreform jobs check")
    actions = p.add_subparsers(dest="jobs_command", title="actions", metavar="ACTION", required=True)
    retry = actions.add_parser("retry", help="queue a failed job again with the same settings")
    retry.add_argument("job", type=int, metavar="ID", help="the job's number (in its page's address)")
    retry.set_defaults(run=_retry)
    actions.add_parser("check", help="mark jobs whose worker stopped answering as failed").set_defaults(run=_check)
    p = subcommand(commands, "figures", summary="compute the dashboard's figures now, into the shared copy",
                   description="""\
Copy the canonical tables into a new shared DuckDB file and compute the dashboard's figures into it, now, in
this process (ADR 15): what the worker does after each change of data and each night. `make demo` runs it once
after loading the synthetic area, so the first dashboard opens at once.""", examples="  sendreform figures")
    p.set_defaults(run=_figures)


def _worker(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.jobs.worker import worker_run

    print(f"sendreform worker: running jobs{'' if args.no_scheduler else ' and the schedule'} "
          "(Ctrl+C stops it)", flush=True)
    worker_run(interval=args.interval, scheduler=not args.no_scheduler)
    return 0


def _retry(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.jobs.models import Job
    from sendreform.jobs.services import job_retry

    job = Job.objects.filter(pk=args.job).first()
    if job is None:
        print(f"sendreform jobs retry: there is no job {args.job}", file=sys.stderr)
        return 2
    try:
        job = job_retry(job=job)
    except ValueError as error:
        print(f"sendreform jobs retry: job {job.pk}: {error}", file=sys.stderr)
        return 2
    print(f"Job {job.pk} ({job.title}) is queued again, attempt {job.attempt}.")
    return 0


def _check(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.jobs.services import jobs_stale_mark

    print(f"{jobs_stale_mark()} job(s) whose worker stopped answering marked as failed.")
    return 0


def _figures(args, parser) -> int:
    from sendreform.cli import main

    main._django_setup()
    from sendreform.indicators.analytics import analytics_recompute

    copy = analytics_recompute(progress=main.progress_bar())
    print(f"The dashboard's figures computed in {copy.seconds:.1f} s into {copy.path}")
    return 0
