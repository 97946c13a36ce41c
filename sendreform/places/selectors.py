"""Reads of the money-and-places reference data: the background population and the history of its replacements."""

from __future__ import annotations

from collections.abc import Iterable

from sendreform.places.models import Population, PopulationLoad


def population_rows(*, years: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """The stored background population as (January census year, age) to the count, for `years` or every year."""
    rows = Population.objects.all() if years is None else Population.objects.filter(year__in=list(years))
    return {(year, age): count for year, age, count in rows.values_list("year", "age", "population")}


def population_loads_list():
    """Every replacement of the population, the latest first, with who made it."""
    return PopulationLoad.objects.select_related("by")
