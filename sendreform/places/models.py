"""Money and places: unit costs, places planned to open, and the background population with the history of its
replacements."""

from django.conf import settings
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


class PopulationLoad(models.Model):
    """One replacement of the background population: who made it and when, from which file, what the file was,
    the census years it replaced and how many rows were added, changed and left as they were."""

    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", help_text="Who uploaded it (none: loaded on the command line).")
    at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=255, blank=True,
                              help_text="The uploaded file's name, or the file given to sendreform population load.")
    area = models.CharField(max_length=20, blank=True, help_text="The ONS area code read (none: a canonical file).")
    shape = models.CharField(max_length=100, help_text="Which kind of file it was, as the reader names it.")
    year_from = models.PositiveSmallIntegerField(help_text="The first January census the file held.")
    year_to = models.PositiveSmallIntegerField(help_text="The last January census the file held.")
    added = models.PositiveIntegerField()
    changed = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()

    class Meta:
        db_table = "app_population_load"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"Population for {self.year_from} to {self.year_to} from {self.source or 'a file'}"
