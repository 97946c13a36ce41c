"""The statutory EHC pipeline in the shape of the SEN2 return: requests, assessments, plans, annual reviews
and placements."""

from django.db import models
from django.db.models import Q

from sendreform.common.modelling import code_field, in_codes, int_code_field, not_before
from sendreform.people.models import Establishment, Person
from sendreform.standards import codes


class EhcRequest(models.Model):
    request_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="ehc_requests")
    received_date = models.DateField()
    request_source = int_code_field(codes.REQUEST_SOURCE)
    outcome = code_field(codes.REQUEST_OUTCOME)
    outcome_date = models.DateField(null=True, blank=True)
    mediation = models.BooleanField(default=False)
    tribunal = models.BooleanField(default=False)

    class Meta:
        db_table = "ehc_request"
        verbose_name = "EHC needs assessment request"
        constraints = [
            in_codes("ehc_request", "request_source", codes.REQUEST_SOURCE, as_int=True),
            in_codes("ehc_request", "outcome", codes.REQUEST_OUTCOME),
            not_before("ehc_request", "outcome_date", "received_date"),
        ]

    def __str__(self) -> str:
        return f"Request {self.request_id}"


class EhcAssessment(models.Model):
    assessment_id = models.CharField(max_length=40, primary_key=True)
    request = models.ForeignKey(EhcRequest, db_column="request_id", on_delete=models.CASCADE,
                                related_name="assessments")
    outcome = code_field(codes.ASSESSMENT_OUTCOME)
    outcome_date = models.DateField(null=True, blank=True)
    week20_exception = models.BooleanField(default=False)
    mediation = models.BooleanField(default=False)
    tribunal = models.BooleanField(default=False)

    class Meta:
        db_table = "ehc_assessment"
        verbose_name = "EHC needs assessment"
        constraints = [in_codes("ehc_assessment", "outcome", codes.ASSESSMENT_OUTCOME)]

    def __str__(self) -> str:
        return f"Assessment {self.assessment_id}"


class EhcPlan(models.Model):
    plan_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="ehc_plans")
    assessment = models.ForeignKey(EhcAssessment, db_column="assessment_id", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="plans",
                                   help_text="Empty for a plan transferred in from another local authority.")
    start_date = models.DateField(help_text="The date the final plan was issued.")
    cease_date = models.DateField(null=True, blank=True)
    cease_reason = int_code_field(codes.CEASE_REASON, null=True)
    transfer_in_la = models.CharField(max_length=3, null=True, blank=True)

    class Meta:
        db_table = "ehc_plan"
        verbose_name = "EHC plan"
        constraints = [
            in_codes("ehc_plan", "cease_reason", codes.CEASE_REASON, null=True, as_int=True),
            not_before("ehc_plan", "cease_date", "start_date"),
            models.CheckConstraint(
                condition=Q(cease_date__isnull=True, cease_reason__isnull=True)
                | Q(cease_date__isnull=False, cease_reason__isnull=False),
                name="ehc_plan_cease_reason_iff_cease_date",
            ),
        ]

    def __str__(self) -> str:
        return f"EHC plan {self.plan_id}"


class AnnualReview(models.Model):
    review_id = models.CharField(max_length=40, primary_key=True)
    plan = models.ForeignKey(EhcPlan, db_column="plan_id", on_delete=models.CASCADE, related_name="annual_reviews")
    meeting_date = models.DateField()
    decision_date = models.DateField(null=True, blank=True)
    outcome = code_field(codes.REVIEW_OUTCOME, null=True)
    school_cannot_meet_need = models.BooleanField(default=False)
    pfa_toolkit_used = models.BooleanField(default=False)
    phase_transfer = models.BooleanField(default=False)

    class Meta:
        db_table = "annual_review"
        constraints = [
            in_codes("annual_review", "outcome", codes.REVIEW_OUTCOME, null=True),
            not_before("annual_review", "decision_date", "meeting_date"),
        ]

    def __str__(self) -> str:
        return f"Annual review {self.review_id}"


class Placement(models.Model):
    """Where a person is educated over time: an establishment, or a SEN2 setting code when there is none."""

    placement_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="placements")
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="placements")
    sen_setting = code_field(codes.SEN_SETTING, null=True)
    sen_unit = models.BooleanField(default=False)
    resourced_provision = models.BooleanField(default=False)
    la_funded = models.BooleanField(default=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "placement"
        constraints = [
            in_codes("placement", "sen_setting", codes.SEN_SETTING, null=True),
            not_before("placement", "end_date", "start_date"),
            models.CheckConstraint(
                condition=Q(establishment__isnull=False, sen_setting__isnull=True)
                | Q(establishment__isnull=True, sen_setting__isnull=False),
                name="placement_exactly_one_of_establishment_and_sen_setting",
            ),
        ]
        indexes = [models.Index(fields=["person", "start_date"])]

    def __str__(self) -> str:
        return f"Placement {self.placement_id}"
