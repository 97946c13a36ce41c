"""The aggregate path of the model: the stock-and-flow of plans run from the aggregate history a council or the
DfE holds (plans at each January census, new plans per calendar year), so that any area in England can be
forecast from the published tables (`sendreform.forecast.published`) and an area without pupil-level history
can still forecast.

Each year: S(t+1) = S(t) (1 - leaving) + joining(t). Leaving is the share of the stock that left in the last
LEAVE_WINDOW years (the plans the census lost beyond those it gained: S(t) + N(t) - S(t+1), ageing out
included); joining starts from the latest year's new plans and grows along a damped trend whose prior is
centred on the growth of new plans pooled across areas at the same origin (ADR 19). The model pools two such
forecasts (ADR 28): half its simulations count joiners that way, half take them as a share of the stock (new
plans over the stock at the census before) with level and leaving over the last 3 years. Every area is projected
at once (arrays over areas), with `sims` Monte Carlo draws of the trend, the yearly departures from it and the
leaving rate, summed within each simulation before any summary is taken.

Nothing after the origin is read: `aggregate_forecast` takes the stock up to the origin's census and the new
plans of the calendar years before it, and the pooled prior is measured from the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

# The counted part's settings, chosen by the real-England backtest on origins 2016-2019 and confirmed on 2020-2022
# (docs/adr/0019; the combination, docs/adr/0028).
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
    damping_from: str = "fixed"  # or "pooled": chosen at each origin from the areas' own past (pooled_damping)
    joining: str = "count"  # or "share": new plans as a share of the stock at the census before them
    level_years: int = 1  # the joining level: the mean of the last this many years (moved along the trend)
    mix: tuple = ()  # settings whose simulations are pooled in equal shares (a combination of forecasts)


# The model (ADR 28): half its simulations from joining counted (its trend centred on pooled growth, damped, its
# level and leaving from the latest year), half from joining as a share of the stock (its trend centred on no
# change, its level and leaving over the last 3 years), pooled before any summary is taken.
COUNT = Settings()
SHARE = Settings(joining="share", centre="zero", level_years=3, leave_window=3)
SETTINGS = Settings(mix=(COUNT, SHARE))


def settings_at_origin(*, stock: np.ndarray, new: np.ndarray, settings: Settings = SETTINGS) -> Settings:
    """The settings a forecast from this origin uses: the damping measured on every area's history up to the
    origin when `damping_from` is "pooled" (`stock` and `new` over all areas, nothing after the origin)."""
    if settings.damping_from != "pooled":
        return settings
    return replace(settings, damping=pooled_damping(stock=stock, new=new, settings=settings))


def pooled_growth(new: np.ndarray, *, years: int = TREND_YEARS, stock: np.ndarray | None = None,
                  joining: str = "count") -> float:
    """The median over areas of the yearly log growth of new plans (with `joining` "share", of new plans over
    the stock of the census before them, `stock` ending at the census new[:, -1] ends at) over the last `years`
    years (up to as many as every area has): `new` is (areas, years), NaN where unknown."""
    logn = np.log(np.maximum(new, 1.0))
    if joining == "share":
        logn = np.log(np.maximum(new / stock[:, -new.shape[1] - 1:-1], 1e-6))
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


def _leaving(stock: np.ndarray, new: np.ndarray, known: int, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Each area's leaving rate (the share of a census's stock gone by the next, over the last `window` years) and
    the spread of its yearly rates."""
    w = min(window, known)
    s0, s1, n = stock[:, -w - 1:-1], stock[:, -w:], new[:, -w:]
    leave = (s0 + n - s1).sum(axis=1) / s0.sum(axis=1)
    rates = (stock[:, -known - 1:-1] + new[:, -known:] - stock[:, -known:]) / stock[:, -known - 1:-1]
    leave_sd = np.full(len(stock), LEAVE_SPREAD) if rates.shape[1] < 3 else np.sqrt(
        (SPREAD_PRIOR_DF * LEAVE_SPREAD ** 2 + (rates.shape[1] - 1) * rates.var(axis=1, ddof=1))
        / (SPREAD_PRIOR_DF + rates.shape[1] - 1))
    return leave, leave_sd


