"""The quarterly key-metrics return as a workbook laid out by the area's layout file (`layout.py`): each
mapped indicator's value at the quarter's end in its cell, a Values sheet (value, the period it covers, the
suppression applied, the quarter before) and a Checks sheet (missing values, values outside their plausible
range, a change from the quarter before over the threshold, each with its reason)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font

from sendreform.returns.layout import Layout, Placement, cell_position
from sendreform.standards.formats import date_words
from sendreform.standards.suppression import SUPPRESSED

SUPPRESSION_NONE = "None needed: the figure does not rest on 1 to 5 children"
SUPPRESSION_HIDDEN = ("Suppressed ('c'): the figure rests on 1 to 5 children, or would give such a figure away "
                      "(sendreform.standards.suppression, as the dashboard outside the council's own view)")
MISSING, RANGE, CHANGE, WITHHELD = "Missing value", "Outside plausible range", "Large change", "Suppressed"


@dataclass(frozen=True)
class QuarterValue:
    indicator_id: str
    title: str
    unit: str
    value: float | str | None  # "c" when suppressed
    previous: float | str | None  # the quarter before, as it was shown
    period_start: dt.date
    period_end: dt.date
    flow: bool  # counts events in the period (else: as it stood at the period's end)

    @property
    def suppression(self) -> str:
        return SUPPRESSION_HIDDEN if self.value == SUPPRESSED else SUPPRESSION_NONE


@dataclass(frozen=True)
class Check:
    indicator_id: str
    title: str
    kind: str
    reason: str


def _range(p: Placement, unit: str) -> tuple[float | None, float | None]:
    if p.low is not None:
        return p.low, p.high
    return (0.0, 100.0) if unit == "percent" else (0.0, None)


def quarterly_checks(*, layout: Layout, values: Sequence[QuarterValue]) -> list[Check]:
    """What a person should look at before signing the return off, each with its reason."""
    placements = {p.indicator_id: p for p in layout.placements}
    out = []
    for v in values:
        if v.value is None:
            when = (f"from {date_words(v.period_start)} to {date_words(v.period_end)}" if v.flow
                    else f"at {date_words(v.period_end)}")
            out.append(Check(v.indicator_id, v.title, MISSING, f"No value: the data holds nothing to count {when}."))
            continue
        if v.value == SUPPRESSED:
            out.append(Check(v.indicator_id, v.title, WITHHELD, "The cell holds 'c': " + SUPPRESSION_HIDDEN + "."))
            continue
        low, high = _range(placements[v.indicator_id], v.unit)
        if (low is not None and v.value < low) or (high is not None and v.value > high):
            bounds = f"{low:g} to {high:g}" if high is not None else f"{low:g} or more"
            out.append(Check(v.indicator_id, v.title, RANGE,
                             f"{v.value:g} is outside the plausible range {bounds}."))
        if isinstance(v.previous, int | float):
            change = v.value - v.previous
            pct = abs(change) / abs(v.previous) * 100 if v.previous else None
            if (pct is None and change) or (pct is not None and pct > layout.change_threshold_pct):
                by = f"{pct:.0f}%" if pct is not None else "from 0"
                out.append(Check(v.indicator_id, v.title, CHANGE,
                                 f"{v.previous:g} to {v.value:g} since the quarter before ({by}; the threshold is "
                                 f"{layout.change_threshold_pct:g}%)."))
    return out


def _bold(cell):
    cell.font = Font(bold=True)
    return cell


def _number(value):
    return round(value, 1) if isinstance(value, float) else value


def quarterly_workbook(*, layout: Layout, quarter: str, values: Sequence[QuarterValue], checks: Sequence[Check],
                       about: Sequence[tuple[str, str]]) -> bytes:
    """The return's .xlsx bytes: the layout's sheets with every value in its cell, then About, Values, Checks."""
    wb = Workbook()
    wb.remove(wb.active)
    sheets = {}
    for p in layout.placements:
        if p.sheet not in sheets:
            sheets[p.sheet] = wb.create_sheet(p.sheet)
    by_row = [p for p in layout.placements if p.row is not None]
    titles = {v.indicator_id: v.title for v in values}
    for name in {p.sheet for p in by_row}:
        sheet = sheets[name]
        label = f"{layout.label_column}{layout.header_row}"
        _bold(sheet[label]).value = "Indicator"
        for q, column in layout.quarter_columns.items():
            _bold(sheet[f"{column}{layout.header_row}"]).value = q
        sheet.column_dimensions[layout.label_column].width = 60
    for p in by_row:
        sheets[p.sheet][f"{layout.label_column}{p.row}"] = titles.get(p.indicator_id, p.indicator_id)
    placed = {}
    for v in values:
        p = next(p for p in layout.placements if p.indicator_id == v.indicator_id)
        cell = p.cell_for(quarter, layout.quarter_columns)
        placed[v.indicator_id] = f"{p.sheet}!{cell}" if cell else "not placed for this quarter"
        if cell:
            row, column = cell_position(cell)
            sheets[p.sheet].cell(row=row, column=column, value=_number(v.value))
    sheet = wb.create_sheet("About")
    for i, (key, text) in enumerate(about, start=1):
        _bold(sheet.cell(row=i, column=1, value=key))
        sheet.cell(row=i, column=2, value=text)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 100
    sheet = wb.create_sheet("Values")
    heads = ("Indicator id", "Indicator", "Unit", "Value", "Counted", "Period start", "Period end",
             "Suppression applied", "The quarter before", "Cell")
    for j, head in enumerate(heads, 1):
        _bold(sheet.cell(row=1, column=j, value=head))
    for i, v in enumerate(values, start=2):
        row = (v.indicator_id, v.title, v.unit, _number(v.value),
               "events in the period" if v.flow else "as it stood at the period's end", v.period_start,
               v.period_end, v.suppression, _number(v.previous), placed[v.indicator_id])
        for j, value in enumerate(row, 1):
            sheet.cell(row=i, column=j, value=value)
    sheet = wb.create_sheet("Checks")
    for j, head in enumerate(("Indicator id", "Indicator", "Check", "Reason"), 1):
        _bold(sheet.cell(row=1, column=j, value=head))
    if not checks:
        sheet.cell(row=2, column=1, value="Nothing to look at: no value is missing, out of range or changed by "
                                          f"more than {layout.change_threshold_pct:g}%.")
    for i, c in enumerate(checks, start=2):
        for j, value in enumerate((c.indicator_id, c.title, c.kind, c.reason), 1):
            sheet.cell(row=i, column=j, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
