"""Run the catalogue on any Ibis backend: every indicator's units at every as-at date gathered into one
table, joined to the breakdown columns once for the whole catalogue, and summed in one query per
breakdown; then the values, breakdowns and disproportionality ratios worked out from the sums.

`tables` maps each canonical table name to an Ibis table on one backend (`tables_from_connection`), or is None
for the canonical tables of `con`. On SQL backends the statements one request runs are kept on disk (`plans`, ADR
31): a later process with the same request replays them on the connection without importing Ibis.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sendreform.metrics import expressions as x
from sendreform.metrics import plans
from sendreform.metrics.catalogue import CATALOGUE, Indicator
from sendreform.metrics.lazy import lazy_import
from sendreform.standards import periods
from sendreform.standards.schemas import TABLES, ibis_schema

ibis = lazy_import("ibis")

if TYPE_CHECKING:
    import ibis.expr.types as ir

# Breakdown name -> column of the units joined to their breakdowns (`expressions.with_breakdowns`).
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
    people: int = 0  # the distinct children (person ids) behind the figure, which decide its suppression


class Tables(Mapping):
    """The canonical tables of one backend for one dates table, with the intermediates many indicators
    share (placements with their category, each person's active plan and placement on each date, a person's
    need or SEN provision on each date), each built once and, where the backend allows and it pays, computed
    once into a temporary table."""

    def __init__(self, tables: Mapping[str, ir.Table], dates: ir.Table, runner: Runner):
        self._tables, self.dates, self._runner, self._cache = dict(tables), dates, runner, {}
        runner.ensure = self.ensure

    def __getitem__(self, name: str) -> ir.Table:
        return self._tables[name]

    def __iter__(self):
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)

    def shared(self, name: str, build: Callable[[Tables], ir.Table], *, only_if_shallow: bool = False) -> ir.Table:
        """The intermediate `build(tables)` called `name`, built once per run. It becomes a temporary table
        on SQL backends (on SQLite alone with `only_if_shallow`: elsewhere it is used once, inside a bigger
        query, and computing it apart would cost more than it saves)."""
        _BUILDERS.setdefault(name, (build, only_if_shallow))
        if name not in self._cache:
            self._cache[name] = self._runner.materialise(f"sendreform_{name}", (name,), lambda: build(self),
                                                         only_if_shallow=only_if_shallow)
        return self._cache[name]

    def ensure(self, name: str) -> ir.Table:
        """The shared intermediate called `name`, made now if this run has not made it yet."""
        build, only_if_shallow = _BUILDERS[name]
        return self.shared(name, build, only_if_shallow=only_if_shallow)

    @property
    def placements(self) -> ir.Table:
        return self.shared("placements", lambda t: x.placements_categorised(t, t.dates))

    @property
    def active_plans(self) -> ir.Table:
        return self.shared("active_plans", lambda t: x.active_plans(t, t.dates))

    @property
    def active_plans_year_ago(self) -> ir.Table:
        return self.shared("active_plans_year_ago", lambda t: x.active_plans(t, t.dates, day=t.dates.year_ago))

    @property
    def plans_placed(self) -> ir.Table:
        return self.shared("plans_placed", lambda t: x.plans_placed(t.active_plans, t.placements, t.dates))

    @property
    def placement_on(self) -> ir.Table:
        """Everyone's placement on each date: only the establishment and cluster breakdowns need it."""
        return self.shared("placement_on", lambda t: x.placement_on(t.placements, t.dates), only_if_shallow=True)

    @property
    def people(self) -> ir.Table:
        # A table on SQLite, which can then index it for the join (it cannot through the canonical casts).
        return self.shared("people", x.people, only_if_shallow=True)

    @property
    def primary_need_on(self) -> ir.Table:
        return self.shared("primary_need_on", lambda t: x.primary_need_on(t, t.dates), only_if_shallow=True)

    @property
    def sen_provision_on(self) -> ir.Table:
        return self.shared("sen_provision_on", lambda t: x.sen_provision_on(t, t.dates), only_if_shallow=True)


