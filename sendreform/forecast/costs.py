"""High Needs cost of the projected plans: unit costs by setting category x need x financial year, grown by
each category's inflation beyond the last year given, summed by the lines of the DSG management plan within
each simulation, and a scenario set against the baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendreform.forecast.history import NEEDS, SETTINGS
from sendreform.forecast.model import quantiles

# The plan's independent special school unit-cost growth; every other category and year grows by the default.
INFLATION = {"INMSS": {"2025-26": 0.06, "2026-27": 0.05, "2027-28": 0.04}}
DEFAULT_INFLATION = 0.03

DSG_LINES = {
    "Early years": ("EARLY_YEARS",),
    "Mainstream schools: top-up funding": ("MAINSTREAM",),
    "Resourced provision and SEN units": ("MAINSTREAM_BASE",),
    "Maintained special schools and special academies": ("MAINTAINED_SPECIAL",),
    "Independent and non-maintained special schools": ("INMSS",),
    "Alternative provision": ("AP",),
    "Post-16: further education": ("POST16_MAINSTREAM",),
    "Post-16: specialist institutions": ("POST16_SPECIALIST",),
    "Education otherwise than at school and other arrangements": ("EOTAS", "EHE", "UNPLACED",
                                                                  "NOT_IN_EDUCATION", "OTHER"),
}
LINE_OF_SETTING = np.array([next(i for i, s in enumerate(DSG_LINES.values()) if c in s) for c in SETTINGS])


def financial_year_of_census(year: int) -> str:
    """The financial year a January census falls in (January 2027 is in 2026-27)."""
    return f"{year - 1}-{year % 100:02d}"


def unit_costs(*, unit_cost: pd.DataFrame, years: list[int], inflation: dict | None = None,
               default_inflation: float = DEFAULT_INFLATION) -> np.ndarray:
    """Annual cost in pounds per plan, (census year, need, setting). A need's own row is used where the table
    has one, else the category's all-needs row; a year after the last given is the last given grown by the
    category's inflation for each year between. A category with no cost rows costs nothing to High Needs."""
    inflation = INFLATION if inflation is None else inflation
    out = np.zeros((len(years), len(NEEDS), len(SETTINGS)))
    known: dict[tuple[str, object], dict[int, float]] = {}
    for category, need, fy, cost in zip(unit_cost["setting_category"], unit_cost["need_type"],
                                        unit_cost["financial_year"], unit_cost["annual_cost"], strict=True):
        need = None if need is None or (isinstance(need, float) and np.isnan(need)) else need
        known.setdefault((category, need), {})[int(str(fy)[:4])] = cost / 100
    for j, category in enumerate(SETTINGS):
        for i, need in enumerate(NEEDS):
            series = known.get((category, need)) or known.get((category, None))
            if not series:
                continue
            for k, year in enumerate(years):
                out[k, i, j] = _grown(series, year - 1, inflation.get(category, {}), default_inflation)
    return out


def _grown(known: dict[int, float], fy_start: int, inflation: dict, default: float) -> float:
    """The cost for the financial year starting in `fy_start`: as given, or the last given before it grown by
    each year's inflation (the first given, when none is before)."""
    if fy_start in known:
        return known[fy_start]
    before = [y for y in known if y < fy_start]
    base_year = max(before) if before else min(known)
    value = known[base_year]
    for y in range(base_year + 1, fy_start + 1):
        value *= 1 + inflation.get(f"{y}-{(y + 1) % 100:02d}", default)
    return value


def cost_by_line(*, cube: np.ndarray, costs: np.ndarray) -> np.ndarray:
    """(sims, years, line) cost in pounds from the simulated cube (sims, years, band, need, setting)."""
    per_setting = np.einsum("iybnc,ync->iyc", cube, costs)
    out = np.zeros((*per_setting.shape[:2], len(DSG_LINES)))
    for j, line in enumerate(LINE_OF_SETTING):
        out[..., line] += per_setting[..., j]
    return out


def cost_tables(*, cube: np.ndarray, costs: np.ndarray, years: list[int]) -> dict[str, pd.DataFrame]:
    """Cost by DSG line and in total, by financial year, as medians and intervals of the simulations."""
    lines = cost_by_line(cube=cube, costs=costs)
    fys = [financial_year_of_census(y) for y in years]
    rows = []
    for i, fy in enumerate(fys):
        for j, name in enumerate(DSG_LINES):
            rows.append({"financial_year": fy, "year": years[i], "line": name,
                         **{k: round(float(v), 0) for k, v in quantiles(lines[:, i, j]).items()}})
    total = [{"financial_year": fy, "year": years[i],
              **{k: round(float(v), 0) for k, v in quantiles(lines[:, i, :].sum(axis=1)).items()}}
             for i, fy in enumerate(fys)]
    return {"cost_by_line": pd.DataFrame(rows), "cost_total": pd.DataFrame(total)}
