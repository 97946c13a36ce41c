"""A background job: what it runs, who started it, how far it has got and where its result is; the work a job
computes (a forecast run, a backtest), whose status is the job's; and the record of each scheduled run."""

from django.conf import settings
from django.db import models

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
STATUSES = {QUEUED: "Waiting to start", RUNNING: "Running", DONE: "Finished", FAILED: "Failed"}


class Job(models.Model):
    kind = models.CharField(max_length=40, help_text="What the job does, e.g. forecast or board_pack.")
    title = models.CharField(max_length=200)
    target = models.CharField(max_length=200, help_text="Dotted path of the function the job runs.")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=list(STATUSES.items()), default=QUEUED)
    stage = models.CharField(max_length=200, blank=True, help_text="What the job is doing now.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result_url = models.CharField(max_length=300, blank=True, help_text="Where the result can be seen.")
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="jobs")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True, help_text="Last time the worker running the job "
                                                                      "said it was alive.")
    attempt = models.PositiveSmallIntegerField(default=1, help_text="1 for the first run, 2 after one retry...")
    task_id = models.CharField(max_length=64, blank=True, help_text="The task runner's id for the latest attempt.")

    class Meta:
        db_table = "app_job"
        ordering = ["-created", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=list(STATUSES)),
                                              name="app_job_status_valid")]

    def __str__(self):
        return f"{self.title} ({STATUSES[self.status].lower()})"

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def percent(self) -> int:
        if self.status == DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_active(self) -> bool:
        return self.status in (QUEUED, RUNNING)


class JobWork(models.Model):
    """Something computed by a background job: its status, the job, who started it and when, when it finished
    and why it failed. While it has a job, only the job writes its status, finish time and error, in the same
    transaction as the job's own (`sendreform.jobs.services`), so the two never disagree: a job marked failed
    because its worker died fails its work with the same reason, and a retry puts both back in the queue."""

    status = models.CharField(max_length=10, choices=list(STATUSES.items()), default=QUEUED)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


class ScheduledRun(models.Model):
    """One occurrence of an entry of the schedule (`sendreform/jobs/schedule.py`), recorded by the worker that
    started it: the unique (name, due) pair is what stops two workers both running it."""

    name = models.CharField(max_length=60)
    due = models.DateTimeField(help_text="When this occurrence was due.")
    started = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "app_scheduled_run"
        ordering = ["-due", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "due"], name="app_scheduled_run_once")]

    def __str__(self):
        return f"{self.name} due {self.due:%Y-%m-%d %H:%M}"
