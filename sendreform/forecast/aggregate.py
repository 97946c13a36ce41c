"""The aggregate path of the model: the stock-and-flow of plans run from the aggregate history a council or the
DfE holds (plans at each January census, new plans per calendar year), so that any area in England can be
forecast from the published tables (`sendreform.forecast.published`) and an area without pupil-level history
can still forecast.

Each year: S(t+1) = S(t) (1 - leaving) + joining(t). Leaving is the share of the stock that left in the last
LEAVE_WINDOW years (the plans the census lost beyond those it gained: S(t) + N(t) - S(t+1), ageing out
included); joining starts from the latest year's new plans and grows along a damped trend whose prior is
centred on the growth of new plans pooled across areas at the same origin (ADR 19). Every area is projected
at once (arrays over areas), with `sims` Monte Carlo draws of the trend, the yearly departures from it and the
leaving rate, summed within each simulation before any summary is taken.

Nothing after the origin is read: `aggregate_forecast` takes the stock up to the origin's census and the new
plans of the calendar years before it, and the pooled prior is measured from the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Chosen by the real-England backtest on origins 2016-2019 and confirmed on 2020-2022 (docs/adr/0019).
TREND_YEARS = 3  # years of new plans the area's own trend is measured on
POOLED_PRIOR_SD = 0.03  # the area's trend is shrunk towards the pooled growth with this prior (log scale)
DAMPING = 0.7  # each projected year carries on this share of the year before's trend
LEAVE_WINDOW = 1  # years of leaving averaged (the latest)
JOIN_SPREAD_PRIOR = 0.24  # yearly log change of new plans, median over areas (scripts/spread_priors.py)
LEAVE_SPREAD = 0.015  # yearly departure of the leaving rate (absolute), measured on the areas' histories
SPREAD_PRIOR_DF = 2.0
# The spreads above give 95% intervals that held only 60% of actuals at origins 2016-2019 and 88% at 2020-2022:
# every departure is widened by this factor (ADR 19).
INTERVAL_SCALE = 1.5
DEFAULT_SIMS = 1_000


@dataclass(frozen=True)
class Settings:
    trend_years: int = TREND_YEARS
    pooled_prior_sd: float = POOLED_PRIOR_SD
    damping: float = DAMPING
    leave_window: int = LEAVE_WINDOW
    centre: str = "pooled"  # or "zero": the old model's prior centred on no trend
    spread_scale: float = INTERVAL_SCALE


SETTINGS = Settings()


def pooled_growth(new: np.ndarray, *, years: int = TREND_YEARS) -> float:
    """The median over areas of the yearly log growth of new plans over the last `years` years (up to as many
    as every area has): `new` is (areas, years), NaN where unknown."""
    logn = np.log(np.maximum(new, 1.0))
    k = min(years, _known_years(new) - 1)
    if k < 1:
        return 0.0
    g = (logn[:, -1] - logn[:, -1 - k]) / k
    return float(np.nanmedian(g))


def _gaps_filled(new: np.ndarray) -> np.ndarray:
    """A year an area did not publish (Leicester's and the Isle of Wight's 2023 new plans) from its own years
    around it: between two known years their geometric mean (log-linear), after the last known year that year's
    value. Only the years given are read, so nothing after the origin."""
    frame = pd.DataFrame(np.log(np.maximum(new, 1.0)))
    frame[pd.DataFrame(np.isnan(new))] = np.nan
    return np.exp(frame.interpolate(axis=1, limit_area="inside").ffill(axis=1).to_numpy())


def _known_years(new: np.ndarray) -> int:
    """How many trailing years every row knows."""
    known = ~np.isnan(new[:, ::-1]).any(axis=0)
    return int(np.argmin(known)) if not known.all() else new.shape[1]


def aggregate_forecast(*, stock: np.ndarray, new: np.ndarray, horizon: int, sims: int = DEFAULT_SIMS,
                       seed: int = 870, settings: Settings = SETTINGS, pooled: float | None = None
                       ) -> np.ndarray:
    """(areas, sims, horizon) simulated total plans at the `horizon` censuses after the last in `stock`.

    `stock` (areas, censuses): plans at each January census up to the origin, oldest first. `new` (areas,
    years): new plans in the calendar years before the origin's census, aligned so that new[:, -1] is the year
    ending at the last census (the plans it added); at least one year. `pooled`: the growth the trend prior is
    centred on (default: measured from `new` itself, i.e. over the areas given)."""
    stock = np.asarray(stock, dtype=float)
    new = _gaps_filled(np.asarray(new, dtype=float))
    n_areas = stock.shape[0]
    known = min(_known_years(new), stock.shape[1] - 1)
    if known < 1:
        raise ValueError("the aggregate model needs at least one year of new plans before the last census")
    rng = np.random.default_rng(seed)
    # Leaving: the share of each census's stock gone by the next, over the last `leave_window` years.
    w = min(settings.leave_window, known)
    s0, s1, n = stock[:, -w - 1:-1], stock[:, -w:], new[:, -w:]
    leave = (s0 + n - s1).sum(axis=1) / s0.sum(axis=1)
    rates = (stock[:, -known - 1:-1] + new[:, -known:] - stock[:, -known:]) / stock[:, -known - 1:-1]
    leave_sd = np.full(n_areas, LEAVE_SPREAD) if rates.shape[1] < 3 else np.sqrt(
        (SPREAD_PRIOR_DF * LEAVE_SPREAD ** 2 + (rates.shape[1] - 1) * rates.var(axis=1, ddof=1))
        / (SPREAD_PRIOR_DF + rates.shape[1] - 1))

    # Joining: the latest year's new plans, along a damped trend.
    logn = np.log(np.maximum(new[:, -known:], 1.0))
    k = min(settings.trend_years, known - 1)
    centre = 0.0 if settings.centre == "zero" else (pooled if pooled is not None else pooled_growth(new))
    if k >= 1:
        own = (logn[:, -1] - logn[:, -1 - k]) / k
        changes = np.diff(logn, axis=1)
        m = changes.shape[1]
        sample = changes.var(axis=1, ddof=1) * (m - 1) if m > 1 else np.zeros(n_areas)
        sigma = np.sqrt((SPREAD_PRIOR_DF * JOIN_SPREAD_PRIOR ** 2 + sample) / (SPREAD_PRIOR_DF + max(m - 1, 0)))
        se2 = sigma ** 2 * 2 / k ** 2  # the trend over k years is two yearly levels k years apart
        precision = 1 / settings.pooled_prior_sd ** 2 + 1 / se2
        slope = (own / se2 + centre / settings.pooled_prior_sd ** 2) / precision
        slope_sd = precision ** -0.5
    else:
        sigma = np.full(n_areas, JOIN_SPREAD_PRIOR)
        slope = np.full(n_areas, centre)
        slope_sd = np.full(n_areas, settings.pooled_prior_sd)
    sigma = sigma * settings.spread_scale
    reach = np.cumsum(settings.damping ** np.arange(1, horizon + 1))
    slopes = rng.normal(slope[:, None], slope_sd[:, None], size=(n_areas, sims))
    # The latest year is itself one draw about the level: its departure is half undone (a random walk about
    # a level measured with the spread sigma / sqrt(2)).
    shocks = np.cumsum(rng.normal(0.0, 1.0, size=(n_areas, sims, horizon)), axis=2) * sigma[:, None, None] / np.sqrt(2)
    level = logn[:, -1][:, None, None] + reach[None, None, :] * slopes[:, :, None] + shocks
    joining = np.exp(level)
    leaving = np.clip(leave[:, None, None] + rng.normal(0.0, 1.0, size=(n_areas, sims, horizon))
                      * leave_sd[:, None, None] * settings.spread_scale, 0.0, 1.0)
    out = np.empty((n_areas, sims, horizon))
    s = np.repeat(stock[:, -1][:, None], sims, axis=1)
    for h in range(horizon):
        s = s * (1 - leaving[:, :, h]) + joining[:, :, h]
        out[:, :, h] = s
    return out


def aggregate_from_history(history) -> tuple[np.ndarray, np.ndarray]:
    """A pupil-level `History`'s aggregates as the published tables give them: (plans at each census, new
    plans of each year between censuses), the latter counted as the children in a census who were not in the
    one before."""
    census = history.census
    years = history.years
    stock = np.array([(census["year"] == y).sum() for y in years], dtype=float)
    people = [set(census.loc[census["year"] == y, "person_id"]) for y in years]
    new = np.array([len(b - a) for a, b in zip(people[:-1], people[1:], strict=True)], dtype=float)
    return stock, new
