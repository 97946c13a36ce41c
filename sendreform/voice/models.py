"""Confidence and voice: complaints, tribunal appeals and survey responses."""

from django.db import models
from django.db.models import Q

from sendreform.common.modelling import code_field, in_codes, not_before
from sendreform.people.models import Establishment, Person
from sendreform.standards import codes


class Complaint(models.Model):
    complaint_id = models.CharField(max_length=40, primary_key=True)
    received_date = models.DateField()
    route = code_field(codes.COMPLAINT_ROUTE)
    about_send = models.BooleanField()
    stage = models.PositiveSmallIntegerField()
    closed_date = models.DateField(null=True, blank=True)
    upheld = models.BooleanField(null=True, blank=True)

    class Meta:
        db_table = "complaint"
        constraints = [
            in_codes("complaint", "route", codes.COMPLAINT_ROUTE),
            not_before("complaint", "closed_date", "received_date"),
        ]

    def __str__(self) -> str:
        return f"Complaint {self.complaint_id}"


class TribunalAppeal(models.Model):
    appeal_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE,
                               related_name="tribunal_appeals")
    lodged_date = models.DateField()
    appeal_type = code_field(codes.TRIBUNAL_APPEAL_TYPE)
    outcome = code_field(codes.TRIBUNAL_OUTCOME, null=True)
    decided_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "tribunal_appeal"
        constraints = [
            in_codes("tribunal_appeal", "appeal_type", codes.TRIBUNAL_APPEAL_TYPE),
            in_codes("tribunal_appeal", "outcome", codes.TRIBUNAL_OUTCOME, null=True),
            not_before("tribunal_appeal", "decided_date", "lodged_date"),
        ]

    def __str__(self) -> str:
        return f"Appeal {self.appeal_id}"


class SurveyResponse(models.Model):
    response_id = models.CharField(max_length=40, primary_key=True)
    survey = code_field(codes.SURVEY)
    respondent = code_field(codes.RESPONDENT)
    person = models.ForeignKey(Person, db_column="person_id", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="survey_responses")
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="survey_responses")
    submitted_date = models.DateField()
    question = models.CharField(max_length=300)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(null=True, blank=True)

    class Meta:
        db_table = "survey_response"
        constraints = [
            in_codes("survey_response", "survey", codes.SURVEY),
            in_codes("survey_response", "respondent", codes.RESPONDENT),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                                   name="survey_response_score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} response {self.response_id}"