def _trend(logn: np.ndarray, settings: Settings, centre: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each area's trend of log new plans (the posterior mean of its own trend over `trend_years` under the
    normal prior about `centre`), the trend's sd, and the spread of the yearly departures."""
    n_areas, known = logn.shape
    k = min(settings.trend_years, known - 1)
    if k < 1:
        return (np.full(n_areas, centre), np.full(n_areas, settings.pooled_prior_sd),
                np.full(n_areas, JOIN_SPREAD_PRIOR))
    own = (logn[:, -1] - logn[:, -1 - k]) / k
    changes = np.diff(logn, axis=1)
    m = changes.shape[1]
    sample = changes.var(axis=1, ddof=1) * (m - 1) if m > 1 else np.zeros(n_areas)
    sigma = np.sqrt((SPREAD_PRIOR_DF * JOIN_SPREAD_PRIOR ** 2 + sample) / (SPREAD_PRIOR_DF + max(m - 1, 0)))
    se2 = sigma ** 2 * 2 / k ** 2  # the trend over k years is two yearly levels k years apart
    precision = 1 / settings.pooled_prior_sd ** 2 + 1 / se2
    slope = (own / se2 + centre / settings.pooled_prior_sd ** 2) / precision
    return slope, precision ** -0.5, sigma


def _level(logn: np.ndarray, slope: np.ndarray, years: int) -> np.ndarray:
    """The joining level at the latest year: the mean of the last `years` years of the log series, moved along
    the trend from their middle to the latest year."""
    k = max(1, min(years, logn.shape[1]))
    return logn[:, -k:].mean(axis=1) + slope * (k - 1) / 2


def _prepared(stock, new):
    stock = np.asarray(stock, dtype=float)
    new = _gaps_filled(np.asarray(new, dtype=float))
    known = min(_known_years(new), stock.shape[1] - 1)
    if known < 1:
        raise ValueError("the aggregate model needs at least one year of new plans before the last census")
    return stock, new, known


def _joining_series(stock: np.ndarray, new: np.ndarray, known: int, settings: Settings) -> np.ndarray:
    """The log series the joining trend is measured on: new plans, or new plans over the stock of the census
    before them."""
    n = new[:, -known:]
    if settings.joining == "share":
        n = n / stock[:, -known - 1:-1]
        return np.log(np.maximum(n, 1e-6))
    return np.log(np.maximum(n, 1.0))


def aggregate_forecast(*, stock: np.ndarray, new: np.ndarray, horizon: int, sims: int = DEFAULT_SIMS,
                       seed: int = 870, settings: Settings = SETTINGS, pooled: float | None = None
                       ) -> np.ndarray:
    """(areas, sims, horizon) simulated total plans at the `horizon` censuses after the last in `stock`.

    `stock` (areas, censuses): plans at each January census up to the origin, oldest first. `new` (areas,
    years): new plans in the calendar years before the origin's census, aligned so that new[:, -1] is the year
    ending at the last census (the plans it added); at least one year. `pooled`: the growth the trend prior is
    centred on (default: measured from `new` itself, i.e. over the areas given)."""
    if settings.mix:
        shares = np.array_split(np.arange(sims), len(settings.mix))
        return np.concatenate([aggregate_forecast(stock=stock, new=new, horizon=horizon, sims=len(part), seed=seed + i,
                                                  settings=part_settings, pooled=pooled)
                               for i, (part, part_settings) in enumerate(zip(shares, settings.mix, strict=True))],
                              axis=1)
    stock, new, known = _prepared(stock, new)
    n_areas = stock.shape[0]
    rng = np.random.default_rng(seed)
    leave, leave_sd = _leaving(stock, new, known, settings.leave_window)
    # Joining: the latest year's new plans (or their share of the stock), along a damped trend.
    logn = _joining_series(stock, new, known, settings)
    centre = 0.0 if settings.centre == "zero" else (
        pooled if pooled is not None else pooled_growth(new, stock=stock, joining=settings.joining))
    slope, slope_sd, sigma = _trend(logn, settings, centre)
    sigma = sigma * settings.spread_scale
    reach = np.cumsum(settings.damping ** np.arange(1, horizon + 1))
    slopes = rng.normal(slope[:, None], slope_sd[:, None], size=(n_areas, sims))
    # The latest year is itself one draw about the level: its departure is half undone (a random walk about
    # a level measured with the spread sigma / sqrt(2)).
    shocks = np.cumsum(rng.normal(0.0, 1.0, size=(n_areas, sims, horizon)), axis=2) * sigma[:, None, None] / np.sqrt(2)
    level = _level(logn, slope, settings.level_years)[:, None, None] + reach[None, None, :] * slopes[:, :, None] + shocks
    joining = np.exp(level)
    leaving = np.clip(leave[:, None, None] + rng.normal(0.0, 1.0, size=(n_areas, sims, horizon))
                      * leave_sd[:, None, None] * settings.spread_scale, 0.0, 1.0)
    out = np.empty((n_areas, sims, horizon))
    s = np.repeat(stock[:, -1][:, None], sims, axis=1)
    share = settings.joining == "share"
    for h in range(horizon):
        s = s * (1 - leaving[:, :, h]) + joining[:, :, h] * (s if share else 1.0)
        out[:, :, h] = s
    return out


