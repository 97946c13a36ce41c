"""The history the forecast learns from: who had a plan at each January census, in which national curriculum
year, primary need and setting category; the background population; and the yearly EHC request, assessment
and new-plan counts. Read from canonical tables (Arrow, pandas or an Ibis connection)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sendreform.standards.codes import NEED_TYPE, SETTING_CATEGORY
from sendreform.standards.periods import sen2_census_date

# National curriculum years -4 (age 0) to 21 (age 25): the 0-25 range of an EHC plan.
NCY_MIN, NCY_MAX = -4, 21
NCYS = tuple(range(NCY_MIN, NCY_MAX + 1))
# The thirteen primary needs of the data template: NSA (SEN support without assessment) is not a plan need.
NEEDS = tuple(code for code in NEED_TYPE if code != "NSA")
SETTINGS = tuple(SETTING_CATEGORY)
# A plan with no recorded primary need is counted as OTH, and with no open placement as OTHER.
UNKNOWN_NEED, UNKNOWN_SETTING = "OTH", "OTHER"

TABLES_READ = ("person", "sen_need", "ehc_plan", "placement", "establishment", "ehc_request", "ehc_assessment",
               "population", "unit_cost", "planned_places")


@dataclass(frozen=True)
class History:
    """Census states and flows by year. `census` has one row per person with a plan at each January census
    (year, person_id, ncy, need, setting as codes); `population` year, age, population; `flows` calendar
    year, age_group, requests, assessments, plans (assessments resulting in a plan)."""

    census: pd.DataFrame
    population: pd.DataFrame
    flows: pd.DataFrame
    unit_cost: pd.DataFrame
    planned_places: pd.DataFrame
    establishment: pd.DataFrame
    last_year: int
    inputs_hash: str

    @property
    def years(self) -> list[int]:
        return sorted(self.census["year"].unique().tolist())

    def until(self, year: int) -> History:
        """The history as it was known at the January census of `year` (for the backtest)."""
        census = self.census[self.census["year"] <= year]
        flows = self.flows[self.flows["year"] < year]
        return History(census=census, population=self.population, flows=flows, unit_cost=self.unit_cost,
                       planned_places=self.planned_places, establishment=self.establishment, last_year=year,
                       inputs_hash=self.inputs_hash)


def age_group(age: np.ndarray | int):
    """The data template's age groups: under 5, 5-10, 11-15, 16-19, 20-25."""
    bins = np.array([5, 11, 16, 20])
    labels = np.array(AGE_GROUPS)
    return labels[np.searchsorted(bins, np.asarray(age), side="right")]


AGE_GROUPS = ("under 5", "5-10", "11-15", "16-19", "20-25")


HISTORY_YEARS = 8


def history_from_tables(*, tables: Mapping[str, object], as_at: dt.date, years: int = HISTORY_YEARS) -> History:
    """The history of the last `years` January censuses on or before `as_at` (default eight: older records
    are usually incomplete, holding only the plans that survived). `tables` maps canonical table names to Arrow
    tables or pandas frames."""
    frames = {name: _frame(tables[name]) for name in TABLES_READ}
    last = as_at.year if sen2_census_date(as_at.year) <= as_at else as_at.year - 1
    first_year = last - years + 1
    coded = _coded(frames)
    census = pd.concat([_census(coded, year) for year in range(first_year, last + 1)], ignore_index=True)
    return History(
        census=census,
        population=frames["population"][["year", "age", "population"]].astype(int),
        flows=_flows(frames, last),
        unit_cost=frames["unit_cost"],
        planned_places=frames["planned_places"],
        establishment=frames["establishment"],
        last_year=last,
        inputs_hash=_hash(frames),
    )


# The dates of what happened in the tables the forecast reads (not birth dates, nor placement end dates, which
# may be planned ends still to come): the latest of them is as far as the data reaches.
ACTIVITY_DATES = {"sen_need": ("start_date",), "ehc_request": ("received_date", "outcome_date"),
                  "ehc_assessment": ("outcome_date",), "ehc_plan": ("start_date", "cease_date"),
                  "placement": ("start_date",)}


