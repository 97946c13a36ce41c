"""The real-England backtest: from each January census (the origin), every local area's total plans 1, 2 and 3
years ahead, forecast from what was published by then, by the model's aggregate path and by five baselines,
against what happened (`sendreform.forecast.published` reads the DfE release CSVs).

Origins run from 2016, the first census with a full calendar year of new EHC plans before it (2015), to 2024.
Regimes: origins 2016-2019 (the model's settings were chosen on these), 2020-2022 (kept aside to confirm the
choice), all origins, and the most recent regime (origins from 2020, since the pandemic).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from sendreform.forecast.aggregate import (
    DEFAULT_SIMS,
    SETTINGS,
    Settings,
    aggregate_forecast,
    pooled_growth,
    settings_at_origin,
)
from sendreform.forecast.published import Published

HORIZONS = (1, 2, 3)
FIRST_ORIGIN = 2016
REGIMES = {"origins 2016-2019 (choice)": (2016, 2019), "origins 2020-2022 (confirmation)": (2020, 2022),
           "all origins 2016-2024": (2016, 2024), "most recent regime (origins 2020-2024)": (2020, 2024)}
MODEL = "model"
METHODS = (MODEL, "last value", "last value + mean change of last 3 years",
           "stock and flow, last year's new and ceased carried on", "linear trend on last 5 censuses",
           "exponential smoothing (Holt, statsmodels)")
Z95 = 1.959963984540054
T95_3DF = 3.182446305284263  # the t quantile of a 5-point line's prediction interval


def _baselines(stock: np.ndarray, new: np.ndarray, horizon: int) -> dict[str, tuple[np.ndarray, ...]]:
    """Each baseline's (areas, horizon) forecast, and its 95% interval where it has one."""
    h = np.arange(1, horizon + 1)[None, :]
    last = stock[:, -1:]
    out: dict[str, tuple[np.ndarray, ...]] = {"last value": (np.repeat(last, horizon, axis=1),)}
    changes = np.diff(stock[:, -6:], axis=1)
    drift = changes[:, -3:].mean(axis=1, keepdims=True)
    sd = changes.std(axis=1, ddof=1, keepdims=True)
    centre = last + drift * h
    out["last value + mean change of last 3 years"] = (centre, centre - Z95 * sd * np.sqrt(h),
                                                       centre + Z95 * sd * np.sqrt(h))
    # Stock and flow: last year's new plans carried on as a count, last year's leaving as a share of the stock.
    leave = (stock[:, -2] + new[:, -1] - stock[:, -1]) / stock[:, -2]
    s = stock[:, -1].copy()
    flow = np.empty((len(s), horizon))
    for i in range(horizon):
        s = s * (1 - leave) + new[:, -1]
        flow[:, i] = s
    out["stock and flow, last year's new and ceased carried on"] = (flow,)
    x = np.arange(5.0)
    y = stock[:, -5:]
    slope, intercept = np.polyfit(x, y.T, 1)
    xf = 4.0 + h
    fit = intercept[:, None] + slope[:, None] * xf
    resid = y - (intercept[:, None] + slope[:, None] * x[None, :])
    se = np.sqrt((resid ** 2).sum(axis=1, keepdims=True) / 3 * (1 + 1 / 5 + (xf - 2.0) ** 2 / 10.0))
    out["linear trend on last 5 censuses"] = (fit, fit - T95_3DF * se, fit + T95_3DF * se)
    out["exponential smoothing (Holt, statsmodels)"] = (_holt(stock, horizon),)
    return out


def _holt(stock: np.ndarray, horizon: int) -> np.ndarray:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.holtwinters import Holt

    out = np.empty((len(stock), horizon))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        for i, series in enumerate(stock):
            # Smoothing parameters fitted by least squares; the starting level and trend from the first years
            # (estimating them too costs fifteen times as long, for 1,300 fits).
            out[i] = Holt(series, initialization_method="legacy-heuristic").fit(use_brute=False).forecast(horizon)
    return out


