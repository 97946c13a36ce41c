"""What the inclusion dashboard shows and to whom: one rule for who sees which figures (`indicator_view_for`),
and the plan's indicators for an as-at date, filters and a scope — the report `sendreform metrics` prints, a
quarterly time series since April 2023 and the plan's trajectory — read from the shared analytics copy
(`analytics.py`, ADR 15): what its job computed beforehand (the dashboard as it first opens), or computed
on the copy and kept in Django's cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.common.warehouse import analytics_open
from sendreform.metrics import engine, report
from sendreform.metrics.catalogue import BLOCKS, CATALOGUE, Indicator
from sendreform.metrics.targets import PlanTargets, Trajectory, targets_load
from sendreform.standards import periods, suppression

SERIES_START = dt.date(2023, 4, 1)
CACHE_SECONDS = 10 * 60
# The filters a user may choose (each a breakdown of `engine.evaluate`), and the breakdowns a page shows.
FILTER_NAMES = ("cluster", "phase", "primary_need")
BREAKDOWNS_SHOWN = ("primary_need", "phase", "cluster", "ethnic_group", "sex", "sen_provision", "local_area")
# A rate means the same for part of the area as for the whole, so it can be held to the area's trajectory;
# a count of part of the area cannot.
RATE_AGGREGATES = frozenset({"percent", "mean", "median", "growth", "mean_growth"})
SUPPRESSED = suppression.SUPPRESSED


# ------------------------------------------------------------------------------------------ who sees what


@dataclass(frozen=True)
class IndicatorView:
    """The figures one user may see: the local area's, suppressed for anyone outside the council's own view,
    and — for a SENCo or a cluster lead — their own setting's or cluster's beside them, unsuppressed."""

    suppress_area: bool
    own_filters: Mapping[str, str] = field(default_factory=dict)
    own_label: str = ""
    suppress_own: bool = False

    @property
    def has_own(self) -> bool:
        return bool(self.own_filters)


def indicator_view_for(*, user) -> IndicatorView:
    """Deny by default: a role not named here sees no figures at all."""
    role = getattr(user, "role", None)
    if role in roles.WHOLE_AREA_ROLES:
        return IndicatorView(suppress_area=False)
    if role == roles.SENCO and user.establishment_id:
        # The area's figures leave the council's own view when a school sees them, so they are suppressed.
        return IndicatorView(suppress_area=True, own_filters={"establishment": user.establishment_id},
                             own_label=user.establishment.name)
    if role == roles.CLUSTER_LEAD and user.cluster_id:
        return IndicatorView(suppress_area=True, own_filters={"cluster": user.cluster_id}, own_label=user.cluster.name)
    if role in (roles.BOARD_MEMBER, roles.PCF_REP, roles.HEALTH, roles.EAH_PRACTITIONER):
        return IndicatorView(suppress_area=True)
    raise PermissionDenied("This account's role may not see the plan's indicators.")


# ------------------------------------------------------------------------------------------ what is shown


@dataclass(frozen=True)
class Source:
    """The analytics copy the figures come from: how old they are, and whether the data has changed since."""

    name: str
    path: str | None
    as_of: dt.datetime
    stale: bool = False
    changed_at: dt.datetime | None = None
    copy: object = None


@dataclass
class _Precompute:
    name: str
    con: object
    sink: dict


_PRECOMPUTE: ContextVar[_Precompute | None] = ContextVar("indicators_precompute", default=None)


def _source() -> Source:
    """The copy this request reads (raises analytics.FiguresNotReady when there is none yet)."""
    pre = _PRECOMPUTE.get()
    if pre is not None:
        return Source(name=pre.name, path=None, as_of=timezone.now())
    from sendreform.indicators.analytics import analytics_freshness

    fresh = analytics_freshness()
    return Source(name=Path(fresh.copy.path).name, path=fresh.copy.path, as_of=fresh.as_of, stale=fresh.stale,
                  changed_at=fresh.changed_at, copy=fresh.copy)


def indicators_precompute(*, con, name: str) -> dict:
    """The dashboard as it first opens (today, the whole area, suppressed and not), computed on the new copy
    `con` by the analytics job: what it would have kept in the cache, by key, for the job to store in the copy."""
    token = _PRECOMPUTE.set(_Precompute(name=name, con=con, sink={}))
    try:
        for suppress in (False, True):
            indicators_overview(view=IndicatorView(suppress_area=suppress), as_at=timezone.localdate(), filters={})
        return _PRECOMPUTE.get().sink
    finally:
        _PRECOMPUTE.reset(token)


@dataclass
class OverviewRow:
    indicator: Indicator
    available: bool  # False where the indicator has no breakdown by a chosen filter
    value: float | str | None = None
    expected: float | str | None = None
    rag: str | None = None
    note: str = ""
    own_available: bool = False
    own_value: float | str | None = None
    trend: list[tuple[dt.date, float | str | None]] = field(default_factory=list)


@dataclass
class Overview:
    as_at: dt.date
    period: tuple[dt.date, dt.date]
    quarters: list[dt.date]
    blocks: list[tuple[str, str, list[OverviewRow]]]
    freshness: Source


@dataclass
class ScopeFigures:
    """One scope of an indicator page: the area (as the user may see it) or the user's own setting/cluster."""

    key: str  # "area" or "own"
    label: str
    suppressed: bool
    available: bool
    kpi: dict | None  # the report's row for the as-at date
    series: list[dict]  # per quarter: as_at, value, numerator, denominator, expected, target
    breakdowns: list[tuple[str, list[dict]]]
    comparable: bool  # whether the area's trajectory applies to these figures


