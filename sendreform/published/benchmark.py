"""What the benchmarking page shows, worked out from published figures: for each measure and year, the area
beside the median and range of its statistical neighbours, its region, England, and its rank among all local
authorities. Plain data in, plain data out: the selectors read the figures, the views render."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from sendreform.interchange.published import SMALL_AREAS, SYMBOLS


@dataclass(frozen=True)
class Source:
    file: str
    measure: str
    breakdown: str  # the whole-group row's breakdown (its topic too, in the 2025 layout)
    from_year: int = 0


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    unit: str  # count or percent
    period: str  # "January census" or "calendar year"
    what: str
    sources: tuple[Source, ...] = ()
    section: str = "Plans"
    derived: str = ""  # growth: year-on-year change of `plans`


PLACEMENTS = (("mainstream_total_pc", "mainstream schools"), ("special_total_pc", "special schools"),
              ("AP_PRU_total_pc", "alternative provision and pupil referral units"),
              ("fe_total_pc", "further education"), ("ed_elsewhere_pc", "education elsewhere"),
              ("nm_early_years_pc", "non-maintained early years settings"))
NEEDS = (("asd_pc", "Autistic spectrum disorder"), ("semh_pc", "Social, emotional and mental health"),
         ("slcn_pc", "Speech, language and communication needs"), ("mld_pc", "Moderate learning difficulty"),
         ("sld_pc", "Severe learning difficulty"), ("pmld_pc", "Profound and multiple learning difficulty"),
         ("spld_pc", "Specific learning difficulty"), ("pd_pc", "Physical disability"),
         ("hi_pc", "Hearing impairment"), ("vi_pc", "Visual impairment"),
         ("msi_pc", "Multi-sensory impairment"), ("oth_pc", "Other difficulty or disability"),
         ("unknown_pc", "Need not yet assessed or recorded"))

MEASURES = (
    Measure("plans", "EHC plans", "count", "January census",
            "Children and young people with an education, health and care plan at the January census (2010 to 2018 "
            "from the 2022 release, statements of SEN and EHC plans together, as it publishes them).",
            (Source("caseload.csv", "ehcplans", "All EHC plans"), Source("sen2_age_caseload.csv", "Total_all", "Total"))),
    Measure("growth", "Growth in EHC plans", "percent", "January census",
            "The change in EHC plans since the January census a year before, as a percentage of it; worked out "
            "here from the published counts.", derived="plans"),
    Measure("new_plans", "New EHC plans", "count", "calendar year",
            "EHC plans made for the first time in the calendar year (2015-2018 from the 2022 release's "
            "sen2_mi.csv).",
            (Source("newplans.csv", "new_ehc_plans", "New EHC plans"),
             Source("sen2_mi.csv", "NewallEHC", "Total", from_year=2015)), section="The EHC pipeline"),
    Measure("requests", "Requests for an EHC needs assessment", "count", "calendar year",
            "Requests for an EHC needs assessment received in the calendar year.",
            (Source("requests.csv", "requests_received_in_year", "All requests for EHC needs assessments"),
             Source("sen2_mi.csv", "InreqEHC", "Total")), section="The EHC pipeline"),
    Measure("assessments", "EHC needs assessments", "count", "calendar year",
            "EHC needs assessments completed in the calendar year.",
            (Source("assessments.csv", "assess_in_year", "All EHC needs assessments"),), section="The EHC pipeline"),
    Measure("timeliness", "EHC plans issued within 20 weeks", "percent", "calendar year",
            "New EHC plans issued within 20 weeks of the request, excluding exceptions, as a percentage of new "
            "plans issued.",
            (Source("timeliness_20_week.csv", "PC_plans_issued_20_weeks_ex", "All EHC plans issued"),
             Source("sen2_mi.csv", "NoExc20weekRate", "Total")), section="The EHC pipeline"),
    Measure("decisions_6w", "Decisions to assess made within 6 weeks", "percent", "calendar year",
            "Requests for an EHC needs assessment decided within 6 weeks, as a percentage of those decided.",
            (Source("requests.csv", "request_outcome_six_weeks_pc", "All requests for EHC needs assessments"),),
            section="The EHC pipeline"),
    Measure("ceased", "EHC plans ceased", "count", "calendar year",
            "EHC plans that ended in the calendar year, for any reason.",
            (Source("ceased_plans.csv", "total_ceased", "All ceased EHC plans"),), section="The EHC pipeline"),
    *(Measure(f"placement_{column}", f"EHC plans in {label}", "percent", "January census",
              f"Children and young people with an EHC plan placed in {label}, as a percentage of all with a plan.",
              (Source("caseload.csv", column, "All EHC plans"),), section="Placements")
      for column, label in PLACEMENTS),
    *(Measure(f"need_{column}", f"Primary need: {label}", "percent", "January census",
              f"EHC plans whose primary need is {label[0].lower() + label[1:]}, as a percentage of all plans.",
              (Source("sen_needs_all_plans.csv", column, "All EHC plans"),), section="Primary need")
      for column, label in NEEDS),
)
BY_KEY = {m.key: m for m in MEASURES}
# The plan's indicators (sendreform.metrics.catalogue) with a published equivalent, and that measure.
INDICATOR_EQUIVALENTS = {"ehcp_total": "plans", "ehcp_growth_12m": "growth", "ehcna_requests": "requests",
                         "ehcp_issued_20w_pct": "timeliness", "ehcna_decision_6w_pct": "decisions_6w"}


@dataclass
class Point:
    """One geography's figure for one year: the text as published and its number (None for a symbol)."""

    text: str
    number: float | None
    source: str = ""


