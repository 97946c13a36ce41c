"""Reads of the published statistics. They are public aggregates of every area (no child-level data), so they
are open to every signed-in role and are not audited; nothing here touches the local area's own tables except
the background population (an aggregate) for the area's own plans per 1,000."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Sum

from sendreform.interchange.published import BOUNDARY_CHANGES, CODE_CHANGES, SMALL_AREAS, neighbours_read
from sendreform.published.benchmark import (
    BY_KEY,
    INDICATOR_EQUIVALENTS,
    Measure,
    Point,
    Series,
    compare,
    growth_series,
    number_text,
    value_text,
)
from sendreform.published.models import Area, Figure, Release

NEIGHBOURS_FILE = Path(__file__).resolve().parent / "data" / "statistical_neighbours_2025.csv"
NEIGHBOURS_SOURCE = ("the DfE's children's services statistical neighbour benchmarking tool (Local Authority "
                     "Interactive Tool, LAIT, 2025 model: the ten nearest of each area)")
ENGLAND = "E92000001"
# A code that changed without a boundary change: the code in the neighbour list -> the code in the releases.
_NEW_TO_OLD = {new: old for _, _, old, new in CODE_CHANGES}


@dataclass
class Benchmark:
    area: Area
    region: Area | None
    england: Area | None
    neighbours: list[Area]
    neighbours_chosen: bool  # the area's own comparators (settings), not the DfE's list
    missing_neighbours: list[str]
    releases: list[Release]


def releases_list() -> list[Release]:
    return list(Release.objects.order_by("year"))


def local_authorities() -> list[Area]:
    return list(Area.objects.filter(level="la").order_by("name"))


def own_area_code() -> str:
    """The local area running sendreform: the plan's nine-character code, or the setting."""
    from sendreform.plan.models import Plan

    plan = Plan.objects.order_by("-pk").first()
    return (plan.new_la_code if plan and plan.new_la_code else "") or settings.BENCHMARK_AREA


def area_find(*, code: str) -> Area | None:
    """A local authority by its nine-character code (current or the releases'), or its three-digit code."""
    code = (code or "").strip().upper()
    code = _NEW_TO_OLD.get(code, code)
    return (Area.objects.filter(level="la", code=code).first()
            or Area.objects.filter(level="la", old_code=code).order_by("-pk").first())


def neighbour_codes(*, code: str) -> tuple[list[str], bool]:
    """The area's comparators: its own choice in settings.BENCHMARK_COMPARATORS (by nine-character code), else
    the DfE's ten statistical neighbours. Returns the codes and whether they were the area's own choice."""
    chosen = settings.BENCHMARK_COMPARATORS.get(code)
    if chosen:
        return list(chosen), True
    table = neighbours_read(path=NEIGHBOURS_FILE)
    current = {old: new for new, old in _NEW_TO_OLD.items()}.get(code, code)
    return list(table.get(current, ())), False


def benchmark_for(*, area: Area) -> Benchmark:
    codes, chosen = neighbour_codes(code=area.code)
    neighbours, missing = [], []
    for code in codes:
        found = area_find(code=code)
        (neighbours.append(found) if found else missing.append(code))
    return Benchmark(
        area=area, region=Area.objects.filter(level="region", code=area.region_code).first(),
        england=Area.objects.filter(level="england", code=ENGLAND).first(), neighbours=neighbours,
        neighbours_chosen=chosen, missing_neighbours=missing, releases=releases_list())


def _key(level: str, code: str, old_code: str) -> str:
    return old_code if level == "la" else code


def series_for(*, measure: Measure) -> Series:
    """A measure's published figures for every geography and year. Where two sources hold a year, the first
    source listed wins (the same for every area, so they stay comparable); within a source, the latest release."""
    if measure.derived:
        return growth_series(series_for(measure=BY_KEY[measure.derived]), measure)
    series = Series(measure=measure)
    for source in measure.sources:
        figures = (Figure.objects.filter(file=source.file, measure=source.measure, breakdown=source.breakdown,
                                         year__gte=source.from_year)
                   .values_list("area__level", "area__code", "area__old_code", "year", "text", "number",
                                "release__name").order_by("release__year"))
        found: dict[int, dict[str, Point]] = {}
        for level, code, old_code, year, text, number, release in figures:
            found.setdefault(year, {})[_key(level, code, old_code)] = Point(
                text=text, number=number, source=f"{release}/data/{source.file} ({source.measure})")
        for year, row in found.items():
            series.points.setdefault(year, row)
    return series


def names() -> dict[str, str]:
    """Every geography's name by its key (local authorities by three-digit code)."""
    return {_key(a.level, a.code, a.old_code): a.name for a in Area.objects.all()}


def key_of(area: Area) -> str:
    return _key(area.level, area.code, area.old_code)


def population_0_25() -> dict[int, int]:
    """The local area's own background population aged 0 to 25, by January census year."""
    from sendreform.places.models import Population

    return {row["year"]: row["total"] for row in
            Population.objects.filter(age__lte=25).values("year").annotate(total=Sum("population"))}


def boundary_notes(*, area: Area) -> list[str]:
    """What the data shows of reorganisations touching this area."""
    notes = [text for _, _, before, after, text in BOUNDARY_CHANGES if area.old_code in before + after]
    notes += [f"{name} changed its code from {old} to {new} without a boundary change; its series runs across "
              f"the change (the releases use {old})" for name, code, old, new in CODE_CHANGES if code == area.old_code]
    if area.old_code in SMALL_AREAS:
        notes.append(f"{area.name} has so few plans that it is not ranked and its cells are often suppressed")
    return notes



def published_beside(*, indicator_id: str) -> dict | None:
    """For an indicator of the plan with a published equivalent: the local area's latest published figure beside
    England's and its neighbours' median, with the release it comes from. None without an equivalent or data."""
    key = INDICATOR_EQUIVALENTS.get(indicator_id)
    area = area_find(code=own_area_code()) if key else None
    if area is None:
        return None
    bench, measure = benchmark_for(area=area), BY_KEY[key]
    rows = compare(series_for(measure=measure), area=key_of(area), neighbours=[key_of(a) for a in bench.neighbours],
                   region=area.region_code, england=ENGLAND)
    row = next((r for r in reversed(rows) if r.area is not None), None)
    if row is None:
        return None
    return {"measure": measure, "year": row.year, "area_name": area.name, "area": value_text(row.area, measure.unit),
            "england": value_text(row.england, measure.unit), "median": number_text(row.neighbours_median, measure.unit),
            "region_name": bench.region.name if bench.region else "", "region": value_text(row.region, measure.unit),
            "source": row.source.split("/data/")[0], "code": area.code}