def tables_from_connection(con, names: Iterable[str] | None = None) -> dict[str, ir.Table]:
    """The canonical tables of a connection, held to the canonical column names and types."""
    out = {}
    for name in names or TABLES:
        schema = ibis_schema(name)
        table = con.table(name).select(*schema.names)
        out[name] = table.cast({c: t.copy(nullable=True) for c, t in schema.items()})
    return out


# A period that is each as-at date's own financial quarter to date (rather than one period for every date):
# the periods of quarter ends then never overlap, so figures for two dates cannot be differenced.
QUARTER = "quarter"


def period_of(day: dt.date, period: tuple[dt.date, dt.date] | str | None = None) -> tuple[dt.date, dt.date]:
    """The period an as-at date's flows count over: the one given, its quarter to date (QUARTER), or by
    default the financial year to date."""
    if period == QUARTER:
        return periods.financial_quarter(day).start, day
    return period if period else (periods.financial_year(day).start, day)


DATES_COLUMNS = {"as_at": "date", "p0": "date", "p1": "date", "ay": "string", "ay_start": "date",
                 "ay_end": "date", "fy": "string", "fy_prev": "string", "year_ago": "date"}


def dates_rows(as_ats: Iterable[dt.date], period: tuple[dt.date, dt.date] | str | None = None,
               periods_of: Mapping[dt.date, tuple[dt.date, dt.date] | str | None] | None = None) -> list[tuple]:
    """One row per as-at date (DATES_COLUMNS): its period (`period_of`, or the date's own in `periods_of`) and the
    named years the indicators compare against."""
    rows = []
    for day in sorted(set(as_ats)):
        p0, p1 = period_of(day, (periods_of or {}).get(day, period))
        ay, fy = periods.academic_year(day), periods.financial_year(day)
        prior = periods.financial_year(fy.start - dt.timedelta(days=1))
        try:
            year_ago = day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            year_ago = day.replace(year=day.year - 1, day=28)
        rows.append((day, p0, p1, ay.name, ay.start, ay.end, fy.name, prior.name, year_ago))
    return rows


def dates_table(as_ats: Iterable[dt.date], period: tuple[dt.date, dt.date] | str | None = None,
                periods_of: Mapping | None = None) -> ir.Table:
    """The dates table (`dates_rows`) as an in-memory Ibis table, for backends without temporary tables."""
    import pandas as pd

    frame = pd.DataFrame(dates_rows(as_ats, period, periods_of), columns=list(DATES_COLUMNS))
    return ibis.memtable(frame, schema=DATES_COLUMNS)


# Every indicator's units in one table: a unit's own SEN provision (one it fixes itself, as an exclusion
# records the provision at the time) wins over the person's on the date.
UNITS_SCHEMA = {"indicator": "string", "as_at": "date", "person_id": "string", "establishment_id": "string",
                "num": "float64", "den": "float64", "unit_sen_provision": "string"}


def _common(units: ir.Table, indicator: Indicator) -> ir.Table:
    """An indicator's units in the shape of UNITS_SCHEMA."""
    own = units.sen_provision if "sen_provision" in units.columns else ibis.null("string")
    return units.select(
        indicator=ibis.literal(indicator.id, type="string"), as_at=units.as_at.cast("date"),
        person_id=units.person_id.cast("string"), establishment_id=units.establishment_id.cast("string"),
        num=units.num.cast("float64"), den=units.den.cast("float64"), unit_sen_provision=own.cast("string"),
    )


# Backends where a temporary table is cheap and keeps queries shallow (SQLite's parser needs that), and
# where compiled SQL is kept for reuse; Spark plans deep queries well and its temporary tables are views.
SQL_BACKENDS = frozenset({"sqlite", "duckdb", "postgres"})
_COMPILED: dict[tuple, tuple] = {}
# Shared intermediates by name: (build, only_if_shallow), so that SQL compiled in an earlier run can have
# the temporary tables it names made again.
_BUILDERS: dict[str, tuple[Callable, bool]] = {}
_NAMED = re.compile(r"sendreform_(\w+)")


