"""Experts at Hand: settings' engagement, referrals and practitioners' involvement."""

from django.db import models

from sendreform.common.modelling import code_field, in_codes, not_before
from sendreform.people.models import Establishment, Person
from sendreform.standards import codes


class EahEngagement(models.Model):
    establishment = models.ForeignKey(
        Establishment, db_column="establishment_id", on_delete=models.CASCADE, related_name="eah_engagement"
    )
    as_at = models.DateField()
    level = code_field(codes.EAH_LEVEL)

    class Meta:
        db_table = "eah_engagement"
        verbose_name = "Experts at Hand engagement"
        constraints = [in_codes("eah_engagement", "level", codes.EAH_LEVEL)]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.level} on {self.as_at}"


class EahReferral(models.Model):
    referral_id = models.CharField(max_length=40, primary_key=True)
    establishment = models.ForeignKey(
        Establishment, db_column="establishment_id", on_delete=models.PROTECT, related_name="eah_referrals"
    )
    person = models.ForeignKey(
        Person,
        db_column="person_id",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="eah_referrals",
        help_text="Empty for a setting-level consultation.",
    )
    received_date = models.DateField()
    risk_flags = models.CharField(max_length=200, blank=True, help_text="Comma list of EAH_RISK_FLAG codes.")
    triage_date = models.DateField(null=True, blank=True)
    tier = code_field(codes.EAH_TIER, null=True)
    first_support_date = models.DateField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    closed_date = models.DateField(null=True, blank=True)
    outcome = code_field(codes.EAH_OUTCOME, null=True)

    class Meta:
        db_table = "eah_referral"
        verbose_name = "Experts at Hand referral"
        constraints = [
            in_codes("eah_referral", "tier", codes.EAH_TIER, null=True),
            in_codes("eah_referral", "outcome", codes.EAH_OUTCOME, null=True),
            not_before("eah_referral", "triage_date", "received_date"),
            not_before("eah_referral", "first_support_date", "received_date"),
            not_before("eah_referral", "closed_date", "received_date"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.referral_id}"


class EahInvolvement(models.Model):
    referral = models.ForeignKey(
        EahReferral, db_column="referral_id", on_delete=models.CASCADE, related_name="involvements"
    )
    discipline = code_field(codes.EAH_DISCIPLINE)
    practitioner_id = models.CharField(max_length=40)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    hours = models.DecimalField(max_digits=9, decimal_places=2, default=0)

    class Meta:
        db_table = "eah_involvement"
        verbose_name = "Experts at Hand involvement"
        constraints = [
            in_codes("eah_involvement", "discipline", codes.EAH_DISCIPLINE),
            not_before("eah_involvement", "end_date", "start_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_discipline_display()} on referral {self.referral_id}"


# ---------------------------------------------------------------------------------------------------------
# The workflow's own tables. The canonical tables above keep exactly their canonical columns (the contract
# test holds them to `standards.schemas`, and snapshots and metrics read them), so what the workflow records
# beyond them lives in tables of its own, one row per canonical row where it extends one. A canonical row
# loaded without its extension (the synthetic area's history, an import) reads as the extension's defaults.

CONTACT_KINDS = {
    "OBSERVATION": "Observation in the setting",
    "CONSULTATION": "Consultation with staff",
    "ASSESSMENT": "Assessment with the child",
    "FAMILY": "Meeting with the family",
    "TRAINING": "Training for staff",
    "PHONE": "Telephone or video call",
}


class EahEngagementRecord(models.Model):
    """Who recorded an engagement level, and why."""

    engagement = models.OneToOneField(
        EahEngagement, primary_key=True, on_delete=models.CASCADE, related_name="record"
    )
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "app_eah_engagement_record"

    def __str__(self) -> str:
        return f"Record of {self.engagement}"


class EahReferralDetail(models.Model):
    """What a referral holds beyond its canonical row: the referrer's account, consent, the graduated
    response, triage details, and the version every write checks (optimistic locking)."""

    referral = models.OneToOneField(
        EahReferral, primary_key=True, on_delete=models.CASCADE, related_name="detail"
    )
    referred_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="eah_referrals_made"
    )
    concern = models.TextField(blank=True, help_text="What the setting is concerned about.")
    graduated_response = models.TextField(
        blank=True, help_text="What the setting has already tried (assess, plan, do, review)."
    )
    consent_given = models.BooleanField(
        default=False, help_text="Parental consent to a child-level referral."
    )
    consent_date = models.DateField(null=True, blank=True)
    disciplines = models.CharField(
        max_length=200, blank=True, help_text="Comma list of EAH_DISCIPLINE codes needed, set at triage."
    )
    triaged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    triage_note = models.TextField(blank=True)
    closure_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "app_eah_referral_detail"

    def __str__(self) -> str:
        return f"Detail of referral {self.referral_id} (version {self.version})"


class EahAllocation(models.Model):
    """An involvement's allocation: the hours a week it is expected to take (what counts against the
    practitioner's capacity) and who allocated it."""

    involvement = models.OneToOneField(
        EahInvolvement, primary_key=True, on_delete=models.CASCADE, related_name="allocation"
    )
    weekly_hours = models.DecimalField(max_digits=5, decimal_places=1)
    allocated_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "app_eah_allocation"

    def __str__(self) -> str:
        return f"Allocation of involvement {self.involvement_id}"


class EahPractitioner(models.Model):
    """A member of the Experts at Hand team and the hours a week they have for casework."""

    practitioner_id = models.CharField(
        max_length=40, primary_key=True, help_text="The id on their involvements, e.g. 870-EAH01."
    )
    name = models.CharField(max_length=200)
    discipline = code_field(codes.EAH_DISCIPLINE)
    weekly_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=30,
        help_text="Hours a week available for Experts at Hand casework.",
    )
    email = models.EmailField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        db_table = "app_eah_practitioner"
        ordering = ["practitioner_id"]
        constraints = [in_codes("app_eah_practitioner", "discipline", codes.EAH_DISCIPLINE)]

    def __str__(self) -> str:
        return f"{self.name} ({self.practitioner_id})"


class EahContact(models.Model):
    """One piece of support given under an involvement: its date, kind and hours."""

    involvement = models.ForeignKey(EahInvolvement, on_delete=models.CASCADE, related_name="contacts")
    contact_date = models.DateField()
    kind = models.CharField(max_length=20, choices=list(CONTACT_KINDS.items()))
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "app_eah_contact"
        ordering = ["contact_date", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="app_eah_contact_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.contact_date}"


class EahStrategy(models.Model):
    """A strategy agreed for a child (or a setting), written back so the setting sees it on the child."""

    referral = models.ForeignKey(EahReferral, on_delete=models.CASCADE, related_name="strategies")
    person = models.ForeignKey(
        Person,
        db_column="person_id",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="eah_strategies",
    )
    agreed_date = models.DateField()
    text = models.TextField()
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "app_eah_strategy"
        ordering = ["-agreed_date", "-id"]
        verbose_name_plural = "Experts at Hand strategies"

    def __str__(self) -> str:
        return f"Strategy on referral {self.referral_id}"


class EahFeedbackInvitation(models.Model):
    """The family's invitation to the feedback survey, offered when a referral about a child closes."""

    referral = models.OneToOneField(EahReferral, on_delete=models.CASCADE, related_name="feedback_invitation")
    token = models.CharField(max_length=64, unique=True)
    offered_date = models.DateField()
    family_email = models.EmailField(blank=True)
    completed_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "app_eah_feedback_invitation"

    def __str__(self) -> str:
        return f"Feedback invitation for referral {self.referral_id}"


class EahNotification(models.Model):
    """An email already sent about a referral, so the overdue check never sends the same one twice."""

    referral = models.ForeignKey(EahReferral, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField(blank=True)

    class Meta:
        db_table = "app_eah_notification"
        constraints = [models.UniqueConstraint(fields=["referral", "kind"], name="app_eah_notification_once")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.referral_id}"


class EahPlanningMeeting(models.Model):
    """A cluster's termly multi-disciplinary planning meeting."""

    cluster = models.ForeignKey(
        "people.Cluster", db_column="cluster_id", on_delete=models.PROTECT, related_name="eah_meetings"
    )
    meeting_date = models.DateField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "app_eah_planning_meeting"
        ordering = ["-meeting_date", "-id"]

    def __str__(self) -> str:
        return f"{self.cluster_id} planning meeting on {self.meeting_date}"


class EahMeetingAction(models.Model):
    """An action agreed at a planning meeting, with an owner and a due date."""

    meeting = models.ForeignKey(EahPlanningMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField()
    person = models.ForeignKey(
        Person,
        db_column="person_id",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The child the action is about, if any.",
    )
    done_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "app_eah_meeting_action"
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"Action due {self.due_date}: {self.description[:40]}"


class EahTransitionPlan(models.Model):
    """A coordinated plan for a child moving phase (early years to primary, primary to secondary, school
    to post-16): the plan says no child moves without one."""

    person = models.ForeignKey(
        Person, db_column="person_id", on_delete=models.CASCADE, related_name="eah_transition_plans"
    )
    academic_year = models.CharField(max_length=7, help_text='The year the child moves in, e.g. "2027/28".')
    agreed_date = models.DateField()
    receiving_setting = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "app_eah_transition_plan"
        constraints = [
            models.UniqueConstraint(
                fields=["person", "academic_year"], name="app_eah_transition_plan_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"Transition plan for {self.person_id} ({self.academic_year})"
