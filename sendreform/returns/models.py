"""A return the partnership owes the DfE (from the calendar in the area's returns file), its status and sign-off,
and each file generated for it by a background job, with its content hash and the snapshot it came from."""

from django.conf import settings
from django.db import models

from sendreform.jobs.models import JobWork
from sendreform.returns.layout import KINDS

NOT_STARTED, DRAFT, CHECKED, SIGNED_OFF, SUBMITTED = "not_started", "draft", "checked", "signed_off", "submitted"
RETURN_STATUSES = {NOT_STARTED: "Not started", DRAFT: "Draft", CHECKED: "Checked", SIGNED_OFF: "Signed off",
                   SUBMITTED: "Submitted"}


class Return(models.Model):
    """One return owed: SEN2 for a collection year, the data template for a financial year, or the quarterly
    return for a quarter. Its status moves not started -> draft (a file generated) -> checked -> signed off ->
    submitted; generating a new file puts it back to draft."""

    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    period = models.CharField(max_length=10, help_text="2027 (SEN2), 2026-27 (data template) or 2026-Q3.")
    due = models.DateField()
    status = models.CharField(max_length=12, choices=list(RETURN_STATUSES.items()), default=NOT_STARTED)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    signed_off_by_name = models.CharField(max_length=150, blank=True, help_text="Kept if the user is deleted.")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_file = models.ForeignKey("ReturnFile", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "app_return"
        ordering = ["due", "kind", "period"]
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="return_kind_period_unique")]

    def __str__(self) -> str:
        return f"{KINDS[self.kind]} {self.period}"

    @property
    def status_label(self) -> str:
        return RETURN_STATUSES[self.status]


class ReturnFile(JobWork):
    """A file generated for a return by a background job: the return's own file (to the DfE) or its suppressed
    copy (what board members and the parent carer forum see)."""

    ret = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    suppressed = models.BooleanField(default=False)
    snapshot_as_at = models.DateField(null=True, blank=True, help_text="The data as it stood on this date.")
    snapshot_hash = models.CharField(max_length=80, blank=True, help_text="Content hash of that snapshot.")
    checks = models.JSONField(default=list, blank=True, help_text="What to look at before signing off.")
    summary = models.TextField(blank=True)

    class Meta:
        db_table = "app_return_file"
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.name or f"file {self.pk}"
