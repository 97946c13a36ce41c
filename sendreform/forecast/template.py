"""The DfE Local SEND Reform Plan data template as the DfE lays it out (`standards.lsrp`): plans by age group
(5.1), by the fourteen provision rows (6), by the thirteen primary needs (7) and need by provision group
(7.1-7.7), EHC needs assessment requests (10), assessments (11) and assessments resulting in a plan (12), for
calendar years 2025-2029, then the plan's baseline and success metrics; an Assumptions sheet says how.

Whole children: every count is an integer and every section's rows add up to its total row. A projected
year's total is the median of the simulations' totals (rounded half up), and that total is shared out across
the rows by largest remainder in proportion to each row's own median (`standards.lsrp.largest_remainder`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

from sendreform.forecast.history import AGE_GROUPS as HISTORY_AGE_GROUPS
from sendreform.forecast.history import NEEDS, SETTINGS, History
from sendreform.forecast.model import BAND_AGE_GROUP, Simulation
from sendreform.standards import lsrp
from sendreform.standards.lsrp import LsrpMapping, largest_remainder

POST16_BANDS = (4, 5)  # NCY 12-15 and 16-21
ACTUAL, PROJECTION = "actual", "projection"
FINANCIAL_YEARS = ("2026-27", "2027-28", "2028-29")


@dataclass
class Section:
    """One section of the template: its rows (then "Total"), each a whole number per calendar year, None
    where the data and the run do not reach; and whether each year is actual or projected."""

    key: str
    rows: tuple[str, ...]
    values: dict[str, dict[int, int | None]] = field(default_factory=dict)
    kinds: dict[int, str | None] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return lsrp.TITLES[self.key]


@dataclass(frozen=True)
class MetricRow:
    """One of the plan's target metrics: baseline, targets for the plan's years and actuals to date."""

    id: str
    title: str
    unit: str
    baseline_value: float | str | None
    baseline_date: dt.date | None
    targets: dict[str, float | str | None]  # by financial year, as FINANCIAL_YEARS
    actuals: dict[str, float | str | None]  # at each ended financial year's end
    latest: float | str | None
    latest_as_at: dt.date | None
    note: str = ""


def _whole(x: float) -> int:
    return int(math.floor(x + 0.5))


def _shared(rows: dict[str, np.ndarray], total: np.ndarray) -> dict[str, int]:
    """The total's median made whole, shared across the rows by largest remainder on their medians (their
    means where every median is 0 but the total is not)."""
    whole = _whole(float(np.median(total)))
    weights = [float(np.median(v)) for v in rows.values()]
    if sum(weights) <= 0:
        weights = [float(np.mean(v)) for v in rows.values()]
    return dict(zip(rows, largest_remainder(whole, weights), strict=True))


def _section(key: str, rows: dict[str, Callable], years: dict[int, tuple[np.ndarray | None, str | None]],
             total: Callable) -> Section:
    out = Section(key=key, rows=(*rows, lsrp.TOTAL))
    for label in out.rows:
        out.values[label] = {}
    for year, (cube, kind) in years.items():
        out.kinds[year] = kind
        if cube is None:
            for label in out.rows:
                out.values[label][year] = None
            continue
        per_row = {label: f(cube) for label, f in rows.items()}
        if kind == ACTUAL:
            whole = {label: int(round(float(v[0]))) for label, v in per_row.items()}
        else:
            whole = _shared(per_row, total(cube))
        for label, value in whole.items():
            out.values[label][year] = value
        out.values[lsrp.TOTAL][year] = sum(whole.values())
    return out


def template_values(*, sim: Simulation, history: History, seed: int = 870,
                    mapping: LsrpMapping = lsrp.STANDARD) -> dict[str, Section]:
    """Every count section, whole: actual where the data has the census, else shared from the simulations."""
    years = {}
    for year in lsrp.YEARS:
        census = lsrp.census_year(year)
        if census in sim.history_years:
            years[year] = (sim.history_cube[sim.history_years.index(census)][None].astype(float), ACTUAL)
        elif census in sim.years:
            years[year] = (sim.cube[:, sim.years.index(census)].astype(float), PROJECTION)
        else:
            years[year] = (None, None)

    bands = np.arange(len(BAND_AGE_GROUP))
    post16 = np.isin(bands, POST16_BANDS)
    # cells[(band mask, setting index)] of each provision row
    provision_cells = {row: [] for row in lsrp.PROVISION_ROWS}
    for s, setting in enumerate(SETTINGS):
        for phase, mask in ((lsrp.PRE16, ~post16), (lsrp.POST16, post16)):
            provision_cells[mapping.row_of(setting, phase)].append((mask, s))
    need_index = {row: [i for i, code in enumerate(NEEDS) if mapping.needs[code] == row] for row in lsrp.NEEDS}

    def total(c):
        return c.sum(axis=(1, 2, 3))

    def provision(cells, need_rows=None):
        def f(c):
            out = np.zeros(c.shape[0])
            for mask, s in cells:
                part = c[:, mask][..., s]  # (n, band, need)
                out += (part[..., need_rows] if need_rows is not None else part).sum(axis=(1, 2))
            return out
        return f

    def by_need(cells):
        return {row: (provision(cells, idx) if idx else (lambda c: np.zeros(c.shape[0])))
                for row, idx in need_index.items()}

    groups = np.array(BAND_AGE_GROUP)
    everything = [cell for cells in provision_cells.values() for cell in cells]
    sections = {
        "5.1": _section("5.1", {g: (lambda c, i=i: c[:, groups == i].sum(axis=(1, 2, 3)))
                                for i, g in enumerate(lsrp.AGE_GROUPS)}, years, total),
        "6": _section("6", {row: provision(cells) for row, cells in provision_cells.items()}, years, total),
        "7": _section("7", by_need(everything), years, total),
    }
    for number, _, rows in lsrp.PROVISION_GROUPS:
        cells = [cell for row in rows for cell in provision_cells[row]]
        sections[number] = _section(number, by_need(cells), years, provision(cells))
    sections.update(_pipeline(history=history, seed=seed))
    return sections


def _pipeline(*, history: History, seed: int, sims: int = 1000) -> dict[str, Section]:
    """Requests by age group as a rate on the population of the group (Beta, recency-weighted as the plans
    are), assessments as a share of requests and plans as a share of assessments (Beta), simulated."""
    rng = np.random.default_rng(seed)
    flows = history.flows
    pop = history.population.assign(age_group=lambda d: np.array(HISTORY_AGE_GROUPS)[
        np.searchsorted([5, 11, 16, 20], d["age"], side="right")]).groupby(["year", "age_group"])["population"].sum()
    known = sorted(flows["year"].unique()) if len(flows) else []
    last = max(known) if known else history.last_year - 1
    recent = [y for y in known if y > last - 4]
    draws: dict[str, dict[int, dict[str, np.ndarray]]] = {k: {y: {} for y in lsrp.YEARS} for k in ("10", "11", "12")}
    kinds: dict[int, str] = {}
    for g, label in zip(HISTORY_AGE_GROUPS, lsrp.AGE_GROUPS, strict=True):
        f = flows[(flows["age_group"] == g) & flows["year"].isin(recent)]
        w = 0.5 ** ((last - f["year"].to_numpy()) / 2.0)
        exposure = np.array([pop.get((int(y), g), 0) for y in f["year"]])
        rate = rng.beta(0.5 + (w * f["requests"]).sum(), 0.5 + (w * (exposure - f["requests"])).sum(), sims)
        to_assess = rng.beta(0.5 + (w * f["assessments"]).sum(),
                             0.5 + (w * (f["requests"] - f["assessments"]).clip(lower=0)).sum(), sims)
        to_plan = rng.beta(0.5 + (w * f["plans"]).sum(), 0.5 + (w * (f["assessments"] - f["plans"])).sum(), sims)
        for year in lsrp.YEARS:
            row = flows[(flows["age_group"] == g) & (flows["year"] == year)]
            if len(row):
                kinds[year] = ACTUAL
                for key, column in (("10", "requests"), ("11", "assessments"), ("12", "plans")):
                    draws[key][year][label] = np.array([float(row[column].iloc[0])])
                continue
            kinds.setdefault(year, PROJECTION)
            people = int(pop.get((year, g), pop.get((max(y for y, _ in pop.index), g), 0))) if len(pop) else 0
            requests = rng.binomial(people, rate)
            assessments = rng.binomial(requests, to_assess)
            plans = rng.binomial(assessments, to_plan)
            for key, values in (("10", requests), ("11", assessments), ("12", plans)):
                draws[key][year][label] = values.astype(float)
    out = {}
    for key in ("10", "11", "12"):
        section = Section(key=key, rows=(*lsrp.AGE_GROUPS, lsrp.TOTAL))
        section.values = {label: {} for label in section.rows}
        for year in lsrp.YEARS:
            rows = draws[key][year]
            section.kinds[year] = kinds.get(year)
            if kinds.get(year) == ACTUAL:
                whole = {label: int(v[0]) for label, v in rows.items()}
            else:
                whole = _shared(rows, np.sum(list(rows.values()), axis=0))
            for label, value in whole.items():
                section.values[label][year] = value
            section.values[lsrp.TOTAL][year] = sum(whole.values())
        out[key] = section
    return out


def _assumptions(summary: dict, mapping: LsrpMapping) -> list[tuple[str, str]]:
    sims = summary.get("sims", "")
    scenario = (summary["scenario"]["name"] if summary.get("scenario")
                else "none: the baseline, in which today's rates of joining, leaving and moving carry on")
    provision = "; ".join(f"{e.setting} ({e.phase}) -> {e.row}" for e in mapping.provision)
    return [
        ("All", lsrp.YEAR_CONVENTION),
        ("All", "Counts are whole children. An actual year is the count in the data. A projected year's total is "
                f"the median of {sims} simulations' totals, rounded half up; it is shared out across the "
                "section's rows by largest remainder: each row gets the whole part of its share of the total "
                "(its share in proportion to the row's own median), and the children left over go one each to "
                "the rows with the largest fractions (the earlier row on a tie). So every section's rows add up "
                "to its total row; a row can differ by one from its own median."),
        ("All", "Rates of joining, leaving, moving setting and changing primary need are learnt from the last "
                "eight January censuses, the most recent weighing most (half-life "
                f"{summary.get('half_life', '')} years); joining is a rate on the background population of each "
                "age. The projection is not capped by the places available."),
        ("All", f"Scenario: {scenario}."),
        *([("All", f"Accuracy: {summary['accuracy']}")] if summary.get("accuracy") else []),
        ("5.1", "Age is the age a child turns in their national curriculum year (NCY + 5 at the end of the "
                "school year, so reception is 'Under 5' as the DfE groups it)."),
        ("6", "Our setting categories onto the DfE's rows (category, phase -> row): " + provision + ". Rows no "
              "category maps onto are 0. Pre-16 is up to year 11, post-16 year 12 on."),
        ("7", "Section 7 counts children with EHC plans, so 'SEN support but no specialist assessment of type of "
              "need' is 0. Down syndrome, a primary need the template predates, is counted as 'Other "
              "Difficulty/Disability'."),
        ("7.1-7.7", "Each group is the provision rows of section 6 it names; 7.6 is Alternative Provision (we do "
                    "not record hospital schools apart: they are in 'Other' in section 6); EHE, EOTAS and 'Other' "
                    "are in no group. Each group's total is the median of that group's total."),
        ("10-12", "Requests, assessments completed and assessments resulting in a plan in the calendar year, by "
                  "age at the request. Years the data does not cover are simulated: requests as a rate on the "
                  "population of each age group, assessments as a share of requests and plans as a share of "
                  "assessments (Beta, recency-weighted), the total's median shared as above."),
        ("Baseline, Success metrics", "The plan's target metrics with their baseline value and date from the "
                                      "plan, the plan's expected value at the end of each financial year "
                                      "(31 March), and the actual value at the end of each year that has ended "
                                      "and at the latest quarter end. Rates are shown as the metric defines them."),
        ("Provenance", f"Inputs' hash {summary.get('inputs_hash', '')}; code version "
                       f"{summary.get('code_version', '')}; seed {summary.get('seed', '')}."),
    ]


def _bold(cell):
    cell.font = Font(bold=True)
    return cell


def template_write(*, path: Path | str, sections: dict[str, Section], history: History, summary: dict,
                   metrics: Sequence[MetricRow] = (), mapping: LsrpMapping = lsrp.STANDARD) -> Path:
    """The workbook: the Assumptions sheet, one sheet per section (its DfE title in A1, "Calendar Year" and
    the years in row 2, actual or projection in row 3, then the rows and the total), the Baseline and
    Success metrics sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Assumptions"
    _bold(ws.cell(row=1, column=1, value="Local SEND Reform Plan data template: assumptions"))
    _bold(ws.cell(row=2, column=1, value="Section"))
    _bold(ws.cell(row=2, column=2, value="Assumption"))
    for i, (section, text) in enumerate(_assumptions(summary, mapping), start=3):
        ws.cell(row=i, column=1, value=section)
        ws.cell(row=i, column=2, value=text)
    ws.column_dimensions["B"].width = 120
    for key, section in sections.items():
        sheet = wb.create_sheet(key)
        _bold(sheet.cell(row=1, column=1, value=section.title))
        _bold(sheet.cell(row=2, column=1, value=lsrp.FIRST_COLUMN))
        sheet.cell(row=3, column=1, value="Actual or projection")
        for j, year in enumerate(lsrp.YEARS, start=2):
            _bold(sheet.cell(row=2, column=j, value=year))
            sheet.cell(row=3, column=j, value=section.kinds.get(year) or "not covered")
        for i, label in enumerate(section.rows, start=4):
            cell = sheet.cell(row=i, column=1, value=label)
            if label == lsrp.TOTAL:
                _bold(cell)
            for j, year in enumerate(lsrp.YEARS, start=2):
                sheet.cell(row=i, column=j, value=section.values[label][year])
        sheet.column_dimensions["A"].width = 60
    _metric_sheets(wb, metrics)
    path = Path(path)
    wb.save(path)
    return path


