"""A background job: what it runs, who started it, how far it has got and where its result is."""

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
    heartbeat = models.DateTimeField(null=True, blank=True, help_text="Last time the job reported progress.")

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
