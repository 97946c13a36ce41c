"""The synthetic local area: every canonical table for a fictional partnership shaped like Reading (LA 870),
with history from September 2018 to the as-at date, calibrated to the published figures in `calibration`.

`generate_area` is deterministic for a seed, LA code, scale and as-at date, and vectorised with NumPy so that
all of England (about 9 million pupils) can be generated in minutes. How it is built:

- Pupils: a birth cohort of about 2,150 a year group (times `scale`) for every cohort in the area's schools
  since September 2018, each with a primary and a secondary school (some stay for the sixth form, some
  join late or move away). About a third have a spell on SEN support.
- EHC plans: simulated census to census. The stock on each January census date equals the published
  figure (then a projection of about 5% growth a year); new plans per calendar year equal the published
  figure; the gap is closed by transfers in and by ceasing plans, chosen mostly among young people of 18
  and over. Each new plan has a request, a decision and an assessment, dated so that the published 20-week
  timeliness (excluding exceptions) holds exactly each year; refused requests, assessments that did not
  lead to a plan and withdrawals fill the yearly number of requests.
- Placements of plan holders: a category (mainstream, mainstream base, special, independent special,
  alternative provision, college, home education, EOTAS, NEET, unplaced ...) per academic year, assigned
  so that the January 2025 mix equals the published one and the plan's May 2026 baselines hold (938 in
  maintained mainstream including bases, 139 in independent special schools, 28 home educated, 14
  unplaced or EOTAS), then carried backwards and forwards with phase transfers and occasional moves.
- Attendance (termly) is generated for every pupil in the current and previous academic year, and
  across the whole history only for pupils with SEN (E or K) and for every pupil of special schools
  and alternative provision. This keeps the Reading load to a few hundred thousand rows (under about 90
  seconds into SQLite) while every attendance indicator of the KPI catalogue, which all look at SEN
  pupils or the current year, can be computed for any year since 2018/19.
- sen_status holds E and K spells only: a pupil with no row is N (no special educational need).
- Inclusion, voice, Experts at Hand, money and places tables are generated around these, with the plan's
  baselines (special school attendance 83.7% in 2025/26, 9% of 16-17 year olds with plans NEET, 2 and 15
  permanent exclusions with E and K since September 2023) made to hold exactly at Reading's scale.

Identifiers are prefixed with the LA code ("870-P000123"); UPNs carry the LA code so they are unique
across areas. Names come from the invented word lists of `names`. Dates inside the builder are integer
days since 1970-01-01; `OPEN` marks an open end date.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sendreform.demo import calibration as cal
from sendreform.demo import names
from sendreform.standards.periods import sen2_census_date
from sendreform.standards.schemas import TABLES, arrow_schema

EPOCH = dt.date(1970, 1, 1)
OPEN = 1 << 30  # an open end date
NONE = -1  # no establishment / no row

HISTORY_START = dt.date(2018, 9, 1)
# Placement categories of the demo (finer than SETTING_CATEGORY so that settings can be chosen).
GROUPS = ("EY", "MS", "MSB", "MSI", "SP", "INMSS", "AP", "FE", "SP16", "EHE", "OLA", "OPA", "OTH", "NEET",
          "UNPLACED")
G = {g: i for i, g in enumerate(GROUPS)}
SETTING_OF_GROUP = {"EHE": "EHE", "OLA": "OLA", "OPA": "OPA", "OTH": "OTH", "NEET": "NEET",
                    "UNPLACED": "UNPLACED", "MSB": "BASE"}  # BASE: in the school's SEN unit or resourced provision
SPECIALIST = np.array([g in ("MSB", "MSI", "SP", "INMSS", "AP", "SP16", "EHE", "OLA", "OPA", "OTH",
                             "NEET", "UNPLACED") for g in GROUPS])
# Phases by academic age: 0 early years (<=3), 1 primary (4-10), 2 secondary (11-15), 3 16-17, 4 18+.
PHASES = ("EY", "PRIMARY", "SECONDARY", "POST16", "POST18")

NEEDS = ("ASD", "SEMH", "SLCN", "MLD", "SLD", "PMLD", "PD", "SPLD", "VI", "HI", "MSI", "OTH")
K_NEEDS = {"SLCN": 24, "SEMH": 21, "MLD": 15, "SPLD": 13, "ASD": 12, "NSA": 5, "OTH": 3, "PD": 2, "HI": 1.5,
           "VI": 1, "SLD": 0.5}

ETHNICITY = {
    "WBRI": 45, "WOTH": 10, "WIRI": 0.5, "WIRT": 0.2, "WROM": 0.5, "MWBC": 3, "MWBA": 2, "MWAS": 3, "MOTH": 3,
    "AIND": 6, "APKN": 8, "ABAN": 1, "AOTH": 4, "BCRB": 1.5, "BAFR": 5, "BOTH": 1, "CHNE": 1, "OOTH": 2.5,
    "REFU": 1, "NOBT": 1,
}
NEIGHBOURS_870 = ("872", "869", "868", "931", "850", "871", "825")


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _date(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Calendar year and month of each day."""
    d = np.asarray(days, dtype="int64").astype("datetime64[D]")
    months = d.astype("datetime64[M]").astype("int64")
    return months // 12 + 1970, months % 12 + 1


def _academic_year(days: np.ndarray) -> np.ndarray:
    """Start year of the academic year of each day."""
    year, month = _ymd(days)
    return year - (month < 9)


def _sep1(year) -> np.ndarray:
    """1 September of each year, as days."""
    y = np.asarray(year, dtype="int64")
    return ((y - 1970) * 12 + 8).astype("datetime64[M]").astype("datetime64[D]").astype("int64")


