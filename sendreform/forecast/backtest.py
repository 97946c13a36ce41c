"""Rolling-origin backtest: from each past census, fit on what was known then, project 1 to 3 years ahead and
compare with what happened, beside two naive forecasts on the same origins (last value; linear trend)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sendreform.forecast.history import History
from sendreform.forecast.model import DEFAULT_HALF_LIFE, parameters_fit, quantiles, simulate

HORIZONS = (1, 2, 3)
MIN_TRANSITIONS = 2


def backtest(*, history: History, sims: int = 500, seed: int = 870, half_life: float = DEFAULT_HALF_LIFE,
             progress: Callable[[str, int, int], None] | None = None) -> pd.DataFrame:
    """One row per origin and horizon: actual total plans, the model's median and 95% interval, and the two
    naive forecasts. Origins are every census from the third (two transition years to learn from) to the one
    before the last; each forecast knows only the censuses up to its origin. The last value repeats the
    origin's count; the linear trend is the least-squares line through every census up to the origin."""
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


def backtest_report(*, frame: pd.DataFrame, summary: pd.DataFrame, history: History, sims: int, seed: int,
                    half_life: float) -> str:
    """The backtest as a page a person can read (markdown): what was done, the verdict, the summary and every
    origin's figures."""
    beats = [(r.model_mape < r.last_value_mape and r.model_mape < r.linear_trend_mape) for r in summary.itertuples()]
    lines = [
        f"# Forecast backtest: January {history.years[0]} to {history.years[-1]} censuses", "",
        f"Rolling origin: from each census from {int(frame['origin'].min())} to {int(frame['origin'].max())}, the "
        "model is fitted to the censuses up to it alone and projects total plans 1, 2 and 3 years ahead "
        f"({sims:,} simulations, seed {seed}, recency half-life {half_life:g} years). Beside it, on the same "
        "origins, two naive forecasts: the last value, and the least-squares linear trend through every census "
        "up to the origin. Error is the mean absolute percentage error over origins; coverage is the share of "
        "origins whose actual count fell inside the model's 95% interval.", "",
        "## Verdict", "",
        *[f"- {line}" for line in backtest_verdict(summary).splitlines()], "",
        ("The model beats both naive forecasts at every horizon." if all(beats) else
         "The model does not beat both naive forecasts at every horizon: at "
         + ", ".join(f"{r.horizon} year{'s' * (r.horizon > 1)}" for r, b in zip(summary.itertuples(), beats,
                                                                                   strict=True) if not b)
         + " ahead a naive forecast was closer."), "",
        "## By horizon", "",
        "| years ahead | origins | model error | last value error | linear trend error | 95% interval held the actual |",
        "|---|---|---|---|---|---|",
        *[f"| {r.horizon} | {r.origins} | {r.model_mape:.1f}% | {r.last_value_mape:.1f}% | "
          f"{r.linear_trend_mape:.1f}% | {r.coverage_95:.0f}% |" for r in summary.itertuples()], "",
        "## Every origin", "",
        "| origin | year | actual | model median | model 95% interval | last value | linear trend |",
        "|---|---|---|---|---|---|---|",
        *[f"| {r.origin} | {r.year} | {r.actual:,} | {r.model_median:,.0f} | {r.model_p2_5:,.0f} to "
          f"{r.model_p97_5:,.0f} | {r.last_value:,.0f} | {r.linear_trend:,.0f} |" for r in frame.itertuples()],
        "",
    ]
    return "\n".join(lines)


def backtest_write(*, history: History, out_dir: Path | str, sims: int = 500, seed: int = 870,
                   half_life: float = DEFAULT_HALF_LIFE,
                   progress: Callable[[str, int, int], None] | None = None) -> tuple[pd.DataFrame, Path]:
    """Run the backtest and write `backtest.csv` (every origin and horizon), `backtest_summary.csv` (by
    horizon) and `backtest.md` (the report) in `out_dir`. Returns the summary and the folder."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frame = backtest(history=history, sims=sims, seed=seed, half_life=half_life, progress=progress)
    summary = backtest_summary(frame)
    frame.to_csv(out / "backtest.csv", index=False)
    summary.to_csv(out / "backtest_summary.csv", index=False)
    (out / "backtest.md").write_text(backtest_report(frame=frame, summary=summary, history=history, sims=sims,
                                                     seed=seed, half_life=half_life), encoding="utf-8")
    return summary, out
