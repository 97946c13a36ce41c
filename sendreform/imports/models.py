"""Every import of outside data into the canonical tables (ADR 18): the run, and each row it changed.

An `ImportRun` records who read which file (its name and content hash), for which collection, what the
check found (the validation report) and what the preview counted; once confirmed, each row it added,
changed or closed is an `ImportChange` holding the row's values before and after, so the last import of a
source can be reversed exactly.
"""

from django.conf import settings
from django.db import models

CHECKED = "checked"
PREVIEWED = "previewed"
APPLIED = "applied"
REVERSED = "reversed"
STATUSES = {
    CHECKED: "Checked: the file has errors, or was not previewed",
    PREVIEWED: "Previewed: waiting for confirmation, nothing stored",
    APPLIED: "Applied",
    REVERSED: "Reversed",
}

ADDED = "added"
CHANGED = "changed"
CLOSED = "closed"
ACTIONS = {ADDED: "Added", CHANGED: "Changed", CLOSED: "Closed"}


class ImportRun(models.Model):
    source = models.CharField(max_length=40, help_text="What kind of file: sen2, census, nccis, gias, tables.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    by_name = models.CharField(max_length=150, help_text="The username, or the command for the command line.")
    at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the file as read.")
    collection_year = models.IntegerField(null=True, blank=True)
    period = models.CharField(max_length=40, blank=True, help_text="The collection's reference date or term.")
    status = models.CharField(max_length=10, choices=list(STATUSES.items()), default=CHECKED)
    errors = models.IntegerField(default=0)
    queries = models.IntegerField(default=0)
    report = models.JSONField(default=dict, help_text="The validation report as read.")
    counts = models.JSONField(default=dict, help_text="Per table: added, changed, unchanged, closed.")
    preview = models.JSONField(default=dict, help_text="People matched, new and ambiguous; settings not stored; "
                                                       "examples of each table's changes.")
    applied_at = models.DateTimeField(null=True, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        db_table = "app_import_run"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["source", "status"])]

    def __str__(self) -> str:
        return f"{self.source} import {self.pk} of {self.file_name} ({self.status})"


class ImportChange(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    table = models.CharField(max_length=40)
    key = models.CharField(max_length=80, help_text="The row's primary key.")
    action = models.CharField(max_length=10, choices=list(ACTIONS.items()))
    before = models.JSONField(null=True, blank=True, help_text="The row's values before; empty when added.")
    after = models.JSONField(help_text="The row's values after the import.")

    class Meta:
        db_table = "app_import_change"
        ordering = ["pk"]
        indexes = [models.Index(fields=["table", "key"])]

    def __str__(self) -> str:
        return f"{self.action} {self.table} {self.key}"