def aggregate_point(*, stock: np.ndarray, new: np.ndarray, horizon: int, settings: Settings = SETTINGS,
                    pooled: float | None = None) -> np.ndarray:
    """(areas, horizon) the model's central path without draws: the trend's mean and the leaving rate carried on
    (what the damping is chosen on). One forecast's settings, not a combination."""
    if settings.mix:
        raise ValueError("the central path is of one forecast: give one of the combination's settings")
    stock, new, known = _prepared(stock, new)
    leave, _ = _leaving(stock, new, known, settings.leave_window)
    logn = _joining_series(stock, new, known, settings)
    centre = 0.0 if settings.centre == "zero" else (
        pooled if pooled is not None else pooled_growth(new, stock=stock, joining=settings.joining))
    slope, _, _ = _trend(logn, settings, centre)
    reach = np.cumsum(settings.damping ** np.arange(1, horizon + 1))
    joining = np.exp(_level(logn, slope, settings.level_years)[:, None] + reach[None, :] * slope[:, None])
    out = np.empty((len(stock), horizon))
    s = stock[:, -1]
    for h in range(horizon):
        s = s * (1 - leave) + joining[:, h] * (s if settings.joining == "share" else 1.0)
        out[:, h] = s
    return out


DAMPING_GRID = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def pooled_damping(*, stock: np.ndarray, new: np.ndarray, settings: Settings = COUNT,
                   grid: tuple[float, ...] = DAMPING_GRID, horizon: int = 3, min_pairs: int = 2) -> float:
    """The damping that best forecast the areas' own past: from each earlier census of the history given (an
    earlier origin with at least one year of new plans before it), every area's central path 1 to `horizon`
    years ahead, as far as the history reaches, against the censuses that followed; the damping of the grid
    whose pooled median absolute error, averaged over the horizons, is least. Only the arrays given are read
    (everything up to the origin); with fewer than `min_pairs` earlier origins the setting's own damping."""
    stock, new = np.asarray(stock, dtype=float), np.asarray(new, dtype=float)
    n_new = new.shape[1]
    # new[:, j] is the year ending at census stock[:, len - n_new + j]
    offset = stock.shape[1] - n_new
    past = range(1, n_new)  # the earlier origins, each knowing new[:, :j]
    if len(past) < min_pairs:
        return settings.damping
    scores = []
    for d in grid:
        trial = replace(settings, damping=d)
        errors: dict[int, list[np.ndarray]] = {}
        for j in past:
            last = offset + j - 1  # the census index of this earlier origin (new[:, j - 1] ends at it)
            h = min(horizon, stock.shape[1] - 1 - last)
            if h < 1:
                continue
            point = aggregate_point(stock=stock[:, :last + 1], new=new[:, :j], horizon=h, settings=trial,
                                    pooled=pooled_growth(new[:, :j], years=settings.trend_years,
                                                         stock=stock[:, :last + 1], joining=settings.joining))
            actual = stock[:, last + 1:last + 1 + h]
            for i in range(h):
                errors.setdefault(i, []).append(np.abs(point[:, i] / actual[:, i] - 1))
        scores.append(np.mean([np.nanmedian(np.concatenate(e)) for e in errors.values()]))
    return float(grid[int(np.argmin(scores))])


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
