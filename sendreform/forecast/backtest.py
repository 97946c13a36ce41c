"""Rolling-origin backtest: from each past census, fit on what was known then, project 1 to 3 years ahead and
compare with what happened, beside two naive forecasts on the same origins (last value; linear trend). Total plans
are the headline; the same comparison by age group, setting category and primary need says how far a planner can
trust the breakdowns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sendreform.forecast.history import AGE_GROUPS, History
from sendreform.forecast.model import (
    BAND_AGE_GROUP,
    DEFAULT_HALF_LIFE,
    history_cube,
    parameters_fit,
    quantiles,
    simulate,
    transitions,
)

HORIZONS = (1, 2, 3)
MIN_TRANSITIONS = 2
MIN_CENSUSES = MIN_TRANSITIONS + 2  # two years of change before the first origin, and a census after it


class TooFewCensuses(ValueError):
    """The history is too short to backtest."""


def backtest_history_check(history: History) -> None:
    """Raise `TooFewCensuses`, saying how many censuses there are, unless the history can be backtested."""
    if len(history.years) < MIN_CENSUSES:
        raise TooFewCensuses(f"a backtest needs at least four January censuses; the history has "
                             f"{len(history.years)}")


def _by_age_group(cube: np.ndarray) -> np.ndarray:
    groups = np.array(BAND_AGE_GROUP)
    return np.stack([cube[..., groups == g, :, :].sum(axis=(-1, -2, -3)) for g in range(len(AGE_GROUPS))], axis=-1)


# Each breakdown: (..., band, need, setting) counts -> (..., category).
BREAKDOWNS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "age group": _by_age_group,
    "setting category": lambda cube: cube.sum(axis=(-2, -3)),
    "primary need": lambda cube: cube.sum(axis=(-1, -3)),
}


def _linear(years: np.ndarray, values: np.ndarray, year: int) -> np.ndarray:
    """The least-squares line through `values` (rows by year, one column per series) at `year`, never below 0."""
    slope, intercept = np.polyfit(years, values, 1)
    return np.maximum(intercept + slope * year, 0.0)


def _wape(forecast: np.ndarray, truth: np.ndarray) -> float:
    return float(100 * np.abs(forecast - truth).sum() / truth.sum())


def backtest_frames(*, history: History, sims: int = 500, seed: int = 870, half_life: float = DEFAULT_HALF_LIFE,
                    progress: Callable[[str, int, int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The backtest of total plans (`backtest`) and, from the same simulations, of each breakdown: one row per
    breakdown, origin and horizon with the weighted absolute percentage error (the sum over the breakdown's
    categories of |forecast - actual|, over the sum of actuals) of the model's medians and of each naive forecast
    made category by category, and the share of categories holding plans whose actual fell inside the model's 95%
    interval."""
    years = history.years
    cube_years, cube = history_cube(history)
    actual = cube.sum(axis=(1, 2, 3))
    origins = [y for y in years[MIN_TRANSITIONS:-1]]
    rows, cells = [], []
    for n, origin in enumerate(origins):
        known = history.until(origin)
        params = parameters_fit(history=known, half_life=half_life)
        ahead = min(max(HORIZONS), years[-1] - origin)
        sim = simulate(params=params, years=ahead, sims=sims, seed=seed)
        q = quantiles(sim.totals())
        past = np.array([y for y in years if y <= origin])
        values = actual[: len(past)]
        trend = [_linear(past, values, origin + h) for h in range(1, ahead + 1)]
        for h in range(1, ahead + 1):
            truth = actual[years.index(origin + h)]
            rows.append({"origin": origin, "horizon": h, "year": origin + h, "actual": int(truth),
                         "model_median": float(q["median"][h - 1]), "model_p2_5": float(q["p2_5"][h - 1]),
                         "model_p97_5": float(q["p97_5"][h - 1]), "last_value": float(values[-1]),
                         "linear_trend": float(trend[h - 1])})
        for name, split in BREAKDOWNS.items():
            known_cells = split(cube[: len(past)]).astype(float)  # (years, category)
            simulated = split(sim.cube)  # (sims, years, category)
            bands = quantiles(simulated)
            for h in range(1, ahead + 1):
                truth = split(cube[cube_years.index(origin + h)]).astype(float)
                held = (truth >= bands["p2_5"][h - 1]) & (truth <= bands["p97_5"][h - 1])
                cells.append({"breakdown": name, "origin": origin, "horizon": h, "year": origin + h,
                              "categories": int((truth > 0).sum()), "model": _wape(bands["median"][h - 1], truth),
                              "last_value": _wape(known_cells[-1], truth),
                              "linear_trend": _wape(_linear(past, known_cells, origin + h), truth),
                              "held_95": float(100 * held[truth > 0].mean())})
        if progress is not None:
            progress("backtest", n + 1, len(origins))
    return pd.DataFrame(rows), pd.DataFrame(cells)


def backtest(*, history: History, sims: int = 500, seed: int = 870, half_life: float = DEFAULT_HALF_LIFE,
             progress: Callable[[str, int, int], None] | None = None) -> pd.DataFrame:
    """One row per origin and horizon: actual total plans, the model's median and 95% interval, and the two
    naive forecasts. Origins are every census from the third (two transition years to learn from) to the one
    before the last; each forecast knows only the censuses up to its origin. The last value repeats the
    origin's count; the linear trend is the least-squares line through every census up to the origin."""
    return backtest_frames(history=history, sims=sims, seed=seed, half_life=half_life, progress=progress)[0]


