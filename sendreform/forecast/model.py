"""The stock-and-flow model of plans: its parameters estimated from the census history as Beta and Dirichlet
posteriors with stated priors and recency weighting, and a vectorised Monte Carlo of yearly steps between
January censuses, summed within each simulation before any summary is taken.

State: national curriculum year (NCY) x primary need x setting category. Each year, per state: some leave
(Beta), some of those staying move setting (Beta; where to, Dirichlet by phase and origin setting), some change
primary need (Beta by phase and need; to what, Dirichlet by origin need); everyone moves up one NCY; and
joiners arrive at a rate on the background population of their age (Beta by NCY) into a need and setting
(Dirichlet by phase).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sendreform.forecast.history import NCY_MAX, NCY_MIN, NCYS, NEEDS, SETTINGS, History

N_NCY, N_NEED, N_SET = len(NCYS), len(NEEDS), len(SETTINGS)
N_STATE = N_NCY * N_NEED * N_SET
PHASES = ("EY", "PRIMARY", "SECONDARY", "POST16")
# Bands of NCY that every summary is built from: before reception, reception, 1-6, 7-11, 12-15, 16-21.
# Phases and the data template's age groups (age = NCY + 4) are both unions of bands.
BAND_EDGES = (0, 1, 7, 12, 16)
BAND_PHASE = (0, 1, 1, 2, 3, 3)
BAND_AGE_GROUP = (0, 0, 1, 2, 3, 4)

DEFAULT_SIMS = 1_000
DEFAULT_HALF_LIFE = 3.0  # chosen by the rolling-origin backtest (docs/adr/0010-forecast-model.md)
BETA_SAMPLES = 64  # draws of each state's leaving and moving Beta, one picked per cell and year
PRIOR_STRENGTH = 2.0  # pseudo-observations a sparse cell borrows from its pooled rate
DIRICHLET_FLOOR = 0.05  # pseudo-count on every allowed destination, so none is impossible
# The yearly trend of the overall joining and leaving rates: a normal prior on the slope (log scale, so 0.05 is
# about 5% a year) shrinks a short history's trend towards none, and each projected year carries on
# TREND_DAMPING of the year before's trend (a damped trend).
JOIN_TREND_PRIOR = 0.02
LEAVE_TREND_PRIOR = 0.05
TREND_DAMPING = 0.8
# Each projected year departs from the trend as much as the history's own yearly changes of the rate (their
# recency-weighted root mean square; a random walk for joining). With only two transition years there is one
# change, so a prior (two degrees of freedom) measured on England's local areas is used: the median, over local
# authorities, of the standard deviation of their yearly log change in new EHC plans 2019-2024 (0.27) and in
# ceased plans 2022-2024 (0.36), from the DfE's published statistics (scripts/spread_priors.py measures them).
# Leaving is partially pooled: each NCY's rate is shrunk towards its broad group's (LEAVE_POOL_EDGES, none: one
# overall rate) with LEAVE_POOL_STRENGTH pseudo-observations, and each state's towards that with PRIOR_STRENGTH.
# The default (an NCY borrows fully from the overall rate, so a state's age pattern is its own data's) had the
# lowest backtest error at every horizon among strengths 0, 10, 50, 200 and full, overall or split at NCY 12
# (docs/adr/0010). A finite strength keeps an age-specific layer between state and overall rate.
LEAVE_POOL_EDGES: tuple[int, ...] = ()
LEAVE_POOL_STRENGTH = float("inf")
SPREAD_PRIOR_DF = 2.0
JOIN_SPREAD_PRIOR = 0.27
LEAVE_SPREAD_PRIOR = 0.36

# Settings a child can move or join into, by phase (early years settings before reception only; post-16
# settings from NCY 12).
_ALLOWED = {
    "EY": {"EARLY_YEARS", "MAINSTREAM", "MAINSTREAM_BASE", "MAINTAINED_SPECIAL", "INMSS", "EHE", "EOTAS",
           "UNPLACED", "OTHER"},
    "PRIMARY": set(SETTINGS) - {"EARLY_YEARS", "POST16_MAINSTREAM", "POST16_SPECIALIST", "NOT_IN_EDUCATION"},
    "SECONDARY": set(SETTINGS) - {"EARLY_YEARS", "POST16_MAINSTREAM", "POST16_SPECIALIST", "NOT_IN_EDUCATION"},
    "POST16": set(SETTINGS) - {"EARLY_YEARS"},
}
ALLOWED = np.array([[s in _ALLOWED[p] for s in SETTINGS] for p in PHASES])

NCY_ARR = np.repeat(np.arange(NCY_MIN, NCY_MAX + 1), N_NEED * N_SET)
NEED_ARR = np.tile(np.repeat(np.arange(N_NEED), N_SET), N_NCY)
SET_ARR = np.tile(np.arange(N_SET), N_NCY * N_NEED)


def phase_index(ncy):
    return np.searchsorted(np.array([0, 7, 12]), np.asarray(ncy), side="right")


def band_index(ncy):
    return np.searchsorted(np.array(BAND_EDGES), np.asarray(ncy), side="right")


PHASE_ARR = phase_index(NCY_ARR)
# A move is made during the year and lands in the next NCY's phase (year 11 to a college at year 12).
PHASE_NEXT_ARR = phase_index(NCY_ARR + 1)
BAND_ARR = band_index(NCY_ARR)
# The first NCY index of each band (NCYs are in order, so a band is a run of them).
BAND_STARTS = np.searchsorted(band_index(np.array(NCYS)), np.arange(len(BAND_PHASE)))


def state_index(ncy, need, setting):
    return ((np.asarray(ncy) - NCY_MIN) * N_NEED + np.asarray(need)) * N_SET + np.asarray(setting)


@dataclass
class Parameters:
    """Posterior parameters of every transition (Beta a/b, Dirichlet alphas), the starting stock and the
    population the joiners are drawn from. Every field is an array so that scenarios can edit them."""

    leave_a: np.ndarray  # (N_STATE,)
    leave_b: np.ndarray
    move_a: np.ndarray  # (N_STATE,)
    move_b: np.ndarray
    move_dest: np.ndarray  # (phase, origin setting, destination setting)
    need_a: np.ndarray  # (phase, need)
    need_b: np.ndarray
    need_dest: np.ndarray  # (origin need, destination need)
    join_a: np.ndarray  # (N_NCY,)
    join_b: np.ndarray
    join_dest: np.ndarray  # (phase, need x setting)
    start: np.ndarray  # (N_STATE,) counts at the last census
    start_year: int
    population: dict[int, np.ndarray] = field(repr=False)  # year -> population by age 0-25
    half_life: float = DEFAULT_HALF_LIFE
    # How the overall joining and leaving rates move from year to year (see `Drift`).
    join_drift: Drift = field(default_factory=lambda: Drift())
    leave_drift: Drift = field(default_factory=lambda: Drift())
    damping: float = TREND_DAMPING
    # Joining's departures from trend persist (a random walk: a rise in demand stays); leaving's are the year's.
    join_walk: bool = True
    leave_walk: bool = False

    def population_for(self, year: int) -> np.ndarray:
        """Population by NCY for the census of `year` (the latest year given when the table stops short)."""
        known = [y for y in self.population if y <= year] or sorted(self.population)[:1]
        pop = self.population[max(known)]
        return pop[np.arange(N_NCY)]  # age = NCY + 4 = index + 0 since NCY_MIN = -4


def states_counts(census: pd.DataFrame) -> np.ndarray:
    """Counts by state of one census's rows."""
    idx = state_index(census["ncy"].to_numpy(), _codes(census["need"], NEEDS), _codes(census["setting"], SETTINGS))
    return np.bincount(idx, minlength=N_STATE)