def england_backtest(*, published: Published, areas: list[str] | None = None, sims: int = DEFAULT_SIMS,
                     seed: int = 870, settings: Settings = SETTINGS, methods: tuple[str, ...] = METHODS,
                     origins: range | None = None,
                     progress: Callable[[str, int, int], None] | None = None) -> pd.DataFrame:
    """One row per (area, origin, horizon, method): forecast, 95% interval (NaN where the method has none) and
    the actual. The model's pooled growth at each origin is measured over every area, whichever are asked for."""
    totals = published.totals()
    new = published.new_totals()
    keys = list(totals.index) if not areas else [published.area_key(a) for a in areas]
    last = int(totals.columns.max())
    origins = origins or range(FIRST_ORIGIN, last)
    rows = []
    for i, origin in enumerate(origins):
        horizon = min(max(HORIZONS), last - origin)
        stock_all = totals.loc[:, :origin].to_numpy(dtype=float)
        new_all = new.loc[:, FIRST_ORIGIN - 1:origin - 1].to_numpy(dtype=float)
        pooled = pooled_growth(new_all, years=settings.trend_years, stock=stock_all, joining=settings.joining)
        at_origin = settings_at_origin(stock=stock_all, new=new_all, settings=settings)
        pick = totals.index.get_indexer(keys)
        stock, flows = stock_all[pick], new_all[pick]
        actual = totals.loc[keys, origin + 1:origin + horizon].to_numpy(dtype=float)
        found: dict[str, tuple[np.ndarray, ...]] = {}
        if MODEL in methods:
            draws = aggregate_forecast(stock=stock, new=flows, horizon=horizon, sims=sims, seed=seed + origin,
                                       settings=at_origin, pooled=pooled)
            q = np.percentile(draws, [50.0, 2.5, 97.5], axis=1)
            found[MODEL] = (q[0], q[1], q[2])
        found.update({k: v for k, v in _baselines(stock, flows, horizon).items() if k in methods})
        for method, arrays in found.items():
            lo, hi = (arrays[1], arrays[2]) if len(arrays) == 3 else (np.full_like(actual, np.nan),) * 2
            for h in range(horizon):
                rows.append(pd.DataFrame({"area": keys, "origin": origin, "horizon": h + 1, "method": method,
                                          "forecast": arrays[0][:, h], "lo95": lo[:, h], "hi95": hi[:, h],
                                          "actual": actual[:, h]}))
        if progress is not None:
            progress("origins", i + 1, len(origins))
    frame = pd.concat(rows, ignore_index=True)
    frame["error"] = (frame["forecast"] - frame["actual"]) / frame["actual"]
    frame["abs_error"] = frame["error"].abs()
    frame["covered"] = np.where(frame["lo95"].isna(), np.nan,
                                (frame["lo95"] <= frame["actual"]) & (frame["actual"] <= frame["hi95"]))
    return frame


def england_summary(frame: pd.DataFrame, regimes: dict[str, tuple[int, int]] = REGIMES) -> pd.DataFrame:
    """Per regime, method and horizon: median and mean absolute percentage error, median signed error, the
    share of area-origins the method is the closest of all (ties shared), the share where the model is closer
    than the method, the 95% interval's coverage, and how many area-origins."""
    out = []
    best = frame.groupby(["area", "origin", "horizon"])["abs_error"].transform("min")
    frame = frame.assign(win=(frame["abs_error"] == best).astype(float))
    frame["win"] /= frame.groupby(["area", "origin", "horizon"])["win"].transform("sum")
    model = frame[frame["method"] == MODEL].set_index(["area", "origin", "horizon"])["abs_error"]
    frame = frame.join(model.rename("model_error"), on=["area", "origin", "horizon"])
    for regime, (a, b) in regimes.items():
        part = frame[frame["origin"].between(a, b)]
        g = part.groupby(["method", "horizon"], sort=False)
        s = pd.DataFrame({
            "median_ape": g["abs_error"].median() * 100, "mean_ape": g["abs_error"].mean() * 100,
            "median_signed": g["error"].median() * 100, "wins": g["win"].mean() * 100,
            "model_closer": g.apply(lambda d: (d["model_error"] < d["abs_error"]).mean() * 100,
                                    include_groups=False),
            "coverage95": g["covered"].mean() * 100, "n": g.size()}).reset_index()
        out.append(s.assign(regime=regime))
    return pd.concat(out, ignore_index=True)[["regime", "method", "horizon", "median_ape", "mean_ape",
                                              "median_signed", "wins", "model_closer", "coverage95", "n"]]


def aim_check(summary: pd.DataFrame, regime: str) -> dict[str, bool]:
    """The issue's aim on one regime: the model beats every baseline on median absolute error at each horizon;
    median signed error within +-2%; 95% coverage 90-97%; closer than each baseline in >= 55%."""
    part = summary[summary["regime"] == regime]
    model = part[part["method"] == MODEL].set_index("horizon")
    others = part[part["method"] != MODEL]
    return {
        "beats every baseline on median error": bool(
            (others.groupby("horizon")["median_ape"].min() > model["median_ape"]).all()),
        "median signed error within 2%": bool((model["median_signed"].abs() <= 2).all()),
        "95% interval holds 90-97%": bool(model["coverage95"].between(90, 97).all()),
        "closer than each baseline in 55%": bool((others["model_closer"] >= 55).all()),
    }


