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
    census = pd.concat([_census(frames, year) for year in range(first_year, last + 1)], ignore_index=True)
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


def _open_on(start: pd.Series, end: pd.Series, day: np.datetime64) -> np.ndarray:
    s, e = _dates(start), _dates(end)
    return (s <= day) & (np.isnat(e) | (e > day))


def _census(frames: Mapping[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Each person with an active plan on the census date, with their NCY, primary need and setting."""
    day = np.datetime64(sen2_census_date(year), "D")
    plan = frames["ehc_plan"]
    people = pd.Index(plan.loc[_open_on(plan["start_date"], plan["cease_date"], day), "person_id"].unique())
    person = frames["person"].set_index("person_id").reindex(people)
    birth = pd.to_datetime(person["birth_date"])
    # Age on 31 August before the January census, less four: the NCY of a child in their year group.
    ncy = (year - 1) - birth.dt.year.to_numpy() - (birth.dt.month.to_numpy() >= 9) - 4
    need = frames["sen_need"]
    need = need[(need["need_rank"] == 1) & _open_on(need["start_date"], need["end_date"], day)]
    need = need.sort_values(["start_date", "need_type"]).drop_duplicates("person_id", keep="last")
    need = need.set_index("person_id")["need_type"].reindex(people).fillna(UNKNOWN_NEED)
    need = need.where(need.isin(NEEDS), UNKNOWN_NEED)
    setting = _settings_on(frames, day).reindex(people).fillna(UNKNOWN_SETTING)
    return pd.DataFrame({
        "year": year, "person_id": people.to_numpy(),
        "ncy": np.clip(ncy, NCY_MIN, NCY_MAX).astype(int),
        "need": need.to_numpy(), "setting": setting.to_numpy(),
    })


def _settings_on(frames: Mapping[str, pd.DataFrame], day: np.datetime64) -> pd.Series:
    """Each person's setting category on `day`: their open placement, the latest-starting where several are
    open (the rule of `metrics.expressions.placement_on`)."""
    from sendreform.standards.placements import setting_category

    p = frames["placement"]
    p = p[_open_on(p["start_date"], p["end_date"], day)]
    p = p.sort_values(["start_date", "placement_id"]).drop_duplicates("person_id", keep="last")
    e = frames["establishment"].set_index("establishment_id")
    kind = p["establishment_id"].map(e["kind"])
    funding = p["establishment_id"].map(e["funding"])
    categories = [
        setting_category(kind=k if isinstance(k, str) else None, funding=f if isinstance(f, str) else None,
                         sen_setting=s if isinstance(s, str) else None, sen_unit=bool(u),
                         resourced_provision=bool(r))
        for k, f, s, u, r in zip(kind, funding, p["sen_setting"], p["sen_unit"].fillna(False),
                                 p["resourced_provision"].fillna(False), strict=True)
    ]
    return pd.Series(categories, index=p["person_id"].to_numpy())


def _flows(frames: Mapping[str, pd.DataFrame], last: int) -> pd.DataFrame:
    """Requests received, assessments completed, and assessments resulting in a plan, by calendar year and age
    group at the request (complete calendar years before the last census only)."""
    req = frames["ehc_request"].merge(frames["person"][["person_id", "birth_date"]], on="person_id", how="left")
    received = pd.to_datetime(req["received_date"])
    birth = pd.to_datetime(req["birth_date"])
    age = received.dt.year - birth.dt.year - ((received.dt.month < birth.dt.month)
                                              | ((received.dt.month == birth.dt.month) & (received.dt.day < birth.dt.day)))
    req = req.assign(year=received.dt.year, age_group=age_group(age.clip(0, 25).to_numpy()))
    ass = frames["ehc_assessment"].merge(req[["request_id", "age_group"]], on="request_id", how="left")
    done = ass[ass["outcome"].isin(["Y", "N"]) & ass["outcome_date"].notna()].copy()
    done["year"] = pd.to_datetime(done["outcome_date"]).dt.year
    grid = pd.MultiIndex.from_product([range(int(req["year"].min()) if len(req) else last, last),
                                       AGE_GROUPS], names=["year", "age_group"])
    out = pd.DataFrame(index=grid)
    out["requests"] = req.groupby(["year", "age_group"]).size()
    out["assessments"] = done.groupby(["year", "age_group"]).size()
    out["plans"] = done[done["outcome"] == "Y"].groupby(["year", "age_group"]).size()
    return out.fillna(0).astype(int).reset_index()


def _hash(frames: Mapping[str, pd.DataFrame]) -> str:
    """A content hash of the tables read, so a run can be matched to its inputs."""
    digest = hashlib.sha256()
    for name in TABLES_READ:
        frame = frames[name]
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]
