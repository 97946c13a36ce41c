"""Writes of the published statistics: a release replaces the one of the same name whole, or is removed."""

from __future__ import annotations

from django.db import transaction

from sendreform.interchange.published import PublishedRelease
from sendreform.published.models import Area, Figure, Release

BATCH = 5000


def published_load(*, releases: list[PublishedRelease], source: str, by=None) -> list[Release]:
    """Store the releases read, each replacing the stored release of the same name; all or nothing."""
    stored = []
    with transaction.atomic():
        areas = {(a.level, a.code): a for a in Area.objects.all()}
        for release in releases:
            Release.objects.filter(name=release.name).delete()
            row = Release.objects.create(name=release.name, year=release.year, source=source, files=release.files,
                                         notes=release.notes, figure_count=len(release.values), loaded_by=by)
            # The latest release's names win (names change: "Bristol, City of"); codes never move between areas.
            for v in release.values:
                key = (v.level, v.code)
                area = areas.get(key)
                if area is None:
                    areas[key] = area = Area.objects.create(level=v.level, code=v.code, old_code=v.old_code,
                                                            name=v.name, region_code=v.region_code)
                elif area.name != v.name and release.year >= max(r.year for r in releases):
                    area.name = v.name
                    area.save(update_fields=["name"])
            figures = (Figure(release=row, area=areas[(v.level, v.code)], file=v.file, row=v.row,
                              time_period=v.time_period, year=v.year, breakdown_topic=v.breakdown_topic,
                              breakdown=v.breakdown, measure=v.measure, text=v.text, number=v.number)
                       for v in release.values)
            batch = []
            for figure in figures:
                batch.append(figure)
                if len(batch) == BATCH:
                    Figure.objects.bulk_create(batch)
                    batch = []
            Figure.objects.bulk_create(batch)
            stored.append(row)
    return stored


def published_remove(*, name: str) -> int:
    """Remove one stored release and its figures; the number of figures removed (0: there was none)."""
    with transaction.atomic():
        release = Release.objects.filter(name=name).first()
        if release is None:
            return 0
        count = release.figure_count
        release.delete()
        Area.objects.filter(figures__isnull=True).delete()
    return count