class Runner:
    """Runs the engine's queries on one connection. On SQL backends each query shape is compiled once per
    process (compiling Ibis to SQL costs more than running it on a local area's data), shared intermediates
    become temporary tables, and every statement run is kept in `steps` (the request's plan, `plans`)."""

    def __init__(self, con, tables: Mapping[str, ir.Table], variant: tuple = ()):
        self.con, self.ensure, self.variant = con, None, variant
        self.sql = con is not None and getattr(con, "name", None) in SQL_BACKENDS
        # SQLite's parser overflows on the deeper queries of breakdowns unless their steps are tables.
        self.shallow = getattr(con, "name", None) == "sqlite"
        # Compiled SQL depends on the shape of the input tables as well as on the query.
        self._shape = (getattr(con, "name", None), tuple((n, str(t.schema())) for n, t in sorted(tables.items())))
        self.steps: list[tuple[str, str]] = []

    def _compiled(self, key: tuple, build) -> tuple[str, object]:
        """(SQL, result schema) of a query, compiled on first use."""
        full = (self._shape, self.variant, key)
        if full not in _COMPILED:
            expr = build()
            _COMPILED[full] = (str(self.con.compile(expr)), expr.schema())
        sql, schema = _COMPILED[full]
        # SQL compiled in an earlier run names shared temporary tables this run may not have made yet.
        for name in _NAMED.findall(sql):
            if name in _BUILDERS:
                self.ensure(name)
        return sql, schema

    def _execute(self, sql: str) -> None:
        self.steps.append(("exec", sql))
        plans.execute(self.con.con, sql)

    def fetch(self, key: tuple, build) -> list[dict]:
        """The rows of a query, each a dict by column."""
        if not self.sql:
            expr = build()
            frame = self.con.execute(expr) if self.con is not None else expr.execute()
            return frame.to_dict("records")
        sql = self._compiled(key, build)[0]
        self.steps.append(("fetch", sql))
        return plans.records(self.con.con, sql)

    def release(self) -> None:
        """Let go of what this run kept for itself (Spark's cached DataFrames; temporary tables go with the
        connection)."""

    def materialise(self, name: str, key: tuple, build, *, only_if_shallow: bool = False) -> ir.Table:
        """Compute an intermediate once as a temporary table, where the backend allows it."""
        if not self.sql or (only_if_shallow and not self.shallow):
            return build()
        sql, schema = self._compiled(key, build)
        return self._filled(name, schema, [sql])

    def gather(self, name: str, parts: Mapping[tuple, Callable[[], ir.Table]], schema) -> ir.Table:
        """One table of the rows of every part (each a query of `schema`'s shape): a temporary table filled
        one query at a time where the backend allows it, else their union."""
        if not self.sql:
            return ibis.union(*[build() for build in parts.values()]) if parts else ibis.table(schema, name=name)
        return self._filled(name, ibis.schema(schema), [self._compiled(key, build)[0] for key, build in parts.items()])

    def _filled(self, name: str, schema, queries: list[str]) -> ir.Table:
        # Made and filled by plain SQL, which a later process can replay without Ibis (`plans`).
        mapper, dialect = self.con.compiler.type_mapper, self.con.dialect
        columns = ", ".join(f'"{c}" {mapper.from_ibis(t).sql(dialect)}' for c, t in schema.items())
        self._execute(f'DROP TABLE IF EXISTS "{name}"')
        self._execute(f'CREATE TEMPORARY TABLE "{name}" ({columns})')
        for sql in queries:
            self._execute(f'INSERT INTO "{name}" {sql}')
        return self.con.table(name)


def _runner_class(con) -> type[Runner]:
    if getattr(con, "name", None) == "pyspark":
        from sendreform.metrics.spark import SparkRunner  # only where Spark is used: importing it costs time

        return SparkRunner
    return Runner


