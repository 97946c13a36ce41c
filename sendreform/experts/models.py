"""Experts at Hand: settings' engagement, referrals and practitioners' involvement."""

from django.db import models

from sendreform.common.modelling import code_field, in_codes, not_before
from sendreform.people.models import Establishment, Person
from sendreform.standards import codes


class EahEngagement(models.Model):
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", on_delete=models.CASCADE,
                                      related_name="eah_engagement")
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
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", on_delete=models.PROTECT,
                                      related_name="eah_referrals")
    person = models.ForeignKey(Person, db_column="person_id", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="eah_referrals", help_text="Empty for a setting-level consultation.")
    received_date = models.DateField()
    risk_flags = models.CharField(max_length=200, blank=True,
                                  help_text="Comma list of EAH_RISK_FLAG codes.")
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
    referral = models.ForeignKey(EahReferral, db_column="referral_id", on_delete=models.CASCADE,
                                 related_name="involvements")
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
