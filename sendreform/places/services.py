"""Writes to the money-and-places reference data."""

from __future__ import annotations

from django.db import transaction

from sendreform.accounts.services import AUDIT_IMPORT, audit_record, command_line_username
from sendreform.interchange.population import Population as PopulationRows
from sendreform.places.models import Population, PopulationLoad


@transaction.atomic
def population_replace(*, population: PopulationRows, by=None, source: str = "") -> dict[str, int]:
    """Store the population of every census year the rows hold, replacing what was stored for those years; other
    years are kept. All or nothing. Records who replaced it (`by`, none on the command line) from which file
    (`source`) in the population's history. Returns how many rows were added, changed and left as they were."""
    stored = {(p.year, p.age): p for p in Population.objects.filter(year__in=population.years)}
    added, changed, same = [], [], 0
    for (year, age), value in population.rows.items():
        row = stored.get((year, age))
        if row is None:
            added.append(Population(year=year, age=age, population=value))
        elif row.population != value:
            row.population = value
            changed.append(row)
        else:
            same += 1
    Population.objects.bulk_create(added)
    Population.objects.bulk_update(changed, ["population"])
    counts = {"added": len(added), "changed": len(changed), "unchanged": same}
    years = population.years
    if years:
        PopulationLoad.objects.create(
            by=by, source=source[-255:], area=(population.area or "")[:20], shape=population.shape[:100],
            year_from=years[0], year_to=years[-1], **counts)
    audit_record(user=by, username="" if by else command_line_username(), action=AUDIT_IMPORT,
                 detail=f"population {source or 'rows'}: {counts['added']} added, {counts['changed']} changed")
    return counts
