"""Money and places: unit costs, places planned to open, and the background population."""

from django.db import models

from sendreform.common.modelling import code_field, in_codes
from sendreform.people.models import Establishment
from sendreform.standards import codes


class UnitCost(models.Model):
    setting_category = code_field(codes.SETTING_CATEGORY)
    need_type = code_field(codes.NEED_TYPE, null=True)
    financial_year = models.CharField(max_length=7)
    annual_cost = models.BigIntegerField(help_text="Pence a year.")

    class Meta:
        db_table = "unit_cost"
        constraints = [
            in_codes("unit_cost", "setting_category", codes.SETTING_CATEGORY),
            in_codes("unit_cost", "need_type", codes.NEED_TYPE, null=True),
        ]

    def __str__(self) -> str:
        return f"{self.setting_category} {self.need_type or 'all needs'} {self.financial_year}"


class PlannedPlaces(models.Model):
    project = models.CharField(max_length=200)
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="planned_places")
    kind = code_field(codes.ESTABLISHMENT_KIND)
    need_types = models.CharField(max_length=200, help_text="Comma list of NEED_TYPE codes.")
    places = models.PositiveIntegerField()
    open_date = models.DateField()

    class Meta:
        db_table = "planned_places"
        verbose_name_plural = "planned places"
        constraints = [in_codes("planned_places", "kind", codes.ESTABLISHMENT_KIND)]

    def __str__(self) -> str:
        return f"{self.project}: {self.places} places from {self.open_date}"


class Population(models.Model):
    year = models.PositiveSmallIntegerField(help_text="Calendar year of the January census it applies to.")
    age = models.PositiveSmallIntegerField(help_text="Age on 31 August before that January.")
    population = models.PositiveIntegerField()

    class Meta:
        db_table = "population"
        constraints = [models.UniqueConstraint(fields=["year", "age"], name="population_one_row_per_year_age")]

    def __str__(self) -> str:
        return f"{self.year} age {self.age}"