def _codes(values: pd.Series, codes) -> np.ndarray:
    return pd.Categorical(values, categories=list(codes)).codes.astype(int)


def transitions(history: History) -> pd.DataFrame:
    """January-to-January pairs: one row per person in either census, labelled by the origin year, with the
    origin and destination state (-1 for a joiner's origin or a leaver's destination)."""
    c = history.census
    state = state_index(c["ncy"].to_numpy(), _codes(c["need"], NEEDS), _codes(c["setting"], SETTINGS))
    person, _ = pd.factorize(c["person_id"])
    year = c["year"].to_numpy()
    ncy = c["ncy"].to_numpy()
    out = []
    years = history.years
    for y0, y1 in zip(years[:-1], years[1:], strict=True):
        # Each person's state in each census (-1: no plan), over everyone in either.
        in0, in1 = year == y0, year == y1
        people = np.union1d(person[in0], person[in1])
        s0 = np.full(len(people), -1)
        s1 = np.full(len(people), -1)
        n1 = np.full(len(people), -99)
        s0[np.searchsorted(people, person[in0])] = state[in0]
        at1 = np.searchsorted(people, person[in1])
        s1[at1] = state[in1]
        n1[at1] = ncy[in1]
        out.append(pd.DataFrame({"year": y0, "s0": s0, "s1": s1, "ncy1": n1}))
    if not out:
        return pd.DataFrame({"year": [], "s0": [], "s1": [], "ncy1": []}, dtype=int)
    return pd.concat(out, ignore_index=True)


