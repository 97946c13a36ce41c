"""The one task the task runner knows (ADR 14): run a recorded job. Everything else about a job (what it runs,
its progress, heartbeat and outcome) is on the job's own row, so callers never deal with the runner."""

from django_tasks import TaskResultStatus, task

__all__ = ["TaskResultStatus", "job_run"]


@task()
def job_run(job_id: int) -> str:
    """Run the job in this worker; returns its final status (the job's row says why), or "deleted" for a job
    removed while it waited."""
    from sendreform.jobs.models import Job
    from sendreform.jobs.services import job_execute

    if not Job.objects.filter(pk=job_id).exists():
        return "deleted"
    return job_execute(job_id=job_id).status
