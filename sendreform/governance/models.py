"""Governance of the plan: the boards of its governance table (and the senior responsible officer), their
meetings, decisions and actions, the risk register on the Annex C matrix, and the board packs generated."""

from django.conf import settings
from django.db import models

GROUP, INDIVIDUAL = "group", "individual"
BOARD_KINDS = {GROUP: "Governance group", INDIVIDUAL: "Individual"}

AGREED, DEFERRED, RESCINDED = "agreed", "deferred", "rescinded"
DECISION_STATUSES = {AGREED: "Agreed", DEFERRED: "Deferred", RESCINDED: "Rescinded"}

OPEN, IN_PROGRESS, COMPLETE = "open", "in_progress", "complete"
ACTION_STATUSES = {OPEN: "Open", IN_PROGRESS: "In progress", COMPLETE: "Complete"}

# Annex C of the plan template: impact levels and likelihood bands, lowest first (each scores 1 to 5).
IMPACTS = {
    "negligible": "Negligible",
    "marginal": "Marginal",
    "moderate": "Moderate",
    "critical": "Critical",
    "crisis": "Crisis",
}
LIKELIHOODS = {
    "very_unlikely": "Very unlikely (< 10%)",
    "unlikely": "Unlikely (10–30%)",
    "possible": "Possible (30–60%)",
    "likely": "Likely (60–90%)",
    "very_likely": "Very likely (> 90%)",
}


class Board(models.Model):
    """A governance mechanism of the plan's governance table: a board or group, or an individual (the SRO)."""

    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=BOARD_KINDS.items(), default=GROUP)
    is_sro = models.BooleanField(default=False)
    purpose = models.TextField()
    membership = models.TextField(blank=True)
    chair = models.CharField(max_length=200, blank=True)
    cadence = models.CharField(max_length=100, blank=True)
    decision_rights = models.TextField(blank=True)
    escalation_route = models.TextField(blank=True)  # the plan's words, which may name bodies outside it
    escalates_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="escalated_from")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.board} {self.date}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=DECISION_STATUSES.items(), default=AGREED)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Moves on at every edit; an edit shown at an older one is refused (ADR 13).")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class Action(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.CharField(max_length=200)
    due = models.DateField()
    status = models.CharField(max_length=20, choices=ACTION_STATUSES.items(), default=OPEN)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Moves on at every edit; an edit shown at an older one is refused (ADR 13).")

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Risk(models.Model):
    """A risk of the register: the plan's own wording and ratings, and its place on the Annex C matrix
    before (inherent) and after (residual) mitigation."""

    position = models.PositiveSmallIntegerField()
    ref = models.CharField(max_length=20, unique=True)
    title = models.TextField()
    plan_impact = models.CharField(max_length=200, blank=True)  # as the plan words it, e.g. "High"
    plan_likelihood = models.CharField(max_length=100, blank=True)
    plan_rag = models.CharField(max_length=10, blank=True)
    plan_residual_rag = models.CharField(max_length=10, blank=True)
    inherent_impact = models.CharField(max_length=20, choices=IMPACTS.items())
    inherent_likelihood = models.CharField(max_length=20, choices=LIKELIHOODS.items())
    residual_impact = models.CharField(max_length=20, choices=IMPACTS.items())
    residual_likelihood = models.CharField(max_length=20, choices=LIKELIHOODS.items())
    mitigations = models.JSONField(default=list)
    owner = models.CharField(max_length=200)
    review_date = models.DateField()
    escalates_to = models.ForeignKey(Board, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="risks_escalated")
    note = models.TextField(blank=True)
    # A risk closed in the app leaves the register's ratings, heat maps and packs, and keeps its history.
    closed_date = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    # the plan file's values of this item when last imported: a field the app has changed since keeps the app's
    # value when the file is imported again (ADR 16)
    imported = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Moves on at every edit; an edit shown at an older one is refused (ADR 13).")

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.ref}: {self.title}"


class BoardPack(models.Model):
    """A board pack as generated: its as-at date, snapshot hash, the state it reported (so the next pack
    can say what changed) and the PDF itself."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="packs")
    as_at = models.DateField()
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    generated_by_name = models.CharField(max_length=150, blank=True)
    content_hash = models.CharField(max_length=80)
    state = models.JSONField(default=dict)
    # The officer's commentary on each section, entered on the pack's page before generating: {section: text}.
    commentary = models.JSONField(default=dict, blank=True)
    pdf = models.BinaryField()

    class Meta:
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.board} pack as at {self.as_at}"