def parameters_fit(*, history: History, half_life: float = DEFAULT_HALF_LIFE,
                   prior_strength: float = PRIOR_STRENGTH) -> Parameters:
    """Posterior parameters from the history, each transition year weighted 0.5 ** (age / half_life), the most
    recent weighing 1 (so rising demand is not averaged away).

    Priors, so sparse cells never become impossible: leaving Beta(k m, k (1 - m)) with m the pooled leaving
    rate of the same NCY (Jeffreys-smoothed) and k = `prior_strength`; moving the same with m pooled over phase
    and setting; changing need the same with m pooled over phase; every Dirichlet adds `prior_strength` times
    the pooled destination shares plus 0.05 on each allowed destination; joining Beta(0.5, 0.5) (Jeffreys).
    """
    t = transitions(history)
    last_origin = max(history.years) - 1
    w = 0.5 ** ((last_origin - t["year"].to_numpy()) / half_life)
    s0, s1 = t["s0"].to_numpy(), t["s1"].to_numpy()
    k = prior_strength

    origin = s0 >= 0
    forced = origin & (NCY_ARR[np.maximum(s0, 0)] == NCY_MAX)  # ageing out at 25 is not a choice to leave
    at_risk = origin & ~forced
    n = np.bincount(s0[at_risk], weights=w[at_risk], minlength=N_STATE)
    left = at_risk & (s1 < 0)
    leavers = np.bincount(s0[left], weights=w[left], minlength=N_STATE)
    stay = at_risk & (s1 >= 0)
    moved = stay & (SET_ARR[np.maximum(s0, 0)] != SET_ARR[np.maximum(s1, 0)])
    movers = np.bincount(s0[moved], weights=w[moved], minlength=N_STATE)
    stayers = np.bincount(s0[stay], weights=w[stay], minlength=N_STATE)

    # Leaving: each state shrunk towards its NCY's pooled rate, itself shrunk towards the overall rate (partial
    # pooling, see LEAVE_POOL_STRENGTH); a state's own leavers still outweigh its PRIOR_STRENGTH pseudo-counts,
    # so an age pattern the data show clearly stays.
    m_leave = _leave_pooled(leavers, n)
    leave_a, leave_b = k * m_leave + leavers, k * (1 - m_leave) + (n - leavers)
    # Moving setting: pooled by phase x setting.
    group = PHASE_NEXT_ARR * N_SET + SET_ARR
    m_move = _pooled(movers, stayers, group, len(PHASES) * N_SET)
    move_a, move_b = k * m_move + movers, k * (1 - m_move) + (stayers - movers)

    # Where movers go: by phase x origin setting, with the origin setting's pooled destination shares.
    ph = PHASE_NEXT_ARR[s0[moved]]
    flows = np.zeros((len(PHASES), N_SET, N_SET))
    np.add.at(flows, (ph, SET_ARR[s0[moved]], SET_ARR[s1[moved]]), w[moved])
    pooled = flows.sum(axis=0, keepdims=True)
    pooled = pooled / np.maximum(pooled.sum(axis=2, keepdims=True), 1e-12)
    move_dest = flows + k * pooled + DIRICHLET_FLOOR
    move_dest *= ALLOWED[:, None, :]
    move_dest[:, np.arange(N_SET), np.arange(N_SET)] = 0.0  # a mover changes setting by definition

    # Changing primary need: Beta by phase x need; Dirichlet by origin need.
    changed = stay & (NEED_ARR[np.maximum(s0, 0)] != NEED_ARR[np.maximum(s1, 0)])
    g_need = PHASE_ARR * N_NEED + NEED_ARR
    by_state_changed = np.bincount(s0[changed], weights=w[changed], minlength=N_STATE)
    nc = np.bincount(g_need, weights=by_state_changed, minlength=len(PHASES) * N_NEED)
    ns = np.bincount(g_need, weights=stayers, minlength=len(PHASES) * N_NEED)
    m_need = (nc.sum() + 0.5) / (ns.sum() + 1)
    need_a = (k * m_need + nc).reshape(len(PHASES), N_NEED)
    need_b = (k * (1 - m_need) + ns - nc).reshape(len(PHASES), N_NEED)
    need_flows = np.zeros((N_NEED, N_NEED))
    np.add.at(need_flows, (NEED_ARR[s0[changed]], NEED_ARR[s1[changed]]), w[changed])
    pooled_need = need_flows.sum(axis=0) / max(need_flows.sum(), 1e-12)
    need_dest = need_flows + k * pooled_need[None, :] + DIRICHLET_FLOOR
    need_dest[np.arange(N_NEED), np.arange(N_NEED)] = 0.0

    # Joining: a rate on the population of the joiner's age at the census they first appear in.
    joined = s0 < 0
    join_a = np.full(N_NCY, 0.5)
    join_b = np.full(N_NCY, 0.5)
    pops = _population(history)
    j_counts = np.zeros((len(history.years), N_NCY))
    for i, y in enumerate(history.years[:-1]):
        sel = joined & (t["year"].to_numpy() == y)
        counts = np.bincount(NCY_ARR[s1[sel]] - NCY_MIN, minlength=N_NCY)
        pop = pops.get(y + 1, np.zeros(26))[:N_NCY]
        wy = 0.5 ** ((last_origin - y) / half_life)
        j_counts[i] = counts
        join_a += wy * counts
        join_b += wy * np.maximum(pop - counts, 0)
    join_flows = np.zeros((len(PHASES), N_NEED * N_SET))
    np.add.at(join_flows, (PHASE_ARR[s1[joined]], s1[joined] % (N_NEED * N_SET)), w[joined])
    allowed_join = np.repeat(ALLOWED[:, None, :], N_NEED, axis=1).reshape(len(PHASES), -1)
    pooled_join = join_flows.sum(axis=0) / max(join_flows.sum(), 1e-12)
    join_dest = (join_flows + k * pooled_join[None, :] + DIRICHLET_FLOOR / N_NEED) * allowed_join

    # Year to year: each year's joining and leaving against what the pooled rates expect of that year's
    # population and stock (an index free of the age mix), whose log drifts along a shrunk, damped trend.
    years = np.array(history.years[:-1], dtype=float)
    t_year = t["year"].to_numpy()
    pooled_join_rate = (j_counts[: len(years)].sum(axis=0) + 0.5) / (
        np.array([pops.get(int(y) + 1, np.zeros(26))[:N_NCY] for y in years]).sum(axis=0) + 1.0)
    expected_join = np.array([(pops.get(int(y) + 1, np.zeros(26))[:N_NCY] * pooled_join_rate).sum()
                              for y in years])
    yearly_join = j_counts[: len(years)].sum(axis=1)
    hazard = _leave_pooled(np.bincount(s0[left], minlength=N_STATE).astype(float),
                           np.bincount(s0[at_risk], minlength=N_STATE).astype(float))
    yearly_leave = np.array([(left & (t_year == y)).sum() for y in years])
    expected_leave = np.array([hazard[s0[at_risk & (t_year == y)]].sum() for y in years])
    wy = 0.5 ** ((last_origin - years) / half_life)
    join = _drift(years, np.log((yearly_join + 0.5) / np.maximum(expected_join, 1)), wy, JOIN_TREND_PRIOR, JOIN_SPREAD_PRIOR)
    leave = _drift(years, np.log((yearly_leave + 0.5) / np.maximum(expected_leave, 1)), wy, LEAVE_TREND_PRIOR, LEAVE_SPREAD_PRIOR)

    start = states_counts(history.census[history.census["year"] == max(history.years)])
    return Parameters(leave_a=leave_a, leave_b=leave_b, move_a=move_a, move_b=move_b, move_dest=move_dest,
                      need_a=need_a, need_b=need_b, need_dest=need_dest, join_a=join_a, join_b=join_b,
                      join_dest=join_dest, start=start, start_year=max(history.years), population=pops,
                      half_life=half_life, join_drift=join, leave_drift=leave)


