"""The shared analytics copy (ADR 15): each change of data that the dashboard must follow, and each DuckDB file
of the canonical tables and the dashboard's figures made after one, which every web worker reads."""

from django.db import models


class DataChange(models.Model):
    """Data the dashboard counts has changed (an import, the nightly run, a casework save): the figures made
    before `at` are out of date from then on."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    reason = models.CharField(max_length=200)

    class Meta:
        db_table = "app_data_change"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.reason} at {self.at:%Y-%m-%d %H:%M}"


class AnalyticsCopy(models.Model):
    """One DuckDB file: the canonical tables as they stood at `made`, and the dashboard's figures computed on them.
    The newest is the one pages read."""

    path = models.CharField(max_length=500, help_text="The DuckDB file.")
    made = models.DateTimeField(help_text="When the copy of the data was taken.")
    covers = models.DateTimeField(null=True, blank=True,
                                  help_text="The latest data change it includes (none: made before any).")
    data_version = models.CharField(max_length=500, help_text="Row counts of the canonical tables it copied.")
    seconds = models.FloatField(help_text="How long making it took.")

    class Meta:
        db_table = "app_analytics_copy"
        ordering = ["-made", "-pk"]

    def __str__(self):
        return f"Analytics copy of {self.made:%Y-%m-%d %H:%M}"
