"""Field and constraint helpers that tie Django models to the code lists of `sendreform.standards`."""

from django.db import models
from django.db.models import Q

from sendreform.standards import codes


def code_field(code_list, *, null: bool = False, **kwargs) -> models.CharField:
    """A CharField whose choices are a code list (labels shown in forms and the admin)."""
    width = max(len(c) for c in code_list)
    return models.CharField(max_length=max(width, 4), choices=codes.choices(code_list), null=null,
                            blank=null, **kwargs)


def int_code_field(code_list, *, null: bool = False) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        choices=[(int(k), v) for k, v in code_list.items()], null=null, blank=null
    )


def in_codes(table: str, field: str, code_list, *, null: bool = False, as_int: bool = False):
    """A check constraint holding `field` to its code list (null allowed where the column is nullable)."""
    values = [int(c) for c in code_list] if as_int else list(code_list)
    condition = Q(**{f"{field}__in": values})
    if null:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=f"{table}_{field}_in_codes")


def not_before(table: str, later: str, earlier: str):
    """A check constraint: `later` is null or on or after `earlier`."""
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True}) | Q(**{f"{later}__gte": models.F(earlier)}),
        name=f"{table}_{later}_not_before_{earlier}",
    )