def history_flows(history: History) -> pd.DataFrame:
    """What happened between each pair of censuses: plans at the first, how many joined and left, plans at the
    second and the growth, so that a reader of the backtest can see the years no forecast could."""
    t = transitions(history)
    out = []
    for year, g in t.groupby("year"):
        start, end = int((g["s0"] >= 0).sum()), int((g["s1"] >= 0).sum())
        out.append({"from": int(year), "to": int(year) + 1, "plans_at_start": start,
                    "joined": int((g["s0"] < 0).sum()), "left": int((g["s1"] < 0).sum()), "plans_at_end": end,
                    "growth_pct": round(100 * (end - start) / start, 1) if start else None})
    return pd.DataFrame(out)


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


def breakdown_summary(cells: pd.DataFrame) -> pd.DataFrame:
    """Per breakdown and horizon: the mean over origins of each forecast's weighted absolute percentage error,
    and of the share of categories whose actual the model's 95% interval held."""
    g = cells.groupby(["breakdown", "horizon"], sort=False)
    out = g[["model", "last_value", "linear_trend", "held_95"]].mean().round(2).reset_index()
    out.insert(2, "origins", g.size().to_numpy())
    return out


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


def backtest_headline(summary: pd.DataFrame) -> str:
    """One sentence: whether the model beat both naive forecasts at every horizon, and if not where."""
    beats = [(r.model_mape < r.last_value_mape and r.model_mape < r.linear_trend_mape) for r in summary.itertuples()]
    if all(beats):
        return "The model beats both naive forecasts at every horizon."
    missed = [str(r.horizon) for r, b in zip(summary.itertuples(), beats, strict=True) if not b]
    where = missed[0] if len(missed) == 1 else ", ".join(missed[:-1]) + " and " + missed[-1]
    return (f"The model does not beat both naive forecasts at every horizon: at {where} "
            f"year{'s' * (missed != ['1'])} ahead a naive forecast was closer.")


def backtest_report(*, frame: pd.DataFrame, summary: pd.DataFrame, by: pd.DataFrame, history: History, sims: int,
                    seed: int, half_life: float) -> str:
    """The backtest as a page a person can read (markdown): what was done, the verdict, the summary, every
    origin's figures, the breakdowns (`by`, from `breakdown_summary`) and what happened in the history."""
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
        backtest_headline(summary), "",
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
        "## By age group, setting category and primary need", "",
        "The same origins, category by category: each naive forecast is made for each category from its own "
        "history. Error is the weighted absolute percentage error (the sum over categories of the distance from "
        "the actual, over all plans), averaged over origins; the last column is the share of categories holding "
        "plans whose actual fell inside the model's 95% interval.", "",
        "| breakdown | years ahead | origins | model error | last value error | linear trend error | "
        "95% interval held the actual |",
        "|---|---|---|---|---|---|---|",
        *[f"| {r.breakdown} | {r.horizon} | {r.origins} | {r.model:.1f}% | {r.last_value:.1f}% | "
          f"{r.linear_trend:.1f}% | {r.held_95:.0f}% |" for r in by.itertuples()], "",
        "## What happened in the history", "",
        "Between each pair of January censuses: plans at the first, how many joined (new plans and plans "
        "transferred in) and left, and the growth. A year whose joining or leaving departs from the years before "
        "it is one no forecast made before it could see.", "",
        "| from | to | plans at the start | joined | left | plans at the end | growth |",
        "|---|---|---|---|---|---|---|",
        *[f"| {r.from_} | {r.to} | {r.plans_at_start:,} | {r.joined:,} | {r.left:,} | {r.plans_at_end:,} | "
          f"{r.growth_pct:+.1f}% |" for r in history_flows(history).rename(columns={"from": "from_"}).itertuples()],
        "",
    ]
    return "\n".join(lines)


def backtest_write(*, history: History, out_dir: Path | str, sims: int = 500, seed: int = 870,
                   half_life: float = DEFAULT_HALF_LIFE,
                   progress: Callable[[str, int, int], None] | None = None) -> tuple[pd.DataFrame, Path]:
    """Run the backtest and write in `out_dir`: `backtest.csv` (every origin and horizon), `backtest_summary.csv`
    (by horizon), `backtest_breakdowns.csv` (every breakdown, origin and horizon) and `backtest.md` (the report).
    Returns the summary and the folder."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frame, cells = backtest_frames(history=history, sims=sims, seed=seed, half_life=half_life, progress=progress)
    summary = backtest_summary(frame)
    frame.to_csv(out / "backtest.csv", index=False)
    summary.to_csv(out / "backtest_summary.csv", index=False)
    cells.to_csv(out / "backtest_breakdowns.csv", index=False)
    (out / "backtest.md").write_text(backtest_report(frame=frame, summary=summary, by=breakdown_summary(cells),
                                                     history=history, sims=sims, seed=seed, half_life=half_life),
                                     encoding="utf-8")
    return summary, out