@dataclass
class PlanTerms:
    """The plan file's terms for one indicator, as the user may see them."""

    baseline: float | str | None = None
    baseline_date: dt.date | None = None
    baseline_from_data: bool = False
    target: float | str | None = None
    target_date: dt.date | None = None
    target_change_pct: float | None = None
    milestones: list[tuple[dt.date, float]] = field(default_factory=list)
    note: str = ""


@dataclass
class Detail:
    indicator: Indicator
    as_at: dt.date
    period: tuple[dt.date, dt.date]
    plan: PlanTerms | None
    scopes: list[ScopeFigures]
    freshness: Source


def series_dates(as_at: dt.date) -> list[dt.date]:
    """Every quarter end since April 2023 up to the as-at date, and the as-at date itself."""
    days = periods.quarter_ends(SERIES_START, as_at)
    return days if as_at in days else [*days, as_at]


def plan_targets() -> PlanTargets | None:
    """The local area's plan file (`plans/<area>.yaml` beside the code), if there is one."""
    path = settings.BASE_DIR / "plans" / f"{settings.LOCAL_AREA_NAME.lower()}.yaml"
    return targets_load(path, known_ids=CATALOGUE) if path.exists() else None


def indicators_overview(*, view: IndicatorView, as_at: dt.date, filters: Mapping[str, str]) -> Overview:
    """Every indicator, by the plan's building blocks: the value on the as-at date against the trajectory,
    the user's own figure where they have one, and the quarterly trend since April 2023."""
    source = _source()
    area = _report(source, as_at=as_at, filters=filters, suppress=view.suppress_area)
    trend = _series(source, as_at=as_at, filters=filters, suppress=view.suppress_area)
    own = (_report(source, as_at=as_at, filters={**filters, **view.own_filters}, suppress=view.suppress_own)
           if view.has_own else None)
    kpis = {k["id"]: k for k in area["value"]["kpis"]}
    own_kpis = {k["id"]: k for k in own["value"]["kpis"]} if own else {}
    blocks = []
    for key, title in BLOCKS.items():
        rows = []
        for ind in (i for i in CATALOGUE.values() if i.block == key):
            kpi = kpis.get(ind.id)
            row = OverviewRow(indicator=ind, available=kpi is not None)
            if kpi is not None:
                comparable = not filters or ind.aggregate in RATE_AGGREGATES
                row.value = kpi["value"]
                row.expected = kpi["expected"] if comparable else None
                if (view.suppress_area and comparable and _baseline_from_data(ind.id)
                        and _plan_hidden(ind, _trajectory(source, ind.id), True)):
                    row.expected, row.rag = SUPPRESSED, None
                row.rag = kpi["rag"] if comparable else None
                row.note = kpi.get("note", "")
                row.trend = [(p["as_at"], p["value"]) for p in trend["value"].get(ind.id, [])]
            if ind.id in own_kpis:
                row.own_available, row.own_value = True, own_kpis[ind.id]["value"]
            rows.append(row)
        blocks.append((key, title, rows))
    return Overview(as_at=as_at, period=_period(area), quarters=series_dates(as_at), blocks=blocks,
                    freshness=source)


