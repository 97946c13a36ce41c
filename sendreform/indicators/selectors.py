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
FILTERED_BREAKDOWNS_NOTE = (
    "Breakdowns within a filter are shown only in the council's own view: set beside the local area's "
    "breakdowns, they could be used to work out figures hidden as c.")


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

    @property
    def period(self) -> str | None:
        """The period flows count over: outside the council's own view, the quarter to a quarter end (the form
        holds the date to one), so that no two dates' figures overlap and can be differenced; else the
        financial year to date."""
        return engine.QUARTER if self.suppress_area else None


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
    withheld: frozenset[str] = frozenset()  # breakdowns whose small numbers no hiding could protect
    breakdown_note: str = ""  # why there are no breakdowns, where they are left out


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
    source, period = _source(), view.period
    area = _report(source, as_at=as_at, filters=filters, suppress=view.suppress_area, period=period)
    trend = _series(source, as_at=as_at, filters=filters, suppress=view.suppress_area, period=period)
    own = (_report(source, as_at=as_at, filters={**filters, **view.own_filters}, suppress=view.suppress_own,
                   period=period) if view.has_own else None)
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
                # The report hides an expected value that would give a small baseline away (and the status).
                row.expected = kpi["expected"] if comparable else None
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
        ser = _series(source, as_at=as_at, filters=scope_filters, suppress=suppress, ids=[ind.id],
                      period=view.period)
        rep = _report(source, as_at=as_at, filters=scope_filters, suppress=suppress, ids=[ind.id], by=by,
                      period=view.period)
        parts += [rep, ser]  # the report first: its period is the page's
        kpi = next(iter(rep["value"]["kpis"]), None)
        comparable = not scope_filters or ind.aggregate in RATE_AGGREGATES
        hide_plan = _plan_hidden(ind, trajectory, suppress)
        series = []
        for point in ser["value"].get(ind.id, []):
            expected = target = None
            if trajectory and comparable:
                expected = _round(trajectory.expected(point["as_at"]))
                target = _round(trajectory.target.value) if trajectory.target else None
            if hide_plan:  # "c" wherever the summary says "c", so the two never disagree
                expected, target = (None if v is None else SUPPRESSED for v in (expected, target))
            series.append({**point, "expected": expected, "target": target})
        if kpi is not None and (not comparable or hide_plan):
            kpi = {**kpi, "expected": SUPPRESSED if hide_plan and kpi["expected"] is not None else None,
                   "rag": None}
        breakdowns = [(b, [g for g in kpi["groups"] if g["by"] == b]) for b in by] if kpi else []
        note = ""
        if suppress and scope_filters and breakdowns:
            # The report gives a suppressed filtered view no breakdowns (`report.view_figures`).
            breakdowns, note = [], FILTERED_BREAKDOWNS_NOTE
        scopes.append(ScopeFigures(key=key, label=label, suppressed=suppress, available=kpi is not None, kpi=kpi,
                                   series=series, breakdowns=breakdowns, comparable=comparable,
                                   withheld=frozenset(kpi.get("withheld", ())) if kpi else frozenset(),
                                   breakdown_note=note))
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


def _report(source: Source, *, as_at, filters, suppress, ids=None, by=(), period=None) -> dict:
    """The report of `sendreform metrics` (the same function, so the page and the command agree)."""
    key = {"copy": source.name, "as_at": as_at, "filters": dict(filters), "suppress": suppress,
           "ids": list(ids or []), "by": list(by), "period": period}

    def compute():
        with _Warehouse(source) as w:
            return report.catalogue_report(w.tables, as_at=as_at, ids=ids, by=by, filters=filters, period=period,
                                           suppress=suppress, targets=plan_targets(), con=w.con)

    return _cached("report", source, key, compute)


def _series(source: Source, *, as_at, filters, suppress, ids=None, period=None) -> dict:
    """Each indicator at every quarter end since April 2023: one `evaluate` over all the dates at once."""
    key = {"copy": source.name, "as_at": as_at, "filters": dict(filters), "suppress": suppress,
           "ids": list(ids or []), "period": period}

    def compute():
        with _Warehouse(source) as w:
            return report.catalogue_series(w.tables, as_ats=series_dates(as_at), ids=ids, filters=filters,
                                           suppress=suppress, period=period, con=w.con)

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
    """The report's rule (`report.plan_hidden`), so the summary, the series and the plan's terms agree."""
    return suppress and report.plan_hidden(trajectory)


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
