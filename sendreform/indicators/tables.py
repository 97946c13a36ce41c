"""The tables of the dashboard's pages, each built once from one set of rows: for the page (figures in words,
in their unit) and for the CSV download (plain numbers, "c" where suppressed), so the two never differ."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.http import HttpResponse

from sendreform.indicators import display
from sendreform.indicators.charts import sparkline_svg, trend_text
from sendreform.indicators.selectors import Detail, IndicatorView, Overview, ScopeFigures
from sendreform.web.tables import Column, Table, csv_text

WITHHELD_TEXT = ("This breakdown is not shown: every group in it is small, so hiding some of them as c could not "
                 "stop the rest being worked out from the total.")


@dataclass(frozen=True)
class PageTable:
    key: str
    page: Table  # for includes/table.html
    csv: Table


def _pair(key: str, caption: str, columns: list[Column], rows: list[dict], *, unit: str, csv_url: str,
          empty_text: str = "There is nothing to show.") -> PageTable:
    """The page shows each numeric column through `display`; the CSV keeps the number itself."""
    page_rows = []
    for row in rows:
        shown = dict(row)
        for c in columns:
            if c.numeric:
                shown[c.key] = (display.value_text(row.get(c.key), unit) if c.key in ("value", "expected", "target")
                                else display.number_text(row.get(c.key)))
        page_rows.append(shown)
    url = f"{csv_url}{'&' if '?' in csv_url else '?'}table={key}"
    return PageTable(key=key,
                     page=Table(caption=caption, columns=columns, rows=page_rows, csv_url=url, empty_text=empty_text),
                     csv=Table(caption=caption, columns=columns, rows=rows))


# ------------------------------------------------------------------------------------------ the overview


@dataclass(frozen=True)
class OverviewTable:
    key: str
    caption: str
    rows: list[dict]  # for the page: texts, tag and sparkline
    csv: Table
    csv_url: str


def overview_tables(overview: Overview, *, view: IndicatorView, detail_url, csv_url: str) -> list[OverviewTable]:
    """One table per building block of the plan (and the statutory pipeline)."""
    columns = [Column("id", "Indicator id"), Column("title", "Indicator"), Column("unit", "Unit")]
    if view.has_own:
        columns.append(Column("own_value", view.own_label, numeric=True))
    columns += [Column("value", "Local area" if view.has_own else "Value", numeric=True),
                Column("expected", "Expected on the trajectory", numeric=True), Column("status", "Status")]
    columns += [Column(f"q{day.isoformat()}", day.isoformat(), numeric=True) for day in overview.quarters]
    out = []
    for key, caption, rows in overview.blocks:
        page_rows, csv_rows = [], []
        for row in rows:
            ind = row.indicator
            status, tag = display.rag_tag(row.rag, value=row.value, expected=row.expected)
            unavailable = "Not available for these filters"
            page_rows.append({
                "title": ind.title, "url": detail_url(ind.id), "available": row.available,
                "value": display.value_text(row.value, ind.unit) if row.available else unavailable,
                "own_value": (display.value_text(row.own_value, ind.unit) if row.own_available
                              else "Not available"),
                "expected": display.value_text(row.expected, ind.unit) if row.expected is not None else "None set",
                "status": status, "tag": tag,
                "trend": sparkline_svg(row.trend, unit=ind.unit) if row.available else "",
                "trend_text": trend_text(row.trend, ind.unit),
            })
            csv_rows.append({
                "id": ind.id, "title": ind.title, "unit": ind.unit,
                "own_value": row.own_value if row.own_available else "",
                "value": row.value if row.available else "", "expected": row.expected,
                "status": status if row.available else "",
                **{f"q{day.isoformat()}": value for day, value in row.trend},
            })
        url = f"{csv_url}{'&' if '?' in csv_url else '?'}table={key}"
        out.append(OverviewTable(key=key, caption=caption, rows=page_rows,
                                 csv=Table(caption=caption, columns=columns, rows=csv_rows), csv_url=url))
    return out


# ------------------------------------------------------------------------------------------ an indicator


def quarter_table(detail: Detail, scope: ScopeFigures, *, csv_url: str) -> PageTable:
    ind = detail.indicator
    columns = [Column("as_at", "Quarter end"), Column("value", "Value", numeric=True)]
    if any(p["numerator"] is not None for p in scope.series) and ind.aggregate != "count":
        columns.append(Column("numerator", "Numerator", numeric=True))
    if any(p["denominator"] is not None for p in scope.series):
        columns.append(Column("denominator", "Denominator", numeric=True))
    if any(p["expected"] is not None for p in scope.series):
        columns.append(Column("expected", "Expected on the trajectory", numeric=True))
    if any(p["target"] is not None for p in scope.series):
        columns.append(Column("target", "Target", numeric=True))
    return _pair(f"{scope.key}-quarters", f"{ind.title} by quarter: {scope.label}", columns, scope.series,
                 unit=ind.unit, csv_url=csv_url)


def breakdown_tables(detail: Detail, scope: ScopeFigures, *, clusters: dict[str, str],
                     csv_url: str) -> list[PageTable]:
    ind = detail.indicator
    out = []
    for by, groups in scope.breakdowns:
        name = display.BREAKDOWN_NAMES.get(by, by)
        columns = [Column("group_name", name),
                   Column("value", "Value", numeric=True)]
        if ind.aggregate != "count" and any(g["numerator"] is not None for g in groups):
            columns.append(Column("numerator", "Numerator", numeric=True))
        if any(g["denominator"] is not None for g in groups):
            columns.append(Column("denominator", "Denominator", numeric=True))
        if ind.aggregate == "percent":
            columns.append(Column("ratio", "Disproportionality ratio", numeric=True))
        rows = [{**g, "group_name": display.group_text(by, g["group"], clusters)} for g in groups]
        empty = WITHHELD_TEXT if by in scope.withheld else "No figures for this breakdown."
        out.append(_pair(f"{scope.key}-{by}", f"{display.breakdown_caption(by)}: {scope.label}", columns, rows, unit=ind.unit,
                         csv_url=csv_url, empty_text=empty))
    return out


def tables_csv_response(*, tables: list[Table], filename: str) -> HttpResponse:
    """Several tables in one CSV file: a first column names each row's table, then every table's columns."""
    labels: list[str] = []
    for table in tables:
        labels += [c.label for c in table.columns if c.label not in labels]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8
    writer = csv.writer(response)
    writer.writerow(["Table", *labels])
    for table in tables:
        by_label = {c.label: c.key for c in table.columns}
        for row in table.rows:
            writer.writerow([table.caption, *(csv_text(row.get(by_label[label])) if label in by_label else ""
                                              for label in labels)])
    return response
