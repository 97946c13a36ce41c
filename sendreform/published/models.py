"""The DfE's published EHC plan statistics for every area, as published: tables of their own, apart from the
local area's child-level tables. Public aggregates, so no scope and no audit; loaded by `sendreform published
load` (services.published_load)."""

from django.conf import settings
from django.db import models

LEVELS = {"england": "England", "region": "Region", "la": "Local authority"}


class Release(models.Model):
    """One DfE release loaded: which, from where, by whom and when, its files and what the reader noted."""

    name = models.CharField(max_length=100, unique=True, help_text="e.g. education-health-and-care-plans_2025")
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=500, help_text="The folder it was read from.")
    files = models.JSONField(default=list)
    notes = models.JSONField(default=list, help_text="Unknown files or columns and mended defects, as the reader "
                                                     "reported them.")
    figure_count = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField(auto_now=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        db_table = "published_release"
        ordering = ["year"]

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """England, a region or a local authority, with both its codes and its latest published name."""

    level = models.CharField(max_length=10, choices=list(LEVELS.items()))
    code = models.CharField(max_length=12, help_text="Nine-character code (E92000001, E120..., E06...).")
    old_code = models.CharField(max_length=3, blank=True, help_text="The DfE's three-digit LA code.")
    name = models.CharField(max_length=100)
    region_code = models.CharField(max_length=12, blank=True)

    class Meta:
        db_table = "published_area"
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="published_area_one_per_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Figure(models.Model):
    """One published cell: the text as the DfE published it (a number or c, x, z, low, u) and its number."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="figures")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="figures")
    file = models.CharField(max_length=60)
    row = models.PositiveIntegerField(help_text="Its line in the release file.")
    time_period = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField(help_text="Calendar year, or the January census of an academic year.")
    breakdown_topic = models.CharField(max_length=100)
    breakdown = models.CharField(max_length=200)
    measure = models.CharField(max_length=60)
    text = models.CharField(max_length=20)
    number = models.FloatField(null=True, blank=True)

    class Meta:
        db_table = "published_figure"
        indexes = [models.Index(fields=["file", "measure", "breakdown_topic"], name="published_figure_measure")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.file} {self.measure} {self.time_period}: {self.text}"