@dataclass
class Series:
    """One measure's figures: year -> geography key -> Point. Local authorities are keyed by the DfE's three-digit
    code, England and regions by their nine-character codes."""

    measure: Measure
    points: dict[int, dict[str, Point]] = field(default_factory=dict)


def value_text(point: Point | None, unit: str) -> str:
    """A figure as the DfE publishes it, thousands separated; a symbol as published."""
    if point is None:
        return "no figure"
    if point.number is None:
        return point.text
    if unit == "percent":
        return f"{point.number:,.1f}%"
    return f"{point.number:,.0f}"


def number_text(number: float | None, unit: str) -> str:
    if number is None:
        return "no figure"
    return f"{number:,.1f}%" if unit == "percent" else f"{number:,.0f}" if number == round(number) else f"{number:,.1f}"


def growth_series(plans: Series, measure: Measure) -> Series:
    """Year-on-year change of the plans, as a percentage; none where either year has no number."""
    out = Series(measure=measure)
    for year in sorted(plans.points):
        before = plans.points.get(year - 1)
        if not before:
            continue
        row = {}
        for key, point in plans.points[year].items():
            prior = before.get(key)
            if point.number is not None and prior is not None and prior.number:
                change = (point.number - prior.number) / prior.number * 100
                row[key] = Point(text=f"{change:.1f}", number=round(change, 1), source=point.source)
        out.points[year] = row
    return out


def rank_of(values: dict[str, float], key: str) -> tuple[int, int] | None:
    """The rank of `key` among the local authorities with a number (1 is the highest), and how many there are.
    The City of London and the Isles of Scilly are not ranked."""
    ranked = {k: v for k, v in values.items() if k not in SMALL_AREAS}
    if key not in ranked:
        return None
    return 1 + sum(1 for v in ranked.values() if v > ranked[key]), len(ranked)


@dataclass
class YearRow:
    year: int
    area: Point | None
    neighbours_median: float | None
    neighbours_low: float | None
    neighbours_high: float | None
    neighbours_counted: int
    region: Point | None
    england: Point | None
    rank: tuple[int, int] | None
    source: str


def compare(series: Series, *, area: str, neighbours: list[str], region: str, england: str) -> list[YearRow]:
    """The area's figure beside its neighbours (median and range of those with a number), region and England,
    and its rank among all local authorities, year by year."""
    rows = []
    for year in sorted(series.points):
        row = series.points[year]
        las = {k: p.number for k, p in row.items() if k.isdigit() and p.number is not None}
        near = [las[k] for k in neighbours if k in las]
        point = row.get(area)
        rows.append(YearRow(
            year=year, area=point,
            neighbours_median=round(statistics.median(near), 1) if near else None,
            neighbours_low=min(near) if near else None, neighbours_high=max(near) if near else None,
            neighbours_counted=len(near), region=row.get(region), england=row.get(england),
            rank=rank_of(las, area),
            source=(point or row.get(england) or Point("", None)).source,
        ))
    return rows


def national_rows(series: Series, *, area: str, neighbours: set[str], names: dict[str, str], region: str,
                  england: str) -> dict | None:
    """Every local authority's figure in the latest year that has any, highest first, with its rank and whether
    it is the area, a neighbour or another; and the region's and England's figures that year."""
    years = [y for y in sorted(series.points) if any(k.isdigit() for k in series.points[y])]
    if not years:
        return None
    year = years[-1]
    row = series.points[year]
    las = sorted(((k, p) for k, p in row.items() if k.isdigit() and k not in SMALL_AREAS and p.number is not None),
                 key=lambda kp: -kp[1].number)
    rows, rank = [], 0
    for i, (key, point) in enumerate(las):
        if i == 0 or point.number != las[i - 1][1].number:
            rank = i + 1
        group = "This area" if key == area else "Neighbour" if key in neighbours else "Other local authority"
        rows.append({"rank": rank, "name": names.get(key, key), "code": key, "group": group, "value": point.number,
                     "text": f"{point.number:,.1f}%"})
    return {"year": year, "rows": rows, "region": row.get(region), "england": row.get(england)}


SYMBOL_KEY = SYMBOLS