def _jan1(year) -> np.ndarray:
    y = np.asarray(year, dtype="int64")
    return (y - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype("int64")


# Age bands of each phase (academic age -> phase index).
def _phase(age: np.ndarray) -> np.ndarray:
    return np.select([age <= 3, age <= 10, age <= 15, age <= 17], [0, 1, 2, 3], 4)


def _eligibility() -> np.ndarray:
    """Which placement categories are possible in each phase (phase x group)."""
    allowed = {
        0: ("EY", "OTH", "OPA", "UNPLACED"),
        1: ("MS", "MSB", "MSI", "SP", "INMSS", "AP", "EHE", "OLA", "OPA", "OTH", "UNPLACED"),
        2: ("MS", "MSB", "MSI", "SP", "INMSS", "AP", "EHE", "OLA", "OPA", "OTH", "UNPLACED"),
        3: ("MS", "MSB", "MSI", "SP", "INMSS", "FE", "SP16", "OLA", "OPA", "OTH", "NEET", "UNPLACED"),
        4: ("SP", "INMSS", "FE", "SP16", "OLA", "OPA", "OTH", "NEET", "UNPLACED"),
    }
    out = np.zeros((5, len(GROUPS)))
    for phase, groups in allowed.items():
        out[phase, [G[g] for g in groups]] = 1.0
    return out


def _phase_prior() -> np.ndarray:
    """Rough mix of placements by phase (Reading, 2025); the quotas then make the mix exact."""
    prior = {
        0: {"EY": 0.6, "OTH": 0.2, "OPA": 0.1, "UNPLACED": 0.1},
        1: {"MS": 0.5, "MSB": 0.15, "MSI": 0.005, "SP": 0.27, "INMSS": 0.04, "AP": 0.003, "EHE": 0.01,
            "OLA": 0.015, "OPA": 0.002, "OTH": 0.01, "UNPLACED": 0.01},
        2: {"MS": 0.42, "MSB": 0.08, "MSI": 0.008, "SP": 0.3, "INMSS": 0.09, "AP": 0.008, "EHE": 0.02,
            "OLA": 0.03, "OPA": 0.002, "OTH": 0.02, "UNPLACED": 0.015},
        3: {"MS": 0.12, "MSB": 0.01, "MSI": 0.005, "SP": 0.2, "INMSS": 0.05, "FE": 0.5, "SP16": 0.01,
            "NEET": 0.06, "OLA": 0.02, "OPA": 0.002, "OTH": 0.02, "UNPLACED": 0.01},
        4: {"SP": 0.1, "INMSS": 0.02, "FE": 0.55, "SP16": 0.02, "NEET": 0.15, "OLA": 0.04, "OPA": 0.01,
            "OTH": 0.08, "UNPLACED": 0.03},
    }
    out = np.zeros((5, len(GROUPS)))
    for phase, mix in prior.items():
        for g, p in mix.items():
            out[phase, G[g]] = p
    return out


def _need_affinity() -> np.ndarray:
    """How much more (or less) likely each placement is for each primary need (need x group)."""
    out = np.ones((len(NEEDS), len(GROUPS)))
    tweaks = {
        "SLD": {"MS": 0.15, "MSB": 0.6, "SP": 4, "INMSS": 1.2, "AP": 0.05, "EHE": 0.2, "SP16": 3, "NEET": 0.3},
        "PMLD": {"MS": 0.05, "MSB": 0.3, "SP": 5, "INMSS": 1.5, "AP": 0.01, "EHE": 0.1, "SP16": 4, "NEET": 0.2},
        "MLD": {"MSB": 2, "SP": 1.5, "INMSS": 0.4, "AP": 0.5},
        "SEMH": {"MSB": 0.5, "SP": 0.6, "INMSS": 2.5, "AP": 6, "EHE": 2, "OLA": 3, "NEET": 2, "UNPLACED": 2},
        "ASD": {"MSB": 1.2, "SP": 1.1, "INMSS": 1.8, "EHE": 1.5, "OLA": 1.5, "UNPLACED": 1.5},
        "SLCN": {"MS": 1.4, "MSB": 1.6, "SP": 0.7, "INMSS": 0.4, "AP": 0.5},
        "SPLD": {"MS": 2, "SP": 0.2, "INMSS": 0.6, "FE": 1.5},
        "HI": {"MS": 1.5, "MSB": 2, "SP": 0.8, "INMSS": 0.7},
        "VI": {"MS": 1.5, "MSB": 1.5, "SP": 0.8, "INMSS": 0.7},
        "PD": {"MS": 1.5, "MSB": 1.2, "SP": 1.0, "INMSS": 0.5, "AP": 0.2},
    }
    for need, mult in tweaks.items():
        for g, m in mult.items():
            out[NEEDS.index(need), G[g]] = m
    return out


def _continuity() -> np.ndarray:
    """Weight of moving from one category to another at a phase transfer (from-group x to-group)."""
    out = np.ones((len(GROUPS), len(GROUPS)))
    np.fill_diagonal(out, 8.0)
    for a, b, w in (("MS", "FE", 4), ("MS", "MSB", 1.5), ("MSB", "MS", 3), ("SP", "SP16", 5), ("INMSS", "SP16", 4),
                    ("SP", "MS", 0.2), ("INMSS", "MS", 0.3), ("SP", "MSB", 0.4), ("EY", "MS", 3), ("EY", "SP", 3),
                    ("EY", "MSB", 2), ("MS", "SP", 1.5), ("MSB", "SP", 2), ("SP", "FE", 1.5),
                    ("NEET", "NEET", 5), ("FE", "NEET", 1.5), ("AP", "NEET", 2)):
        out[G[a], G[b]] = w
    return out


# How likely a placement is to carry on into the next year of the same phase.
STAY = np.array([{"EY": 0.9, "MS": 0.93, "MSB": 0.95, "MSI": 0.9, "SP": 0.97, "INMSS": 0.95, "AP": 0.6,
                  "FE": 0.85, "SP16": 0.9, "EHE": 0.75, "OLA": 0.8, "OPA": 0.7, "OTH": 0.6, "NEET": 0.6,
                  "UNPLACED": 0.1}[g] for g in GROUPS])


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integer counts proportional to `weights` summing exactly to `total`."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    raw = weights / weights.sum() * total
    counts = np.floor(raw).astype(np.int64)
    short = total - counts.sum()
    if short > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


def _hit_total(rng: np.random.Generator, values: np.ndarray, goal: int, *, lower: np.ndarray,
               upper: np.ndarray) -> np.ndarray:
    """`values` scaled to sum to `goal`, each kept within [lower, upper] (randomly rounded)."""
    values = values.astype(float)
    total = values.sum()
    scaled = values * (goal / total) if total > 0 else np.full(len(values), goal / max(len(values), 1))
    out = np.clip(np.floor(scaled + rng.random(len(values))).astype(np.int64), lower, upper)
    for _ in range(100):
        diff = int(goal - out.sum())
        if diff == 0:
            break
        slack = np.flatnonzero(out < upper) if diff > 0 else np.flatnonzero(out > lower)
        if not len(slack):
            break
        pick = rng.choice(slack, min(abs(diff), len(slack)), replace=False)
        out[pick] += np.sign(diff)
    return out


def _sample_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One column index per row of a row-stochastic matrix."""
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = np.maximum(cum[:, -1], 1.0)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return np.minimum((cum < u).sum(axis=1), probs.shape[1] - 1)


def _quota_assign(rng: np.random.Generator, weights: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """One column per row, column counts equal to `targets` where the zero weights allow it, rows keeping
    to the columns they weigh most (Sinkhorn scaling, a draw, then the fewest moves to fix the counts)."""
    n, k = weights.shape
    targets = np.asarray(targets, dtype=float)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    col = np.ones(k)
    for _ in range(300):
        p = weights * col
        rs = p.sum(1, keepdims=True)
        p = np.divide(p, rs, out=np.zeros_like(p), where=rs > 0)
        expected = p.sum(0)
        ratio = np.where(expected > 1e-9, targets / np.maximum(expected, 1e-9), 1.0)
        if np.abs(expected - targets).max() < 0.5:
            break
        col *= np.clip(ratio, 0.1, 10.0)
    choice = _sample_rows(rng, p)
    counts = np.bincount(choice, minlength=k)
    goal = targets.astype(np.int64)
    for _ in range(4 * k + int(targets.sum()) // 4):
        deficit = goal - counts
        if not (deficit > 0).any():
            break
        progressed = False
        for c in np.flatnonzero(deficit > 0):
            surplus = counts - goal
            donors = np.flatnonzero((surplus[choice] > 0) & (weights[:, c] > 0))
            if len(donors) == 0:
                # No row in a column with too many can take this one: move a row here from a third column
                # and refill that column from one with too many.
                for m in rng.permutation(k):
                    into_c = np.flatnonzero((choice == m) & (weights[:, c] > 0))
                    into_m = np.flatnonzero((surplus[choice] > 0) & (weights[:, m] > 0))
                    if m != c and len(into_c) and len(into_m):
                        i, j = into_c[rng.integers(len(into_c))], into_m[rng.integers(len(into_m))]
                        counts[choice[j]] -= 1
                        choice[i], choice[j] = c, m
                        counts[c] += 1
                        progressed = True
                        break
                continue
            pc = p[donors, c] + 1e-12
            pcur = p[donors, choice[donors]] + 1e-12
            score = np.log(pc / pcur) + rng.gumbel(size=len(donors))
            for i in donors[np.argsort(-score)]:
                if counts[c] >= goal[c]:
                    break
                cur = choice[i]
                if counts[cur] <= goal[cur]:
                    continue
                choice[i] = c
                counts[cur] -= 1
                counts[c] += 1
                progressed = True
        if not progressed:
            break
    return choice


class _Columns(dict):
    """Columns of one table as NumPy arrays or lists, turned into an Arrow table of its canonical schema."""

    def table(self, name: str, n: int) -> pa.Table:
        schema = arrow_schema(name)
        arrays = []
        for field in schema:
            values = self[field.name]
            arrays.append(_arrow(values, field.type, n))
        return pa.Table.from_arrays(arrays, schema=schema)


def _arrow(values, type_: pa.DataType, n: int) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        arr = values if isinstance(values, pa.Array) else values.combine_chunks()
        return arr.cast(type_) if arr.type != type_ else arr
    if values is None:
        return pa.nulls(n, type_)
    if pa.types.is_date32(type_):
        days = np.asarray(values, dtype=np.int64)
        mask = (days >= OPEN) | (days < -100_000)
        return pa.array(days.astype(np.int32), type=pa.int32(), mask=mask).cast(pa.date32())
    if pa.types.is_decimal(type_):
        arr = np.asarray(values, dtype=float)
        return pa.array(np.round(arr, 2)).cast(type_)
    if isinstance(values, np.ndarray) and values.dtype != object:
        return pa.array(values, type=type_)
    return pa.array(list(values), type=type_)


def _ids(prefix: str, n: int, start: int = 1, width: int = 6) -> pa.Array:
    """Identifiers "<prefix><zero-padded number>" built in Arrow (fast for millions)."""
    numbers = pc.cast(pa.array(np.arange(start, start + n, dtype=np.int64)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def _digits(numbers: np.ndarray, width: int) -> np.ndarray:
    """Each number's `width` decimal digits, most significant first, as columns."""
    return (numbers[:, None] // 10 ** np.arange(width - 1, -1, -1)) % 10


def _upns(la_number: int, n: int) -> pa.Array:
    """n UPNs of an LA with valid check letters: the DfE's letter (characters 2 to 13, weighted 2 to 13,
    summed, modulo 23) before the LA number and a 9-digit serial."""
    body = np.concatenate([np.repeat(_digits(np.array([la_number]), 3), n, axis=0),
                           _digits(np.arange(n, dtype=np.int64), 9)], axis=1)
    check = (body * np.arange(2, 14)).sum(axis=1) % 23
    letters = pa.array(list("ABCDEFGHJKLMNPQRTUVWXYZ")).take(pa.array(check))
    serial = pc.utf8_lpad(pc.cast(pa.array(np.arange(n, dtype=np.int64)), pa.string()), 9, "0")
    return pc.binary_join_element_wise(letters, f"{la_number:03d}", serial, "")


def _ulns(la_number: int, n: int) -> pa.Array:
    """n ULNs of an LA with valid check digits (digits 1 to 9 weighted 10 to 2, summed, modulo 11; the tenth
    digit is 10 less the remainder, and a remainder of 0 is never issued, so those serials are skipped)."""
    if n > 900_000:
        raise ValueError(f"{n:,} people are more than an LA's 6-digit ULN serials can number")
    serials = np.arange(n + n // 8 + 16, dtype=np.int64)
    body = np.concatenate([np.repeat(_digits(np.array([la_number]), 3), len(serials), axis=0),
                           _digits(serials, 6)], axis=1)
    remainder = (body * np.arange(10, 1, -1)).sum(axis=1) % 11
    keep = remainder != 0
    numbers = (la_number * 10**6 + serials[keep])[:n] * 10 + (10 - remainder[keep])[:n] % 10
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), 10, "0")


class _Area:
    """Builds one area's tables step by step; each step leaves its NumPy arrays on the instance."""

    def __init__(self, *, seed: int, as_at: dt.date, la_code: str, scale: float):
        if as_at < dt.date(2019, 2, 1):
            raise ValueError("the synthetic area starts in September 2018; give an as-at date from February 2019")
        self.la = la_code
        self.scale = scale
        self.as_at = _day(as_at)
        self.as_at_date = as_at
        la_number = int(la_code) if la_code.isdigit() else sum(map(ord, la_code))
        self.rng = np.random.default_rng([seed, la_number])
        self.start = _day(HISTORY_START)
        # The simulation runs past the as-at date (so requests in flight have their future) and always past
        # the plan's May 2026 baselines (so the calibration holds whatever the as-at date), then is cut.
        self.sim_end = max(self.as_at, _day(cal.BASELINE_DATE) + 31)
        self.first_ay = 2018
        self.last_ay = int(_academic_year(np.array([self.sim_end]))[0])
        self.horizon = self.sim_end + 400
        self.tables: dict[str, pa.Table] = {}

    def n(self, x: float, minimum: int = 1) -> int:
        return max(minimum, int(round(x * self.scale)))

    def count(self, x: float) -> int:
        """A scaled count that may round to zero."""
        return int(round(x * self.scale))

    # ------------------------------------------------------------------ establishments and clusters
    def build_establishments(self) -> None:
        rng, la = self.rng, self.la
        cluster_ids = [f"{la}-C{i + 1}" for i in range(len(names.CLUSTER_NAMES))]
        self.tables["cluster"] = pa.table(
            {"cluster_id": cluster_ids, "name": [f"{n} cluster" for n in names.CLUSTER_NAMES]},
            schema=arrow_schema("cluster"),
        )
        neighbours = NEIGHBOURS_870 if la == "870" else tuple(
            r[0] for r in cal.la_plans_2025() if r[0] != la)
        rows = []
        place_iter = iter(rng.permutation(len(names.PLACES)).tolist() * 1000)

        def place() -> str:
            return names.PLACES[next(place_iter)]

        def add(kind, funding, phase, name, *, in_area=True, cluster=None, unit=False, rp=False, capacity=None,
                places=None, group="", sixth=False):
            rows.append(dict(kind=kind, funding=funding, phase=phase, name=name, in_area=in_area, cluster=cluster,
                             unit=unit, rp=rp, capacity=capacity, places=places, group=group, sixth=sixth,
                             la_code=la if in_area else neighbours[int(rng.integers(len(neighbours)))]))

        n_clusters = len(cluster_ids)
        for i in range(self.n(24)):
            add("EY_PVI", "PVI", "EY", f"{place()} Day Nursery" if i % 3 else f"{place()} Pre-school",
                cluster=cluster_ids[i % n_clusters], capacity=int(rng.integers(30, 90)), group="EY")
        n_primary = self.n(38, minimum=2)
        n_primary_base = min(self.n(5), n_primary - 1)
        for i in range(n_primary):
            funding = "MAINTAINED" if rng.random() < 0.55 else "ACADEMY"
            base = i < n_primary_base
            add("MAINSTREAM", funding, "PRIMARY",
                f"{place()} {'Primary School' if funding == 'MAINTAINED' else 'Primary Academy'}",
                cluster=cluster_ids[i % n_clusters], unit=base and i % 5 == 4, rp=base and i % 5 != 4,
                capacity=int(rng.choice([210, 420, 420, 630])), places=int(rng.integers(10, 21)) if base else None,
                group="PRI")
        n_secondary = self.n(10, minimum=2)
        n_secondary_base = min(self.n(2), n_secondary - 1)
        for i in range(n_secondary):
            funding = "ACADEMY" if rng.random() < 0.8 else "MAINTAINED"
            base = i < n_secondary_base
            sixth = i % 10 < 7
            add("MAINSTREAM", funding, "SECONDARY", f"{place()} {'Academy' if funding == 'ACADEMY' else 'School'}",
                cluster=cluster_ids[i % n_clusters], rp=base, capacity=int(rng.choice([900, 1200, 1500])),
                places=int(rng.integers(15, 31)) if base else None, group="SEC", sixth=sixth)
        for i in range(self.n(3)):
            places = int(rng.choice([150, 180, 220]))
            add("SPECIAL", "MAINTAINED" if i % 3 == 0 else "ACADEMY", "ALL_THROUGH", f"{place()} School",
                capacity=places, places=places, group="SP_IN")
        add("AP", "ACADEMY", "SECONDARY", f"{place()} Learning Centre", capacity=80, group="AP_IN")
        for _ in range(self.n(1) - 1):
            add("AP", "ACADEMY", "SECONDARY", f"{place()} Learning Centre", capacity=60, group="AP_IN")
        add("FE", "FE_COLLEGE", "POST16", f"{place()} College", capacity=4000, group="FE_IN")
        add("SPECIALIST_POST16", "INDEPENDENT", "POST16", f"{place()} Specialist College", capacity=60, places=60,
            group="SP16")
        add("MAINSTREAM", "INDEPENDENT", "ALL_THROUGH", f"{place()} House School", capacity=400, group="MSI")
        # Settings outside the area that its children and young people attend.
        for i in range(self.n(4, minimum=2)):
            add("MAINSTREAM", "ACADEMY", "PRIMARY" if i % 2 == 0 else "SECONDARY",
                f"{place()} {'Primary School' if i % 2 == 0 else 'Academy'}", in_area=False,
                capacity=600, group="PRI_OUT" if i % 2 == 0 else "SEC_OUT")
        for i in range(self.n(5)):
            add("SPECIAL", "ACADEMY" if i % 2 else "MAINTAINED", "ALL_THROUGH", f"{place()} Special School",
                in_area=False, capacity=200, places=200, group="SP_OUT")
        for i in range(self.n(10)):
            funding = "NON_MAINTAINED" if i % 5 == 4 else "INDEPENDENT"
            add("SPECIAL", funding, "ALL_THROUGH", f"{place()} {'Independent School' if i % 2 else 'Academy Trust School'}"
                .replace("Academy Trust School", "Lodge School"), in_area=False, capacity=90, places=90,
                group="INMSS")
        add("MAINSTREAM", "INDEPENDENT", "ALL_THROUGH", f"{place()} Preparatory School", in_area=False,
            capacity=500, group="MSI")
        for _ in range(self.n(2)):
            add("FE", "FE_COLLEGE", "POST16", f"{place()} College of Further Education", in_area=False,
                capacity=6000, group="FE_OUT")
        add("AP", "ACADEMY", "SECONDARY", f"{place()} Tuition Centre", in_area=False, capacity=60, group="AP_OUT")

        self.est = rows
        n = len(rows)
        self.est_group = np.array([r["group"] for r in rows])
        self.est_kind = np.array([r["kind"] for r in rows])
        self.est_funding = np.array([r["funding"] for r in rows])
        self.est_in_area = np.array([r["in_area"] for r in rows])
        self.est_unit = np.array([r["unit"] for r in rows])
        self.est_rp = np.array([r["rp"] for r in rows])
        self.est_sixth = np.array([r["sixth"] for r in rows])
        self.est_cluster = np.array([cluster_ids.index(r["cluster"]) if r["cluster"] else NONE for r in rows])
        self.est_ids = _ids(f"{la}-E", n, width=4)
        # Per-setting flags, indexed by establishment, so row-level tests stay integer work.
        self.is_mainstream = self.est_kind == "MAINSTREAM"
        self.is_special = self.est_kind == "SPECIAL"
        self.is_ap = self.est_kind == "AP"
        self.is_school = self.is_mainstream | self.is_special | self.is_ap
        self.is_secondary = np.isin(self.est_group, ["SEC", "SEC_OUT"])
        la_number = int(la) if la.isdigit() else 999
        urn = np.array([la_number * 1000 + i + 1 for i in range(n)], dtype=np.int64)
        has_ukprn = np.isin(self.est_kind, ["FE", "SPECIALIST_POST16", "AP"]) | (self.est_group == "INMSS")
        self.tables["establishment"] = _Columns(
            establishment_id=self.est_ids,
            urn=pa.array(urn, mask=self.est_kind == "EY_PVI"),
            ukprn=pa.array(10_000_000 + urn, mask=~has_ukprn),
            name=[r["name"] for r in rows],
            la_code=[r["la_code"] for r in rows],
            phase=[r["phase"] for r in rows],
            kind=self.est_kind.tolist(),
            funding=self.est_funding.tolist(),
            in_area=self.est_in_area,
            cluster_id=pa.array([r["cluster"] for r in rows], type=pa.string()),
            has_sen_unit=self.est_unit,
            has_resourced_provision=self.est_rp,
            capacity=pa.array([r["capacity"] for r in rows], type=pa.int64()),
            specialist_places=pa.array([r["places"] for r in rows], type=pa.int64()),
            open_date=None,
            close_date=None,
        ).table("establishment", n)

    def _of_group(self, *groups: str) -> np.ndarray:
        return np.flatnonzero(np.isin(self.est_group, groups))

    # ------------------------------------------------------------------ pupils
    def build_pupils(self) -> None:
        rng = self.rng
        cohorts = np.arange(2007, self.last_ay + 1)
        trend = np.where(cohorts <= 2016, 1 + 0.008 * (cohorts - 2012), 1.032 - 0.012 * (cohorts - 2016))
        sizes = np.array([self.n(cal.PUPILS_PER_YEAR_GROUP * t) for t in trend])
        r = np.repeat(cohorts, sizes)
        n = len(r)
        self.pupil_cohort = r
        birth_start = _sep1(r - 5)
        birth = birth_start + rng.integers(0, 365, n)
        reception = _sep1(r)
        entry = reception.copy()
        late = rng.random(n) < 0.12
        entry[late] = reception[late] + rng.integers(0, 365 * 10, late.sum())
        stays_sixth = rng.random(n) < 0.38
        leave = np.where(stays_sixth, _sep1(r + 14) - 1, _sep1(r + 12) - 1)
        early = rng.random(n) < 0.07
        span = np.maximum(leave - entry - 180, 1)
        leave = np.where(early, entry + 180 + (rng.random(n) * span).astype(np.int64), leave)
        self.pupil_birth, self.pupil_entry, self.pupil_leave = birth, entry, leave
        self.pupil_sixth = stays_sixth
        # Schools: a primary by cluster, mostly a secondary of the same cluster.
        prim = self._of_group("PRI")
        sec = self._of_group("SEC")
        prim_out, sec_out = self._of_group("PRI_OUT"), self._of_group("SEC_OUT")
        primary = prim[rng.integers(0, len(prim), n)]
        out = rng.random(n) < 0.03
        primary[out] = prim_out[rng.integers(0, len(prim_out), out.sum())]
        same_cluster = rng.random(n) < 0.7
        sec_by_cluster = {c: sec[self.est_cluster[sec] == c] for c in np.unique(self.est_cluster[sec])}
        secondary = sec[rng.integers(0, len(sec), n)]
        pc = self.est_cluster[primary]
        for c, options in sec_by_cluster.items():
            m = same_cluster & (pc == c)
            secondary[m] = options[rng.integers(0, len(options), m.sum())]
        out = rng.random(n) < 0.03
        secondary[out] = sec_out[rng.integers(0, len(sec_out), out.sum())]
        sixth_schools = sec[self.est_sixth[sec]]
        sixth = np.where(self.est_sixth[secondary], secondary, sixth_schools[rng.integers(0, len(sixth_schools), n)])
        self.pupil_primary, self.pupil_secondary, self.pupil_sixth_school = primary, secondary, sixth
        # SEN support: about a third of pupils have a spell, mostly starting in the early primary years.
        has_k = rng.random(n) < 0.40
        offset = rng.choice(10, n, p=np.array([3, 4, 4, 3.5, 3, 2.5, 2, 2, 2, 1.5]) / 27.5)
        k_start = np.maximum(_sep1(r + offset) + rng.integers(0, 300, n), entry)
        k_end = k_start + (365 * (1 + rng.exponential(3.5, n))).astype(np.int64)
        k_end = np.where(k_end >= leave, leave, k_end)
        has_k &= k_start < leave
        self.pupil_k_start = np.where(has_k, k_start, OPEN)
        self.pupil_k_end = np.where(has_k, k_end, OPEN)
        self.n_pupils = n

    # ------------------------------------------------------------------ EHC plans
    def build_plans(self) -> None:
        rng = self.rng
        census_years = []
        y = 2019
        while True:
            census_years.append(y)
            if _day(sen2_census_date(y)) > self.horizon:
                break
            y += 1
        t = np.array([_day(sen2_census_date(y)) for y in census_years])
        targets = np.array([int(round(cal.census_target(y) * self.scale)) for y in census_years])

        # New plans by calendar year, with their age when the plan started.
        month_weights = np.array([0.8, 0.9, 1.0, 0.9, 1.0, 1.2, 1.3, 0.7, 0.9, 1.0, 1.1, 1.0])
        ages_new = np.array(list(cal.NEW_PLAN_AGES))
        p_new = np.array(list(cal.NEW_PLAN_AGES.values()), dtype=float)
        p_new /= p_new.sum()
        starts, ages = [], []
        end_year = int(_ymd(np.array([self.horizon]))[0][0])
        for year in range(2019, end_year + 1):
            k = self.count(cal.yearly(cal.NEW_PLANS, cal.PROJECTED_NEW_PLANS, year))
            month = rng.choice(12, k, p=month_weights / month_weights.sum())
            first = ((year - 1970) * 12 + month).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
            starts.append(first + rng.integers(0, 28, k))
            ages.append(rng.choice(ages_new, k, p=p_new))
        new_start = np.concatenate(starts)
        new_age = np.concatenate(ages)
        keep = new_start <= self.horizon
        new_start, new_age = new_start[keep], new_age[keep]

        # The stock on the first census date: ages as in 2025, in place for up to nine years.
        ages_stock = np.array(list(cal.AGES_2025))
        p_stock = np.array(list(cal.AGES_2025.values()), dtype=float)
        p_stock /= p_stock.sum()
        n0 = targets[0] - int((new_start <= t[0]).sum())
        age0 = rng.choice(ages_stock, n0, p=p_stock)
        start_age = np.maximum(2, age0 - (rng.random(n0) * np.minimum(age0 - 1, 9)).astype(np.int64))
        start_age = np.minimum(start_age, age0)
        start_ay = 2018 - (age0 - start_age)
        stock_start = _sep1(start_ay) + rng.integers(0, 365, n0)
        # Plans of the stock were all issued before 2019 (the new plans of 2019 are counted separately).
        stock_start = np.minimum(stock_start, _day(dt.date(2018, 12, 31)) - rng.integers(0, 120, n0))
        # Reception cohort: academic age a in academic year Y means cohort Y - a + 4.
        stock_cohort = 2018 - age0 + 4
        new_cohort = _academic_year(new_start) - new_age + 4

        start = np.concatenate([stock_start, new_start])
        cohort = np.concatenate([stock_cohort, new_cohort])
        transfer = np.zeros(len(start), dtype=bool)
        cease = np.full(len(start), OPEN, dtype=np.int64)
        reason = np.zeros(len(start), dtype=np.int64)

        tin_starts, tin_cohorts = [], []
        for k in range(len(t) - 1):
            lo, hi = t[k], t[k + 1]
            active = np.flatnonzero((start <= lo) & (cease > lo))
            n_new = int(((new_start > lo) & (new_start <= hi)).sum())
            minimum_ceased = int(round(0.03 * targets[k]))
            tin = max(int(round(0.05 * n_new)), targets[k + 1] - targets[k] - n_new + minimum_ceased)
            ceased = len(active) + n_new + tin - targets[k + 1]
            tin_start = lo + 1 + rng.integers(0, hi - lo, tin)
            tin_age = rng.choice(ages_stock, tin, p=p_stock)
            tin_starts.append(tin_start)
            tin_cohorts.append(_academic_year(tin_start) - tin_age + 4)
            # Who ceases: mostly young people of 18 and over; everyone by 25.
            age = _academic_year(np.array([lo]))[0] - cohort[active] + 4
            weight = np.select([age >= 25, age >= 21, age >= 19, age == 18, age == 17, age == 16, age <= 4],
                               [1e9, 0.45, 0.55, 0.3, 0.08, 0.05, 0.03], 0.02)
            key = np.log(weight) + rng.gumbel(size=len(active))
            chosen = active[np.argsort(-key)[:max(ceased, 0)]]
            chosen_age = _academic_year(np.array([lo]))[0] - cohort[chosen] + 4
            # Young people leaving education mostly go at the end of the summer term inside the window.
            summer = _jan1(_ymd(np.array([lo]))[0])[0] + 195  # mid July
            leaving = (chosen_age >= 17) & (rng.random(len(chosen)) < 0.6) & (summer > lo) & (summer + 45 <= hi)
            day = np.where(leaving, summer + rng.integers(0, 45, len(chosen)), lo + 1 + rng.integers(0, hi - lo, len(chosen)))
            cease[chosen] = np.maximum(day, start[chosen] + 30)
            older = chosen_age >= 18
            reason[chosen] = np.where(
                older,
                rng.choice([1, 3, 4, 6, 2, 5, 7, 9], len(chosen), p=[0.12, 0.12, 0.1, 0.35, 0.08, 0.1, 0.02, 0.11]),
                rng.choice([2, 5, 7, 8, 9], len(chosen), p=[0.3, 0.45, 0.1, 0.02, 0.13]),
            )
            reason[chosen[chosen_age >= 25]] = 1
            if tin:
                start = np.concatenate([start, tin_start])
                cohort = np.concatenate([cohort, tin_cohorts[-1]])
                transfer = np.concatenate([transfer, np.ones(tin, dtype=bool)])
                cease = np.concatenate([cease, np.full(tin, OPEN)])
                reason = np.concatenate([reason, np.zeros(tin, dtype=np.int64)])
        # A cease date past the last census window can only come from the simulation horizon: none here.
        self.plan_start, self.plan_cohort, self.plan_transfer = start, cohort, transfer
        self.plan_cease, self.plan_reason = cease, reason
        self.census_days, self.census_targets = t, targets
        self.n_plans = len(start)

    # ------------------------------------------------------------------ persons
    def build_persons(self) -> None:
        """Plan holders are drawn from the pupils of their cohort; the rest (young adults, the very young)
        are added as persons of their own, as are those of refused requests later."""
        rng = self.rng
        n_pupils = self.n_pupils
        plan_person = np.full(self.n_plans, NONE, dtype=np.int64)
        taken = np.zeros(n_pupils, dtype=bool)
        pool_by_cohort = {}
        order = rng.permutation(n_pupils)
        sorted_cohorts = self.pupil_cohort[order]
        for c in np.unique(self.pupil_cohort):
            pool_by_cohort[int(c)] = order[sorted_cohorts == c]
        for c in np.unique(self.plan_cohort):
            plans = np.flatnonzero(self.plan_cohort == c)
            pool = pool_by_cohort.get(int(c))
            if pool is None:
                continue
            k = min(len(plans), len(pool))
            plan_person[plans[:k]] = pool[:k]
            taken[pool[:k]] = True
            pool_by_cohort[int(c)] = pool[k:]
        self.pupil_pool_by_cohort = pool_by_cohort
        extra = np.flatnonzero(plan_person == NONE)
        plan_person[extra] = n_pupils + np.arange(len(extra))
        n = n_pupils + len(extra)
        cohort = np.concatenate([self.pupil_cohort, self.plan_cohort[extra]])
        birth = np.concatenate([self.pupil_birth, _sep1(self.plan_cohort[extra] - 5) + rng.integers(0, 365, len(extra))])
        self.person_cohort, self.person_birth = cohort, birth
        self.plan_person = plan_person
        self.person_plan = np.full(n, NONE, dtype=np.int64)
        self.person_plan[plan_person] = np.arange(self.n_plans)
        self.n_persons = n
        # Plan holders live here through their school years: no late joining or early leaving.
        holder_pupils = plan_person[plan_person < n_pupils]
        self.pupil_entry[holder_pupils] = np.minimum(self.pupil_entry[holder_pupils], _sep1(self.pupil_cohort[holder_pupils]))
        normal_leave = np.where(self.pupil_sixth[holder_pupils], _sep1(self.pupil_cohort[holder_pupils] + 14) - 1,
                                _sep1(self.pupil_cohort[holder_pupils] + 12) - 1)
        self.pupil_leave[holder_pupils] = normal_leave
        # A spell of SEN support before the plan for plan holders at school then.
        plans_of_pupils = self.person_plan[holder_pupils]
        before = self.plan_start[plans_of_pupils] - rng.integers(200, 900, len(holder_pupils))
        self.pupil_k_start[holder_pupils] = np.maximum(before, self.pupil_entry[holder_pupils])
        self.pupil_k_end[holder_pupils] = self.plan_start[plans_of_pupils]
        no_k = self.pupil_k_start[holder_pupils] >= self.pupil_k_end[holder_pupils]
        self.pupil_k_start[holder_pupils[no_k]] = OPEN
        self.pupil_k_end[holder_pupils[no_k]] = OPEN

    def add_persons(self, cohort: np.ndarray) -> np.ndarray:
        """Persons for requests that never became plans, when their cohort has no pupils left."""
        first = self.n_persons
        k = len(cohort)
        self.person_cohort = np.concatenate([self.person_cohort, cohort])
        self.person_birth = np.concatenate([self.person_birth, _sep1(cohort - 5) + self.rng.integers(0, 365, k)])
        self.person_plan = np.concatenate([self.person_plan, np.full(k, NONE)])
        self.n_persons += k
        return np.arange(first, first + k)

    def pupils_of_cohorts(self, cohort: np.ndarray) -> np.ndarray:
        """A pupil who never has a plan for each cohort given (a new person where the cohort has none left)."""
        out = np.full(len(cohort), NONE, dtype=np.int64)
        for c in np.unique(cohort):
            idx = np.flatnonzero(cohort == c)
            pool = self.pupil_pool_by_cohort.get(int(c), np.zeros(0, dtype=np.int64))
            # Refused requests are drawn with replacement from the cohort's pupils without plans.
            if len(pool):
                out[idx] = pool[self.rng.integers(0, len(pool), len(idx))]
            else:
                out[idx] = self.add_persons(np.full(len(idx), c))
        return out

    # ------------------------------------------------------------------ needs
    def build_needs(self) -> None:
        rng = self.rng
        t2025 = _day(sen2_census_date(2025))
        active = (self.plan_start <= t2025) & (self.plan_cease > t2025)
        need = np.zeros(self.n_plans, dtype=np.int64)
        counts = np.array([cal.NEEDS_2025[x] for x in NEEDS], dtype=float)
        anchored = np.flatnonzero(active)
        labels = np.repeat(np.arange(len(NEEDS)), _largest_remainder(counts, len(anchored)))
        need[anchored] = rng.permutation(labels)
        others = np.flatnonzero(~active)
        need[others] = rng.choice(len(NEEDS), len(others), p=counts / counts.sum())
        self.plan_need = need
        self.plan_need2 = np.where(rng.random(self.n_plans) < 0.4,
                                   (need + rng.integers(1, len(NEEDS), self.n_plans)) % len(NEEDS), NONE)

    # ------------------------------------------------------------------ placements of plan holders
    def build_plan_placements(self) -> None:
        rng = self.rng
        n_slots = self.last_ay - self.first_ay + 1
        years = self.first_ay + np.arange(n_slots)
        slot_start = _sep1(years)
        slot_end = _sep1(years + 1)
        P = self.n_plans
        age = years[None, :] - self.plan_cohort[:, None] + 4
        phase = _phase(age)
        # A slot belongs to the plan's era when the plan is active during it (and the as-at cut allows).
        era = (self.plan_start[:, None] < slot_end[None, :]) & (self.plan_cease[:, None] > slot_start[None, :])
        era &= slot_start[None, :] <= self.sim_end
        elig = _eligibility()
        prior = _phase_prior()
        affinity = _need_affinity()
        cont = _continuity()
        cat = np.full((P, n_slots), NONE, dtype=np.int64)

        # January 2025: the published mix, exactly.
        t2025 = _day(sen2_census_date(2025))
        y25 = 2024 - self.first_ay
        anchored = np.flatnonzero((self.plan_start <= t2025) & (self.plan_cease > t2025))
        w = prior[phase[anchored, y25]] * affinity[self.plan_need[anchored]] * elig[phase[anchored, y25]]
        goal = _largest_remainder(np.array([cal.PLACEMENTS_2025[g] for g in GROUPS], dtype=float), len(anchored))
        cat[anchored, y25] = _quota_assign(rng, w, goal)
        # The mix the quota settled on, by phase and need, for the years without a quota.
        mix = np.full((5, len(NEEDS), len(GROUPS)), 1e-3) * elig[:, None, :]
        np.add.at(mix, (phase[anchored, y25], self.plan_need[anchored], cat[anchored, y25]), 1.0)
        mix = mix * 0.7 + 0.3 * (prior[:, None, :] * affinity[None, :, :] * elig[:, None, :]) * mix.sum(2, keepdims=True)
        mix /= mix.sum(2, keepdims=True)

        # Other plans: a reference year in the middle of their era, its category drawn from that mix.
        has_era = era.any(1)
        ref = np.full(P, NONE, dtype=np.int64)
        ref[anchored] = y25
        others = np.flatnonzero(has_era & (ref == NONE))
        first_slot = np.argmax(era, axis=1)
        last_slot = n_slots - 1 - np.argmax(era[:, ::-1], axis=1)
        ref[others] = (first_slot[others] + last_slot[others]) // 2
        cat[others, ref[others]] = _sample_rows(rng, mix[phase[others, ref[others]], self.plan_need[others]])

        def step(rows: np.ndarray, y_from: int, y_to: int) -> None:
            """Carry the category of slot y_from to y_to for these plans."""
            prev = cat[rows, y_from]
            ph_from, ph_to = phase[rows, y_from], phase[rows, y_to]
            same_phase = ph_from == ph_to
            base = mix[ph_to, self.plan_need[rows]]
            moved = base * cont[prev] * (elig[ph_to] > 0)
            moved = np.where(same_phase[:, None], base * (elig[ph_to] > 0), moved)
            new = _sample_rows(rng, moved / np.maximum(moved.sum(1, keepdims=True), 1e-12))
            stay = same_phase & (rng.random(len(rows)) < STAY[prev]) & (elig[ph_to, prev] > 0)
            cat[rows, y_to] = np.where(stay, prev, new)

        def propagate(rows: np.ndarray, ref_slot: np.ndarray) -> None:
            """From each plan's reference year forwards to its last year, then backwards to its first."""
            for y in range(n_slots):
                fwd = rows[(ref_slot[rows] < y) & era[rows, y]]
                if len(fwd):
                    step(fwd, y - 1, y)
            for y in range(n_slots - 2, -1, -1):
                back = rows[(ref_slot[rows] > y) & era[rows, y]]
                if len(back):
                    step(back, y + 1, y)

        rows = np.flatnonzero(has_era)
        propagate(rows, ref)

        # May 2026: the plan's baselines, exactly, moving as few children as possible.
        baseline = _day(cal.BASELINE_DATE)
        y26 = 2025 - self.first_ay
        if y26 < n_slots:
            active26 = np.flatnonzero((self.plan_start <= baseline) & (self.plan_cease > baseline) & era[:, y26])
            bands = {"M": ("MS", "MSB"), "I": ("MSI", "INMSS"), "EHE": ("EHE",), "UO": ("UNPLACED", "OLA")}
            band_of = np.full(len(GROUPS), 4)
            for b, groups in enumerate(bands.values()):
                band_of[[G[g] for g in groups]] = b
            goal = np.array([self.count(cal.BASELINE_MAINSTREAM), self.count(cal.BASELINE_INMSS),
                             self.count(cal.BASELINE_EHE), self.count(cal.BASELINE_UNPLACED_OR_EOTAS)])
            goal = np.append(goal, len(active26) - goal.sum())
            ph = phase[active26, y26]
            band_elig = np.zeros((len(active26), 5))
            for b in range(5):
                band_elig[:, b] = (elig[ph][:, band_of == b] > 0).any(1)
            current = band_of[cat[active26, y26]]
            before = np.where(y26 > 0, cat[active26, max(y26 - 1, 0)], NONE)
            w = band_elig * (1 + 30 * (np.arange(5)[None, :] == current[:, None]))
            # Children who were already in a band last year find it easiest to be there now.
            was = np.where(before >= 0, band_of[np.maximum(before, 0)], NONE)
            w *= 1 + 5 * (np.arange(5)[None, :] == was[:, None])
            band = _quota_assign(rng, w, goal)
            changed = band != current
            rows_changed = active26[changed]
            if len(rows_changed):
                wm = mix[phase[rows_changed, y26], self.plan_need[rows_changed]] * (
                    band_of[None, :] == band[changed][:, None])
                wm += 1e-9 * (band_of[None, :] == band[changed][:, None]) * (elig[phase[rows_changed, y26]] > 0)
                cat[rows_changed, y26] = _sample_rows(rng, wm / wm.sum(1, keepdims=True))
            # Later years follow from the new 2025/26 placements.
            for y in range(y26 + 1, n_slots):
                fwd = rows[(ref[rows] <= y26) & era[rows, y] & era[rows, y - 1]]
                if len(fwd):
                    step(fwd, y - 1, y)
        self.slot_years, self.slot_start, self.slot_end = years, slot_start, slot_end
        self.plan_slot_cat, self.plan_era, self.plan_phase = cat, era, phase

    def choose_settings(self) -> None:
        """The establishment of every plan holder's placement in every academic year of the plan."""
        rng = self.rng
        cat, era, phase = self.plan_slot_cat, self.plan_era, self.plan_phase
        P, S = cat.shape
        est = np.full((P, S), NONE, dtype=np.int64)
        person = self.plan_person
        is_pupil = person < self.n_pupils
        safe = np.where(is_pupil, person, 0)
        primary = np.where(is_pupil, self.pupil_primary[safe], NONE)
        secondary = np.where(is_pupil, self.pupil_secondary[safe], NONE)
        sixth = np.where(is_pupil, self.pupil_sixth_school[safe], NONE)
        pools = {
            "PRI": self._of_group("PRI"), "SEC": self._of_group("SEC"),
            "SIXTH": np.flatnonzero((self.est_group == "SEC") & self.est_sixth),
            "PRI_BASE": np.flatnonzero((self.est_group == "PRI") & (self.est_unit | self.est_rp)),
            "SEC_BASE": np.flatnonzero((self.est_group == "SEC") & (self.est_unit | self.est_rp)),
            "SP_IN": self._of_group("SP_IN"), "SP_OUT": self._of_group("SP_OUT"), "INMSS": self._of_group("INMSS"),
            "MSI": self._of_group("MSI"), "AP_IN": self._of_group("AP_IN"), "AP_OUT": self._of_group("AP_OUT"),
            "FE_IN": self._of_group("FE_IN"), "FE_OUT": self._of_group("FE_OUT"), "SP16": self._of_group("SP16"),
            "EY": self._of_group("EY"),
        }

        def pick(pool: str, k: int) -> np.ndarray:
            options = pools[pool]
            return options[rng.integers(0, len(options), k)]

        for y in range(S):
            c = cat[:, y]
            ph = phase[:, y]
            e = np.full(P, NONE, dtype=np.int64)
            for g in ("MS", "MSB", "MSI", "SP", "INMSS", "AP", "FE", "SP16", "EY"):
                m = (c == G[g]) & era[:, y]
                k = int(m.sum())
                if not k:
                    continue
                if g == "MS":
                    own = np.select([ph[m] <= 1, ph[m] == 2], [primary[m], secondary[m]], sixth[m])
                    fallback = np.select([ph[m] <= 1, ph[m] == 2], [pick("PRI", k), pick("SEC", k)], pick("SIXTH", k))
                    e[m] = np.where(own >= 0, own, fallback)
                elif g == "MSB":
                    e[m] = np.where(ph[m] <= 1, pick("PRI_BASE", k), pick("SEC_BASE", k))
                elif g == "SP":
                    e[m] = np.where(rng.random(k) < 0.68, pick("SP_IN", k), pick("SP_OUT", k))
                elif g == "AP":
                    e[m] = np.where(rng.random(k) < 0.8, pick("AP_IN", k), pick("AP_OUT", k))
                elif g == "FE":
                    e[m] = np.where(rng.random(k) < 0.75, pick("FE_IN", k), pick("FE_OUT", k))
                else:
                    e[m] = pick({"MSI": "MSI", "INMSS": "INMSS", "SP16": "SP16", "EY": "EY"}[g], k)
            if y > 0:
                # Children stay at the same setting while the category (and, in mainstream, the phase) holds.
                same = (c == cat[:, y - 1]) & (est[:, y - 1] >= 0) & era[:, y - 1]
                mainstream = np.isin(c, [G["MS"], G["MSB"]])
                keep_phase = (ph == phase[:, y - 1]) | ((ph == 3) & (phase[:, y - 1] == 3))
                same &= ~mainstream | keep_phase
                e = np.where(same, est[:, y - 1], e)
            est[:, y] = e
        self.plan_slot_est = est

    def build_placements(self) -> None:
        """Placement rows: pupils' schools, plan holders' placements year by year, merged into episodes."""
        rng = self.rng
        segs_person, segs_start, segs_end, segs_est, segs_setting, segs_funded = [], [], [], [], [], []

        def add(person, start, end, est, setting, funded):
            keep = end > start
            segs_person.append(person[keep])
            segs_start.append(start[keep])
            segs_end.append(end[keep])
            segs_est.append(est[keep])
            segs_setting.append(setting[keep])
            segs_funded.append(funded[keep])

        # Plan holders' era: from the first era slot (or the plan start within it) to the plan's end.
        cat, est, era = self.plan_slot_cat, self.plan_slot_est, self.plan_era
        P, S = cat.shape
        start_slot = np.argmax(era, axis=1)
        has_era = era.any(1)
        change = np.tile(self.slot_start, (P, 1))
        # Moves during a year happen in the autumn (before the January census) or, in 2025/26, by May.
        prev_cat = np.concatenate([np.full((P, 1), NONE), cat[:, :-1]], axis=1)
        phase = self.plan_phase
        prev_phase = np.concatenate([np.full((P, 1), NONE), phase[:, :-1]], axis=1)
        mid_year = (cat != prev_cat) & (phase == prev_phase) & (prev_cat >= 0)
        span = np.full(S, 130)
        y26 = 2025 - self.first_ay
        if y26 < S:
            span[y26] = 260
        change = np.where(mid_year, change + (rng.random((P, S)) * span[None, :]).astype(np.int64), change)
        # The plan's first year: specialist placements follow the plan; mainstream carries on from September.
        rows = np.flatnonzero(has_era)
        first = start_slot[rows]
        first_cat = cat[rows, first]
        begin = np.where(SPECIALIST[np.maximum(first_cat, 0)],
                         np.maximum(self.plan_start[rows] + rng.integers(0, 60, len(rows)), self.slot_start[first]),
                         self.slot_start[first])
        # ... but before the census dates the calibration counts at, where the plan started before them.
        t2025 = _day(sen2_census_date(2025))
        baseline = _day(cal.BASELINE_DATE)
        for y, anchor in ((2024 - self.first_ay, t2025), (y26, baseline)):
            m = (first == y) & (self.plan_start[rows] <= anchor)
            begin[m] = np.minimum(begin[m], anchor - 1)
        begin = np.minimum(begin, self.slot_end[first] - 1)
        change[rows, first] = begin
        for y, anchor in ((2024 - self.first_ay, t2025), (y26, baseline)):
            if y < S:
                m = change[:, y] >= anchor
                m &= (self.plan_start <= anchor) & (self.plan_cease > anchor)
                change[m, y] = anchor - 1 - rng.integers(0, 20, int(m.sum()))
                change[m, y] = np.maximum(change[m, y], self.slot_start[y])
        # Where a plan ceases, the placement ends with it, except when needs are met at school.
        era_end = self.plan_cease
        plan_person = self.plan_person
        self.plan_era_begin = np.where(has_era, change[np.arange(P), start_slot], OPEN)
        unplaced_res = []
        for y in range(S):
            m = era[:, y] & (cat[:, y] >= 0)
            rows_y = np.flatnonzero(m)
            if not len(rows_y):
                continue
            s = change[rows_y, y]
            nxt = np.where(y + 1 < S, change[rows_y, min(y + 1, S - 1)], OPEN)
            has_next = (y + 1 < S) & era[rows_y, min(y + 1, S - 1)]
            e = np.where(has_next, nxt, np.minimum(era_end[rows_y], np.where(y + 1 < S, OPEN, OPEN)))
            # Young people leave education at the end of their last year in it.
            last_slot = ~has_next & (self.plan_cease[rows_y] > self.slot_end[y])
            e = np.where(last_slot & (self.slot_end[y] <= self.sim_end), np.minimum(e, self.slot_end[y] - 1), e)
            e = np.minimum(e, era_end[rows_y])
            c = cat[rows_y, y]
            est_y = est[rows_y, y]
            setting = np.array([SETTING_OF_GROUP.get(GROUPS[g], "") for g in range(len(GROUPS))], dtype=object)[c]
            if y == 0:
                # Placements running when the history starts began earlier: at the start of the phase, or
                # with the plan for specialist settings.
                r0 = self.plan_cohort[rows_y]
                phase_start = np.select([phase[rows_y, 0] == 1, phase[rows_y, 0] == 2, phase[rows_y, 0] == 3,
                                         phase[rows_y, 0] == 4], [_sep1(r0), _sep1(r0 + 7), _sep1(r0 + 12),
                                                                  _sep1(r0 + 14)], _sep1(r0 - 2))
                since = np.where(SPECIALIST[c], np.maximum(phase_start, self.plan_start[rows_y]), phase_start)
                s = np.where(s == self.start, np.minimum(s, since), s)
            unplaced = c == G["UNPLACED"]
            if unplaced.any():
                # An unplaced spell lasts weeks to months, then a place is found.
                anchor = {2024 - self.first_ay: t2025, y26: baseline}.get(y)
                u_rows = np.flatnonzero(unplaced)
                res = s[u_rows] + rng.integers(20, 150, len(u_rows))
                if anchor is not None:
                    res = np.where(s[u_rows] < anchor, np.maximum(res, anchor + rng.integers(5, 60, len(u_rows))), res)
                res = np.minimum(res, e[u_rows] - 1)
                found = res > s[u_rows]
                u_rows, res = u_rows[found], res[found]
                target_cat = np.where(rng.random(len(u_rows)) < 0.5, G["SP"], G["INMSS"])
                target_cat = np.where(phase[rows_y[u_rows], y] >= 3, G["FE"], target_cat)
                target_cat = np.where(phase[rows_y[u_rows], y] == 0, G["EY"], target_cat)
                pool = {G["SP"]: self._of_group("SP_IN", "SP_OUT"), G["INMSS"]: self._of_group("INMSS"),
                        G["FE"]: self._of_group("FE_IN"), G["EY"]: self._of_group("EY")}
                res_est = np.array([pool[tc][rng.integers(0, len(pool[tc]))] for tc in target_cat], dtype=np.int64)
                unplaced_res.append((rows_y[u_rows], res, e[u_rows], res_est))
                e = e.copy()
                e[u_rows] = res
            add(plan_person[rows_y], s, e, est_y, setting, np.isin(c, [G[g] for g in (
                "MS", "MSB", "MSI", "SP", "INMSS", "AP", "SP16", "OLA", "FE")]))
        for rows_u, s, e, est_u in unplaced_res:
            add(plan_person[rows_u], s, e, est_u, np.full(len(rows_u), "", dtype=object), np.ones(len(rows_u), bool))

        # Pupils' own schools, cut around the plan era of plan holders.
        n = self.n_pupils
        pid = np.arange(n)
        r = self.pupil_cohort
        entry, leave = self.pupil_entry, self.pupil_leave
        plan_of = self.person_plan[:n]
        cut_from = np.full(n, OPEN, dtype=np.int64)
        resume = np.full(n, OPEN, dtype=np.int64)
        holders = np.flatnonzero(plan_of >= 0)
        cut_from[holders] = self.plan_era_begin[plan_of[holders]]
        met = holders[(self.plan_reason[plan_of[holders]] == 2) & (self.plan_cease[plan_of[holders]] < OPEN)]
        resume[met] = self.plan_cease[plan_of[met]]
        sec_start = _sep1(r + 7)
        sixth_start = _sep1(r + 12)
        blank = np.full(n, "", dtype=object)
        false = np.zeros(n, dtype=bool)
        secondary_end = np.where(self.est_sixth[self.pupil_secondary] & self.pupil_sixth, leave + 1,
                                 np.minimum(leave + 1, sixth_start))
        sixth_elsewhere = self.pupil_sixth & ~self.est_sixth[self.pupil_secondary]
        for s, e, school, m in (
            (entry, np.minimum(leave + 1, sec_start), self.pupil_primary, np.ones(n, bool)),
            (np.maximum(entry, sec_start), secondary_end, self.pupil_secondary, np.ones(n, bool)),
            (np.maximum(entry, sixth_start), leave + 1, self.pupil_sixth_school, sixth_elsewhere),
        ):
            for lo, hi in ((s, np.minimum(e, cut_from)), (np.maximum(s, resume), e)):
                keep = m & (hi > lo) & (hi > self.start)
                add(pid[keep], lo[keep], hi[keep], school[keep], blank[keep], false[keep])
        self.segments = [np.concatenate(x) for x in (segs_person, segs_start, segs_end, segs_est, segs_setting,
                                                      segs_funded)]

    def finish_placements(self) -> None:
        """Merge back-to-back rows at the same setting into one placement and cut everything at the as-at date."""
        person, start, end, est, setting, funded = self.segments
        keep = (start <= self.sim_end) & (end > self.start)
        person, start, end, est, setting, funded = (a[keep] for a in (person, start, end, est, setting, funded))
        setting_code = np.unique(setting, return_inverse=True)[1]
        order = np.lexsort((start, person))
        person, start, end, est, setting, funded, setting_code = (
            a[order] for a in (person, start, end, est, setting, funded, setting_code))
        same_as_prev = np.zeros(len(person), dtype=bool)
        same_as_prev[1:] = ((person[1:] == person[:-1]) & (est[1:] == est[:-1]) & (setting_code[1:] == setting_code[:-1])
                            & (start[1:] <= end[:-1] + 1))
        heads = np.flatnonzero(~same_as_prev)
        merged_end = np.maximum.reduceat(end, heads)
        person, start, est, setting, funded = person[heads], start[heads], est[heads], setting[heads], funded[heads]
        end = merged_end
        # Overlaps left by moves dated inside a year: a later row starts where the earlier ends.
        overlap = np.zeros(len(person), dtype=bool)
        overlap[:-1] = (person[1:] == person[:-1]) & (end[:-1] > start[1:])
        end = np.where(overlap, np.append(start[1:], 0), end)
        good = end > start
        self.pl_person, self.pl_start, self.pl_end = person[good], start[good], end[good]
        self.pl_est, self.pl_setting, self.pl_funded = est[good], setting[good], funded[good]

    # ------------------------------------------------------------------ lookups
    def placement_on(self, persons: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Index of each person's placement open on each day (latest start), or NONE."""
        out = np.full(len(persons), NONE, dtype=np.int64)
        # The placements' order by person is kept until placements change (their number changes).
        cached = getattr(self, "_placement_order", None)
        if cached is None or len(cached[0]) != len(self.pl_person):
            order = np.lexsort((self.pl_start, self.pl_person))
            self._placement_order = (order, self.pl_person[order])
        order, ps = self._placement_order
        lo = np.searchsorted(ps, persons, "left")
        hi = np.searchsorted(ps, persons, "right")
        width = int((hi - lo).max()) if len(persons) else 0
        for j in range(width):
            idx = lo + j
            valid = idx < hi
            cand = order[np.minimum(idx, len(order) - 1)]
            ok = valid & (self.pl_start[cand] <= days) & (self.pl_end[cand] > days)
            out = np.where(ok, cand, out)
        return out

    def split_at_placements(self, persons: np.ndarray, start: np.ndarray, end: np.ndarray):
        """Split each spell [start, end) of `persons` into pieces, one per establishment the person's placements
        put them at during it (a time with no placement at an establishment is a piece without one; before the
        history begins, the first placement's). Returns (spell index, start, end, establishment) of each piece,
        back-to-back pieces at the same establishment merged, so no two pieces of a spell overlap."""
        n = len(persons)
        if not n:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, empty
        self.placement_on(persons[:1], start[:1])  # builds the placements' order by person
        order, ps = self._placement_order
        lo = np.searchsorted(ps, persons, "left")
        hi = np.searchsorted(ps, persons, "right")
        pieces = []
        for j in range(int((hi - lo).max())):
            idx = lo + j
            cand = order[np.minimum(idx, len(order) - 1)]
            p_start = np.maximum(start, self.pl_start[cand])
            p_end = np.minimum(end, self.pl_end[cand])
            ok = (idx < hi) & (p_start < p_end) & (self.pl_est[cand] >= 0)
            pieces.append((np.flatnonzero(ok), p_start[ok], p_end[ok], self.pl_est[cand][ok]))
        spell, p_start, p_end, est = (np.concatenate(a) for a in zip(*pieces, strict=True))
        by = np.lexsort((p_start, spell))
        spell, p_start, p_end, est = spell[by], p_start[by], p_end[by], est[by]
        first = np.ones(len(spell), dtype=bool)
        first[1:] = spell[1:] != spell[:-1]
        # Before the history begins the child was where their first placement in it puts them.
        p_start = np.where(first & (p_start <= self.start), start[spell], p_start)
        # Gaps without a placement at an establishment: before the first piece, between pieces, after the last.
        prev_end = np.where(first, start[spell], np.append(0, p_end[:-1]))
        last = np.ones(len(spell), dtype=bool)
        last[:-1] = spell[:-1] != spell[1:]
        covered = np.zeros(n, dtype=bool)
        covered[spell] = True
        uncovered = np.flatnonzero(~covered)
        gap_spell = np.concatenate([spell[prev_end < p_start], spell[last & (p_end < end[spell])], uncovered])
        gap_start = np.concatenate([prev_end[prev_end < p_start], p_end[last & (p_end < end[spell])],
                                    start[uncovered]])
        gap_end = np.concatenate([p_start[prev_end < p_start], end[spell[last & (p_end < end[spell])]],
                                  end[uncovered]])
        spell = np.concatenate([spell, gap_spell])
        p_start, p_end = np.concatenate([p_start, gap_start]), np.concatenate([p_end, gap_end])
        est = np.concatenate([est, np.full(len(gap_spell), NONE, dtype=est.dtype)])
        by = np.lexsort((p_start, spell))
        spell, p_start, p_end, est = spell[by], p_start[by], p_end[by], est[by]
        # Merge back-to-back pieces of a spell at the same establishment (placements differing only in setting).
        same = np.zeros(len(spell), dtype=bool)
        same[1:] = (spell[1:] == spell[:-1]) & (est[1:] == est[:-1]) & (p_start[1:] <= p_end[:-1])
        heads = np.flatnonzero(~same)
        return spell[heads], p_start[heads], np.maximum.reduceat(p_end, heads), est[heads]

    def sen_provision_on(self, persons: np.ndarray, days: np.ndarray) -> np.ndarray:
        """'E', 'K' or 'N' for each person on each day."""
        plan = self.person_plan[persons]
        safe = np.maximum(plan, 0)
        e = (plan >= 0) & (self.plan_start[safe] <= days) & (self.plan_cease[safe] > days)
        pupil = persons < self.n_pupils
        sp = np.where(pupil, persons, 0)
        k = pupil & (self.pupil_k_start[sp] <= days) & (self.pupil_k_end[sp] > days)
        return np.where(e, "E", np.where(k, "K", "N"))

    # ------------------------------------------------------------------ the statutory pipeline
    def build_pipeline(self) -> None:
        """Requests, assessments and the plans table, with the published yearly figures held exactly."""
        rng = self.rng
        plans = np.flatnonzero(~self.plan_transfer)
        start = self.plan_start[plans]
        year = _ymd(start)[0]
        duration = np.zeros(len(plans), dtype=np.int64)
        exception = np.zeros(len(plans), dtype=bool)
        for y in np.unique(year):
            idx = np.flatnonzero(year == y)
            if y < 2019:
                p_within, n_exc = 0.5, 0
            else:
                p_within = cal.yearly(cal.WITHIN_20_WEEKS_EX, cal.PROJECTED_WITHIN_20_WEEKS_EX, int(y), 0)
                n_exc = (self.count(cal.WEEK20_EXCEPTIONS[y]) if y in cal.WEEK20_EXCEPTIONS
                         else int(round(0.03 * len(idx))))
            idx = rng.permutation(idx)
            exc, rest = idx[:n_exc], idx[n_exc:]
            within = int(round(p_within * len(rest)))
            exception[exc] = True
            duration[exc] = 120 + (rng.exponential(80, len(exc))).astype(np.int64)
            duration[rest[:within]] = 84 + (56 * rng.beta(3, 1.5, within)).astype(np.int64)
            late = rest[within:]
            duration[late] = 141 + np.minimum(rng.exponential(55, len(late)), 300).astype(np.int64)
        received = start - duration
        historical = start < self.start
        # Decisions whether to assess: most within six weeks.
        received_year = _ymd(received)[0]
        p6 = np.array([cal.DECISIONS_WITHIN_6_WEEKS.get(int(y), cal.DEFAULT_DECISIONS_WITHIN_6_WEEKS)
                       for y in received_year])
        on_time = rng.random(len(plans)) < p6
        decided = received + np.where(on_time, rng.integers(21, 43, len(plans)), rng.integers(43, 80, len(plans)))
        decided = np.minimum(decided, start - 28)
        decided = np.maximum(decided, received)
        # The decision to issue falls in the calendar year the plan is issued, as the published counts do.
        assessed = np.maximum(start - rng.integers(5, 26, len(plans)), decided + 7)
        assessed = np.maximum(assessed, _jan1(_ymd(start)[0]))
        assessed = np.minimum(assessed, start)
        req_person = [self.plan_person[plans]]
        req_received = [received]
        req_outcome = [np.where(historical, "H", "Y").astype(object)]
        req_decided = [decided]
        req_assessment = [np.ones(len(plans), dtype=bool)]
        as_outcome = [np.where(historical, "H", "Y").astype(object)]
        as_date = [assessed]
        as_exception = [exception]
        as_plan = [plans]

        def requests_for(k: int, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """k pupils of request age (mostly primary) with a date between lo and hi."""
            day = lo + (rng.random(k) * (hi - lo)).astype(np.int64)
            ages = rng.choice(np.array(list(cal.NEW_PLAN_AGES)), k,
                              p=np.array(list(cal.NEW_PLAN_AGES.values())) / sum(cal.NEW_PLAN_AGES.values()))
            return self.pupils_of_cohorts(_academic_year(day) - ages + 4), day

        last_year = int(_ymd(np.array([self.horizon]))[0][0])
        for y in range(2019, last_year + 1):
            lo, hi = int(_jan1(y)), int(_jan1(y + 1))
            # Assessments that did not lead to a plan, by the year of the decision.
            k = self.count(cal.ASSESSMENTS_NOT_ISSUED.get(y, 8))
            person, outcome_day = requests_for(k, np.full(k, lo), np.full(k, hi))
            rec = outcome_day - rng.integers(100, 141, k)
            req_person.append(person)
            req_received.append(rec)
            req_outcome.append(np.full(k, "Y", dtype=object))
            req_decided.append(rec + rng.integers(28, 43, k))
            req_assessment.append(np.ones(k, dtype=bool))
            as_outcome.append(np.full(k, "N", dtype=object))
            as_date.append(outcome_day)
            as_exception.append(np.zeros(k, dtype=bool))
            as_plan.append(np.full(k, NONE))
        # Refusals, withdrawals and the rest, filling each year's number of requests.
        all_received = np.concatenate(req_received)
        for y in range(2019, last_year + 1):
            lo, hi = int(_jan1(y)), int(_jan1(y + 1))
            refused = self.count(cal.yearly(cal.REQUESTS_NOT_ASSESSED, {2025: 150, 2026: 155}, y))
            already = int(((all_received >= lo) & (all_received < hi)).sum())
            rest = self.count(cal.yearly(cal.REQUESTS, cal.PROJECTED_REQUESTS, y)) - already - refused
            if rest < 0:
                refused, rest = max(refused + rest, 0), 0
            extra_refused = int(round(0.4 * rest))
            withdrawn = int(round(0.3 * rest))
            assess_withdrawn = rest - extra_refused - withdrawn
            k = refused + extra_refused + withdrawn + assess_withdrawn
            person, rec = requests_for(k, np.full(k, lo), np.full(k, hi))
            outcome = np.array(["N"] * (refused + extra_refused) + ["W"] * withdrawn + ["Y"] * assess_withdrawn,
                               dtype=object)
            on_time = rng.random(k) < cal.DECISIONS_WITHIN_6_WEEKS.get(y, cal.DEFAULT_DECISIONS_WITHIN_6_WEEKS)
            dec = rec + np.where(on_time, rng.integers(20, 43, k), rng.integers(43, 71, k))
            req_person.append(person)
            req_received.append(rec)
            req_outcome.append(outcome)
            req_decided.append(dec)
            req_assessment.append(outcome == "Y")
            n_as = int((outcome == "Y").sum())
            as_outcome.append(np.full(n_as, "W", dtype=object))
            as_date.append(dec[outcome == "Y"] + rng.integers(30, 100, n_as))
            as_exception.append(np.zeros(n_as, dtype=bool))
            as_plan.append(np.full(n_as, NONE))
        person = np.concatenate(req_person)
        received = np.concatenate(req_received)
        outcome = np.concatenate(req_outcome)
        decided = np.concatenate(req_decided)
        has_assessment = np.concatenate(req_assessment)
        a_outcome = np.concatenate(as_outcome)
        a_date = np.concatenate(as_date)
        a_exception = np.concatenate(as_exception)
        a_plan = np.concatenate(as_plan)
        # Order by date received, so identifiers read in order.
        order = np.argsort(received, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        request_of_assessment = rank[np.flatnonzero(has_assessment)]
        a_order = np.argsort(request_of_assessment, kind="stable")
        self.req_person, self.req_received = person[order], received[order]
        self.req_outcome, self.req_decided = outcome[order], decided[order]
        self.as_request = request_of_assessment[a_order]
        self.as_outcome, self.as_date = a_outcome[a_order], a_date[a_order]
        self.as_exception, self.as_plan = a_exception[a_order], a_plan[a_order]
        self.plan_assessment = np.full(self.n_plans, NONE, dtype=np.int64)
        with_plan = self.as_plan >= 0
        self.plan_assessment[self.as_plan[with_plan]] = np.flatnonzero(with_plan)
        self.req_source = rng.choice([1, 2, 3, 4, 5], len(order), p=[0.35, 0.55, 0.06, 0.02, 0.02])
        self.req_mediation = rng.random(len(order)) < np.where(self.req_outcome == "N", 0.06, 0.005)
        self.as_mediation = rng.random(len(a_order)) < 0.02

    # ------------------------------------------------------------------ tables of the pipeline
    def pipeline_tables(self) -> None:
        rng, la, cut = self.rng, self.la, self.as_at
        # Tribunal appeals: refusals to assess or issue, a plan's contents or placement, and ceasing.
        refused = np.flatnonzero((self.req_outcome == "N") & (self.req_decided <= cut))
        appeal_refused = refused[rng.random(len(refused)) < 0.06]
        not_issued = np.flatnonzero((self.as_outcome == "N") & (self.as_date <= cut))
        appeal_not_issued = not_issued[rng.random(len(not_issued)) < 0.25]
        new_plans = np.flatnonzero((self.plan_start >= self.start) & (self.plan_start <= cut))
        appeal_plans = new_plans[rng.random(len(new_plans)) < 0.05]
        ceased = np.flatnonzero((self.plan_cease <= cut) & np.isin(self.plan_reason, [2, 6, 9]))
        appeal_ceased = ceased[rng.random(len(ceased)) < 0.03]
        ap_person = np.concatenate([self.req_person[appeal_refused],
                                    self.req_person[self.as_request[appeal_not_issued]],
                                    self.plan_person[appeal_plans], self.plan_person[appeal_ceased]])
        lodged = np.concatenate([self.req_decided[appeal_refused] + rng.integers(20, 60, len(appeal_refused)),
                                 self.as_date[appeal_not_issued] + rng.integers(20, 60, len(appeal_not_issued)),
                                 self.plan_start[appeal_plans] + rng.integers(14, 60, len(appeal_plans)),
                                 self.plan_cease[appeal_ceased] - rng.integers(10, 40, len(appeal_ceased))])
        kind = np.array(["REFUSAL_TO_ASSESS"] * len(appeal_refused) + ["REFUSAL_TO_ISSUE"] * len(appeal_not_issued)
                        + list(rng.choice(["CONTENTS", "PLACEMENT"], len(appeal_plans), p=[0.55, 0.45]))
                        + ["CEASE"] * len(appeal_ceased), dtype=object)
        keep = lodged <= cut
        ap_person, lodged, kind = ap_person[keep], lodged[keep], kind[keep]
        order = np.argsort(lodged, kind="stable")
        ap_person, lodged, kind = ap_person[order], lodged[order], kind[order]
        decided = lodged + rng.integers(120, 300, len(lodged))
        outcome = rng.choice(["UPHELD", "PARTLY_UPHELD", "DISMISSED", "WITHDRAWN", "CONCEDED"], len(lodged),
                             p=[0.45, 0.1, 0.05, 0.2, 0.2]).astype(object)
        open_ = decided > cut
        outcome[open_] = None
        self.tables["tribunal_appeal"] = _Columns(
            appeal_id=_ids(f"{la}-T", len(lodged), width=5), person_id=self.person_ids.take(ap_person),
            lodged_date=lodged, appeal_type=kind, outcome=outcome, decided_date=np.where(open_, OPEN, decided),
        ).table("tribunal_appeal", len(lodged))
        req_tribunal = np.zeros(len(self.req_person), dtype=bool)
        req_tribunal[appeal_refused] = True
        as_tribunal = np.zeros(len(self.as_request), dtype=bool)
        as_tribunal[appeal_not_issued] = True

        # Requests received by the as-at date; decisions and assessments after it are still awaited.
        keep = self.req_received <= cut
        undecided = self.req_decided > cut
        outcome = self.req_outcome.copy()
        outcome[undecided] = "A"
        n = int(keep.sum())
        request_ids = _ids(f"{la}-R", len(keep))
        self.tables["ehc_request"] = _Columns(
            request_id=request_ids.filter(pa.array(keep)),
            person_id=self.person_ids.take(self.req_person[keep]),
            received_date=self.req_received[keep],
            request_source=self.req_source[keep],
            outcome=outcome[keep],
            outcome_date=np.where(undecided, OPEN, self.req_decided)[keep],
            mediation=self.req_mediation[keep],
            tribunal=req_tribunal[keep],
        ).table("ehc_request", n)
        a_keep = keep[self.as_request] & ~undecided[self.as_request]
        a_open = self.as_date > cut
        a_outcome = self.as_outcome.copy()
        a_outcome[a_open] = "A"
        assessment_ids = _ids(f"{la}-A", len(a_keep))
        self.tables["ehc_assessment"] = _Columns(
            assessment_id=assessment_ids.filter(pa.array(a_keep)),
            request_id=request_ids.take(self.as_request[a_keep]),
            outcome=a_outcome[a_keep],
            outcome_date=np.where(a_open, OPEN, self.as_date)[a_keep],
            week20_exception=self.as_exception[a_keep],
            mediation=self.as_mediation[a_keep],
            tribunal=as_tribunal[a_keep],
        ).table("ehc_assessment", int(a_keep.sum()))

        p_keep = self.plan_start <= cut
        order = np.flatnonzero(p_keep)[np.argsort(self.plan_start[p_keep], kind="stable")]
        ceased = self.plan_cease[order] <= cut
        neighbours = NEIGHBOURS_870 if la == "870" else tuple(r[0] for r in cal.la_plans_2025() if r[0] != la)
        transfer = self.plan_transfer[order]
        ids = _ids(f"{la}-EHCP", len(order))
        self.plan_id_of = np.full(self.n_plans, "", dtype=object)
        self.plan_id_of[order] = ids.to_numpy(zero_copy_only=False)
        self.tables["ehc_plan"] = _Columns(
            plan_id=ids,
            person_id=self.person_ids.take(self.plan_person[order]),
            assessment_id=assessment_ids.take(pa.array(np.maximum(self.plan_assessment[order], 0), mask=transfer)),
            start_date=self.plan_start[order],
            cease_date=np.where(ceased, self.plan_cease[order], OPEN),
            cease_reason=pa.array(self.plan_reason[order], mask=~ceased),
            transfer_in_la=pa.array([neighbours[int(i)] for i in rng.integers(0, len(neighbours), len(order))],
                                    mask=~transfer),
        ).table("ehc_plan", len(order))

    # ------------------------------------------------------------------ people
    def person_table(self) -> None:
        rng, la, n = self.rng, self.la, self.n_persons
        self.person_ids = _ids(f"{la}-P", n)
        sex = rng.choice(["M", "F", "U"], n, p=[0.51, 0.488, 0.002])
        # Boys are about three in four of plan holders.
        holders = self.person_plan >= 0
        sex[holders] = rng.choice(["M", "F"], int(holders.sum()), p=[0.72, 0.28])
        # Names and codes are drawn from small lists, so each column is a take from its list.
        girl = sex == "F"
        f_names = pa.array(names.FORENAMES_F + names.FORENAMES_M)
        forename = f_names.take(np.where(girl, rng.integers(0, len(names.FORENAMES_F), n),
                                         len(names.FORENAMES_F) + rng.integers(0, len(names.FORENAMES_M), n)))
        surname = pa.array(names.SURNAMES).take(rng.integers(0, len(names.SURNAMES), n))
        eth = pa.array(list(ETHNICITY))
        w = np.array(list(ETHNICITY.values()), dtype=float)
        ethnicity = eth.take(rng.choice(len(eth), n, p=w / w.sum()))
        la_number = int(la) if la.isdigit() else 999
        letters = list("ABCDEFGHJKLMNPQRTUVWXYZ")
        school_age_by_now = self.person_cohort <= self.last_ay
        # UPN: the LA code and a serial number, so unique across areas, after their check letter.
        upn = _upns(la_number, n)
        uln_due = (_academic_year(np.array([self.as_at]))[0] - self.person_cohort + 4) >= 14
        uln = _ulns(la_number, n)
        prefix = "RG" if la == "870" else f"ZZ{la_number % 90 + 1}"
        postcodes = pa.array([f"{prefix}{d} 9Z{u}" if la == "870" else f"{prefix} 9Z{u}"
                              for d in range(1, 32) for u in letters])
        postcode = postcodes.take(rng.integers(0, len(postcodes), n))
        self.tables["person"] = _Columns(
            person_id=self.person_ids,
            upn=pc.if_else(pa.array(school_age_by_now), upn, pa.scalar(None, pa.string())),
            uln=pc.if_else(pa.array(uln_due), uln, pa.scalar(None, pa.string())),
            forename=forename, surname=surname, birth_date=self.person_birth, sex=sex, ethnicity=ethnicity,
            postcode=postcode, home_la=pa.array([la]).take(np.zeros(n, dtype=np.int64)),
        ).table("person", n)

    def sen_tables(self) -> None:
        """sen_need (primary and secondary needs) to the as-at date; sen_status is written once the placements
        are final (`sen_status_table`)."""
        rng, cut = self.rng, self.as_at
        n = self.n_pupils
        k_rows = np.flatnonzero(self.pupil_k_start < OPEN)
        # Needs: plan holders' from the plan (or their SEN support before it); SEN support pupils' own.
        k_need = np.array(list(K_NEEDS))
        kw = np.array(list(K_NEEDS.values()), dtype=float)
        plain_k = k_rows[self.person_plan[k_rows] < 0]
        p_start = self.plan_start - rng.integers(120, 400, self.n_plans)
        holder_pupil = self.plan_person < n
        p_start = np.where(holder_pupil & (self.pupil_k_start[np.minimum(self.plan_person, n - 1)] < p_start),
                           self.pupil_k_start[np.minimum(self.plan_person, n - 1)], p_start)
        has2 = self.plan_need2 >= 0
        need_person = np.concatenate([self.plan_person, self.plan_person[has2], plain_k])
        need_type = np.concatenate([np.array(NEEDS, dtype=object)[self.plan_need],
                                    np.array(NEEDS, dtype=object)[self.plan_need2[has2]],
                                    k_need[rng.choice(len(k_need), len(plain_k), p=kw / kw.sum())]])
        rank = np.concatenate([np.ones(self.n_plans, np.int64), np.full(int(has2.sum()), 2), np.ones(len(plain_k), np.int64)])
        n_start = np.concatenate([p_start, self.plan_start[has2], self.pupil_k_start[plain_k]])
        n_end = np.concatenate([self.plan_cease, self.plan_cease[has2],
                                np.minimum(self.pupil_k_end[plain_k], self.pupil_leave[plain_k] + 1)])
        keep = (n_start <= cut) & (n_end > self.start)
        order = np.flatnonzero(keep)[np.lexsort((rank[keep], need_person[keep]))]
        self.tables["sen_need"] = _Columns(
            person_id=self.person_ids.take(need_person[order]), need_type=need_type[order], need_rank=rank[order],
            start_date=n_start[order], end_date=np.where(n_end[order] > cut, OPEN, n_end[order]),
        ).table("sen_need", len(order))

    def sen_status_table(self) -> None:
        """sen_status (E and K spells) to the as-at date, each spell split where the child's placement changes
        establishment: a status is recorded by the setting the child is at, so a move ends it there."""
        cut = self.as_at
        n = self.n_pupils
        k_rows = np.flatnonzero(self.pupil_k_start < OPEN)
        # SEN support again after a plan ceases because needs are met at school.
        met = np.flatnonzero((self.plan_reason == 2) & (self.plan_cease < OPEN) & (self.plan_person < n))
        met_person = self.plan_person[met]
        met_end = self.pupil_leave[met_person] + 1
        met = met[met_end > self.plan_cease[met]]
        met_person = self.plan_person[met]
        self.post_plan_k = (met_person, self.plan_cease[met], self.pupil_leave[met_person] + 1)
        person = np.concatenate([k_rows, self.plan_person, met_person])
        start = np.concatenate([self.pupil_k_start[k_rows], self.plan_start, self.plan_cease[met]])
        end = np.concatenate([np.minimum(self.pupil_k_end[k_rows], self.pupil_leave[k_rows] + 1), self.plan_cease,
                              self.pupil_leave[met_person] + 1])
        provision = np.array(["K"] * len(k_rows) + ["E"] * self.n_plans + ["K"] * len(met), dtype=object)
        keep = (start <= cut) & (end > self.start) & (end > start)
        person, start, end, provision = person[keep], start[keep], end[keep], provision[keep]
        # A status is recorded by the setting the child is at: split each spell where the placement changes.
        spell, start, end, est = self.split_at_placements(person, start, end)
        now = start <= cut  # a move after the as-at date has not happened yet
        spell, start, end, est = spell[now], start[now], end[now], est[now]
        person, provision = person[spell], provision[spell]
        order = np.lexsort((start, person))
        person, start, end, provision, est = (a[order] for a in (person, start, end, provision, est))
        self.tables["sen_status"] = _Columns(
            person_id=self.person_ids.take(person),
            establishment_id=self.est_ids.take(pa.array(np.maximum(est, 0), mask=est < 0)),
            sen_provision=provision, start_date=start, end_date=np.where(end > cut, OPEN, end),
        ).table("sen_status", len(person))

    def annual_review_table(self) -> None:
        rng, cut = self.rng, self.as_at
        years = np.arange(1, 26)
        due = self.plan_start[:, None] + 365 * years[None, :]
        plan, k = np.nonzero((due < self.plan_cease[:, None]) & (due <= cut + 30) & (due >= _day(dt.date(2018, 1, 1))))
        meeting = due[plan, k] + rng.integers(-25, 40, len(plan))
        ok = (meeting <= cut) & (meeting < self.plan_cease[plan]) & (meeting > self.plan_start[plan])
        plan, meeting = plan[ok], meeting[ok]
        order = np.lexsort((meeting, plan))
        plan, meeting = plan[order], meeting[order]
        decision = meeting + rng.integers(3, 36, len(plan))
        undecided = decision > cut
        age = _academic_year(meeting) - self.plan_cohort[plan] + 4
        ends_soon = (self.plan_cease[plan] - meeting < 200) & np.isin(self.plan_reason[plan], [1, 2, 3, 4, 6])
        outcome = np.where(ends_soon, "C", np.where(rng.random(len(plan)) < 0.45, "A", "M")).astype(object)
        outcome[undecided] = None
        # A review that finds the school cannot meet need usually comes before a move out of mainstream.
        slot = np.clip(_academic_year(meeting) - self.first_ay, 0, self.plan_slot_cat.shape[1] - 1)
        now = self.plan_slot_cat[plan, slot]
        nxt = self.plan_slot_cat[plan, np.minimum(slot + 1, self.plan_slot_cat.shape[1] - 1)]
        mainstream = np.isin(now, [G["MS"], G["MSB"]])
        leaves = mainstream & np.isin(nxt, [G[g] for g in ("SP", "INMSS", "AP", "OLA", "UNPLACED", "EHE")])
        cannot = rng.random(len(plan)) < np.where(leaves, 0.6, np.where(mainstream, 0.025, 0.01))
        year = _ymd(meeting)[0]
        pfa = (age >= 14) & (rng.random(len(plan)) < np.clip(0.1 + 0.07 * (year - 2019), 0.1, 0.65))
        transfer = np.isin(age, [3, 10, 15, 17])
        self.tables["annual_review"] = _Columns(
            review_id=_ids(f"{self.la}-AR", len(plan)),
            plan_id=self.plan_id_of[plan],
            meeting_date=meeting,
            decision_date=np.where(undecided, OPEN, decision),
            outcome=outcome,
            school_cannot_meet_need=cannot,
            pfa_toolkit_used=pfa,
            phase_transfer=transfer,
        ).table("annual_review", len(plan))

    def casework_tables(self) -> None:
        """Advice requests and officers' allocations are recorded by casework in the app (the demo works a
        history through its services: `sendreform.casework.demo`); an area generated here has none."""
        for name in ("ehc_advice", "ehc_case_allocation"):
            self.tables[name] = arrow_schema(name).empty_table()

    # ------------------------------------------------------------------ exclusions and schools' terms
    def permanent_exclusions(self) -> None:
        """Permanent exclusions, the plan's baseline (E and K since September 2023) held exactly; a pupil
        on SEN support or with no SEN goes on to alternative provision for the rest of compulsory school."""
        rng = self.rng
        period_lo = _day(cal.PERMANENT_EXCLUSIONS_SINCE)
        period_hi = _day(cal.BASELINE_DATE) + 1
        school = (self.pl_est >= 0) & self.is_mainstream[self.pl_est.clip(0)]
        secondary = self.is_secondary[self.pl_est.clip(0)]
        events_person, events_row, events_day, events_prov = [], [], [], []
        years = [(int(_sep1(y)), int(_sep1(y + 1))) for y in range(self.first_ay, self.last_ay + 1)]
        windows = []
        for lo, hi in years:
            # Split the years around the baseline period so the period's counts are exact.
            cuts = sorted({lo, hi, *[c for c in (period_lo, period_hi) if lo < c < hi]})
            windows += list(zip(cuts[:-1], cuts[1:], strict=True))
        in_period = np.array([period_lo <= lo and hi <= period_hi for lo, hi in windows])
        lengths = np.array([hi - lo for lo, hi in windows], dtype=float)
        period_counts = {
            prov: _largest_remainder(lengths * in_period, self.count(
                cal.BASELINE_PERM_EXCLUSIONS.get(prov, 4.0 * (period_hi - period_lo) / 365)))
            for prov in ("E", "K", "N")
        }
        for w, (lo, hi) in enumerate(windows):
            hi = min(hi, self.sim_end + 1)
            if hi <= lo:
                continue
            share = (hi - lo) / 365
            for prov in ("E", "K", "N"):
                if in_period[w]:
                    k = int(period_counts[prov][w])
                else:
                    k = rng.poisson({"E": 0.6, "K": 4.5, "N": 3.5}[prov] * self.scale * share)
                if k <= 0:
                    continue
                holder = self.person_plan[self.pl_person] >= 0
                if prov == "E":
                    # A pupil with a plan is excluded shortly before leaving the school for another setting.
                    cand = np.flatnonzero(school & holder & (self.pl_end > lo + 30) & (self.pl_end <= hi)
                                          & (self.pl_end - self.pl_start > 60))
                    day = self.pl_end[cand] - rng.integers(3, 26, len(cand))
                else:
                    cand = np.flatnonzero(school & ~holder & (self.pl_person < self.n_pupils) & (self.pl_start < hi)
                                          & (self.pl_end > lo))
                    a = np.maximum(self.pl_start[cand], lo)
                    b = np.minimum(self.pl_end[cand], hi)
                    day = a + (rng.random(len(cand)) * (b - a)).astype(np.int64)
                if not len(cand):
                    continue
                ok = self.sen_provision_on(self.pl_person[cand], day) == prov
                ok &= (day >= lo) & (day < hi) & (day >= self.pl_start[cand]) & (day < self.pl_end[cand] - 1)
                cand, day = cand[ok], day[ok]
                weight = np.where(secondary[cand], 1.0, 0.12)
                if not len(cand):
                    continue
                key = np.log(weight) + rng.gumbel(size=len(cand))
                take = np.argsort(-key)
                # One permanent exclusion per pupil.
                _, first = np.unique(self.pl_person[cand[take]], return_index=True)
                take = take[np.sort(first)][:k]
                events_row.append(cand[take])
                events_day.append(day[take])
                events_prov.append(np.full(len(take), prov, dtype=object))
                events_person.append(self.pl_person[cand[take]])
        if events_row:
            row = np.concatenate(events_row)
            day = np.concatenate(events_day)
            prov = np.concatenate(events_prov)
            person = np.concatenate(events_person)
            _, first = np.unique(person, return_index=True)
            first = np.sort(first)
            row, day, prov, person = row[first], day[first], prov[first], person[first]
        else:
            row = day = person = np.zeros(0, dtype=np.int64)
            prov = np.zeros(0, dtype=object)
        self.perm = (person, self.pl_est[row], day, prov)
        # Pupils without plans leave for the area's alternative provision.
        move = prov != "E"
        rows, days = row[move], day[move]
        old_end = self.pl_end[rows].copy()
        self.pl_end[rows] = days + 1
        ap = self._of_group("AP_IN")
        cohort = self.pupil_cohort[self.pl_person[rows]]
        ap_end = np.minimum(old_end, _sep1(cohort + 12))
        keep = ap_end > days + 1
        self.pl_person = np.concatenate([self.pl_person, self.pl_person[rows[keep]]])
        self.pl_start = np.concatenate([self.pl_start, days[keep] + 1])
        self.pl_end = np.concatenate([self.pl_end, ap_end[keep]])
        self.pl_est = np.concatenate([self.pl_est, ap[rng.integers(0, len(ap), int(keep.sum()))]])
        self.pl_setting = np.concatenate([self.pl_setting, np.full(int(keep.sum()), "", dtype=object)])
        self.pl_funded = np.concatenate([self.pl_funded, np.zeros(int(keep.sum()), dtype=bool)])

    TERMS = (("AUT", (9, 1), (12, 20), 140), ("SPR", (1, 4), (3, 31), 118), ("SUM", (4, 15), (7, 22), 122))

    def build_terms(self) -> None:
        """One row per pupil, school and term: the base of attendance, suspensions and part-time timetables."""
        school = (self.pl_est >= 0) & self.is_school[self.pl_est.clip(0)]
        rows = np.flatnonzero(school & (self.pl_start <= self.as_at))
        bounds = []
        for ay in range(self.first_ay, self.last_ay + 1):
            for t, (_, (m0, d0), (m1, d1), sessions) in enumerate(self.TERMS):
                y0 = ay if m0 >= 9 else ay + 1
                ts, te = _day(dt.date(y0, m0, d0)), _day(dt.date(y0, m1, d1)) + 1
                if ts <= self.as_at:
                    bounds.append((ts, te, min(te, self.as_at + 1), sessions, ay, t))
        ts, te, te_cut, sessions, ays, tno = (np.array(x) for x in zip(*bounds, strict=True))
        # Each placement covers a run of consecutive terms: expand it to one row per term it touches.
        first = np.searchsorted(te_cut, self.pl_start[rows], "right")
        last = np.searchsorted(ts, self.pl_end[rows], "left") - 1
        count = np.maximum(last - first + 1, 0)
        row = np.repeat(rows, count)
        term = np.repeat(first, count) + (np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count))
        start = np.maximum(self.pl_start[row], ts[term])
        end = np.minimum(self.pl_end[row], te_cut[term])
        possible = np.rint(sessions[term] * (end - start) / (te[term] - ts[term])).astype(np.int64)
        good = (end > start) & (possible > 0)
        row, term, start, end, possible = row[good], term[good], start[good], end[good], possible[good]
        person, est = self.pl_person[row], self.pl_est[row]
        # A pupil back at the same school within a term has one row for the term; only pupils with two
        # placements at one school can have that, so only their rows are sorted.
        pl_pair = self.pl_person[rows] * len(self.est_ids) + self.pl_est[rows]
        pair_order = np.argsort(pl_pair)
        sorted_pairs = pl_pair[pair_order]
        repeated = np.zeros(len(rows), dtype=bool)
        same = sorted_pairs[1:] == sorted_pairs[:-1]
        repeated[pair_order[1:][same]] = True
        repeated[pair_order[:-1][same]] = True
        flagged = np.zeros(len(self.pl_person), dtype=bool)
        flagged[rows[repeated]] = True
        again = flagged[row]
        pair = person * len(self.est_ids) + est
        if again.any():
            idx = np.flatnonzero(again)
            key = pair[idx] * len(ts) + term[idx]
            order = idx[np.argsort(key, kind="stable")]
            key = pair[order] * len(ts) + term[order]
            dup = np.zeros(len(order), dtype=bool)
            dup[1:] = key[1:] == key[:-1]
            heads = np.flatnonzero(~dup)
            possible[order[heads]] = np.add.reduceat(possible[order], heads)
            end[order[heads]] = np.maximum.reduceat(end[order], heads)
        if again.any() and dup.any():
            drop = np.zeros(len(row), dtype=bool)
            drop[order[dup]] = True
            keep = ~drop
            row, term, start, end, possible, person, est = (
                a[keep] for a in (row, term, start, end, possible, person, est))
        self.term_person, self.term_est = person, est
        self.term = {"row": row, "ay": ays[term], "term": tno[term], "start": start, "end": end,
                     "possible": possible, "mid": (start + end) // 2}
        self.term_prov = self.sen_provision_on(person, self.term["mid"])

    def attendance_and_suspensions(self) -> None:
        rng, T = self.rng, self.term
        n = len(self.term_person)
        prov = self.term_prov
        is_ap = self.is_ap[self.term_est]
        is_special = self.is_special[self.term_est]
        secondary = self.is_secondary[self.term_est]
        current_ay = int(_academic_year(np.array([self.as_at]))[0])
        in_attendance = (T["ay"] >= current_ay - 1) | (prov != "N") | (is_ap | is_special)
        # Absence: a pupil's own propensity times the rate of the year, their SEN and their setting.
        propensity = rng.lognormal(-0.18, 0.6, self.n_persons)
        year_rate = {2018: 0.047, 2019: 0.05, 2020: 0.055, 2021: 0.075, 2022: 0.074, 2023: 0.07, 2024: 0.068,
                     2025: 0.066}
        base = np.array([year_rate.get(int(y), 0.065) for y in range(self.first_ay, self.last_ay + 1)])[
            T["ay"] - self.first_ay]
        mult = np.select([is_ap, is_special, prov == "E", prov == "K"], [4.0, 2.4, 1.8, 1.5], 1.0)
        mult = mult * np.where(secondary, 1.3, 1.0)
        rate = np.clip(base * mult * propensity[self.term_person], 0.0, 0.95)
        # Absence is drawn only for the rows kept as attendance (the others feed suspensions alone).
        absent = np.zeros(n, dtype=np.int64)
        absent[in_attendance] = rng.binomial(T["possible"][in_attendance], rate[in_attendance])
        unauth_share = np.select([is_ap, prov != "N"], [0.5, 0.3], 0.25)
        unauthorised = np.zeros(n, dtype=np.int64)
        unauthorised[in_attendance] = rng.binomial(absent[in_attendance], unauth_share[in_attendance])
        self.term_absent, self.term_unauth = absent, unauthorised
        self.term_in_attendance = in_attendance
        # Suspensions, many more in secondary schools and for pupils with SEN.
        lam = np.select(
            [is_ap, (prov == "E") & is_special, prov == "E", prov == "K"],
            [0.6, 0.1, 0.35, 0.35], 0.1) * np.where(secondary | is_ap, 1.0, 0.18)
        lam = lam * np.where(prov == "N", 0.45, 1.0) * T["possible"] / 380
        covid = (T["ay"] == 2019) & (T["term"] >= 1) | (T["ay"] == 2020) & (T["term"] == 1)
        lam = np.where(covid, lam * 0.3, lam)
        k = rng.poisson(lam)
        rows = np.repeat(np.arange(n), k)
        day = T["start"][rows] + (rng.random(len(rows)) * (T["end"][rows] - T["start"][rows])).astype(np.int64)
        lunch = rng.random(len(rows)) < 0.02
        reasons = np.array(["DB", "VA", "PA", "PP", "VP", "DA", "OW", "BU", "DM", "RA", "SM", "TH", "MT", "LG", "DS"])
        rw = np.array([35, 15, 12, 10, 8, 4, 3, 3, 3, 2, 1.5, 1.5, 1, 0.5, 0.5])
        person_e, est_e, day_e, prov_e = self.perm
        n_susp = len(rows)
        all_person = np.concatenate([self.term_person[rows], person_e])
        all_est = np.concatenate([self.term_est[rows], est_e])
        all_day = np.concatenate([day, day_e])
        category = np.array(["LNCH" if x else "SUSP" for x in lunch] + ["PERM"] * len(person_e), dtype=object)
        sessions = np.concatenate([np.where(lunch, 1, rng.choice([1, 2, 2, 3, 4, 6, 10], n_susp)),
                                   np.zeros(len(person_e), dtype=np.int64)])
        reason = np.concatenate([reasons[rng.choice(len(reasons), n_susp, p=rw / rw.sum())],
                                 reasons[rng.choice(5, len(person_e), p=[0.4, 0.2, 0.2, 0.1, 0.1])]])
        provision = np.concatenate([prov[rows], prov_e])
        keep = all_day <= self.as_at
        order = np.flatnonzero(keep)[np.argsort(all_day[keep], kind="stable")]
        self.tables["exclusion"] = _Columns(
            exclusion_id=_ids(f"{self.la}-X", len(order)),
            person_id=self.person_ids.take(all_person[order]),
            establishment_id=self.est_ids.take(all_est[order]),
            start_date=all_day[order], category=category[order], sessions=sessions[order], reason=reason[order],
            sen_provision=provision[order],
        ).table("exclusion", len(order))

    def part_time_timetables(self) -> None:
        """Part-time timetables, mostly for pupils with SEN in secondary schools, shorter and fuller over time."""
        rng, T = self.rng, self.term
        prov = self.term_prov
        weight = np.select([prov == "E", prov == "K"], [6.0, 4.0], 0.3)
        weight = weight * np.where((self.is_secondary | self.is_ap | (self.est_group == "SP_IN"))[self.term_est], 2, 1)
        rows_all = []
        for ay in range(self.first_ay, self.last_ay + 1):
            idx = np.flatnonzero(T["ay"] == ay)
            k = self.count(110 * (1 - 0.04 * max(ay - 2023, 0)))
            if not len(idx) or k <= 0:
                continue
            key = np.log(weight[idx]) + rng.gumbel(size=len(idx))
            rows_all.append(idx[np.argsort(-key)[:k]])
        rows = np.concatenate(rows_all) if rows_all else np.zeros(0, dtype=np.int64)
        _, first = np.unique(np.stack([self.term_person[rows], T["ay"][rows]]), axis=1, return_index=True)
        rows = rows[np.sort(first)]
        start = T["start"][rows] + (rng.random(len(rows)) * np.maximum(T["end"][rows] - T["start"][rows] - 10, 1)).astype(
            np.int64)
        placement_end = self.pl_end[T["row"][rows]]
        planned = start + 42
        improving = np.clip(_academic_year(start) - 2023, 0, 3)
        actual = start + rng.integers(21, 140, len(rows)) - 7 * improving
        actual = np.minimum(actual, placement_end)
        actual = np.maximum(actual, start + 1)
        full = np.full(len(rows), 32.5)
        hours = np.minimum(rng.choice([10, 12.5, 15, 17.5, 20, 22.5, 25], len(rows)) + 2.5 * improving, 27.5)
        keep = start <= self.as_at
        rows, start, planned, actual, full, hours = (a[keep] for a in (rows, start, planned, actual, full, hours))
        open_ = actual > self.as_at
        review = start + rng.integers(14, 29, len(rows))
        order = np.argsort(start, kind="stable")
        self.tables["part_time_timetable"] = _Columns(
            ptt_id=_ids(f"{self.la}-PT", len(rows), width=5),
            person_id=self.person_ids.take(self.term_person[rows][order]),
            establishment_id=self.est_ids.take(self.term_est[rows][order]),
            start_date=start[order], planned_end_date=planned[order],
            end_date=np.where(open_, OPEN, actual)[order], hours_in_school_per_week=hours[order],
            full_time_hours_per_week=full[order],
            reason=np.array(names.PTT_REASONS, dtype=object)[rng.integers(0, len(names.PTT_REASONS), len(rows))],
            review_date=np.where(review[order] > self.as_at, OPEN, review[order]),
        ).table("part_time_timetable", len(rows))
        # Sessions missed on a reduced timetable (C2) in the term it starts.
        c2 = np.zeros(len(T["possible"]), dtype=np.int64)
        length = np.minimum(actual, T["end"][rows]) - start
        share = np.clip(length / np.maximum(T["end"][rows] - T["start"][rows], 1), 0, 1)
        c2[rows] = np.rint(T["possible"][rows] * share * (1 - hours / full)).astype(np.int64)
        self.term_c2 = c2

    def attendance_table(self) -> None:
        T = self.term
        absent, unauth, c2 = self.term_absent, self.term_unauth, self.term_c2
        # C2 sessions are authorised absence: make room for them.
        authorised = absent - unauth
        c2 = np.minimum(c2, T["possible"])
        authorised = np.maximum(authorised, c2)
        unauth = np.minimum(unauth, T["possible"] - authorised)
        # The plan's baseline: 83.7% attendance in the area's maintained special schools in 2025/26.
        special = np.flatnonzero((self.est_group == "SP_IN")[self.term_est] & (T["ay"] == 2025))
        if len(special):
            goal = int(round((1 - cal.BASELINE_SPECIAL_ATTENDANCE) * T["possible"][special].sum()))
            authorised[special] = _hit_total(
                self.rng, authorised[special], goal - unauth[special].sum(), lower=c2[special],
                upper=T["possible"][special] - unauth[special])
        keep = np.flatnonzero(self.term_in_attendance)
        ay_names = np.array([f"{y}/{(y + 1) % 100:02d}" for y in range(self.first_ay, self.last_ay + 1)], dtype=object)
        self.tables["attendance"] = _Columns(
            person_id=self.person_ids.take(self.term_person[keep]),
            establishment_id=self.est_ids.take(self.term_est[keep]),
            academic_year=ay_names[T["ay"][keep] - self.first_ay],
            term=np.array([t[0] for t in self.TERMS], dtype=object)[T["term"][keep]],
            sessions_possible=T["possible"][keep], sessions_authorised=authorised[keep],
            sessions_unauthorised=unauth[keep], sessions_c2=c2[keep],
        ).table("attendance", len(keep))

    def placement_table(self) -> None:
        cut = self.as_at
        keep = self.pl_start <= cut
        order = np.flatnonzero(keep)[np.lexsort((self.pl_start[keep], self.pl_person[keep]))]
        est = self.pl_est[order]
        has_est = est >= 0
        safe = np.maximum(est, 0)
        setting = self.pl_setting[order]
        base = has_est & (setting == "BASE")
        unit = base & self.est_unit[safe]
        rp = base & ~self.est_unit[safe]
        self.placement_ids = _ids(f"{self.la}-PL", len(order), width=7)
        self.tables["placement"] = _Columns(
            placement_id=self.placement_ids,
            person_id=self.person_ids.take(self.pl_person[order]),
            establishment_id=self.est_ids.take(pa.array(safe, mask=~has_est)),
            sen_setting=pa.array(np.where(has_est, None, setting).tolist(), type=pa.string()),
            sen_unit=unit, resourced_provision=rp, la_funded=self.pl_funded[order],
            start_date=self.pl_start[order], end_date=np.where(self.pl_end[order] > cut, OPEN, self.pl_end[order]),
        ).table("placement", len(order))

    # ------------------------------------------------------------------ alternative provision and NEET
    def alternative_provision(self) -> None:
        rng, la, cut = self.rng, self.la, self.as_at
        n = len(names.AP_PROVIDER_NAMES)
        ap_est = self._of_group("AP_IN", "AP_OUT")
        est = np.full(n, NONE)
        est[: len(ap_est)] = ap_est[:n]
        approved_date = np.array([_day(dt.date(2024, 9, 1)) + int(x) for x in rng.integers(0, 700, n)])
        approved = (np.arange(n) % 2 == 0) & (approved_date <= cut)
        quality = np.where(approved, rng.choice(["GOOD", "REQUIRES_IMPROVEMENT"], n, p=[0.7, 0.3]),
                           rng.choice(["NOT_ASSESSED", "INADEQUATE", "REQUIRES_IMPROVEMENT"], n, p=[0.6, 0.2, 0.2]))
        quality = np.where(rng.random(n) < 0.15, None, quality.astype(object))
        provider_ids = _ids(f"{la}-AP", n, width=3)
        self.tables["ap_provider"] = _Columns(
            provider_id=provider_ids, name=list(names.AP_PROVIDER_NAMES),
            establishment_id=self.est_ids.take(pa.array(np.maximum(est, 0), mask=est < 0)),
            approved=approved, approved_date=np.where(approved, approved_date, OPEN), quality=quality,
            review_due=np.where(approved, approved_date + 365, OPEN),
        ).table("ap_provider", n)
        # Schools commission short placements for pupils at risk of exclusion ...
        T = self.term
        secondary = (self.est_group == "SEC")[self.term_est]
        weight = np.select([self.term_prov == "E", self.term_prov == "K"], [5.0, 4.0], 1.0) * secondary
        picks = []
        for ay in range(self.first_ay, self.last_ay + 1):
            idx = np.flatnonzero((T["ay"] == ay) & (weight > 0))
            k = self.count(70)
            if len(idx) and k:
                key = np.log(weight[idx]) + rng.gumbel(size=len(idx))
                picks.append(idx[np.argsort(-key)[:k]])
        rows = np.concatenate(picks) if picks else np.zeros(0, dtype=np.int64)
        s_start = T["start"][rows] + rng.integers(0, 30, len(rows))
        improving = np.clip(_academic_year(s_start) - 2023, 0, 3)
        s_end = s_start + 7 * (rng.integers(6, 25, len(rows)) - 2 * improving)
        s_person, s_by = self.term_person[rows], self.est_ids.take(self.term_est[rows]).to_numpy(zero_copy_only=False)
        s_sessions = rng.integers(2, 7, len(rows))
        s_cost = rng.integers(120, 500, len(rows)) * 100
        # ... and the council for young people with plans who are out of school.
        la_rows = np.flatnonzero(np.isin(self.pl_setting, ["OLA", "UNPLACED"]) & (self.pl_est < 0)
                                 & (self.pl_start >= self.start))
        l_start = self.pl_start[la_rows] + rng.integers(0, 15, len(la_rows))
        l_end = np.maximum(self.pl_end[la_rows], l_start + 14)
        person = np.concatenate([s_person, self.pl_person[la_rows]])
        by = np.concatenate([s_by, np.full(len(la_rows), "LA", dtype=object)])
        start = np.concatenate([s_start, l_start])
        end = np.concatenate([s_end, l_end])
        sessions = np.concatenate([s_sessions, rng.integers(5, 11, len(la_rows))])
        cost = np.concatenate([s_cost, rng.integers(400, 1500, len(la_rows)) * 100])
        provider = rng.integers(0, n, len(person))
        keep = start <= cut
        order = np.flatnonzero(keep)[np.argsort(start[keep], kind="stable")]
        self.tables["ap_commission"] = _Columns(
            commission_id=_ids(f"{la}-APC", len(order), width=5), person_id=self.person_ids.take(person[order]),
            commissioned_by=by[order], provider_id=provider_ids.take(provider[order]), start_date=start[order],
            end_date=np.where(end[order] > cut, OPEN, end[order]), sessions_per_week=sessions[order],
            weekly_cost=pa.array(cost[order], mask=rng.random(len(order)) < 0.05),
        ).table("ap_commission", len(order))

    def neet_activity(self) -> None:
        """Quarterly activity of young people with plans aged 16-25, from their placement on the day; the
        record before the May 2026 baseline shows 9% of 16-17 year olds NEET."""
        rng = self.rng
        ends = []
        for y in range(2019, self.last_ay + 2):
            for m, d in ((3, 31), (6, 30), (9, 30), (12, 31)):
                day = _day(dt.date(y, m, d))
                if day <= self.sim_end:
                    ends.append(day)
        out_p, out_d, out_age, out_act = [], [], [], []
        for day in ends:
            active = np.flatnonzero((self.plan_start <= day) & (self.plan_cease > day))
            age = _academic_year(np.array([day]))[0] - self.plan_cohort[active] + 4
            m = (age >= 16) & (age <= 25)
            active, age = active[m], age[m]
            person = self.plan_person[active]
            place = self.placement_on(person, np.full(len(person), day))
            setting = np.where(place >= 0, self.pl_setting[np.maximum(place, 0)], "NONE")
            est_known = (place >= 0) & (self.pl_est[np.maximum(place, 0)] >= 0)
            activity = np.where(est_known, "EET", np.select(
                [np.isin(setting, ["NEET", "NIEC", "NIEO"]), np.isin(setting, ["UNPLACED", "NONE"])],
                ["NEET", "NOT_KNOWN"], "EET")).astype(object)
            activity[rng.random(len(person)) < 0.03] = "NOT_KNOWN"
            out_p.append(person)
            out_d.append(np.full(len(person), day))
            out_age.append(age)
            out_act.append(activity)
        person, day, age, activity = (np.concatenate(x) for x in (out_p, out_d, out_age, out_act))
        # The baseline: of 16-17 year olds with plans on 31 May 2026, 9% NEET in their latest record.
        baseline = _day(cal.BASELINE_DATE)
        latest = max(d for d in ends if d <= baseline)
        plan = self.person_plan[person]
        active = (self.plan_start[plan] <= baseline) & (self.plan_cease[plan] > baseline)
        rows = np.flatnonzero((day == latest) & (age <= 17) & active)
        goal = int(round(cal.BASELINE_NEET_16_17 * len(rows)))
        neet = rows[activity[rows] == "NEET"]
        if len(neet) > goal:
            activity[rng.choice(neet, len(neet) - goal, replace=False)] = "EET"
        elif len(neet) < goal:
            eet = rows[activity[rows] == "EET"]
            activity[rng.choice(eet, min(goal - len(neet), len(eet)), replace=False)] = "NEET"
        keep = day <= self.as_at
        self.tables["neet_activity"] = _Columns(
            person_id=self.person_ids.take(person[keep]), as_at=day[keep], academic_age=age[keep],
            activity=activity[keep],
        ).table("neet_activity", int(keep.sum()))

    # ------------------------------------------------------------------ voice
    def complaints(self) -> None:
        rng, cut = self.rng, self.as_at
        rows = []
        for y in range(2019, self.last_ay + 2):
            lo = int(_jan1(y))
            for route, send, rate in (("CORPORATE", True, 45 * (1 + 0.08 * (y - 2019))), ("CORPORATE", False, 30),
                                      ("SCHOOL", True, 25), ("LGSCO", True, 6)):
                k = rng.poisson(rate * self.scale)
                rows.append((np.full(k, route, dtype=object), np.full(k, send), lo + rng.integers(0, 365, k)))
        route = np.concatenate([r[0] for r in rows])
        send = np.concatenate([r[1] for r in rows])
        received = np.concatenate([r[2] for r in rows])
        keep = received <= cut
        route, send, received = route[keep], send[keep], received[keep]
        order = np.argsort(received, kind="stable")
        route, send, received = route[order], send[order], received[order]
        k = len(received)
        stage = np.where(route == "LGSCO", 1, np.where(rng.random(k) < 0.8, 1, 2))
        closed = received + rng.integers(10, 90, k)
        open_ = closed > cut
        upheld = pa.array(rng.random(k) < 0.3, mask=open_)
        self.tables["complaint"] = _Columns(
            complaint_id=_ids(f"{self.la}-CM", k, width=5), received_date=received, route=route, about_send=send,
            stage=stage, closed_date=np.where(open_, OPEN, closed), upheld=upheld,
        ).table("complaint", k)

    def surveys(self) -> None:
        """Parent confidence (yearly), children's belonging and staff confidence (termly, from 2024), and
        families' feedback on Experts at Hand; confidence rises slowly as the plan takes hold."""
        rng, cut = self.rng, self.as_at
        self.survey_parts = []
        add = self._survey_add
        for y in range(2023, self.last_ay + 2):
            day = _day(dt.date(y, 3, 1))
            if day > cut:
                continue
            holders = np.flatnonzero((self.plan_start <= day) & (self.plan_cease > day))
            k = min(len(holders), self.count(260))
            chosen = rng.choice(holders, k, replace=False)
            add("PARENT_CONFIDENCE", "PARENT", self.plan_person[chosen], np.full(k, NONE),
                day + rng.integers(0, 28, k), 0.42 + 0.04 * (y - 2023))
        T = self.term
        for ay in range(2024, self.last_ay + 1):
            for t in range(3):
                idx = np.flatnonzero((T["ay"] == ay) & (T["term"] == t) & (self.term_prov != "N"))
                if not len(idx):
                    continue
                k = min(len(idx), self.count(300))
                chosen = rng.choice(idx, k, replace=False)
                day = T["start"][chosen] + rng.integers(14, 50, k)
                add("CYP_BELONGING", "CYP", self.term_person[chosen], self.term_est[chosen], day,
                    0.5 + 0.03 * (ay - 2024) + 0.01 * t)
                schools = self._of_group("PRI", "SEC", "SP_IN", "AP_IN")
                k = self.count(60)
                est = schools[rng.integers(0, len(schools), k)]
                add("STAFF_CONFIDENCE", "STAFF", np.full(k, NONE), est, day[:k] if len(day) >= k else
                    np.full(k, int(T["start"][chosen[0]]) + 30), 0.45 + 0.05 * (ay - 2024))

    def _survey_add(self, survey, respondent, person, est, day, good_share):
        """Answers to every question of `survey`; `good_share` of scores are 4 or 5."""
        rng = self.rng
        for q in names.SURVEY_QUESTIONS[survey]:
            k = len(day)
            good = rng.random(k) < good_share
            score = np.where(good, rng.choice([4, 5], k, p=[0.6, 0.4]), rng.choice([1, 2, 3], k, p=[0.25, 0.3, 0.45]))
            text = np.where(rng.random(k) < 0.15,
                            np.array(names.SURVEY_COMMENTS, dtype=object)[rng.integers(0, len(names.SURVEY_COMMENTS), k)],
                            None)
            self.survey_parts.append((np.full(k, survey, dtype=object), np.full(k, respondent, dtype=object),
                                      np.asarray(person), np.asarray(est), np.asarray(day), np.full(k, q, dtype=object),
                                      score, text))

    def survey_table(self) -> None:
        parts = self.survey_parts
        cut = self.as_at
        cols = [np.concatenate([p[i] for p in parts]) if parts else np.zeros(0) for i in range(8)]
        survey, respondent, person, est, day, question, score, text = cols
        keep = day <= cut
        order = np.flatnonzero(keep)[np.argsort(day[keep], kind="stable")]
        person, est = person[order].astype(np.int64), est[order].astype(np.int64)
        self.tables["survey_response"] = _Columns(
            response_id=_ids(f"{self.la}-SR", len(order)), survey=survey[order], respondent=respondent[order],
            person_id=self.person_ids.take(pa.array(np.maximum(person, 0), mask=person < 0)),
            establishment_id=self.est_ids.take(pa.array(np.maximum(est, 0), mask=est < 0)),
            submitted_date=day[order], question=question[order], score=score[order].astype(np.int64),
            text=pa.array(text[order].tolist(), type=pa.string()),
        ).table("survey_response", len(order))

    # ------------------------------------------------------------------ Experts at Hand
    def experts_at_hand(self) -> None:
        """Settings' engagement month by month from summer 2026 (about half engaged by the end of September,
        rising after), referrals with triage and tiers, and practitioners' involvement."""
        rng, la, cut = self.rng, self.la, self.as_at
        launch = _day(dt.date(2026, 6, 1))
        settings = np.flatnonzero(self.est_in_area)
        if cut < launch:
            for name in ("eah_engagement", "eah_referral", "eah_involvement"):
                self.tables[name] = pa.Table.from_pylist([], schema=arrow_schema(name))
            return
        n = len(settings)
        # Each setting's place in the queue; the share engaged or active follows the plan's milestones.
        threshold = (rng.permutation(n) + 0.5) / n
        curve = {(2026, 6): 0.1, (2026, 7): 0.2, (2026, 8): 0.3, (2026, 9): 0.53, (2026, 10): 0.62, (2026, 11): 0.7,
                 (2026, 12): 0.77, (2027, 1): 0.81, (2027, 2): 0.86, (2027, 3): 0.91}
        dates, shares = [], []
        y, m = 2026, 6
        while True:
            end = int(_jan1(y + (m == 12))) + 0 if m == 12 else _day(dt.date(y, m + 1, 1))
            day = end - 1
            if day > cut:
                dates.append(cut)
                shares.append(curve.get((y, m), 0.95))
                break
            dates.append(day)
            shares.append(curve.get((y, m), 0.95))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        est_rows, day_rows, level_rows = [], [], []
        for day, share in zip(dates, shares, strict=True):
            level = np.select([threshold < share - 0.25, threshold < share, threshold < share + 0.2],
                              ["ACTIVE", "ENGAGED", "AWARE"], "NONE")
            est_rows.append(settings)
            day_rows.append(np.full(n, day))
            level_rows.append(level.astype(object))
        self.tables["eah_engagement"] = _Columns(
            establishment_id=self.est_ids.take(np.concatenate(est_rows)), as_at=np.concatenate(day_rows),
            level=np.concatenate(level_rows),
        ).table("eah_engagement", n * len(dates))
        engaged_from = np.full(len(self.est_ids), OPEN)
        for day, share in zip(dates, shares, strict=True):
            now = settings[(threshold < share) & (engaged_from[settings] == OPEN)]
            engaged_from[now] = day - 25
        # Referrals: a few a week at launch, rising with engagement.
        days = np.arange(launch, cut + 1)
        weekday = _ymd(days)[1] * 0 + ((days + 3) % 7)  # 0 = Monday
        term = ~np.isin(_ymd(days)[1], [8]) & (weekday < 5)
        rate = self.scale * (1.2 + 3.5 * (days - launch) / 180) * term
        k_day = rng.poisson(rate)
        received = np.repeat(days, k_day)
        k = len(received)
        est = np.full(k, NONE)
        for i, day in enumerate(received):
            options = settings[(engaged_from[settings] <= day)]
            options = options if len(options) else settings
            est[i] = options[rng.integers(0, len(options))]
        # Most referrals are about a child on the setting's roll, mostly on SEN support.
        person = np.full(k, NONE)
        ref_day = np.where(received < _day(dt.date(2026, 9, 1)), _day(dt.date(2026, 6, 15)), _day(dt.date(2026, 9, 15)))
        for probe in np.unique(ref_day):
            open_rows = np.flatnonzero((self.pl_start <= probe) & (self.pl_end > probe) & (self.pl_est >= 0))
            by_est = {}
            sen = self.sen_provision_on(self.pl_person[open_rows], np.full(len(open_rows), probe)) != "N"
            order = np.argsort(self.pl_est[open_rows], kind="stable")
            ests = self.pl_est[open_rows][order]
            bounds = np.searchsorted(ests, np.unique(ests))
            for e, lo, hi in zip(np.unique(ests), bounds, np.append(bounds[1:], len(ests)), strict=True):
                rows = open_rows[order[lo:hi]]
                flags = sen[order[lo:hi]]
                by_est[int(e)] = rows[flags] if flags.sum() >= 3 else rows
            for i in np.flatnonzero(ref_day == probe):
                rows = by_est.get(int(est[i]))
                if rows is not None and len(rows) and rng.random() < 0.85:
                    person[i] = self.pl_person[rows[rng.integers(0, len(rows))]]
        flags = np.array(["SUSPENSION", "EXCLUSION", "PLACEMENT_BREAKDOWN", "EHCNA_LIKELY", "ATTENDANCE"])
        risk = [",".join(flags[rng.random(5) < np.array([0.25, 0.1, 0.15, 0.3, 0.3])]) for _ in range(k)]
        triage = received + rng.integers(2, 11, k)
        tier = rng.choice(["UNIVERSAL", "TARGETED", "TARGETED_PLUS"], k, p=[0.35, 0.45, 0.2]).astype(object)
        first_support = triage + rng.integers(3, 31, k)
        review = first_support + rng.integers(42, 85, k)
        closes = rng.random(k) < 0.7
        closed = np.where(closes, review + rng.integers(0, 15, k), OPEN)
        outcome = rng.choice(["NEEDS_MET_IN_SETTING", "ESCALATED_EHCNA", "PLACEMENT_CHANGED", "WITHDRAWN"], k,
                             p=[0.65, 0.15, 0.08, 0.12]).astype(object)
        untriaged = triage > cut
        tier[untriaged] = None
        outcome[closed > cut] = None
        ids = _ids(f"{la}-EAH", k, width=5)
        self.tables["eah_referral"] = _Columns(
            referral_id=ids, establishment_id=self.est_ids.take(est),
            person_id=self.person_ids.take(pa.array(np.maximum(person, 0), mask=person < 0)),
            received_date=received, risk_flags=risk, triage_date=np.where(untriaged, OPEN, triage), tier=tier,
            first_support_date=np.where(first_support > cut, OPEN, first_support),
            review_date=np.where(review > cut, OPEN, review), closed_date=np.where(closed > cut, OPEN, closed),
            outcome=outcome,
        ).table("eah_referral", k)
        # Families give feedback on most closed referrals about a child.
        asked = np.flatnonzero((closed <= cut) & (person >= 0) & (rng.random(k) < 0.6))
        self._survey_add("EAH_PARENT_FEEDBACK", "PARENT", person[asked], est[asked],
                         closed[asked] + rng.integers(3, 21, len(asked)),
                         np.where(outcome[asked] == "NEEDS_MET_IN_SETTING", 0.75, 0.45).mean() if len(asked) else 0.6)
        # Involvements: one to three disciplines each, from the twelve practitioners of the team.
        practitioners = [("EP", 1), ("EP", 2), ("EP", 3), ("SALT", 4), ("SALT", 5), ("OT", 6), ("RISE", 7),
                         ("RISE", 8), ("BEHAVIOUR", 9), ("SPECIALIST_TEACHER", 10), ("SPECIALIST_TEACHER", 11),
                         ("MENTAL_HEALTH", 12)]
        supported = np.flatnonzero((first_support <= cut) & ((tier != "UNIVERSAL") | (rng.random(k) < 0.5)))
        count = rng.choice([1, 2, 3], len(supported), p=[0.55, 0.33, 0.12])
        ref = np.repeat(supported, count)
        who = rng.integers(0, len(practitioners), len(ref))
        start = first_support[ref] + rng.integers(0, 10, len(ref))
        start = np.minimum(start, cut)
        end = np.where(closed[ref] <= cut, np.maximum(closed[ref], start), OPEN)
        hours = rng.integers(4, 60, len(ref)) * 0.5
        self.tables["eah_involvement"] = _Columns(
            referral_id=ids.take(ref), discipline=np.array([practitioners[i][0] for i in who], dtype=object),
            practitioner_id=np.array([f"{la}-EAH{practitioners[i][1]:02d}" for i in who], dtype=object),
            start_date=start, end_date=end, hours=hours,
        ).table("eah_involvement", len(ref))

    # ------------------------------------------------------------------ money, places and population
    def money_and_places(self) -> None:
        rng = self.rng
        # Annual cost per place in 2024-25 (pounds), grown back and forward.
        base_2024 = {"EARLY_YEARS": 6_500, "MAINSTREAM": 9_800, "MAINSTREAM_BASE": 19_500,
                     "MAINTAINED_SPECIAL": 26_500, "INMSS": 64_000, "AP": 21_000, "POST16_MAINSTREAM": 8_200,
                     "POST16_SPECIALIST": 47_000, "EOTAS": 36_000, "OTHER": 12_000}
        years = list(range(2019, 2031))
        rows = []
        for category, cost in base_2024.items():
            needs = [None] + (["ASD", "SEMH", "SLD"] if category in ("INMSS", "MAINTAINED_SPECIAL") else [])
            for need in needs:
                need_factor = {None: 1.0, "ASD": 1.08, "SEMH": 1.15, "SLD": 0.95}[need]
                for y in years:
                    fy = f"{y}-{(y + 1) % 100:02d}"
                    value = cost * need_factor
                    for step in range(2024, y):
                        name = f"{step + 1}-{(step + 2) % 100:02d}"
                        growth = (cal.INMSS_COST_GROWTH.get(name, 0.035) if category == "INMSS" else 0.03)
                        value *= 1 + growth
                    for _ in range(y, 2024):
                        value /= 1.07 if category == "INMSS" else 1.03
                    rows.append((category, need, fy, int(round(value * 100))))
        self.tables["unit_cost"] = pa.Table.from_pylist(
            [dict(setting_category=c, need_type=n, financial_year=f, annual_cost=p) for c, n, f, p in rows],
            schema=arrow_schema("unit_cost"))
        # The plan's 128 specialist places in inclusion bases at two mainstream schools, September 2027.
        primary = self._of_group("PRI")
        secondary = self._of_group("SEC")
        hosts = [primary[~(self.est_unit[primary] | self.est_rp[primary])][-1],
                 secondary[~(self.est_unit[secondary] | self.est_rp[secondary])][-1]]
        opening = dt.date(2027, 9, 1)
        planned = [
            ("Inclusion base (primary)", hosts[0], "ASD,SLCN", 40), ("Inclusion base (primary)", hosts[0], "MLD", 24),
            ("Inclusion base (secondary)", hosts[1], "ASD", 40), ("Inclusion base (secondary)", hosts[1], "SEMH", 24),
        ]
        self.tables["planned_places"] = pa.Table.from_pylist(
            [dict(project=p, establishment_id=self.est_ids[int(e)].as_py(), kind="MAINSTREAM", need_types=nt,
                  places=self.n(pl), open_date=opening) for p, e, nt, pl in planned],
            schema=arrow_schema("planned_places"))
        # Population 0-25 by year: births falling slowly, a university town's bulge of young adults.
        ages = np.arange(26)
        base = np.where(ages < 18, 2300 - 8 * ages, np.where(ages < 23, 3100, 2900)).astype(float)
        records = []
        for year in range(2019, 2036):
            drift = (1 - 0.012 * np.clip(year - ages - 2014, 0, None))
            noise = 1 + 0.01 * rng.standard_normal(len(ages))
            pop = np.rint(base * drift * noise * self.scale).astype(int)
            records += [dict(year=year, age=int(a), population=int(p)) for a, p in zip(ages, pop, strict=True)]
        self.tables["population"] = pa.Table.from_pylist(records, schema=arrow_schema("population"))


def generate_area(*, seed: int = 870, as_at: dt.date | None = None, la_code: str = "870",
                  scale: float = 1.0) -> dict[str, pa.Table]:
    """Every canonical table of one synthetic local area, each matching `arrow_schema(name)`.

    `scale` multiplies the numbers of pupils and plans (and the published figures calibrated to);
    identifiers are prefixed with `la_code`. The same arguments always give the same tables.
    """
    area = _Area(seed=seed, as_at=as_at or dt.date.today(), la_code=la_code, scale=scale)
    area.build_establishments()
    area.build_pupils()
    area.build_plans()
    area.build_persons()
    area.build_needs()
    area.build_plan_placements()
    area.choose_settings()
    area.build_placements()
    area.finish_placements()
    area.build_pipeline()
    area.person_table()
    area.pipeline_tables()
    area.sen_tables()
    area.annual_review_table()
    area.casework_tables()
    area.permanent_exclusions()
    area.sen_status_table()
    area.build_terms()
    area.attendance_and_suspensions()
    area.part_time_timetables()
    area.attendance_table()
    area.placement_table()
    area.alternative_provision()
    area.neet_activity()
    area.complaints()
    area.surveys()
    area.experts_at_hand()
    area.survey_table()
    area.money_and_places()
    return {name: area.tables[name] for name in TABLES}