@dataclass(frozen=True)
class Drift:
    """How an overall rate moves from year to year, on the log scale: its yearly trend (shrunk towards none by a
    normal prior) and that trend's posterior standard deviation, where the trend line stands at the last year
    against the recency-weighted mean year the Beta posteriors are centred on, and the spread of past years
    about the line."""

    slope: float = 0.0
    slope_sd: float = 0.0
    offset: float = 0.0
    sigma: float = 0.0

    def log_factor(self, rng: np.random.Generator, *, years: int, sims: int, damping: float,
                   walk: bool) -> np.ndarray:
        """(years, sims) log multipliers of the rate: the damped trend with a slope drawn per simulation, plus
        yearly departures (a random walk when `walk`, so that the uncertainty grows with the horizon)."""
        slope = rng.normal(self.slope, self.slope_sd, size=sims)
        reach = np.cumsum(damping ** np.arange(1, years + 1))
        shocks = rng.normal(0.0, self.sigma, size=(years, sims))
        if walk:
            shocks = np.cumsum(shocks, axis=0)
        level = self.offset if damping > 0 else 0.0
        return level + reach[:, None] * slope[None, :] * (damping > 0) + shocks


def _drift(x: np.ndarray, y: np.ndarray, w: np.ndarray, prior_sd: float, spread_prior: float) -> Drift:
    """A `Drift` from the yearly log index `y`: weighted least-squares slope, shrunk by a normal prior of mean 0
    and standard deviation `prior_sd`. No trend from fewer than three years."""
    if len(x) < 2:
        return Drift()
    xm = np.average(x, weights=w)
    ym = np.average(y, weights=w)
    if len(x) < 3:
        return Drift(sigma=_spread(y - ym, w, prior=spread_prior))
    sxx = np.sum(w * (x - xm) ** 2)
    slope = float(np.sum(w * (x - xm) * (y - ym)) / sxx)
    # The spread is the recency-weighted size of the index's own year-to-year changes: the years ahead depart as
    # much as past years did from each other, and the trend's standard error is judged by the same spread.
    sigma = _change_spread(y, w, slope)
    se2 = max(sigma ** 2 / sxx, 1e-12)
    precision = 1 / prior_sd ** 2 + 1 / se2
    shrunk = slope / se2 / precision
    return Drift(slope=shrunk, slope_sd=float(precision ** -0.5), offset=float(shrunk * (x.max() - xm)),
                 sigma=sigma)