class HistoryNotCovered(ValueError):
    """The data does not reach the census asked for: forecasting from it would read that census as having no
    joiners."""


def latest_activity(tables: Mapping[str, object]) -> dt.date | None:
    """The latest date of anything that happened in the tables (requests, decisions, plans, needs, placements)."""
    latest = None
    for name, columns in ACTIVITY_DATES.items():
        if name not in tables:
            continue
        frame = _frame(tables[name])
        for column in columns:
            if column in frame and frame[column].notna().any():
                value = pd.to_datetime(frame[column]).max().date()
                latest = value if latest is None or value > latest else latest
    return latest


def history_as_at(*, tables: Mapping[str, object], as_at: dt.date | None) -> dt.date:
    """The as-at date to read a folder's history at: without one, its latest dated activity (so the last census
    is the last the data covers); a given one is refused when its census is later than the data reaches."""
    latest = latest_activity(tables)
    if latest is None:
        raise HistoryNotCovered("the data holds no dated activity (no requests, plans, needs or placements)")
    if "population" in tables and len(_frame(tables["population"])) == 0:
        raise HistoryNotCovered("the data has no background population (its population table has no rows): the "
                                "forecast's joining rates are measured against it; write it with `sendreform "
                                "population convert`")
    if as_at is None:
        return latest
    census_year = as_at.year if sen2_census_date(as_at.year) <= as_at else as_at.year - 1
    census = sen2_census_date(census_year)
    if census > latest:
        covered = latest.year if sen2_census_date(latest.year) <= latest else latest.year - 1
        raise HistoryNotCovered(
            f"--as-at {as_at.isoformat()} means the January {census_year} census ({census.isoformat()}), but the "
            f"data's latest dated activity is {latest.isoformat()}: that census would be read as having no "
            f"joiners. Leave --as-at out to forecast from the January {covered} census, the last the data covers, "
            f"or give data that reaches {census.isoformat()}")
    return as_at


def history_from_connection(*, con, as_at: dt.date, years: int = HISTORY_YEARS) -> History:
    """The history read through an Ibis connection (the live database or DuckDB over a folder)."""
    from sendreform.metrics.engine import tables_from_connection

    tables = tables_from_connection(con, TABLES_READ)
    return history_from_tables(tables={n: t.to_pyarrow() for n, t in tables.items()}, as_at=as_at, years=years)


def _frame(table) -> pd.DataFrame:
    frame = table if isinstance(table, pd.DataFrame) else table.to_pandas()
    return frame.copy()


def _dates(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series).to_numpy(dtype="datetime64[D]")


_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Coded:
    """The census inputs as integer arrays, read once: people by code (`ids[code]` is the person_id), dates as
    days (an open end as never), and each placement's setting category worked out once. Needs and placements
    are sorted so that, of several open on a day, the last is the one that counts."""

    ids: np.ndarray
    birth_year: np.ndarray
    birth_month: np.ndarray
    plan_person: np.ndarray
    plan_start: np.ndarray
    plan_end: np.ndarray
    need_person: np.ndarray
    need_start: np.ndarray
    need_end: np.ndarray
    need_code: np.ndarray  # index in NEEDS, or that of UNKNOWN_NEED
    place_person: np.ndarray
    place_start: np.ndarray
    place_end: np.ndarray
    place_setting: np.ndarray  # index in SETTINGS


def _days(series: pd.Series, *, open_end: bool = False) -> np.ndarray:
    dates = _dates(series)
    days = dates.astype("int64")
    days[np.isnat(dates)] = _NEVER if open_end else -_NEVER
    return days


