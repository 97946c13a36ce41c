"""Inclusion: attendance, exclusions, part-time timetables, alternative provision and NEET activity."""

from django.db import models
from django.db.models import F, Q

from sendreform.common.modelling import code_field, in_codes, not_before
from sendreform.people.models import Establishment, Person
from sendreform.standards import codes


class Attendance(models.Model):
    """Termly attendance summary per pupil and school."""

    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="attendance")
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", on_delete=models.PROTECT,
                                      related_name="attendance")
    academic_year = models.CharField(max_length=7)
    term = code_field(codes.TERM)
    sessions_possible = models.PositiveIntegerField()
    sessions_authorised = models.PositiveIntegerField()
    sessions_unauthorised = models.PositiveIntegerField()
    sessions_c2 = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "attendance"
        verbose_name_plural = "attendance"
        constraints = [
            in_codes("attendance", "term", codes.TERM),
            models.CheckConstraint(
                condition=Q(sessions_possible__gte=F("sessions_authorised") + F("sessions_unauthorised")),
                name="attendance_absence_within_possible",
            ),
            models.UniqueConstraint(fields=["person", "establishment", "academic_year", "term"],
                                    name="attendance_one_row_per_term"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.establishment_id}, {self.academic_year} {self.term}"


class Exclusion(models.Model):
    exclusion_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="exclusions")
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", on_delete=models.PROTECT,
                                      related_name="exclusions")
    start_date = models.DateField()
    category = code_field(codes.EXCLUSION_CATEGORY)
    sessions = models.PositiveIntegerField()
    reason = code_field(codes.EXCLUSION_REASON)
    sen_provision = code_field(codes.SEN_PROVISION)

    class Meta:
        db_table = "exclusion"
        constraints = [
            in_codes("exclusion", "category", codes.EXCLUSION_CATEGORY),
            in_codes("exclusion", "reason", codes.EXCLUSION_REASON),
            in_codes("exclusion", "sen_provision", codes.SEN_PROVISION),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.exclusion_id}"


class PartTimeTimetable(models.Model):
    ptt_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE,
                               related_name="part_time_timetables")
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", on_delete=models.PROTECT,
                                      related_name="part_time_timetables")
    start_date = models.DateField()
    planned_end_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    hours_in_school_per_week = models.DecimalField(max_digits=9, decimal_places=2)
    full_time_hours_per_week = models.DecimalField(max_digits=9, decimal_places=2)
    reason = models.CharField(max_length=200)
    review_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "part_time_timetable"
        constraints = [
            not_before("part_time_timetable", "end_date", "start_date"),
            not_before("part_time_timetable", "planned_end_date", "start_date"),
            models.CheckConstraint(
                condition=Q(hours_in_school_per_week__gte=0)
                & Q(hours_in_school_per_week__lte=F("full_time_hours_per_week")),
                name="part_time_timetable_hours_within_full_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Part-time timetable {self.ptt_id}"


class ApProvider(models.Model):
    provider_id = models.CharField(max_length=40, primary_key=True)
    name = models.CharField(max_length=200)
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="ap_providers")
    approved = models.BooleanField(default=False, help_text="On the Approved Provider List.")
    approved_date = models.DateField(null=True, blank=True)
    quality = code_field(codes.AP_QUALITY, null=True)
    review_due = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "ap_provider"
        verbose_name = "alternative provision provider"
        constraints = [in_codes("ap_provider", "quality", codes.AP_QUALITY, null=True)]

    def __str__(self) -> str:
        return self.name


class ApCommission(models.Model):
    """Alternative provision commissioned by a school (its establishment_id) or the council ("LA")."""

    commission_id = models.CharField(max_length=40, primary_key=True)
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE,
                               related_name="ap_commissions")
    commissioned_by = models.CharField(max_length=40)
    provider = models.ForeignKey(ApProvider, db_column="provider_id", on_delete=models.PROTECT,
                                 related_name="commissions")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    sessions_per_week = models.PositiveSmallIntegerField()
    weekly_cost = models.BigIntegerField(null=True, blank=True, help_text="Pence.")

    class Meta:
        db_table = "ap_commission"
        verbose_name = "alternative provision commission"
        constraints = [not_before("ap_commission", "end_date", "start_date")]

    def __str__(self) -> str:
        return f"Alternative provision {self.commission_id}"


class NeetActivity(models.Model):
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE,
                               related_name="neet_activity")
    as_at = models.DateField()
    academic_age = models.PositiveSmallIntegerField()
    activity = code_field(codes.NEET_ACTIVITY)

    class Meta:
        db_table = "neet_activity"
        verbose_name_plural = "NEET activity"
        constraints = [in_codes("neet_activity", "activity", codes.NEET_ACTIVITY)]

    def __str__(self) -> str:
        return f"{self.person_id} {self.activity} on {self.as_at}"
