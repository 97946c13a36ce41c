#!/usr/bin/env python3
"""Measure the forecast's spread priors (sendreform.forecast.model JOIN_SPREAD_PRIOR, LEAVE_SPREAD_PRIOR) on
England's local areas, from the DfE "Education, health and care plans" release CSVs.

For each local authority with at least 20 in every year: the standard deviation of the yearly log change of its
new EHC plans (newplans.csv, 2019-2024) and of its ceased plans (ceased_plans.csv, 2022-2024); the prior is the
median over authorities.

Usage: scripts/spread_priors.py [FOLDER]   (default ../shared/data/ehcp, one folder per release)
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared/data/ehcp"
RELEASE = "education-health-and-care-plans_2025/data"


def median_sd_of_log_change(path: Path, topic: str, column: str) -> tuple[float, int]:
    frame = pd.read_csv(path, encoding="utf-8-sig", low_memory=False)
    frame = frame[(frame["geographic_level"] == "Local authority") & (frame["breakdown_topic"] == topic)]
    values = pd.to_numeric(frame[column], errors="coerce")  # "x", "c" and "z" are suppressed or not applicable
    by_year = frame.assign(value=values).pivot_table(index="old_la_code", columns="time_period", values="value")
    by_year = by_year[(by_year >= 20).all(axis=1)]
    change = np.log(by_year).diff(axis=1).iloc[:, 1:]
    return float(change.std(axis=1).median()), len(by_year)


def main() -> None:
    from sendreform.forecast.published import published_load

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    new = published_load(folder=folder).new_totals().loc[:, 2019:]
    new = new[(new >= 20).all(axis=1)]
    join, n_join = float(np.log(new).diff(axis=1).iloc[:, 1:].std(axis=1).median()), len(new)
    leave, n_leave = median_sd_of_log_change(folder / RELEASE / "ceased_plans.csv", "All ceased EHC plans",
                                             "total_ceased")
    print(f"joining (new plans): {join:.2f} over {n_join} local authorities")
    print(f"leaving (ceased plans): {leave:.2f} over {n_leave} local authorities")


if __name__ == "__main__":
    main()