def _coded(frames: Mapping[str, pd.DataFrame]) -> _Coded:
    import pyarrow as pa
    import pyarrow.compute as pc

    person, plan, need, place = frames["person"], frames["ehc_plan"], frames["sen_need"], frames["placement"]
    ids = pc.unique(pa.concat_arrays([pa.array(person["person_id"].astype(str).to_numpy()),
                                      pa.array(plan["person_id"].astype(str).to_numpy())]))

    def code(frame):
        return pc.index_in(pa.array(frame["person_id"].astype(str).to_numpy()), value_set=ids).to_numpy(
            zero_copy_only=False).astype(np.int64)

    birth = pd.to_datetime(person["birth_date"])
    birth_year = np.full(len(ids), -1, dtype=np.int64)
    birth_month = np.full(len(ids), -1, dtype=np.int64)
    at = code(person)
    birth_year[at] = birth.dt.year.fillna(-1).to_numpy(dtype=np.int64)
    birth_month[at] = birth.dt.month.fillna(-1).to_numpy(dtype=np.int64)

    need = need[need["need_rank"] == 1]
    need = need.iloc[np.lexsort((need["need_type"].astype(str).to_numpy(), _days(need["start_date"])))]
    need_type = need["need_type"].astype(str).to_numpy()
    known = np.isin(need_type, NEEDS)
    need_code = np.full(len(need_type), NEEDS.index(UNKNOWN_NEED), dtype=np.int64)
    need_code[known] = pd.Index(NEEDS).get_indexer(need_type[known])

    place = place.iloc[np.lexsort((place["placement_id"].astype(str).to_numpy(), _days(place["start_date"])))]
    return _Coded(
        ids=np.asarray(ids.to_pylist(), dtype=object), birth_year=birth_year, birth_month=birth_month,
        plan_person=code(plan), plan_start=_days(plan["start_date"]),
        plan_end=_days(plan["cease_date"], open_end=True),
        need_person=code(need), need_start=_days(need["start_date"]), need_end=_days(need["end_date"], open_end=True),
        need_code=need_code.astype(np.int64),
        place_person=code(place), place_start=_days(place["start_date"]),
        place_end=_days(place["end_date"], open_end=True),
        place_setting=_placement_settings(place, frames["establishment"]),
    )


def _census(coded: _Coded, year: int, *, codes: bool = False) -> pd.DataFrame:
    """Each person with an active plan on the census date, with their NCY, primary need and setting (and with
    `codes`, their code in `coded`)."""
    day = np.datetime64(sen2_census_date(year), "D").astype("int64")
    people = np.unique(coded.plan_person[(coded.plan_start <= day) & (coded.plan_end > day)])
    people = people[coded.birth_year[people] >= 0]  # nobody without a birth date can be put in a year group
    # Age on 31 August before the January census, less four: the NCY of a child in their year group.
    ncy = (year - 1) - coded.birth_year[people] - (coded.birth_month[people] >= 9) - 4
    need = _last_open(coded.need_person, coded.need_start, coded.need_end, coded.need_code, day, people,
                      NEEDS.index(UNKNOWN_NEED))
    setting = _last_open(coded.place_person, coded.place_start, coded.place_end, coded.place_setting, day,
                         people, SETTINGS.index(UNKNOWN_SETTING))
    out = pd.DataFrame({
        "year": year, "person_id": coded.ids[people],
        "ncy": np.clip(ncy, NCY_MIN, NCY_MAX).astype(int),
        "need": np.asarray(NEEDS, dtype=object)[need], "setting": np.asarray(SETTINGS, dtype=object)[setting],
    })
    if codes:
        out["code"] = people
    return out


def _last_open(person: np.ndarray, start: np.ndarray, end: np.ndarray, value: np.ndarray, day: int,
               people: np.ndarray, missing: int) -> np.ndarray:
    """For each of `people`, the value of their last row (in the arrays' order) open on `day`, else `missing`."""
    open_ = np.flatnonzero((start <= day) & (end > day))
    who = person[open_][::-1]
    first, at = np.unique(who, return_index=True)  # the first of the reversed rows is the last open one
    out = np.full(len(people), missing, dtype=np.int64)
    found = np.searchsorted(first, people)
    found = np.minimum(found, max(len(first) - 1, 0))
    hit = (first[found] == people) if len(first) else np.zeros(len(people), dtype=bool)
    out[hit] = value[open_[::-1][at[found[hit]]]]
    return out


