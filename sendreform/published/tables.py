"""The benchmarking page's tables, one definition for the page and its CSV."""

from __future__ import annotations

from sendreform.published.benchmark import Measure, YearRow, number_text, value_text
from sendreform.web.tables import Column, Table


def _range(row: YearRow, unit: str) -> str:
    if row.neighbours_low is None:
        return "no figure"
    return f"{number_text(row.neighbours_low, unit)} to {number_text(row.neighbours_high, unit)}"


def measure_table(measure: Measure, rows: list[YearRow], *, area_name: str, neighbours: int, csv_url: str) -> Table:
    unit = measure.unit
    columns = [
        Column("year", measure.period.capitalize()),
        Column("area", area_name, numeric=True),
        Column("median", "Neighbours' median", numeric=True),
        Column("range", "Neighbours' range", numeric=True),
        Column("region", "Region", numeric=True),
        Column("england", "England", numeric=True),
        Column("rank", "Rank (1 is highest)", numeric=True),
    ]
    body = [{
        "year": str(r.year), "area": value_text(r.area, unit),
        "median": number_text(r.neighbours_median, unit) + ("" if r.neighbours_counted in (0, neighbours)
                                                            else f" ({r.neighbours_counted} of {neighbours})"),
        "range": _range(r, unit), "region": value_text(r.region, unit), "england": value_text(r.england, unit),
        "rank": f"{r.rank[0]} of {r.rank[1]}" if r.rank else "not ranked",
    } for r in rows]
    return Table(caption=f"{measure.title}: {area_name} beside its neighbours, region and England",
                 columns=columns, rows=body, csv_url=csv_url, empty_text="No published figures.")


CSV_COLUMNS = [
    Column("measure", "Measure"), Column("measure_key", "Measure id"), Column("period", "Period"),
    Column("year", "Year"), Column("area_code", "Area code"), Column("area", "Area"),
    Column("value", "Area figure as published"), Column("median", "Neighbours' median"),
    Column("low", "Neighbours' lowest"), Column("high", "Neighbours' highest"),
    Column("counted", "Neighbours with a figure"), Column("region", "Region figure as published"),
    Column("england", "England figure as published"), Column("rank", "Rank (1 is highest)"),
    Column("ranked", "Local authorities ranked"), Column("source", "Source"),
]


def csv_rows(measure: Measure, rows: list[YearRow], *, area_code: str, area_name: str) -> list[dict]:
    """Numbers as numbers (no thousands separators), symbols as published."""
    def text(point):
        return None if point is None else point.text

    return [{
        "measure": measure.title, "measure_key": measure.key, "period": measure.period, "year": r.year,
        "area_code": area_code, "area": area_name, "value": text(r.area), "median": r.neighbours_median,
        "low": r.neighbours_low, "high": r.neighbours_high, "counted": r.neighbours_counted,
        "region": text(r.region), "england": text(r.england), "rank": r.rank[0] if r.rank else None,
        "ranked": r.rank[1] if r.rank else None, "source": r.source,
    } for r in rows]


def national_table(rows: list[dict], *, measure: Measure, year: int, csv_url: str) -> Table:
    return Table(
        caption=f"{measure.title}, every local authority, {year}",
        columns=[Column("rank", "Rank"), Column("name", "Local authority"), Column("code", "Code"),
                 Column("group", "Picked out as"), Column("text", "Figure", numeric=True)],
        rows=rows, csv_url=csv_url)