def _group_column(units: ir.Table | None, by: str | None) -> ir.StringValue:
    if by is None:
        return ibis.literal("ALL")
    return units[BREAKDOWN_COLUMNS[by]].cast("string").fill_null(UNKNOWN)


def _applicable(indicator: Indicator, names: Iterable[str]) -> bool:
    return all(n in indicator.breakdowns for n in names)


def _aggregate(units: ir.Table, indicators: list[Indicator], by: str | None) -> ir.Table:
    """The sums (or, for a median, the median) of the units of `indicators` per indicator, date and group of
    `by`, in one query (so that units joined to their breakdowns are read once)."""
    keys = ["indicator", "as_at", "group"]
    parts = []
    sums = [ind.id for ind in indicators if ind.aggregate != "median"]
    if sums:
        u = units.filter(units.indicator.isin(sums))
        u = u.mutate(group=_group_column(u, by))
        parts.append(u.group_by(keys).aggregate(
            sum_num=u.num.sum(), sum_den=u.den.sum(), n=u.count(), mean_num=u.num.mean(), mean_den=u.den.mean(),
            people=u.person_id.nunique(),
        ))
    medians = [ind.id for ind in indicators if ind.aggregate == "median"]
    if medians:
        u = units.filter(units.indicator.isin(medians))
        u = u.mutate(group=_group_column(u, by))
        w = ibis.window(group_by=keys, order_by=["num"])
        ranked = u.mutate(rank=ibis.row_number().over(w), n=u.num.count().over(ibis.window(group_by=keys)))
        middle = ranked.filter(
            (ranked.rank * 2 >= ranked.n - 2) & (ranked.rank * 2 <= ranked.n)
        )
        med = middle.group_by(keys).aggregate(median=middle.num.mean())
        counts = u.group_by(keys).aggregate(n=u.num.count(), people=u.person_id.nunique())
        parts.append(counts.join(med, keys).select(
            *keys, sum_num=med.median, sum_den=counts.n.cast("float64"), n=counts.n,
            mean_num=med.median, mean_den=ibis.null("float64"), people=counts.people,
        ))
    return ibis.union(*parts).mutate(by=ibis.literal(by or "", type="string"))


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
    value = float(value)  # a Decimal from PostgreSQL, a NumPy number from Spark
    return None if math.isnan(value) else value


def evaluate(
    tables: Mapping[str, ir.Table] | None = None,
    *,
    as_ats: Iterable[dt.date],
    period: tuple[dt.date, dt.date] | str | None = None,
    periods_of: Mapping[dt.date, tuple[dt.date, dt.date] | str | None] | None = None,
    ids: Iterable[str] | None = None,
    by: Iterable[str] = (),
    filters: Mapping[str, str] | None = None,
    con=None,
) -> list[Figure]:
    """Every requested indicator at every as-at date, with the requested breakdowns. `filters` keeps only
    the units of one group (e.g. {"cluster": "870-C1"}). Breakdowns an indicator does not offer are left out
    of its figures. `periods_of` gives some dates a period of their own (a plan's baselines beside the report).

    Every indicator's units go into one table (one query per indicator: SQLite's parser overflows on their
    union), which is joined to the breakdowns once, for the whole catalogue, and aggregated in one query per
    breakdown. On SQL backends `con` may be the DB-API connection itself and `tables` None: the statements
    are then replayed from the request's plan on disk when there is one (ADR 31)."""
    as_ats = sorted(set(as_ats))
    indicators = [CATALOGUE[i] for i in (ids or CATALOGUE)]
    by, filters = list(by), dict(filters or {})
    chosen = [ind for ind in indicators if _applicable(ind, filters)]
    rows = dates_rows(as_ats, period, periods_of)
    backend = plans.backend_name(con)
    if backend in SQL_BACKENDS:
        raw = plans.raw_connection(con)
        plans.dates_create(raw, backend, DATES_COLUMNS, rows)
        key = plans.plan_key(raw, backend, [ind.id for ind in chosen], by, filters)
        records = plans.replay(raw, key)
        if records is None:
            con = plans.ibis_backend(con, backend)
            tables = tables_from_connection(con) if tables is None else tables
            runner = Runner(con, tables, variant=tuple(sorted(frozenset(by) | frozenset(filters))))
            records = _run(runner, tables, con.table("sendreform_dates"), chosen, by, filters)
            plans.save(key, runner.steps)
    else:
        if tables is None:
            tables = tables_from_connection(con)
        # Breakdown columns (and so every query over them) differ with the breakdowns asked for.
        runner = _runner_class(con)(con, tables, variant=tuple(sorted(frozenset(by) | frozenset(filters))))
        records = _run(runner, tables, dates_table(as_ats, period, periods_of), chosen, by, filters)
    return _figures(records, indicators, as_ats, by, filters)


