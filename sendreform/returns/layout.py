"""The files of `plans/` that shape the returns, read with the line of every value (the plan file's reader):
the returns calendar and the quarterly key-metrics return's layout (`plans/<area>-quarterly-return.yaml`), and an
area's own mapping of its setting categories and needs onto the data template's rows
(SENDREFORM_LSRP_MAPPING). Anything malformed raises PlanFileError naming the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from sendreform.metrics.catalogue import CATALOGUE
from sendreform.plan.planfile import LinedCheck, PlanFileError, yaml_lined_load
from sendreform.standards import lsrp

KINDS = {"sen2": "SEN2 annual return", "data_template": "LSRP data template",
         "quarterly": "Quarterly key-metrics return"}
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
CELL = re.compile(r"^[A-Z]{1,3}[1-9]\d{0,5}$")
COLUMN = re.compile(r"^[A-Z]{1,3}$")
MAX_ROW = 100_000


def quarter_is_valid(quarter: str) -> bool:
    return bool(QUARTER.match(quarter))


def quarter_bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar quarter written like 2026-Q3 (1 July to 30 September 2026)."""
    match = QUARTER.match(quarter)
    year, q = int(match.group(1)), int(match.group(2))
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def quarter_before(quarter: str) -> str:
    match = QUARTER.match(quarter)
    year, q = int(match.group(1)), int(match.group(2))
    return f"{year - 1}-Q4" if q == 1 else f"{year}-Q{q - 1}"


@dataclass(frozen=True)
class Owed:
    kind: str
    period: str
    due: dt.date

    @property
    def title(self) -> str:
        return f"{KINDS[self.kind]} {self.period}"


@dataclass(frozen=True)
class Placement:
    """Where one indicator's value goes: a fixed cell, a cell per quarter, or a row in the quarter's column."""

    indicator_id: str
    sheet: str
    row: int | None = None
    cell: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    low: float | None = None
    high: float | None = None

    def cell_for(self, quarter: str, quarter_columns: dict[str, str]) -> str | None:
        if quarter in self.cells:
            return self.cells[quarter]
        if self.cell:
            return self.cell
        if self.row is not None and quarter in quarter_columns:
            return f"{quarter_columns[quarter]}{self.row}"
        return None


@dataclass(frozen=True)
class Layout:
    source: str
    calendar: tuple[Owed, ...]
    sheet: str
    header_row: int
    label_column: str
    quarter_columns: dict[str, str]
    change_threshold_pct: float
    placements: tuple[Placement, ...]


def _row(c, m, key, where) -> int | None:
    value = m.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW:
        c.fail(m.key_lines[key], f"{where}.{key}: {value!r} is not a row number (1 to {MAX_ROW:,})")
    return value


def _pattern(c, m, key, where, pattern, what) -> str | None:
    value = m.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not pattern.match(value):
        c.fail(m.key_lines[key], f"{where}.{key}: {value!r} is not {what}")
    return value


def _sheet(c, m, key, where) -> str | None:
    if key not in m:
        return None
    name = c.text(m, key, where, required=True)
    if len(name) > 31 or any(ch in name for ch in "[]:*?/\\"):
        c.fail(m.key_lines[key], f"{where}.{key}: {name!r} is not a sheet name (31 characters, none of []:*?/\\)")
    return name


def _open(c, m, key, where):
    """A mapping of keys the file chooses (quarters, indicator ids, need codes): only its being a mapping is
    checked here."""
    value = m[key]
    if not isinstance(value, dict):
        c.fail(m.key_lines[key], f"{where} must be a mapping")
    return c.mapping(value, where, m.key_lines[key], optional=tuple(value))


