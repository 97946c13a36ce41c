"""Rolling-origin backtest: from each past census, fit on what was known then, project 1 to 3 years ahead and
compare with what happened, beside two naive forecasts on the same origins (last value; linear trend)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from sendreform.forecast.history import History
from sendreform.forecast.model import DEFAULT_HALF_LIFE, parameters_fit, quantiles, simulate

HORIZONS = (1, 2, 3)
MIN_TRANSITIONS = 2


def backtest(*, history: History, sims: int = 500, seed: int = 870, half_life: float = DEFAULT_HALF_LIFE,
             progress: Callable[[str, int, int], None] | None = None) -> pd.DataFrame:
    """One row per origin and horizon: actual total plans, the model's median and 95% interval, and the two
    naive forecasts."""
    years = history.years
    actual = history.census.groupby("year").size().reindex(years).to_numpy()
    origins = [y for y in years[MIN_TRANSITIONS:-1]]
    rows = []
    for n, origin in enumerate(origins):
        known = history.until(origin)
        params = parameters_fit(history=known, half_life=half_life)
        ahead = min(max(HORIZONS), years[-1] - origin)
        totals = simulate(params=params, years=ahead, sims=sims, seed=seed).totals()
        q = quantiles(totals)
        past = np.array([y for y in years if y <= origin])
        values = actual[: len(past)]
        slope, intercept = np.polyfit(past, values, 1)
        for h in range(1, ahead + 1):
            truth = actual[years.index(origin + h)]
            rows.append({"origin": origin, "horizon": h, "year": origin + h, "actual": int(truth),
                         "model_median": float(q["median"][h - 1]), "model_p2_5": float(q["p2_5"][h - 1]),
                         "model_p97_5": float(q["p97_5"][h - 1]), "last_value": float(values[-1]),
                         "linear_trend": float(intercept + slope * (origin + h))})
        if progress is not None:
            progress("backtest", n + 1, len(origins))
    return pd.DataFrame(rows)


def backtest_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Per horizon: mean absolute percentage error of the model and each naive forecast, and the share of
    origins whose actual fell inside the model's 95% interval."""
    out = []
    for h, g in frame.groupby("horizon"):
        err = {name: float((100 * (g[name] - g["actual"]).abs() / g["actual"]).mean())
               for name in ("model_median", "last_value", "linear_trend")}
        inside = ((g["actual"] >= g["model_p2_5"]) & (g["actual"] <= g["model_p97_5"])).mean()
        out.append({"horizon": int(h), "origins": len(g), "model_mape": round(err["model_median"], 2),
                    "last_value_mape": round(err["last_value"], 2),
                    "linear_trend_mape": round(err["linear_trend"], 2), "coverage_95": round(100 * inside, 1)})
    return pd.DataFrame(out)


def backtest_verdict(summary: pd.DataFrame) -> str:
    """One sentence per horizon saying whether and by how much the model beats each naive forecast."""
    lines = []
    for row in summary.itertuples():
        lines.append(
            f"{row.horizon} year{'s' * (row.horizon > 1)} ahead ({row.origins} origins): model error "
            f"{row.model_mape:.1f}% against {row.last_value_mape:.1f}% for the last value "
            f"({row.last_value_mape - row.model_mape:+.1f} points) and {row.linear_trend_mape:.1f}% for the "
            f"linear trend ({row.linear_trend_mape - row.model_mape:+.1f} points); the 95% interval held the "
            f"actual in {row.coverage_95:.0f}% of origins.")
    return "\n".join(lines)