def indicator_detail(*, view: IndicatorView, indicator_id: str, as_at: dt.date,
                     filters: Mapping[str, str]) -> Detail:
    """One indicator: its definition and the plan's terms, and for each scope the user may see its value, its
    quarterly series against the trajectory and its breakdowns with disproportionality ratios."""
    ind = CATALOGUE[indicator_id]  # KeyError for an unknown id: the view turns it into a 404
    source = _source()
    by = [b for b in BREAKDOWNS_SHOWN if b in ind.breakdowns]
    trajectory = _trajectory(source, ind.id)
    scopes, parts = [], []
    # A SENCo's or cluster lead's own figures come first: they are what the page is for, to them.
    wanted = [("area", f"{settings.LOCAL_AREA_NAME} local area", dict(filters), view.suppress_area)]
    if view.has_own:
        wanted.insert(0, ("own", view.own_label, {**filters, **view.own_filters}, view.suppress_own))
    for key, label, scope_filters, suppress in wanted:
        ser = _series(source, as_at=as_at, filters=scope_filters, suppress=suppress, ids=[ind.id])
        rep = _report(source, as_at=as_at, filters=scope_filters, suppress=suppress, ids=[ind.id], by=by)
        parts += [rep, ser]  # the report first: its period is the page's
        kpi = next(iter(rep["value"]["kpis"]), None)
        comparable = not scope_filters or ind.aggregate in RATE_AGGREGATES
        hide_plan = _plan_hidden(ind, trajectory, suppress)
        series = []
        for point in ser["value"].get(ind.id, []):
            expected = target = None
            if trajectory and comparable and not hide_plan:
                expected = _round(trajectory.expected(point["as_at"]))
                target = _round(trajectory.target.value) if trajectory.target else None
            series.append({**point, "expected": expected, "target": target})
        if kpi is not None and (not comparable or hide_plan):
            kpi = {**kpi, "expected": SUPPRESSED if hide_plan and kpi["expected"] is not None else None,
                   "rag": None}
        breakdowns = [(b, [g for g in kpi["groups"] if g["by"] == b]) for b in by] if kpi else []
        scopes.append(ScopeFigures(key=key, label=label, suppressed=suppress, available=kpi is not None, kpi=kpi,
                                   series=series, breakdowns=breakdowns, comparable=comparable))
    return Detail(indicator=ind, as_at=as_at, period=_period(parts[0]),
                  plan=_plan_terms(ind, trajectory, hide=_plan_hidden(ind, trajectory, view.suppress_area)),
                  scopes=scopes, freshness=source)


# ------------------------------------------------------------------------------------------ computing


class _Warehouse:
    """The canonical tables for computing: the shared analytics copy (or the new one its job is filling), opened
    only when something is neither computed beforehand nor in the cache."""

    def __init__(self, source: Source):
        self._source, self._con, self._tables = source, None, None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    @property
    def con(self):
        if self._con is None:
            pre = _PRECOMPUTE.get()
            self._con = pre.con if pre is not None else analytics_open(path=Path(self._source.path))
            self._tables = engine.tables_from_connection(self._con)
        return self._con

    @property
    def tables(self):
        self.con  # noqa: B018 - opens the connection
        return self._tables


def _cached(kind: str, source: Source, key: Mapping, compute: Callable[[], object]) -> dict:
    """`{"value"}`: computed beforehand by the copy's job, or from this process's cache, or computed now on the
    copy and kept for CACHE_SECONDS. The key names the copy, so a new copy is never answered from an old one."""
    from sendreform.indicators.analytics import analytics_figures

    text = json.dumps({"kind": kind, **key}, sort_keys=True, default=str)
    name = "indicators:" + hashlib.sha256(text.encode()).hexdigest()
    pre = _PRECOMPUTE.get()
    if pre is not None:
        pre.sink[name] = compute()
        return {"value": pre.sink[name]}
    hit = cache.get(name)
    if hit is None:
        value = analytics_figures(copy=source.copy, key=name) if source.copy is not None else None
        hit = {"value": compute() if value is None else value}
        cache.set(name, hit, CACHE_SECONDS)
    return hit


