"""The DfE Local SEND Reform Plan data template's projection sections as an .xlsx workbook: plans by age group
(5.1), by the fourteen provision rows (6), by the thirteen primary needs (7) and need by provision group
(7.1-7.7), and EHC needs assessment requests (10), assessments (11) and assessments resulting in a plan (12),
for calendar years 2025-2029: actual counts where the data has them, medians of the simulations after.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from sendreform.forecast.history import AGE_GROUPS, NEEDS, History
from sendreform.forecast.model import BAND_AGE_GROUP, Simulation
from sendreform.standards.codes import NEED_TYPE, SETTING_CATEGORY

YEARS = (2025, 2026, 2027, 2028, 2029)
# Fourteen provision rows: the thirteen setting categories, with mainstream split at year 12 (sixth forms).
PROVISION_ROWS = (
    ("Early years settings", ("EARLY_YEARS",), None),
    ("Mainstream schools (reception to year 11)", ("MAINSTREAM",), "pre16"),
    ("Mainstream sixth forms (year 12 and above)", ("MAINSTREAM",), "post16"),
    ("Inclusion bases in mainstream (SEN units and resourced provision)", ("MAINSTREAM_BASE",), None),
    ("Maintained special schools and special academies", ("MAINTAINED_SPECIAL",), None),
    ("Independent and non-maintained special schools", ("INMSS",), None),
    ("Alternative provision", ("AP",), None),
    ("Further education colleges", ("POST16_MAINSTREAM",), None),
    ("Specialist post-16 institutions", ("POST16_SPECIALIST",), None),
    ("Elective home education", ("EHE",), None),
    ("Education otherwise than at school (other arrangements by the LA)", ("EOTAS",), None),
    ("Awaiting placement", ("UNPLACED",), None),
    ("Not in education, employment or training", ("NOT_IN_EDUCATION",), None),
    ("Other arrangements", ("OTHER",), None),
)
PROVISION_GROUPS = (
    ("7.1", "Early years settings", ("EARLY_YEARS",)),
    ("7.2", "Mainstream schools", ("MAINSTREAM",)),
    ("7.3", "Inclusion bases in mainstream", ("MAINSTREAM_BASE",)),
    ("7.4", "Maintained special schools and special academies", ("MAINTAINED_SPECIAL",)),
    ("7.5", "Independent and non-maintained special schools", ("INMSS",)),
    ("7.6", "Post-16 colleges and specialist institutions", ("POST16_MAINSTREAM", "POST16_SPECIALIST")),
    ("7.7", "Alternative provision and other arrangements", ("AP", "EHE", "EOTAS", "UNPLACED",
                                                              "NOT_IN_EDUCATION", "OTHER")),
)
SETTINGS = tuple(SETTING_CATEGORY)
POST16_BANDS = np.array([4, 5])  # NCY 12-15 and 16-21


def template_values(*, sim: Simulation, history: History, seed: int = 870) -> dict[str, pd.DataFrame]:
    """Every section as a frame of rows x YEARS (actual where known, else the median of the simulations)."""
    def cube_for(year):
        if year in sim.history_years:
            return sim.history_cube[sim.history_years.index(year)][None].astype(float), "actual"
        if year in sim.years:
            return sim.cube[:, sim.years.index(year)].astype(float), "projection"
        return None, None

    def section(rows: dict) -> pd.DataFrame:
        out = {}
        for year in YEARS:
            cube, _ = cube_for(year)
            out[year] = [float(np.median(f(cube))) if cube is not None else None for f in rows.values()]
        return pd.DataFrame(out, index=list(rows))

    def setting_sum(settings, part=None):
        cols = [SETTINGS.index(s) for s in settings]

        def f(c):
            bands = np.ones(c.shape[1], dtype=bool)
            if part is not None:
                bands = np.isin(np.arange(c.shape[1]), POST16_BANDS) == (part == "post16")
            return c[:, bands][..., cols].sum(axis=(1, 2, 3))
        return f

    groups = np.array(BAND_AGE_GROUP)
    sections = {
        "5.1": section({g: (lambda c, i=i: c[:, groups == i].sum(axis=(1, 2, 3))) for i, g in enumerate(AGE_GROUPS)}
                       | {"Total": lambda c: c.sum(axis=(1, 2, 3))}),
        "6": section({label: setting_sum(s, part) for label, s, part in PROVISION_ROWS}
                     | {"Total": lambda c: c.sum(axis=(1, 2, 3))}),
        "7": section({NEED_TYPE[n]: (lambda c, i=i: c[:, :, i].sum(axis=(1, 2))) for i, n in enumerate(NEEDS)}
                     | {"Total": lambda c: c.sum(axis=(1, 2, 3))}),
    }
    for number, _, settings in PROVISION_GROUPS:
        cols = [SETTINGS.index(s) for s in settings]
        sections[number] = section({NEED_TYPE[n]: (lambda c, i=i, cols=cols: c[:, :, i][..., cols].sum(axis=(1, 2)))
                                    for i, n in enumerate(NEEDS)})
    sections.update(_pipeline(history=history, seed=seed))
    return sections


def _pipeline(*, history: History, seed: int, sims: int = 1000) -> dict[str, pd.DataFrame]:
    """Requests by age group as a rate on the population of the group (Beta, recency-weighted as the plans
    are), assessments as a share of requests and plans as a share of assessments (Beta), simulated."""
    rng = np.random.default_rng(seed)
    flows = history.flows
    pop = history.population.assign(age_group=lambda d: np.array(AGE_GROUPS)[
        np.searchsorted([5, 11, 16, 20], d["age"], side="right")]).groupby(["year", "age_group"])["population"].sum()
    known = sorted(flows["year"].unique()) if len(flows) else []
    last = max(known) if known else history.last_year - 1
    recent = [y for y in known if y > last - 4]
    out = {k: {} for k in ("10", "11", "12")}
    for g in AGE_GROUPS:
        f = flows[(flows["age_group"] == g) & flows["year"].isin(recent)]
        w = 0.5 ** ((last - f["year"].to_numpy()) / 2.0)
        exposure = np.array([pop.get((int(y), g), 0) for y in f["year"]])
        rate = rng.beta(0.5 + (w * f["requests"]).sum(), 0.5 + (w * (exposure - f["requests"])).sum(), sims)
        to_assess = rng.beta(0.5 + (w * f["assessments"]).sum(),
                             0.5 + (w * (f["requests"] - f["assessments"]).clip(lower=0)).sum(), sims)
        to_plan = rng.beta(0.5 + (w * f["plans"]).sum(), 0.5 + (w * (f["assessments"] - f["plans"])).sum(), sims)
        for year in YEARS:
            row = flows[(flows["age_group"] == g) & (flows["year"] == year)]
            if len(row):
                out["10"].setdefault(g, {})[year] = float(row["requests"].iloc[0])
                out["11"].setdefault(g, {})[year] = float(row["assessments"].iloc[0])
                out["12"].setdefault(g, {})[year] = float(row["plans"].iloc[0])
                continue
            requests = rng.binomial(int(pop.get((year, g), pop.get((max(y for y, _ in pop.index), g), 0))), rate)
            assessments = rng.binomial(requests, to_assess)
            plans = rng.binomial(assessments, to_plan)
            for key, values in (("10", requests), ("11", assessments), ("12", plans)):
                out[key].setdefault(g, {})[year] = float(np.median(values))
    frames = {}
    for key, rows in out.items():
        frame = pd.DataFrame(rows).T.reindex(columns=list(YEARS))
        frame.loc["Total"] = frame.sum()
        frames[key] = frame
    return frames


TITLES = {
    "5.1": "5.1 Children and young people with an EHC plan, by age group",
    "6": "6 Children and young people with an EHC plan, by provision",
    "7": "7 Children and young people with an EHC plan, by primary need",
    **{n: f"{n} Primary need: {title}" for n, title, _ in PROVISION_GROUPS},
    "10": "10 Requests for an EHC needs assessment, by age group",
    "11": "11 EHC needs assessments completed, by age group",
    "12": "12 EHC needs assessments resulting in a plan, by age group",
}


def template_write(*, path: Path | str, sections: dict[str, pd.DataFrame], history: History, summary: dict) -> Path:
    """The workbook: an Assumptions sheet in plain words, then one sheet per section."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Assumptions"
    last = history.last_year
    lines = [
        "Local SEND Reform Plan data template: projections",
        f"Counts of plans are at the January census of each year; {YEARS[0]} to {last} are actual counts from "
        f"the data, later years are the median of {summary.get('sims', '')} simulations.",
        "Requests, assessments and plans (sections 10-12) are calendar-year counts; years without complete data "
        "are medians of simulations of rates on the population of each age group.",
        "Rates of joining, leaving, moving setting and changing primary need are learnt from the last eight "
        f"January censuses, the most recent weighing most (half-life {summary.get('half_life', '')} years).",
        "Joining is a rate on the background population of each age (ONS-style population table).",
        "The projection is not capped by the places available; the sufficiency table sets demand against places.",
        "Scenario: " + (summary["scenario"]["name"] if summary.get("scenario") else "none (the baseline: today's "
                        "rates continue)"),
        f"Inputs' hash {summary.get('inputs_hash', '')}; code version {summary.get('code_version', '')}; "
        f"seed {summary.get('seed', '')}.",
    ]
    for i, line in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=line)
    ws["A1"].font = Font(bold=True)
    for key, frame in sections.items():
        sheet = wb.create_sheet(key)
        sheet.cell(row=1, column=1, value=TITLES[key]).font = Font(bold=True)
        sheet.cell(row=2, column=1, value="")
        for j, year in enumerate(YEARS, start=2):
            kind = "actual" if year <= (last if key not in ("10", "11", "12") else last - 1) else "projection"
            sheet.cell(row=2, column=j, value=f"{year} ({kind})").font = Font(bold=True)
        for i, (label, row) in enumerate(frame.iterrows(), start=3):
            sheet.cell(row=i, column=1, value=str(label))
            for j, year in enumerate(YEARS, start=2):
                value = row[year]
                sheet.cell(row=i, column=j, value=None if pd.isna(value) else round(float(value), 1))
    path = Path(path)
    wb.save(path)
    return path
