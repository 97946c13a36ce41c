"""The one task the task runner knows (ADR 14): run a recorded job. Everything else about a job (what it runs,
its progress, heartbeat and outcome) is on the job's own row, so callers never deal with the runner."""

from django_tasks import TaskResultStatus, task

__all__ = ["TaskResultStatus", "job_run"]


@task()
def job_run(job_id: int) -> str:
    """Run the job in this worker; returns its final status (the job's row says why)."""
    from sendreform.jobs.services import job_execute

    return job_execute(job_id=job_id).status
