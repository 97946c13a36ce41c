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
    e = establishment[establishment["in_area"].fillna(False).astype(bool)] if len(establishment) else establishment
    opens = pd.to_datetime(e["open_date"]) if len(e) else pd.Series(dtype="datetime64[ns]")
    closes = pd.to_datetime(e["close_date"]) if len(e) else pd.Series(dtype="datetime64[ns]")
    category = [setting_category(kind=k, funding=f, sen_setting=None, sen_unit=bool(u), resourced_provision=bool(r))
                for k, f, u, r in zip(e.get("kind", []), e.get("funding", []), e.get("has_sen_unit", []),
                                      e.get("has_resourced_provision", []), strict=True)]
    places_of = pd.to_numeric(e["specialist_places"], errors="coerce") if len(e) else pd.Series(dtype=float)
    planned = [(_PLANNED_KIND.get(row.kind), pd.Timestamp(row.open_date), int(row.places))
               for row in planned_places.itertuples()]
    rows = []
    for year in years:
        day = pd.Timestamp(sen2_census_date(year))
        open_now = ((opens.isna() | (opens <= day)) & (closes.isna() | (closes > day))).to_numpy()
        places = {s: 0 for s in SPECIALIST}
        for c, n, is_open in zip(category, places_of, open_now, strict=True):
            if is_open and c in places and not pd.isna(n):
                places[c] += int(n)
        for c, opened, n in planned:
            if c and opened <= day:
                places[c] += n
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