def summary_text(summary: pd.DataFrame, regime: str) -> str:
    """A Markdown table of one regime."""
    part = summary[summary["regime"] == regime]
    lines = [f"**{regime}** (area-origins at 1 / 2 / 3 years: "
             f"{' / '.join(str(int(n)) for n in part[part['method'] == MODEL]['n'])})", "",
             "| method | median abs. error 1 / 2 / 3 y | mean abs. error | median signed error | wins | "
             "model closer | 95% interval held |", "|---|---|---|---|---|---|---|"]

    def cells(d, col, fmt="{:.1f}%"):
        return " / ".join("—" if pd.isna(v) else fmt.format(v) for v in d[col])

    for method, d in part.groupby("method", sort=False):
        lines.append(f"| {method} | {cells(d, 'median_ape')} | {cells(d, 'mean_ape')} | "
                     f"{cells(d, 'median_signed', '{:+.1f}%')} | {cells(d, 'wins', '{:.0f}%')} | "
                     f"{'—' if method == MODEL else cells(d, 'model_closer', '{:.0f}%')} | "
                     f"{cells(d, 'coverage95', '{:.0f}%')} |")
    return "\n".join(lines)


def published_run(*, published: Published, area: str, years: int = 5, sims: int = DEFAULT_SIMS, seed: int = 870,
                  settings: Settings = SETTINGS) -> pd.DataFrame:
    """One area's forecast from the published data: (year, median, p2_5, p25, p75, p97_5) of total plans at
    each January census after the last published, the trend prior centred on growth pooled over every area."""
    key = published.area_key(area)
    totals, new = published.totals(), published.new_totals()
    new_all = new.to_numpy(dtype=float)
    row = totals.index.get_loc(key)
    stock_all = totals.to_numpy(dtype=float)
    settings = settings_at_origin(stock=stock_all, new=new_all, settings=settings)
    draws = aggregate_forecast(stock=stock_all[[row]], new=new_all[[row]], horizon=years,
                               sims=sims, seed=seed, settings=settings,
                               pooled=pooled_growth(new_all, years=settings.trend_years, stock=stock_all,
                                                    joining=settings.joining))[0]
    q = np.percentile(draws, [50.0, 2.5, 25.0, 75.0, 97.5], axis=0)
    last = int(totals.columns.max())
    return pd.DataFrame({"year": np.arange(last + 1, last + years + 1), "median": q[0].round(1),
                         "p2_5": q[1].round(1), "p25": q[2].round(1), "p75": q[3].round(1), "p97_5": q[4].round(1)})