def _placement_settings(place: pd.DataFrame, establishment: pd.DataFrame) -> np.ndarray:
    """The setting category (index in SETTINGS) of each placement, the rule of `metrics.expressions`: from the
    establishment's kind and funding, or the placement's sen_setting."""
    from sendreform.standards.placements import setting_category

    e = establishment.set_index("establishment_id")
    # "" for none, so that equal combinations compare equal (NaN does not).
    keys = pd.DataFrame({
        "kind": place["establishment_id"].map(e["kind"]).fillna("").astype(str).to_numpy(),
        "funding": place["establishment_id"].map(e["funding"]).fillna("").astype(str).to_numpy(),
        "sen_setting": place["sen_setting"].fillna("").astype(str).to_numpy(),
        "sen_unit": place["sen_unit"].fillna(False).astype(bool).to_numpy(),
        "resourced_provision": place["resourced_provision"].fillna(False).astype(bool).to_numpy(),
    })
    combos = keys.drop_duplicates()
    codes = np.array([SETTINGS.index(setting_category(kind=k or None, funding=f or None, sen_setting=s or None,
                                                      sen_unit=bool(u), resourced_provision=bool(r)))
                      for k, f, s, u, r in combos.itertuples(index=False, name=None)], dtype=np.int64)
    which = keys.merge(combos.assign(_code=codes), how="left", on=list(keys.columns))["_code"]
    return which.to_numpy(dtype=np.int64)


def _flows(frames: Mapping[str, pd.DataFrame], last: int, by: pd.Series | None = None) -> pd.DataFrame:
    """Requests received, assessments completed, and assessments resulting in a plan, by calendar year and age
    group at the request (complete calendar years before the last census only); with `by` (person_id -> area)
    by area too."""
    req = frames["ehc_request"].merge(frames["person"][["person_id", "birth_date"]], on="person_id", how="left")
    received = pd.to_datetime(req["received_date"])
    birth = pd.to_datetime(req["birth_date"])
    age = received.dt.year - birth.dt.year - ((received.dt.month < birth.dt.month)
                                              | ((received.dt.month == birth.dt.month) & (received.dt.day < birth.dt.day)))
    req = req.assign(year=received.dt.year, age_group=age_group(age.clip(0, 25).to_numpy()))
    keys = ["year", "age_group"]
    if by is not None:
        req["area"] = req["person_id"].map(by)
        keys = ["area", *keys]
    ass = frames["ehc_assessment"].merge(req[["request_id", *keys[:-2], "age_group"]], on="request_id", how="left")
    done = ass[ass["outcome"].isin(["Y", "N"]) & ass["outcome_date"].notna()].copy()
    done["year"] = pd.to_datetime(done["outcome_date"]).dt.year
    years = range(int(req["year"].min()) if len(req) else last, last)
    grid = pd.MultiIndex.from_product([*([sorted(req["area"].dropna().unique())] if by is not None else []),
                                       years, AGE_GROUPS], names=keys)
    out = pd.DataFrame(index=grid)
    out["requests"] = req.groupby(keys).size()
    out["assessments"] = done.groupby(keys).size()
    out["plans"] = done[done["outcome"] == "Y"].groupby(keys).size()
    return out.fillna(0).astype(int).reset_index()