def _run(runner: Runner, tables, d, chosen: list[Indicator], by: list[str], filters: dict) -> list[dict]:
    """The aggregated rows of `evaluate`: one per indicator, date, breakdown and group."""
    needed = frozenset(by) | frozenset(filters)
    tables = Tables(tables, d, runner)
    scope = tuple(sorted(filters.items()))
    units = runner.gather("sendreform_units", {
        ("units", ind.id): (lambda ind=ind: _common(ind.units(tables, d), ind)) for ind in chosen
    }, UNITS_SCHEMA)
    enriched = None
    if by or filters:
        def build():
            out = x.with_breakdowns(tables, units, needed)
            for name, value in filters.items():
                out = out.filter(_group_column(out, name) == value)
            return out

        # A table when more than one query reads it (or on SQLite, to keep the queries shallow).
        reads = len(by) + bool(filters)
        enriched = runner.materialise("sendreform_enriched", ("enriched", scope), build, only_if_shallow=reads < 2)

    records = []
    for breakdown in [None, *by]:
        source = enriched if (breakdown or filters) else units
        offered = [ind for ind in chosen if breakdown is None or breakdown in ind.breakdowns]
        if offered:
            records.extend(runner.fetch(
                ("aggregate", breakdown, tuple(ind.id for ind in offered), scope),
                lambda source=source, offered=offered, breakdown=breakdown: _aggregate(source, offered, breakdown),
            ))
    runner.release()
    return records


def _day(value) -> dt.date:
    """An as-at date as a backend returns it: a date, a timestamp, or ISO text (SQLite)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value.date() if isinstance(value, dt.datetime) else value


def _figures(records: list[dict], indicators, as_ats, by, filters) -> list[Figure]:
    """Figures from the aggregated rows, each indicator's groups of each breakdown gathered in one pass."""
    totals: dict[tuple, dict] = {}
    groups: dict[tuple, list[tuple[str, dict]]] = {}
    for rec in records:
        row = {k: _clean(rec[k]) for k in ("sum_num", "sum_den", "mean_num", "mean_den")} | {
            "n": int(rec["n"] or 0), "people": int(_clean(rec.get("people")) or 0)}
        key = (rec["indicator"], _day(rec["as_at"]))
        if rec["by"]:
            groups.setdefault((*key, rec["by"]), []).append((rec["group"], row))
        elif rec["group"] == "ALL":
            totals[key] = row
    for found in groups.values():
        found.sort(key=lambda item: str(item[0]))

    out = []
    for ind in indicators:
        if not _applicable(ind, filters):
            continue
        for day in as_ats:
            top = totals.get((ind.id, day), {"n": 0, "people": 0})
            value, num, den, note = _value(ind, top)
            fig = Figure(ind.id, day, value, num, den, top["n"], note=note, people=top["people"])
            for breakdown in by:
                if breakdown not in ind.breakdowns:
                    continue
                for group, g in groups.get((ind.id, day, breakdown), ()):
                    gv, gn, gd, gnote = _value(ind, g)
                    fig.groups.append(
                        Figure(ind.id, day, gv, gn, gd, g["n"], by=breakdown, group=group, note=gnote,
                               ratio=_ratio(ind, gn, gd, num, den), people=g["people"])
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