def _change_spread(y: np.ndarray, w: np.ndarray, slope: float) -> float:
    """The root mean square of the yearly changes of `y` about the trend's `slope`, each change weighted as the
    later of its two years."""
    d = np.diff(y) - slope
    return float(np.sqrt(np.sum(w[1:] * d ** 2) / w[1:].sum()))


def _spread(resid: np.ndarray, w: np.ndarray, prior: float) -> float:
    """The spread of past years about the line, with a scaled inverse-chi-squared prior of two degrees of freedom
    centred on `prior`, so that two or three years cannot make next year look certain."""
    n_eff = w.sum() ** 2 / np.sum(w ** 2)
    sample = np.sum(w * resid ** 2) / w.sum() * n_eff
    return float(np.sqrt((SPREAD_PRIOR_DF * prior ** 2 + sample) / (SPREAD_PRIOR_DF + max(n_eff - 1, 0))))


def _leave_pooled(leavers: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    """Each state's pooled leaving rate: its NCY's rate shrunk towards its broad group's (LEAVE_POOL_EDGES)
    with LEAVE_POOL_STRENGTH pseudo-observations; all the way (the default, infinite strength) gives the
    group's rate, Jeffreys-smoothed."""
    group = np.searchsorted(np.array(LEAVE_POOL_EDGES), NCY_ARR, side="right")
    broad = _pooled(leavers, exposure, group, len(LEAVE_POOL_EDGES) + 1)
    ncy = NCY_ARR - NCY_MIN
    e = np.bincount(ncy, weights=leavers, minlength=N_NCY)[ncy]
    x = np.bincount(ncy, weights=exposure, minlength=N_NCY)[ncy]
    k = LEAVE_POOL_STRENGTH
    if not np.isfinite(k):
        return broad
    if k == 0:
        return _pooled(leavers, exposure, ncy, N_NCY)
    return np.clip((e + k * broad) / (x + k), 0.001, 0.999)


def _pooled(events: np.ndarray, exposure: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """The pooled rate of each state's group, Jeffreys-smoothed and kept inside (0.001, 0.999)."""
    e = np.bincount(group, weights=events, minlength=n_groups)
    x = np.bincount(group, weights=exposure, minlength=n_groups)
    rate = (e + 0.5) / (x + 1.0)
    return np.clip(rate, 0.001, 0.999)[group]


def _population(history: History) -> dict[int, np.ndarray]:
    pop = history.population
    out = {}
    for year, rows in pop.groupby("year"):
        arr = np.zeros(26)
        ages = rows["age"].to_numpy()
        keep = (ages >= 0) & (ages <= 25)
        arr[ages[keep]] = rows["population"].to_numpy()[keep]
        out[int(year)] = arr
    return out


# ------------------------------------------------------------------------------------------- simulation


@dataclass
class Simulation:
    """Simulated plans: `cube[sim, year, band, need, setting]` for each projected census year, with the
    history's actual counts in `history_cube[year, band, need, setting]`."""

    years: list[int]
    cube: np.ndarray
    history_years: list[int]
    history_cube: np.ndarray
    sims: int
    seed: int

    def totals(self) -> np.ndarray:
        """(sims, years) total plans."""
        return self.cube.sum(axis=(2, 3, 4))


def collapse(counts: np.ndarray) -> np.ndarray:
    """(..., N_STATE) counts -> (..., band, need, setting)."""
    shaped = counts.reshape(*counts.shape[:-1], N_NCY, N_NEED, N_SET)
    return np.add.reduceat(shaped, BAND_STARTS, axis=-3)


def history_cube(history: History) -> tuple[list[int], np.ndarray]:
    years = history.years
    return years, np.stack([collapse(states_counts(history.census[history.census["year"] == y])) for y in years])


# Independent random streams, one per purpose and simulated year, so that a scenario which changes one thing
# (and the number of draws it needs) leaves every other draw as it was: common random numbers.
_PARAMETERS, _LEAVE, _MOVE, _NEED, _DESTINATION, _JOIN, _JOIN_CELL, _SCENARIO, _BETA = range(9)


def _stream(seed: int, purpose: int, step: int = -1) -> np.random.Generator:
    return np.random.default_rng([seed, purpose, step + 1])


def simulate(*, params: Parameters, years: int, sims: int = DEFAULT_SIMS, seed: int = 870, scenario=None,
             history: History | None = None, progress: Callable[[str, int, int], None] | None = None
             ) -> Simulation:
    """Run `sims` simulations of `years` yearly steps from the last census. `scenario` (scenarios.Scenario)
    edits rates and moves children as it says. Every kind of draw has its own random stream per year, so the
    same seed gives a scenario and the baseline the same draws wherever the scenario changes nothing (common
    random numbers): a scenario that changes nothing gives exactly the baseline."""
    rng = _stream(seed, _PARAMETERS)
    # Parameter uncertainty: a rate drawn per simulation for needs, destinations and joining, held through the
    # horizon; leaving and moving are beta-binomial in each occupied state and year (everyone's state changes
    # every year as they move up a year, so a state's draw would rarely be seen twice anyway), each cell's
    # rate one of BETA_SAMPLES draws of its state's Beta, chosen by the cell's own uniform.
    leave_beta = rng.beta(params.leave_a, params.leave_b, size=(BETA_SAMPLES, N_STATE))
    move_beta = rng.beta(params.move_a, params.move_b, size=(BETA_SAMPLES, N_STATE))
    p_need = rng.beta(params.need_a, params.need_b, size=(sims, *params.need_a.shape))
    move_cdf = _cdf(_dirichlet(rng, params.move_dest, sims)).reshape(-1, N_SET)  # (sims, phase, origin) rows
    need_cdf = _cdf(_dirichlet(rng, params.need_dest, sims)).reshape(-1, N_NEED)  # (sims, origin) rows
    q_join = rng.beta(params.join_a, params.join_b, size=(sims, N_NCY))
    # The overall joining and leaving rates' drift: a damped trend whose slope is drawn per simulation, and
    # each simulated year's departure from it, as wide as past years' departures.
    join_level = np.exp(params.join_drift.log_factor(rng, years=years, sims=sims, damping=params.damping,
                                                     walk=params.join_walk))
    leave_level = np.exp(params.leave_drift.log_factor(rng, years=years, sims=sims, damping=params.damping,
                                                       walk=params.leave_walk))
    join_cdf = _cdf(_dirichlet(rng, params.join_dest, sims)).reshape(-1, N_NEED * N_SET)  # (sims, phase) rows

    # The stock as sparse cells: flat index sim * N_STATE + state of every occupied cell, and its count.
    occupied = np.flatnonzero(params.start)
    nz = (np.arange(sims)[:, None] * N_STATE + occupied[None, :]).ravel()
    n = np.tile(params.start[occupied].astype(np.int64), sims)
    out = np.zeros((sims, years, len(BAND_PHASE), N_NEED, N_SET), dtype=np.int32)
    size = sims * N_STATE
    block = N_NEED * N_SET
    joiner_sim = np.repeat(np.arange(sims), N_NCY)
    joiner_ncy = np.tile(np.arange(N_NCY), sims)
    x = np.zeros(size, dtype=np.int32)  # the next stock, dense; reused (and cleared) every year
    for step in range(years):
        y0 = params.start_year + step
        y1 = y0 + 1
        edit = scenario.step(y0=y0, y1=y1, first=step == 0) if scenario is not None else None
        r_scen = _stream(seed, _SCENARIO, step)
        sim, st = np.divmod(nz, N_STATE)
        # Each occupied cell's own uniforms, the same for the same cell in any run with this seed.
        pick = (_keyed_uniform(seed, _BETA, step, nz) * BETA_SAMPLES).astype(np.int64)
        pl = np.minimum(leave_beta[pick, st] * leave_level[step][sim], 1.0)
        pn = p_need[sim, PHASE_ARR[st], NEED_ARR[st]]
        if edit is not None:
            pl = np.minimum(pl * edit.leave[st], 1.0)
            pn = np.minimum(pn * edit.need[st], 1.0)
        pl[NCY_ARR[st] == NCY_MAX] = 1.0
        remain = n - _binomial(_keyed_uniform(seed, _LEAVE, step, nz), n, pl)
        pm = move_beta[pick, st]
        if edit is not None:
            pm = np.minimum(pm * edit.move[st], 1.0)
        movers = _binomial(_keyed_uniform(seed, _MOVE, step, nz), remain, pm)
        stay = remain - movers
        r_need = _stream(seed, _NEED, step)
        changers = _binomial(_keyed_uniform(seed, _NEED, step, nz), stay, pn)
        stay -= changers
        # Movers, one by one: a destination setting from their next phase and origin setting; some of them
        # change primary need too.
        r_dest = _stream(seed, _DESTINATION, step)
        sim_m, st_m = np.repeat(sim, movers), np.repeat(st, movers)
        dest = _categorical(r_dest, move_cdf, (sim_m * len(PHASES) + PHASE_NEXT_ARR[st_m]) * N_SET + SET_ARR[st_m])
        if edit is not None:
            dest = edit.redirect(r_scen, dest)
        st_m += dest - SET_ARR[st_m]
        also = r_need.random(len(st_m)) < p_need[sim_m, PHASE_ARR[st_m], NEED_ARR[st_m]]
        # Need changers, one by one (stayers who changed need, and movers who also did).
        sim_c = np.concatenate([np.repeat(sim, changers), sim_m[also]])
        st_c = np.concatenate([np.repeat(st, changers), st_m[also]])
        new_need = _categorical(r_need, need_cdf, sim_c * N_NEED + NEED_ARR[st_c])
        st_c += (new_need - NEED_ARR[st_c]) * N_SET
        # Joiners: a rate on the population of their age, into a need and setting from their phase. A scenario
        # raising joining draws at its largest factor and keeps each joiner with its own factor over that one.
        pop = params.population_for(y1)
        factor = edit.join_max if edit is not None else 1.0
        level = join_level[step][:, None]
        joiners = _binomial(_keyed_uniform(seed, _JOIN, step, np.arange(sims * N_NCY)),
                            np.broadcast_to(pop.astype(np.int64), (sims, N_NCY)).ravel(),
                            np.minimum(q_join * level * factor, 1.0).ravel())
        sim_j = np.repeat(joiner_sim, joiners)
        ncy_j = np.repeat(joiner_ncy, joiners)
        cell = _categorical(_stream(seed, _JOIN_CELL, step), join_cdf,
                            sim_j * len(PHASES) + phase_index(ncy_j + NCY_MIN))
        if edit is not None:
            keep = edit.join_keep(r_scen, ncy_j, cell)
            sim_j, ncy_j, cell = sim_j[keep], ncy_j[keep], cell[keep]
            setting = edit.redirect(r_scen, cell % N_SET)
            cell += setting - cell % N_SET
        # Everyone moves up a year (those past NCY 21 have already left); joiners arrive at their NCY.
        one_by_one = np.concatenate([sim_m[~also] * N_STATE + st_m[~also] + block,
                                     sim_c * N_STATE + st_c + block, sim_j * N_STATE + ncy_j * block + cell])
        stayed = (stay > 0) & (NCY_ARR[st] < NCY_MAX)
        x[nz[stayed] + block] = stay[stayed]  # each state once, so a plain assignment
        np.add.at(x, one_by_one, np.ones(len(one_by_one), dtype=np.int32))  # same dtype: the fast path
        if edit is not None:
            x[:] = edit.transfer(r_scen, x.reshape(sims, N_STATE).astype(np.int64)).ravel()
        by_ncy = x.reshape(sims, N_NCY, N_NEED, N_SET)
        for band, (lo, hi) in enumerate(zip(BAND_STARTS, [*BAND_STARTS[1:], N_NCY], strict=True)):
            out[:, step, band] = by_ncy[:, lo:hi].sum(axis=1)
        nz = np.flatnonzero(x)
        n = x[nz].astype(np.int64)
        x[nz] = 0
        if progress is not None:
            progress("simulating", step + 1, years)
    h_years, h_cube = history_cube(history) if history is not None else ([], np.zeros((0, *out.shape[2:])))
    return Simulation(years=[params.start_year + i + 1 for i in range(years)], cube=out,
                      history_years=h_years, history_cube=h_cube, sims=sims, seed=seed)


def _keyed_uniform(seed: int, kind: int, step: int, keys: np.ndarray) -> np.ndarray:
    """A uniform in [0, 1) for each key, a hash (splitmix64) of (seed, kind, year, key): the same cell gets the
    same uniform in every run with the seed, whatever else is occupied, so a scenario and the baseline draw
    alike cell by cell."""
    base = np.uint64((seed * 1_000_003 + kind * 10_007 + step + 1) * 0x9E3779B97F4A7C15 % 2**64)
    with np.errstate(over="ignore"):
        z = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + base
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def _binomial(u: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial(n, p) draws by inverting the distribution at the given uniforms: the same uniform gives fewer
    successes at a lower p, so a scenario that lowers a rate lowers it cell by cell. Where the variance n p q
    is NORMAL_FROM or more (large cells, joiners of a large area) the normal approximation with a continuity
    correction is inverted instead: as exact as makes no difference there, and far fewer steps."""
    n = np.asarray(n, dtype=np.int64)
    p = np.clip(p, 0.0, 1.0)
    out = np.where(p >= 1.0, n, 0)
    live = np.flatnonzero((n > 0) & (p > 0) & (p < 1))
    var = n[live] * p[live] * (1 - p[live])
    big = live[var >= NORMAL_FROM]
    mean = n[big] * p[big]
    out[big] = np.clip(np.floor(mean + 0.5 + np.sqrt(var[var >= NORMAL_FROM]) * _normal_quantile(u[big])), 0, n[big])
    live = live[var < NORMAL_FROM]
    q = 1.0 - p[live]
    pmf = q ** n[live]
    ratio = p[live] / q
    cdf = pmf.copy()
    k = 0
    go = np.flatnonzero(u[live] >= cdf)
    while len(go):
        k += 1
        at = live[go]
        out[at] = k
        pmf[go] *= (n[at] - k + 1) / k * ratio[go]
        cdf[go] += pmf[go]
        go = go[(u[at] >= cdf[go]) & (n[at] > k)]
    return out


NORMAL_FROM = 25.0


def _normal_quantile(u: np.ndarray) -> np.ndarray:
    """The standard normal quantile of each uniform (Acklam's rational approximation, relative error 1e-9)."""
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
         -3.066479806614716e01, 2.506628277459239e00)
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
         -1.328068155288572e01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
         4.374664141464968e00, 2.938163982698783e00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    u = np.clip(u, 1e-300, 1 - 1e-16)
    z = np.empty_like(u)
    low, high = u < 0.02425, u > 1 - 0.02425
    mid = ~(low | high)
    q = u[mid] - 0.5
    r = q * q
    z[mid] = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
              / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1))
    for tail, sign, v in ((low, 1.0, u[low]), (high, -1.0, 1 - u[high])):
        t = np.sqrt(-2 * np.log(v))
        z[tail] = sign * (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / (
            (((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1)
    return z


def _dirichlet(rng: np.random.Generator, alpha: np.ndarray, sims: int) -> np.ndarray:
    """Dirichlet draws along the last axis, one per simulation, from Gamma draws (zero alphas stay zero)."""
    g = rng.standard_gamma(np.broadcast_to(alpha, (sims, *alpha.shape)))
    total = g.sum(axis=-1, keepdims=True)
    return np.divide(g, total, out=np.zeros_like(g), where=total > 0)


def _cdf(p: np.ndarray) -> np.ndarray:
    c = np.cumsum(p, axis=-1)
    c[..., -1] = np.where(c[..., -1] > 0, 1.0, 0.0)
    return c


def _categorical(rng: np.random.Generator, cdf: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category per individual from row `rows[i]` of `cdf` (R, K), by a single sorted search: row r's
    cumulative probabilities are offset by r so the flattened array stays sorted. Individuals of the same row
    are exchangeable, so the search runs over the keys in order (much faster) and hands the answers back to
    the individuals in row order."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    k = cdf.shape[1]
    flat = (cdf + np.arange(cdf.shape[0])[:, None]).ravel()
    keys = rows + rng.random(len(rows))
    keys.sort()
    if len(rows) > 1 and (rows[1:] >= rows[:-1]).all():
        return np.minimum(np.searchsorted(flat, keys, side="right") - rows * k, k - 1)
    # A stable sort of small integers is a radix sort: much faster than a comparison sort.
    small = rows.astype(np.uint16) if cdf.shape[0] <= np.iinfo(np.uint16).max else rows
    order = np.argsort(small, kind="stable")
    out = np.empty(len(rows), dtype=np.int64)
    out[order] = np.searchsorted(flat, keys, side="right") - rows[order] * k
    return np.minimum(out, k - 1)


# ---------------------------------------------------------------------------------------------- summaries

QUANTILES = {"median": 50.0, "p2_5": 2.5, "p25": 25.0, "p75": 75.0, "p97_5": 97.5}


def quantiles(values: np.ndarray, axis: int = 0) -> dict[str, np.ndarray]:
    """Median and the 50% and 95% prediction intervals of the simulations (percentiles of the draws)."""
    qs = np.percentile(values, list(QUANTILES.values()), axis=axis)
    return {name: qs[i] for i, name in enumerate(QUANTILES)}


def summary_frame(values: np.ndarray, *, years: list[int], labels: dict[str, list] | None = None) -> pd.DataFrame:
    """A long table of (year, [label columns], median, p2_5, p25, p75, p97_5) from per-simulation values shaped
    (sims, years, *label dims)."""
    q = quantiles(values, axis=0)
    labels = labels or {}
    grids = np.meshgrid(np.array(years, dtype=object), *[np.array(v, dtype=object) for v in labels.values()],
                        indexing="ij")
    frame = pd.DataFrame({"year": grids[0].ravel().astype(int)})
    for name, grid in zip(labels, grids[1:], strict=True):
        frame[name] = grid.ravel()
    for name, arr in q.items():
        frame[name] = np.round(arr.ravel(), 1)
    return frame
