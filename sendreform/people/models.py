"""Who and where: children and young people, their SEN status and needs, settings and clusters."""

from django.db import models
from django.db.models import Q

from sendreform.common.modelling import code_field, in_codes, not_before
from sendreform.standards import codes


class Cluster(models.Model):
    cluster_id = models.CharField(max_length=40, primary_key=True)
    name = models.CharField(max_length=200)

    class Meta:
        db_table = "cluster"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Establishment(models.Model):
    establishment_id = models.CharField(max_length=40, primary_key=True)
    urn = models.IntegerField(null=True, blank=True, unique=True)
    ukprn = models.IntegerField(null=True, blank=True)
    name = models.CharField(max_length=200)
    la_code = models.CharField(max_length=3)
    phase = code_field(codes.PHASE)
    kind = code_field(codes.ESTABLISHMENT_KIND)
    funding = code_field(codes.FUNDING)
    in_area = models.BooleanField()
    cluster = models.ForeignKey(Cluster, db_column="cluster_id", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="establishments")
    has_sen_unit = models.BooleanField(default=False)
    has_resourced_provision = models.BooleanField(default=False)
    capacity = models.IntegerField(null=True, blank=True)
    specialist_places = models.IntegerField(null=True, blank=True)
    open_date = models.DateField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "establishment"
        ordering = ["name"]
        constraints = [
            in_codes("establishment", "phase", codes.PHASE),
            in_codes("establishment", "kind", codes.ESTABLISHMENT_KIND),
            in_codes("establishment", "funding", codes.FUNDING),
            not_before("establishment", "close_date", "open_date"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A child or young person, 0-25: the one record every service shares."""

    person_id = models.CharField(max_length=40, primary_key=True)
    upn = models.CharField(max_length=13, null=True, blank=True, unique=True)
    uln = models.CharField(max_length=10, null=True, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = code_field(codes.SEX)
    ethnicity = code_field(codes.ETHNICITY)
    postcode = models.CharField(max_length=8, null=True, blank=True)
    home_la = models.CharField(max_length=3)

    class Meta:
        db_table = "person"
        ordering = ["surname", "forename"]
        constraints = [
            in_codes("person", "sex", codes.SEX),
            in_codes("person", "ethnicity", codes.ETHNICITY),
        ]
        indexes = [models.Index(fields=["surname", "forename"]), models.Index(fields=["birth_date"])]

    def __str__(self) -> str:
        return f"{self.forename} {self.surname}"


class SenStatus(models.Model):
    """School-census SEN provision (E plan, K SEN support, N none) over time."""

    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="sen_statuses")
    establishment = models.ForeignKey(Establishment, db_column="establishment_id", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="sen_statuses")
    sen_provision = code_field(codes.SEN_PROVISION)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "sen_status"
        verbose_name_plural = "SEN statuses"
        constraints = [
            in_codes("sen_status", "sen_provision", codes.SEN_PROVISION),
            not_before("sen_status", "end_date", "start_date"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.sen_provision} from {self.start_date}"


class SenNeed(models.Model):
    person = models.ForeignKey(Person, db_column="person_id", on_delete=models.CASCADE, related_name="sen_needs")
    need_type = code_field(codes.NEED_TYPE)
    need_rank = models.PositiveSmallIntegerField(choices=[(1, "Primary need"), (2, "Secondary need")])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "sen_need"
        constraints = [
            in_codes("sen_need", "need_type", codes.NEED_TYPE),
            models.CheckConstraint(condition=Q(need_rank__in=[1, 2]), name="sen_need_need_rank_in_codes"),
            not_before("sen_need", "end_date", "start_date"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.need_type} (rank {self.need_rank})"