def layout_read(text: str, *, source: str) -> Layout:
    """The layout of a quarterly return and the calendar; PlanFileError (file, line, field) if malformed."""
    c = LinedCheck(source)
    top = c.mapping(yaml_lined_load(text, source=source), "the file", 1, required=("indicators",),
                    optional=("calendar", "sheet", "header_row", "label_column", "quarter_columns",
                              "change_threshold_pct"))
    calendar = []
    for i, item in enumerate(c.seq(top, "calendar", "the file")):
        where = f"calendar[{i}]"
        item = c.mapping(item, where, top.key_lines["calendar"], required=("return", "period", "due"))
        kind = c.choice(item, "return", where, tuple(KINDS))
        period = c.text(item, "period", where, required=True)
        if kind == "quarterly" and not quarter_is_valid(period):
            c.fail(item.key_lines["period"], f"{where}.period: {period!r} is not a quarter like 2026-Q3")
        if kind == "sen2" and not re.match(r"^\d{4}$", period):
            c.fail(item.key_lines["period"], f"{where}.period: {period!r} is not a collection year like 2027")
        if kind == "data_template" and not re.match(r"^\d{4}-\d{2}$", period):
            c.fail(item.key_lines["period"], f"{where}.period: {period!r} is not a financial year like 2026-27")
        calendar.append(Owed(kind=kind, period=period, due=c.date(item, "due", where)))
    if len({(o.kind, o.period) for o in calendar}) != len(calendar):
        c.fail(top.key_lines["calendar"], "calendar: a return and period appear twice")
    sheet = _sheet(c, top, "sheet", "the file") or "Key metrics"
    header_row = _row(c, top, "header_row", "the file") or 1
    label_column = _pattern(c, top, "label_column", "the file", COLUMN, "a column like A") or "A"
    columns = {}
    if top.get("quarter_columns") is not None:
        qc = _open(c, top, "quarter_columns", "quarter_columns")
        for quarter in qc:
            if not isinstance(quarter, str) or not quarter_is_valid(quarter):
                c.fail(qc.key_lines[quarter], f"quarter_columns: {quarter!r} is not a quarter like 2026-Q3")
            columns[quarter] = _pattern(c, qc, quarter, "quarter_columns", COLUMN, "a column like D")
    threshold = c.number(top, "change_threshold_pct", "the file")
    if threshold is not None and threshold <= 0:
        c.fail(top.key_lines["change_threshold_pct"], "change_threshold_pct must be more than 0")
    section = _open(c, top, "indicators", "indicators")
    placements = []
    for iid, spec in section.items():
        where = f"indicators.{iid}"
        if iid not in CATALOGUE:
            c.fail(section.key_lines[iid], f"{where}: no indicator has this id")
        spec = c.mapping(spec, where, section.key_lines[iid], optional=("sheet", "row", "cell", "cells", "range"))
        row = _row(c, spec, "row", where)
        cell = _pattern(c, spec, "cell", where, CELL, "a cell like D7")
        cells = {}
        if spec.get("cells") is not None:
            cm = _open(c, spec, "cells", f"{where}.cells")
            for quarter in cm:
                if not isinstance(quarter, str) or not quarter_is_valid(quarter):
                    c.fail(cm.key_lines[quarter], f"{where}.cells: {quarter!r} is not a quarter like 2026-Q3")
                cells[quarter] = _pattern(c, cm, quarter, f"{where}.cells", CELL, "a cell like D7")
        if sum(x is not None and x != {} for x in (row, cell, cells or None)) != 1:
            c.fail(spec.line, f"{where}: give exactly one of row, cell and cells")
        if row is not None and not columns:
            c.fail(spec.key_lines["row"], f"{where}.row: placing by row needs quarter_columns")
        if row is not None and row == header_row:
            c.fail(spec.key_lines["row"], f"{where}.row: {row} is the header row")
        low = high = None
        if "range" in spec:
            bounds = spec["range"]
            if (not isinstance(bounds, list) or len(bounds) != 2
                    or any(isinstance(b, bool) or not isinstance(b, int | float) for b in bounds)
                    or bounds[0] > bounds[1]):
                c.fail(spec.key_lines["range"], f"{where}.range: {bounds!r} is not [low, high] with low <= high")
            low, high = bounds
        placement = Placement(indicator_id=iid, sheet=_sheet(c, spec, "sheet", where) or sheet, row=row,
                              cell=cell, cells=cells, low=low, high=high)
        placements.append(placement)
    quarters = sorted({*columns, *(q for p in placements for q in p.cells)}) or ["any"]
    for quarter in quarters:
        used = {}
        for p in placements:
            target = p.cell_for(quarter, columns)
            if target is None:
                continue
            if (p.sheet, target) in used:
                c.fail(section.key_lines[p.indicator_id], f"indicators.{p.indicator_id}: {p.sheet}!{target} in "
                                                          f"{quarter} is {used[(p.sheet, target)]}'s cell too")
            used[(p.sheet, target)] = p.indicator_id
    return Layout(source=source, calendar=tuple(calendar), sheet=sheet, header_row=header_row,
                  label_column=label_column, quarter_columns=columns,
                  change_threshold_pct=float(threshold) if threshold is not None else 25.0,
                  placements=tuple(placements))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(source=str(path), line=None, reason=f"cannot be read ({exc})") from exc


def layout_load(path: Path | str) -> Layout:
    return layout_read(_text(Path(path)), source=str(path))


def cell_position(cell: str) -> tuple[int, int]:
    """(row, column) of a cell like D7."""
    letters, row = coordinate_from_string(cell)
    return row, column_index_from_string(letters)


# ------------------------------------------------------------------ an area's mapping onto the data template


def lsrp_mapping_read(text: str, *, source: str) -> lsrp.LsrpMapping:
    """An area's own entries for the data template's mapping, in place of the standard ones:

        provision:
          - {setting: MAINSTREAM_BASE, phase: pre16, row: Support bases in mainstream settings}
        needs:
          DS: Other Difficulty/Disability
    """
    c = LinedCheck(source)
    top = c.mapping(yaml_lined_load(text, source=source), "the file", 1, optional=("provision", "needs"))
    entries = []
    for i, item in enumerate(c.seq(top, "provision", "the file")):
        where = f"provision[{i}]"
        item = c.mapping(item, where, top.key_lines["provision"], required=("setting", "row"),
                         optional=("phase", "reason"))
        entry = lsrp.ProvisionEntry(setting=c.text(item, "setting", where, required=True),
                                    phase=c.text(item, "phase", where) or lsrp.ANY_PHASE,
                                    row=c.text(item, "row", where, required=True),
                                    reason=c.text(item, "reason", where))
        try:
            lsrp.lsrp_mapping_with(provision=[entry])
        except lsrp.LsrpMappingError as exc:
            c.fail(item.line, f"{where}: {exc}")
        entries.append(entry)
    needs = {}
    if top.get("needs") is not None:
        nm = _open(c, top, "needs", "needs")
        for code in nm:
            needs[str(code)] = c.text(nm, code, "needs", required=True)
            try:
                lsrp.lsrp_mapping_with(needs={str(code): needs[str(code)]})
            except lsrp.LsrpMappingError as exc:
                c.fail(nm.key_lines[code], f"needs.{code}: {exc}")
    try:
        return lsrp.lsrp_mapping_with(provision=entries, needs=needs)
    except lsrp.LsrpMappingError as exc:
        c.fail(top.line, str(exc))


def lsrp_mapping_load(path: Path | str | None) -> lsrp.LsrpMapping:
    """The area's mapping from its file, or the standard one without a file."""
    if not path:
        return lsrp.STANDARD
    return lsrp_mapping_read(_text(Path(path)), source=str(path))