def _hash(frames: Mapping[str, pd.DataFrame], names=TABLES_READ) -> str:
    """A content hash of the tables read, so a run can be matched to its inputs."""
    digest = hashlib.sha256()
    for name in names:
        frame = frames[name]
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def histories_by_area(*, tables: Mapping[str, object], as_at: dt.date, years: int = HISTORY_YEARS,
                      progress=None) -> dict[str, History]:
    """The history of each local area in one set of canonical tables holding many (the synthetic England).

    People belong to the area of `person.home_la`; needs, plans, placements and requests follow their person,
    assessments their request; an area's establishments (for capacity) are those with its `la_code`, and its
    planned places those of its establishments. The `population` table has no area column, so each area's
    population is England's (the table summed by year and age) times the area's share of all persons, the
    same share at every age; and `unit_cost` has none either, so every area gets its distinct rows (in the
    synthetic England every area's rows are the same)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    tables = dict(tables)
    person = tables["person"]
    person = person if isinstance(person, pa.Table) else pa.Table.from_pandas(person, preserve_index=False)
    holders = pc.unique(_column(tables["ehc_plan"], "person_id"))
    # Only plan holders have a census state: narrow the big tables to them before anything else.
    for name in ("sen_need", "placement"):
        tables[name] = _only(tables[name], holders)
    requesters = pc.unique(pa.concat_arrays([holders, pc.unique(_column(tables["ehc_request"], "person_id"))
                                             .cast(holders.type)]))
    share = person.group_by("home_la").aggregate([("person_id", "count")]).to_pandas()
    share = share.set_index("home_la")["person_id_count"] / len(person)
    tables["person"] = _only(person, requesters)
    frames = {name: _frame(tables[name]) for name in TABLES_READ}
    area_of = frames["person"].set_index("person_id")["home_la"]
    last = as_at.year if sen2_census_date(as_at.year) <= as_at else as_at.year - 1
    coded = _coded(frames)
    # Each coded person's area, looked up once.
    row = pc.index_in(pa.array(coded.ids, type=pa.string()), value_set=person.column("person_id")).to_numpy(
        zero_copy_only=False)
    home = person.column("home_la").to_numpy(zero_copy_only=False).astype(object)
    area_of_code = np.where(pd.isna(row), None, home[np.nan_to_num(row, nan=0).astype(np.int64)])
    census = []
    for n, year in enumerate(range(last - years + 1, last + 1)):
        census.append(_census(coded, year, codes=True))
        if progress is not None:
            progress("census", n + 1, years)
    census = pd.concat(census, ignore_index=True)
    census["area"] = area_of_code[census.pop("code").to_numpy()]
    flows = _flows(frames, last, by=area_of)
    england = frames["population"].groupby(["year", "age"], as_index=False)["population"].sum()
    unit_cost = frames["unit_cost"].drop_duplicates(["setting_category", "need_type", "financial_year"])
    establishment = frames["establishment"]
    place_area = frames["planned_places"]["establishment_id"].map(establishment.set_index("establishment_id")["la_code"])
    out = {}
    for area, rows in census.groupby("area", sort=True):
        population = england.assign(population=(england["population"] * share.get(area, 0.0)).round().astype(int))
        own = establishment[establishment["la_code"] == area]
        area_census = rows.drop(columns="area").reset_index(drop=True)
        out[str(area)] = History(
            census=area_census, population=population,
            flows=flows[flows["area"] == area].drop(columns="area").reset_index(drop=True),
            unit_cost=unit_cost, planned_places=frames["planned_places"][(place_area == area).to_numpy()],
            establishment=own, last_year=last,
            inputs_hash=_hash({"census": area_census, "population": population, "unit_cost": unit_cost,
                               "establishment": own}, names=("census", "population", "unit_cost", "establishment")),
        )
    return out


def _column(table, name: str):
    import pyarrow as pa

    if isinstance(table, pa.Table):
        return table.column(name).combine_chunks()
    return pa.array(table[name])


def _only(table, people):
    """The rows of `table` whose person_id is one of `people`."""
    import pyarrow.compute as pc

    if isinstance(table, pd.DataFrame):
        return table[table["person_id"].isin(people.to_pylist())]
    return table.filter(pc.is_in(table.column("person_id"), value_set=people))