def _report(source: Source, *, as_at, filters, suppress, ids=None, by=()) -> dict:
    """The report of `sendreform metrics` (the same function, so the page and the command agree)."""
    key = {"copy": source.name, "as_at": as_at, "filters": dict(filters), "suppress": suppress,
           "ids": list(ids or []), "by": list(by)}

    def compute():
        with _Warehouse(source) as w:
            return report.catalogue_report(w.tables, as_at=as_at, ids=ids, by=by, filters=filters,
                                           suppress=suppress, targets=plan_targets(), con=w.con)

    return _cached("report", source, key, compute)


def _series(source: Source, *, as_at, filters, suppress, ids=None) -> dict:
    """Each indicator at every quarter end since April 2023: one `evaluate` over all the dates at once."""
    key = {"copy": source.name, "as_at": as_at, "filters": dict(filters), "suppress": suppress,
           "ids": list(ids or [])}

    def compute():
        with _Warehouse(source) as w:
            figures = engine.evaluate(w.tables, as_ats=series_dates(as_at), ids=ids, filters=filters, con=w.con)
        out: dict[str, list[dict]] = {}
        for fig in figures:
            ind = CATALOGUE[fig.id]
            point = {"as_at": fig.as_at, "value": _round(fig.value), "numerator": _round(fig.numerator),
                     "denominator": _round(fig.denominator)}
            # The report's own rule, so a quarter is hidden exactly as the report hides the as-at figure.
            if suppress and report.figure_is_small(ind, fig):
                point = report.figure_hidden(point)
            out.setdefault(fig.id, []).append(point)
        return out

    return _cached("series", source, key, compute)


def _trajectory(source: Source, indicator_id: str) -> Trajectory | None:
    """The plan's trajectory with any baseline the plan leaves to the data worked out (for the whole area,
    as the report does)."""
    targets = plan_targets()
    if targets is None or targets.get(indicator_id) is None:
        return None

    def compute():
        with _Warehouse(source) as w:
            return report.trajectories_resolved(w.tables, [indicator_id], targets, w.con)[indicator_id]

    return _cached("trajectory", source, {"copy": source.name, "id": indicator_id}, compute)["value"]


def _plan_hidden(ind: Indicator, trajectory: Trajectory | None, suppress: bool) -> bool:
    """A baseline worked out from the data is itself a figure about children: a small count is suppressed,
    and with it the target and the expected values that would give it away."""
    if not suppress or trajectory is None or trajectory.baseline is None or ind.aggregate != "count":
        return False
    plan = plan_targets().get(ind.id)
    return plan.needs_baseline_from_data and suppression.is_small(int(trajectory.baseline.value or 0))


def _baseline_from_data(indicator_id: str) -> bool:
    plan = plan_targets()
    trajectory = plan.get(indicator_id) if plan else None
    return bool(trajectory and trajectory.needs_baseline_from_data)


def _plan_terms(ind: Indicator, trajectory: Trajectory | None, *, hide: bool) -> PlanTerms | None:
    if trajectory is None:
        return None
    plan = plan_targets().get(ind.id)
    terms = PlanTerms(note=trajectory.note or "", target_change_pct=trajectory.target_change_pct,
                      milestones=[(m.date, m.value) for m in trajectory.milestones])
    if trajectory.baseline:
        terms.baseline_date = trajectory.baseline.date
        terms.baseline_from_data = plan.needs_baseline_from_data
        terms.baseline = SUPPRESSED if hide else _round(trajectory.baseline.value)
    if trajectory.target:
        terms.target_date = trajectory.target.date
        terms.target = SUPPRESSED if hide else _round(trajectory.target.value)
    return terms


def _period(part: dict) -> tuple[dt.date, dt.date]:
    p0, p1 = part["value"]["period"]
    return dt.date.fromisoformat(p0), dt.date.fromisoformat(p1)


def _round(value):
    return None if value is None else round(value, 4)
