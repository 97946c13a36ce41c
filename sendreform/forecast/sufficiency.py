"""Sufficiency: projected demand for each specialist setting category against its places (the in-area
establishments' `specialist_places`, the `planned_places` once open, and any a scenario adds), with the gap by
year; demand by phase and need beside it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sendreform.forecast.history import NEEDS, SETTINGS
from sendreform.forecast.model import BAND_PHASE, PHASES, quantiles
from sendreform.standards.periods import sen2_census_date
from sendreform.standards.placements import setting_category

SPECIALIST = ("MAINSTREAM_BASE", "MAINTAINED_SPECIAL", "INMSS", "AP", "POST16_SPECIALIST")
_PLANNED_KIND = {"MAINSTREAM": "MAINSTREAM_BASE", "SPECIAL": "MAINTAINED_SPECIAL", "AP": "AP",
                 "SPECIALIST_POST16": "POST16_SPECIALIST"}


def capacity(*, establishment: pd.DataFrame, planned_places: pd.DataFrame, years: list[int],
             added: list[dict] = ()) -> pd.DataFrame:
    """Places by (year, setting) open at each January census: in-area establishments' specialist places (a
    mainstream school's only when it has a unit or resourced provision), planned places and added places."""
    rows = []
    for year in years:
        day = pd.Timestamp(sen2_census_date(year))
        e = establishment[establishment["in_area"].fillna(False).astype(bool)]
        opened = pd.to_datetime(e["open_date"]).isna() | (pd.to_datetime(e["open_date"]) <= day)
        not_closed = pd.to_datetime(e["close_date"]).isna() | (pd.to_datetime(e["close_date"]) > day)
        e = e[opened & not_closed]
        places = {s: 0 for s in SPECIALIST}
        for row in e.itertuples():
            category = setting_category(kind=row.kind, funding=row.funding, sen_setting=None,
                                        sen_unit=bool(row.has_sen_unit),
                                        resourced_provision=bool(row.has_resourced_provision))
            if category in places and not pd.isna(row.specialist_places):
                places[category] += int(row.specialist_places)
        for row in planned_places.itertuples():
            category = _PLANNED_KIND.get(row.kind)
            if category and pd.Timestamp(row.open_date) <= day:
                places[category] += int(row.places)
        for add in added:
            if add["setting"] in places and pd.Timestamp(add["open_date"]) <= day:
                places[add["setting"]] += int(add["places"])
        rows += [{"year": year, "setting": s, "capacity": n} for s, n in places.items()]
    return pd.DataFrame(rows)


def sufficiency_table(*, cube: np.ndarray, years: list[int], places: pd.DataFrame) -> pd.DataFrame:
    """Demand (median and 95% interval of the simulations) against places, and the gap (demand less places,
    so a positive gap is a shortfall) with its interval, by year and specialist setting."""
    rows = []
    for i, year in enumerate(years):
        for s in SPECIALIST:
            demand = cube[:, i, :, :, SETTINGS.index(s)].sum(axis=(1, 2))
            cap = int(places[(places["year"] == year) & (places["setting"] == s)]["capacity"].sum())
            qd, qg = quantiles(demand), quantiles(demand - cap)
            rows.append({"year": year, "setting": s, "demand_median": qd["median"], "demand_p2_5": qd["p2_5"],
                         "demand_p97_5": qd["p97_5"], "capacity": cap, "gap_median": qg["median"],
                         "gap_p2_5": qg["p2_5"], "gap_p97_5": qg["p97_5"]})
    return pd.DataFrame(rows)


def demand_by_phase_need(*, cube: np.ndarray, years: list[int]) -> pd.DataFrame:
    """Median demand by year x specialist setting x phase x need (capacity is not recorded by need or phase)."""
    rows = []
    phase_of_band = np.array(BAND_PHASE)
    for i, year in enumerate(years):
        for s in SPECIALIST:
            for p, phase in enumerate(PHASES):
                sub = cube[:, i, phase_of_band == p, :, SETTINGS.index(s)].sum(axis=1)  # (sims, need)
                med = np.median(sub, axis=0)
                rows += [{"year": year, "setting": s, "phase": phase, "need": n, "median": float(m)}
                         for n, m in zip(NEEDS, med, strict=True) if m > 0]
    return pd.DataFrame(rows, columns=["year", "setting", "phase", "need", "median"])