def england_results(*, published: Published, areas: list[str] | None = None, sims: int = DEFAULT_SIMS,
                    seed: int = 870, settings: Settings = SETTINGS,
                    progress: Callable[[str, int, int], None] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The backtest's three results as the command writes them: by area, origin, horizon and method (with the
    area's name); the summary; the report (england_backtest.md)."""
    frame = england_backtest(published=published, areas=areas, sims=sims, seed=seed, settings=settings,
                             progress=progress)
    frame = frame.join(published.areas["name"], on="area")
    summary = england_summary(frame)
    report = [
        "# Real-England backtest of the forecast", "",
        f"{frame['area'].nunique()} local areas, from the DfE EHC plan release CSVs. {MERGED_NOTE}", "",
        *[line for regime in summary["regime"].unique() for line in (summary_text(summary, regime), "")],
        "## Data defects found and mended by the loader", "", *[f"- {d}" for d in published.defects], ""]
    return frame, summary, "\n".join(report)


def england_write(*, published: Published, out_dir, areas: list[str] | None = None, sims: int = DEFAULT_SIMS,
                  seed: int = 870, progress: Callable[[str, int, int], None] | None = None):
    """Run the backtest and write england_backtest.csv, england_summary.csv and england_backtest.md to
    `out_dir`; return (the verdict on the most recent regime, the folder)."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    frame, summary, report = england_results(published=published, areas=areas, sims=sims, seed=seed,
                                             progress=progress)
    frame.to_csv(out / "england_backtest.csv", index=False)
    summary.round(2).to_csv(out / "england_summary.csv", index=False)
    (out / "england_backtest.md").write_text(report, encoding="utf-8")
    return verdict(summary), out


MERGED_NOTE = ("Dorset with Bournemouth and Poole (BCP and Dorset from 2020), Northamptonshire (North and West "
               "from 2022) and Cumbria (Cumberland and Westmorland and Furness from 2024) are each one area "
               "throughout; the City of London and the Isles of Scilly (9 to 26 plans) are left out.")


def aim_gaps(summary: pd.DataFrame, regime: str) -> dict[str, str]:
    """Each aim of `aim_check` on one regime with the figures it was judged on, horizon by horizon (1 / 2 / 3
    years): the model's and the best baseline's median error; the median signed error; the 95% coverage; the
    smallest share of area-origins in which the model was closer than a baseline, and which."""
    part = summary[summary["regime"] == regime]
    model = part[part["method"] == MODEL].set_index("horizon")
    others = part[part["method"] != MODEL]
    best = others.loc[others.groupby("horizon")["median_ape"].idxmin()].set_index("horizon")
    least = others.loc[others.groupby("horizon")["model_closer"].idxmin()].set_index("horizon")

    def join(values, fmt):
        return " / ".join(fmt.format(v) for v in values)

    return {
        "beats every baseline on median error": (
            f"{join(model['median_ape'], '{:.1f}%')} against the best baseline's "
            f"{join(best['median_ape'], '{:.1f}%')} ({', '.join(dict.fromkeys(best['method']))})"),
        "median signed error within 2%": join(model["median_signed"], "{:+.1f}%"),
        "95% interval holds 90-97%": join(model["coverage95"], "{:.0f}%"),
        "closer than each baseline in 55%": (
            f"{join(least['model_closer'], '{:.0f}%')} against the hardest "
            f"({', '.join(dict.fromkeys(least['method']))})"),
    }


def verdict(summary: pd.DataFrame) -> str:
    """Whether the aim is met, on the choice and confirmation origins and the most recent regime, with the
    figures."""
    lines = []
    for regime in ("origins 2016-2019 (choice)", "origins 2020-2022 (confirmation)",
                   "most recent regime (origins 2020-2024)"):
        checks, gaps = aim_check(summary, regime), aim_gaps(summary, regime)
        lines.append(f"{regime}: " + "; ".join(f"{aim}: {'met' if met else 'MISSED'} ({gaps[aim]})"
                                               for aim, met in checks.items()))
    return "\n".join(lines)


ACCURACY_HORIZON = 2
RECENT_FIRST_ORIGIN = 2020  # the most recent regime (since the pandemic)


def accuracy_sentence(frame: pd.DataFrame, *, area: str | None = None, area_name: str = "",
                      horizon: int = ACCURACY_HORIZON, first_origin: int = RECENT_FIRST_ORIGIN) -> str:
    """What a real-England backtest (`england_backtest`'s frame) says of the model's accuracy `horizon` years
    ahead over the origins of the most recent regime: the error the model kept within in 9 forecasts out of
    10 over every area, and for `area` (a key of the frame) the worst of its own. Empty if the frame has no
    model forecast that far ahead from those origins."""
    part = frame[(frame["method"] == MODEL) & (frame["horizon"] == horizon) & (frame["origin"] >= first_origin)
                 & frame["abs_error"].notna()]
    if part.empty:
        return ""
    origins = sorted(part["origin"].unique())
    p90 = part["abs_error"].quantile(0.9) * 100
    span = (f"the January {origins[0]} census" if len(origins) == 1 else
            f"the {len(origins)} January censuses {origins[0]} to {origins[-1]}")
    text = (f"Over the last {len(origins)} year{'s' * (len(origins) > 1)} (forecasts made from {span}), the "
            f"model's forecasts of total plans {horizon} years ahead were within {p90:.0f}% of what happened in "
            f"9 out of 10 forecasts, over {part['area'].nunique()} English local areas.")
    own = part[part["area"] == area] if area is not None else part.iloc[0:0]
    if not own.empty:
        n = len(own)
        text += (f" For {area_name or area} they were within {own['abs_error'].max() * 100:.1f}% at "
                 + ("that census" if n == 1 else f"every one of those {n} censuses")
                 + f" (median {own['abs_error'].median() * 100:.1f}%).")
    return text


def accuracy_text(*, published: Published, area: str, horizon: int = ACCURACY_HORIZON,
                  first_origin: int = RECENT_FIRST_ORIGIN, sims: int = 200) -> str:
    """What the backtest says of the model's accuracy `horizon` years ahead, over England's areas and for this
    one, from the origins of the most recent regime (the backtest run here, model only)."""
    key = published.area_key(area)
    last = int(published.totals().columns.max())
    frame = england_backtest(published=published, sims=sims, methods=(MODEL,),
                             origins=range(first_origin, last - horizon + 1))
    return accuracy_sentence(frame, area=key, area_name=published.areas.loc[key, "name"], horizon=horizon,
                             first_origin=first_origin)
