#!/usr/bin/env python3
"""Try settings of the forecast's aggregate path on the real-England backtest (ADR 28): the model alone for each
setting, beside the five baselines (computed once and kept in var/forecast-trials/baselines.pkl), printed as
median absolute error, best baseline's, median signed error, 95% coverage and the least share of area-origins
in which the model was closer than a baseline, at 1 / 2 / 3 years, on the choice origins 2016-2019, the
confirmation origins 2020-2022 and the most recent regime 2020-2024.

Usage: scripts/forecast_trials.py 'SETTINGS' [SIMS] [FOLDER]
  SETTINGS is a Python dict of name to Settings(...), e.g.
  '{"chosen": Settings(), "leaving over 3": Settings(leave_window=3)}'
  (default simulations 200; default folder ../shared/data/ehcp)
"""

import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendreform.forecast.aggregate import SETTINGS, Settings  # noqa: E402,F401 - the settings are eval'd
from sendreform.forecast.england import METHODS, MODEL, england_backtest, england_summary  # noqa: E402
from sendreform.forecast.published import published_load  # noqa: E402

REGIMES = {"2016-19": (2016, 2019), "2020-22": (2020, 2022), "2020-24": (2020, 2024)}


def main() -> None:
    trials = eval(sys.argv[1])  # noqa: S307 - the user's own settings on the command line
    sims = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    published = published_load(folder=sys.argv[3] if len(sys.argv) > 3 else ROOT.parent / "shared/data/ehcp")
    cache = ROOT / "var" / "forecast-trials" / "baselines.pkl"
    if cache.exists():
        base = pd.read_pickle(cache)
    else:
        base = england_backtest(published=published, methods=tuple(m for m in METHODS if m != MODEL))
        cache.parent.mkdir(parents=True, exist_ok=True)
        base.to_pickle(cache)
    for name, settings in trials.items():
        start = time.time()
        model = england_backtest(published=published, methods=(MODEL,), sims=sims, settings=settings)
        summary = england_summary(pd.concat([model, base], ignore_index=True), REGIMES)
        print(f"## {name} ({time.time() - start:.0f} s)")
        for regime in REGIMES:
            part = summary[summary["regime"] == regime]
            own = part[part["method"] == MODEL].set_index("horizon")
            others = part[part["method"] != MODEL].groupby("horizon")

            def cells(values, fmt="{:.1f}"):
                return "/".join(fmt.format(v) for v in values)

            print(f"{regime}: error {cells(own['median_ape'])} best baseline {cells(others['median_ape'].min())} "
                  f"signed {cells(own['median_signed'], '{:+.1f}')} held {cells(own['coverage95'], '{:.0f}')} "
                  f"closer {cells(others['model_closer'].min(), '{:.0f}')}", flush=True)


if __name__ == "__main__":
    main()
