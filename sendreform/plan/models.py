"""The Local SEND Reform Plan as data: building blocks and enablers with their three-year roadmap and success
measures, the first year's workstreams with quarterly milestones and trajectories, the indicators' baselines,
targets and milestones, the investment plan, and the history of every change to a plan item."""

from django.conf import settings
from django.db import models

from sendreform.common.appendonly import AppendOnlyModel

NOT_STARTED, ON_TRACK, AT_RISK, OFF_TRACK, DONE = "not_started", "on_track", "at_risk", "off_track", "done"
MILESTONE_STATUSES = {
    NOT_STARTED: "Not started",
    ON_TRACK: "On track",
    AT_RISK: "At risk",
    OFF_TRACK: "Off track",
    DONE: "Done",
}
BUILDING_BLOCK, ENABLER = "building_block", "enabler"
BLOCK_KINDS = {BUILDING_BLOCK: "Building block", ENABLER: "Enabler"}
INVESTMENT_CATEGORIES = {
    "programme_oversight": "Programme oversight and leadership capacity",
    "workforce_recruitment": "Workforce recruitment",
    "workforce_training": "Workforce training and development",
    "data_digital": "Data and digital",
}


class Plan(models.Model):
    """One local area's plan; the database holds one, which `sendreform plan import` merges a plan file into."""

    local_area_name = models.CharField(max_length=100)
    la_code = models.CharField(max_length=10, blank=True)
    new_la_code = models.CharField(max_length=12, blank=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    investment_note = models.TextField(blank=True)  # what the plan says of its investment amounts
    imported_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.local_area_name})"


class RoadmapYear(models.Model):
    """A year of the three-year roadmap and what it is about (e.g. 2026/27: design and mobilisation)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="roadmap_years")
    position = models.PositiveSmallIntegerField()
    year = models.CharField(max_length=10)
    headline = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.year


class BuildingBlock(models.Model):
    """One of the plan's four building blocks of an inclusive system, or one of its enablers."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="building_blocks")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20, choices=BLOCK_KINDS.items())
    name = models.CharField(max_length=200)
    vision = models.JSONField(default=list, blank=True)  # the plan's three-year vision, as its bullet points

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_block_key_unique")]

    def __str__(self) -> str:
        return self.name


class RoadmapEntry(models.Model):
    """What a building block or enabler delivers in one roadmap year, as the plan's list of points."""

    block = models.ForeignKey(BuildingBlock, on_delete=models.CASCADE, related_name="roadmap")
    year = models.CharField(max_length=10)
    items = models.JSONField(default=list)

    class Meta:
        ordering = ["block__position", "year"]

    def __str__(self) -> str:
        return f"{self.block} {self.year}"


class SuccessMeasure(models.Model):
    """A success measure of the roadmap, with what success looks like in each year."""

    block = models.ForeignKey(BuildingBlock, on_delete=models.CASCADE, related_name="success_measures")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    by_year = models.JSONField(default=dict)

    class Meta:
        ordering = ["block__position", "position"]

    def __str__(self) -> str:
        return self.name


class Workstream(models.Model):
    """A workstream of the first-year delivery plan, mapped to a building block, with its accountable lead."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    block = models.ForeignKey(BuildingBlock, on_delete=models.PROTECT, related_name="workstreams")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    outcome = models.JSONField(default=list, blank=True)
    success_measures = models.JSONField(default=list, blank=True)
    lead = models.CharField(max_length=200, blank=True)
    lead_support = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    # the plan file's values of this item when last imported: a field the app has changed since keeps the app's
    # value when the file is imported again (ADR 16)
    imported = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Moves on at every edit; an edit shown at an older one is refused (ADR 13).")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="plan_workstream_key_unique")]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A quarterly milestone of a workstream: due at the end of its quarter, with status and evidence."""

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="milestones")
    quarter = models.CharField(max_length=12)  # "2026-27 Q2": a financial-year quarter
    due = models.DateField()
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    status = models.CharField(max_length=20, choices=MILESTONE_STATUSES.items(), default=NOT_STARTED)
    evidence = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True)
    # the plan file's values of this item when last imported: a field the app has changed since keeps the app's
    # value when the file is imported again (ADR 16)
    imported = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Moves on at every edit; an edit shown at an older one is refused (ADR 13).")

    class Meta:
        ordering = ["workstream__position", "due", "position"]

    def __str__(self) -> str:
        return self.text[:80]


class WorkstreamTrajectory(models.Model):
    """Where a workstream expects the data to be at the end of a quarter, naming the indicators it means."""

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="trajectories")
    quarter = models.CharField(max_length=12)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    indicator_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["workstream__position", "quarter", "position"]

    def __str__(self) -> str:
        return self.text[:80]


class IndicatorTarget(models.Model):
    """An indicator's baseline, target and milestones (the plan file's `indicators:` section)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicator_targets")
    position = models.PositiveSmallIntegerField()
    indicator_id = models.CharField(max_length=60)
    has_baseline = models.BooleanField(default=False)
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.FloatField(null=True, blank=True)
    target_change_pct = models.FloatField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    milestones = models.JSONField(default=list, blank=True)  # [{"date": "YYYY-MM-DD", "value": n}]

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "indicator_id"], name="plan_indicator_unique")]

    def __str__(self) -> str:
        return self.indicator_id


class InvestmentLine(models.Model):
    """Planned and actual spend of one investment category in one quarter (integer pence; None: not given)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="investment")
    category = models.CharField(max_length=30, choices=INVESTMENT_CATEGORIES.items())
    heading = models.CharField(max_length=200, blank=True)  # the plan's own name for the category
    quarter = models.CharField(max_length=12)
    position = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)
    planned_pence = models.BigIntegerField(null=True, blank=True)
    actual_pence = models.BigIntegerField(null=True, blank=True)
    # the plan file's values of this item when last imported: a field the app has changed since keeps the app's
    # value when the file is imported again (ADR 16)
    imported = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Moves on at every edit; an edit shown at an older one is refused (ADR 13).")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.category} {self.quarter}"


class ChangeEntry(AppendOnlyModel):
    """One change to a milestone, risk, decision or action: who, when, and each field's before and after.
    Append-only: no entry is changed or deleted (`sendreform.common.appendonly`).

    The subject is named by kind and id rather than a foreign key, so the history outlives the item."""

    subject_kind = models.CharField(max_length=20)  # milestone, risk, decision, action
    subject_id = models.PositiveBigIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=150)
    summary = models.CharField(max_length=200)
    changes = models.JSONField(default=list)  # [{"field": label, "before": text, "after": text}]

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="plan_change_subject_idx")]
        verbose_name_plural = "change entries"

    def __str__(self) -> str:
        return f"{self.subject_kind} {self.subject_id}: {self.summary}"
