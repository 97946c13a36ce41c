"""Run the catalogue on any Ibis backend: one query for every indicator at every as-at date, then the
values, breakdowns and disproportionality ratios worked out from the aggregated sums.

`tables` maps each canonical table name to an Ibis table on one backend (`tables_from_connection`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir
import pandas as pd

from sendreform.metrics import expressions as x
from sendreform.metrics.catalogue import CATALOGUE, Indicator
from sendreform.standards import periods
from sendreform.standards.schemas import TABLES, ibis_schema

# Breakdown name -> column of the enriched units table.
BREAKDOWN_COLUMNS = {
    "primary_need": "primary_need",
    "phase": "phase",
    "cluster": "cluster_id",
    "establishment": "establishment_key",
    "ethnic_group": "ethnic_group",
    "sex": "sex",
    "sen_provision": "sen_provision",
    "local_area": "local_area",
}
# Columns a unit may fix itself, which then win over the person's attribute on the date.
FIXABLE = ("sen_provision",)
UNKNOWN = "UNKNOWN"


@dataclass
class Figure:
    """One value of one indicator at one date, for the whole area or one group of a breakdown."""

    id: str
    as_at: dt.date
    value: float | None
    numerator: float | None
    denominator: float | None
    units: int = 0
    by: str | None = None
    group: str | None = None
    ratio: float | None = None
    note: str | None = None
    groups: list[Figure] = field(default_factory=list)


class Tables(Mapping):
    """The canonical tables of one backend for one dates table, with the intermediates many indicators
    share (placements with their category, each person's placement and active plan on each date, person
    attributes), each built once and, where the backend allows, computed once into a temporary table."""

    def __init__(self, tables: Mapping[str, ir.Table], dates: ir.Table, runner: Runner, needed=frozenset()):
        self._tables, self.dates, self._runner, self._cache = dict(tables), dates, runner, {}
        self.needed = frozenset(needed)  # the breakdowns and filters asked for: attributes hold only these
        runner.ensure = self.ensure

    def __getitem__(self, name: str) -> ir.Table:
        return self._tables[name]

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def _shared(self, name: str, build) -> ir.Table:
        if name not in self._cache:
            self._cache[name] = self._runner.materialise(f"sendreform_{name}", (name,), build)
        return self._cache[name]

    def ensure(self, name: str) -> ir.Table:
        """The shared intermediate called `name`, made now if this run has not made it yet."""
        return getattr(self, name)

    @property
    def placements(self) -> ir.Table:
        return self._shared("placements", lambda: x.placements_categorised(self))

    @property
    def placement_on(self) -> ir.Table:
        return self._shared("placement_on", lambda: x.placement_on(self.placements, self.dates))

    @property
    def active_plans(self) -> ir.Table:
        return self._shared("active_plans", lambda: x.active_plans(self, self.dates))

    @property
    def active_plans_year_ago(self) -> ir.Table:
        return self._shared("active_plans_year_ago",
                            lambda: x.active_plans(self, self.dates, day=self.dates.year_ago))

    @property
    def attributes(self) -> ir.Table:
        return self._shared(
            "attributes", lambda: x.person_attributes(self, self.dates, self.placement_on, self.needed)
        )


def tables_from_connection(con, names: Iterable[str] | None = None) -> dict[str, ir.Table]:
    """The canonical tables of a connection, held to the canonical column names and types."""
    out = {}
    for name in names or TABLES:
        schema = ibis_schema(name)
        table = con.table(name).select(*schema.names)
        out[name] = table.cast({c: t.copy(nullable=True) for c, t in schema.items()})
    return out


def dates_table(as_ats: Iterable[dt.date], period: tuple[dt.date, dt.date] | None = None) -> ir.Table:
    """One row per as-at date with its period (default: the financial year to date) and the named years the
    indicators compare against."""
    rows = []
    for day in sorted(set(as_ats)):
        p0, p1 = period if period else (periods.financial_year(day).start, day)
        ay, fy = periods.academic_year(day), periods.financial_year(day)
        prior = periods.financial_year(fy.start - dt.timedelta(days=1))
        try:
            year_ago = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            year_ago = day.replace(year=day.year - 1, day=28)
        rows.append(dict(as_at=day, p0=p0, p1=p1, ay=ay.name, ay_start=ay.start, ay_end=ay.end,
                         fy=fy.name, fy_prev=prior.name, year_ago=year_ago))
    frame = pd.DataFrame(rows)
    schema = {"as_at": "date", "p0": "date", "p1": "date", "ay": "string", "ay_start": "date",
              "ay_end": "date", "fy": "string", "fy_prev": "string", "year_ago": "date"}
    return ibis.memtable(frame, schema=schema)


def _enrich(t, d, units: ir.Table, attributes: ir.Table) -> ir.Table:
    """Units with every breakdown column: the person's attributes on the date, the unit's own establishment
    (or else the person's placement), and that establishment's cluster."""
    fixed = {c: f"unit_{c}" for c in FIXABLE if c in units.columns}
    u = units.rename({v: k for k, v in fixed.items()})
    j = u.left_join(attributes, ["as_at", "person_id"]).drop("as_at_right", "person_id_right")
    placed = j.placed_establishment_id if "placed_establishment_id" in j.columns else ibis.null("string")
    j = j.mutate(establishment_key=j.establishment_id.fill_null(placed))
    e = t["establishment"].select(est_id="establishment_id", est_cluster="cluster_id", est_la="la_code")
    j = j.left_join(e, j.establishment_key == e.est_id).drop("est_id")
    # A person's local area is their home authority; a setting's, the authority it is in.
    j = j.mutate(cluster_id=j.est_cluster, local_area=j.home_la.fill_null(j.est_la)).drop("est_cluster", "est_la")
    for column, renamed in fixed.items():
        own = j[column] if column in j.columns else ibis.null("string")
        j = j.mutate(**{column: j[renamed].fill_null(own)})
    return j


# Backends where a temporary table is cheap and keeps queries shallow (SQLite's parser needs that), and
# where compiled SQL is kept for reuse; Spark plans deep queries well and its temporary tables are views.
SQL_BACKENDS = frozenset({"sqlite", "duckdb", "postgres"})
_COMPILED: dict[tuple, tuple] = {}
_SHARED = re.compile(r"sendreform_(placements|placement_on|active_plans_year_ago|active_plans|attributes)\b")


class Runner:
    """Runs the engine's queries on one connection. On SQL backends each query shape is compiled once per
    process (compiling Ibis to SQL costs more than running it on a local area's data) and shared
    intermediates become temporary tables."""

    def __init__(self, con, tables: Mapping[str, ir.Table], variant: tuple = ()):
        self.con, self.ensure, self.variant = con, None, variant
        self.sql = con is not None and getattr(con, "name", None) in SQL_BACKENDS
        # SQLite's parser overflows on the deeper queries of breakdowns unless their steps are tables.
        self.shallow = getattr(con, "name", None) == "sqlite"
        # Compiled SQL depends on the shape of the input tables as well as on the query.
        self._shape = (getattr(con, "name", None), tuple((n, str(t.schema())) for n, t in sorted(tables.items())))

    def _compiled(self, key: tuple, build) -> tuple[str, object]:
        """(SQL, result schema) of a query, compiled on first use."""
        full = (self._shape, self.variant, key)
        if full not in _COMPILED:
            expr = build()
            _COMPILED[full] = (str(self.con.compile(expr)), expr.schema())
        sql, schema = _COMPILED[full]
        # SQL compiled in an earlier run names shared temporary tables this run may not have made yet.
        for name in _SHARED.findall(sql):
            self.ensure(name)
        return sql, schema

    def fetch(self, key: tuple, build) -> pd.DataFrame:
        if not self.sql:
            expr = build()
            return self.con.execute(expr) if self.con is not None else expr.execute()
        cursor = self.con.con.execute(self._compiled(key, build)[0])
        columns = [c[0] for c in cursor.description]
        return pd.DataFrame.from_records(cursor.fetchall(), columns=columns)

    def materialise(self, name: str, key: tuple, build, *, only_if_shallow: bool = False) -> ir.Table:
        """Compute a shared intermediate once as a temporary table, where the backend allows it."""
        if not self.sql or (only_if_shallow and not self.shallow):
            return build()
        # Through Ibis (not raw DDL) so that it knows where each backend keeps temporary tables.
        sql, schema = self._compiled(key, build)
        return self.con.create_table(name, obj=self.con.sql(sql, schema=schema), temp=True, overwrite=True)


class _Units:
    """An indicator's units with every breakdown column, built only when a query needs them and kept as a
    temporary table (so each breakdown's query stays shallow)."""

    def __init__(self, tables: Tables, d, ind: Indicator, filters: Mapping[str, str], runner: Runner):
        self._args, self._table = (tables, d, ind, filters, runner), None

    @property
    def table(self) -> ir.Table:
        if self._table is None:
            tables, d, ind, filters, runner = self._args
            raw = runner.materialise("sendreform_units", ("units", ind.id), lambda: ind.units(tables, d),
                                     only_if_shallow=True)
            scope = tuple(sorted(filters.items()))

            def build():
                units = _enrich(tables, d, raw, tables.attributes)
                for name, value in filters.items():
                    units = units.filter(_group_column(units, name) == value)
                return units

            self._table = runner.materialise("sendreform_enriched", ("enriched", ind.id, scope), build,
                                             only_if_shallow=True)
        return self._table


def _group_column(units: ir.Table | None, by: str | None) -> ir.StringValue:
    if by is None:
        return ibis.literal("ALL")
    return units[BREAKDOWN_COLUMNS[by]].cast("string").fill_null(UNKNOWN)


def _applicable(indicator: Indicator, names: Iterable[str]) -> bool:
    return all(n in indicator.breakdowns for n in names)


def _aggregate(units: ir.Table, indicator: Indicator, group) -> ir.Table:
    u = units.mutate(group=group)
    if indicator.aggregate == "median":
        w = ibis.window(group_by=["as_at", "group"], order_by=["num"])
        ranked = u.mutate(rank=ibis.row_number().over(w),
                          n=u.num.count().over(ibis.window(group_by=["as_at", "group"])))
        middle = ranked.filter(
            (ranked.rank * 2 >= ranked.n - 2) & (ranked.rank * 2 <= ranked.n)
        )
        med = middle.group_by(["as_at", "group"]).aggregate(median=middle.num.mean())
        counts = u.group_by(["as_at", "group"]).aggregate(n=u.num.count())
        agg = counts.join(med, ["as_at", "group"]).select(
            "as_at", "group", sum_num=med.median, sum_den=counts.n.cast("float64"), n=counts.n,
            mean_num=med.median, mean_den=ibis.null().cast("float64"),
        )
    else:
        agg = u.group_by(["as_at", "group"]).aggregate(
            sum_num=u.num.sum(), sum_den=u.den.sum(), n=u.count(), mean_num=u.num.mean(), mean_den=u.den.mean()
        )
    return agg.mutate(indicator=ibis.literal(indicator.id))


def _value(indicator: Indicator, row: Mapping) -> tuple[float | None, float | None, float | None, str | None]:
    """(value, numerator, denominator, note) from one aggregated row."""
    num, den = row.get("sum_num"), row.get("sum_den")
    kind = indicator.aggregate
    if kind == "count":
        return (num or 0.0), (num or 0.0), None, None
    if kind == "median":
        if not den:
            return None, None, 0.0, "Nothing in the period to take a median of."
        return num, None, den, None
    if kind == "mean_growth":
        mn, md = row.get("mean_num"), row.get("mean_den")
        if mn is None or md in (None, 0):
            return None, mn, md, "Needs costs for this financial year and the one before."
        return 100 * (mn / md - 1), mn, md, None
    if not den:
        return None, num or 0.0, den or 0.0, "The denominator is zero: nothing to take a share of."
    if kind == "percent":
        return 100 * num / den, num, den, None
    if kind == "mean":
        return num / den, num, den, None
    if kind == "growth":
        return 100 * (num / den - 1), num, den, None
    raise ValueError(f"unknown aggregate {kind!r}")


def _clean(value):
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return float(value)


def evaluate(
    tables: Mapping[str, ir.Table],
    *,
    as_ats: Iterable[dt.date],
    period: tuple[dt.date, dt.date] | None = None,
    ids: Iterable[str] | None = None,
    by: Iterable[str] = (),
    filters: Mapping[str, str] | None = None,
    con=None,
) -> list[Figure]:
    """Every requested indicator at every as-at date, with the requested breakdowns, in one query per
    breakdown. `filters` keeps only the units of one group (e.g. {"cluster": "870-C1"}). Breakdowns an
    indicator does not offer are left out of its figures."""
    as_ats = sorted(set(as_ats))
    indicators = [CATALOGUE[i] for i in (ids or CATALOGUE)]
    by, filters = list(by), dict(filters or {})
    needed = frozenset(by) | frozenset(filters)
    # Attributes (and so every query over them) differ with the breakdowns asked for.
    runner = Runner(con, tables, variant=tuple(sorted(needed)))
    d = dates_table(as_ats, period)
    if runner.sql:
        con.create_table("sendreform_dates", obj=d, temp=True, overwrite=True)
        d = con.table("sendreform_dates")
    tables = Tables(tables, d, runner, needed)
    scope = tuple(sorted(filters.items()))

    frames = []
    for ind in indicators:
        if not _applicable(ind, filters):
            continue
        # Made now, not inside a query's build: a query compiled earlier would not build it.
        units = _Units(tables, d, ind, filters, runner).table if (by or filters) else None
        for breakdown in [None, *by]:
            if breakdown is not None and breakdown not in ind.breakdowns:
                continue
            # One query per indicator and breakdown: SQLite's parser overflows on deeper unions.
            frames.append(runner.fetch(
                ("aggregate", ind.id, breakdown, scope, units is not None),
                lambda ind=ind, breakdown=breakdown, units=units: _aggregate(
                    units if units is not None else ind.units(tables, d), ind, _group_column(units, breakdown),
                ).mutate(by=ibis.literal(breakdown or "", type="string")),
            ))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["indicator", "as_at", "by", "group", "sum_num", "sum_den", "n", "mean_num", "mean_den"]
    )
    return _figures(frame, indicators, as_ats, by, filters)


def _figures(frame: pd.DataFrame, indicators, as_ats, by, filters) -> list[Figure]:
    rows: dict[tuple, dict] = {}
    for rec in frame.to_dict("records"):
        day = pd.Timestamp(rec["as_at"]).date()
        rows[(rec["indicator"], day, rec["by"] or None, rec["group"])] = {
            k: _clean(rec[k]) for k in ("sum_num", "sum_den", "mean_num", "mean_den")
        } | {"n": int(rec["n"] or 0)}

    out = []
    for ind in indicators:
        if not _applicable(ind, filters):
            continue
        for day in as_ats:
            top = rows.get((ind.id, day, None, "ALL"), {"n": 0})
            value, num, den, note = _value(ind, top)
            fig = Figure(ind.id, day, value, num, den, top["n"], note=note)
            for breakdown in by:
                if breakdown not in ind.breakdowns:
                    continue
                for (iid, gday, gby, group), g in sorted(rows.items(), key=lambda kv: str(kv[0][3])):
                    if iid != ind.id or gday != day or gby != breakdown:
                        continue
                    gv, gn, gd, gnote = _value(ind, g)
                    fig.groups.append(
                        Figure(ind.id, day, gv, gn, gd, g["n"], by=breakdown, group=group, note=gnote,
                               ratio=_ratio(ind, gn, gd, num, den))
                    )
            out.append(fig)
    return out


def _ratio(ind: Indicator, gnum, gden, num, den) -> float | None:
    """Disproportionality: the group's rate over the rate of everyone else (rates only)."""
    if ind.aggregate != "percent" or None in (gnum, gden, num, den):
        return None
    rest_num, rest_den = num - gnum, den - gden
    if not gden or not rest_den or not rest_num:
        return None
    return (gnum / gden) / (rest_num / rest_den)