def _metric_sheets(wb: Workbook, metrics: Sequence[MetricRow]) -> None:
    base = wb.create_sheet("Baseline")
    _bold(base.cell(row=1, column=1, value="Baseline: the plan's target metrics"))
    for j, head in enumerate(("Metric", "Indicator id", "Unit", "Baseline value", "Baseline date", "Note"), 1):
        _bold(base.cell(row=2, column=j, value=head))
    for i, m in enumerate(metrics, start=3):
        for j, value in enumerate((m.title, m.id, m.unit, m.baseline_value, m.baseline_date, m.note), 1):
            base.cell(row=i, column=j, value=value)
    success = wb.create_sheet("Success metrics")
    _bold(success.cell(row=1, column=1, value="Success metrics: targets and actuals to date"))
    heads = ("Metric", "Indicator id", "Unit", *(f"Target {y}" for y in FINANCIAL_YEARS),
             *(f"Actual {y}" for y in FINANCIAL_YEARS), "Latest actual", "Latest actual as at")
    for j, head in enumerate(heads, 1):
        _bold(success.cell(row=2, column=j, value=head))
    for i, m in enumerate(metrics, start=3):
        values = (m.title, m.id, m.unit, *(m.targets.get(y) for y in FINANCIAL_YEARS),
                  *(m.actuals.get(y) for y in FINANCIAL_YEARS), m.latest, m.latest_as_at)
        for j, value in enumerate(values, 1):
            success.cell(row=i, column=j, value=value)
    for sheet in (base, success):
        sheet.column_dimensions["A"].width = 60
