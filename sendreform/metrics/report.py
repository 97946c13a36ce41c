"""The catalogue as a report: each indicator's value against its trajectory (expected value and RAG), its
breakdowns with disproportionality ratios, and — for anyone outside the council's own view — suppressed.

`catalogue_report` returns the JSON shape of `sendreform metrics --format json`, which the dashboard and
the board pack read too, so the page, the command and the PDF show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sendreform.metrics import engine
from sendreform.metrics.catalogue import CATALOGUE, Indicator
from sendreform.metrics.targets import PlanTargets, rag
from sendreform.standards import periods, suppression

COUNT_KINDS = frozenset({"count"})


def _round(value):
    return None if value is None else round(value, 4)


def _size(ind: Indicator, fig: engine.Figure) -> tuple[float | None, ...]:
    """The counts of children behind a figure, which decide its suppression."""
    if ind.aggregate in COUNT_KINDS:
        return (fig.numerator,)
    if ind.aggregate in ("mean", "median"):
        return (fig.denominator,)
    if ind.aggregate == "mean_growth":  # unit costs: not about children
        return ()
    return (fig.numerator, fig.denominator)


def _small(ind: Indicator, fig: engine.Figure) -> bool:
    return any(suppression.is_small(int(s)) for s in _size(ind, fig) if s is not None)


def _hide(row: dict) -> dict:
    return {**row, **{k: suppression.SUPPRESSED for k in ("value", "numerator", "denominator", "ratio")
                     if k in row and row[k] is not None}}


def _group_rows(ind: Indicator, fig: engine.Figure, suppress: bool) -> list[dict]:
    rows, by_breakdown = [], {}
    for g in fig.groups:
        by_breakdown.setdefault(g.by, []).append(g)
    for by, groups in by_breakdown.items():
        cells = [
            {"by": by, "group": g.group, "value": _round(g.value), "numerator": _round(g.numerator),
             "denominator": _round(g.denominator), "ratio": _round(g.ratio)}
            for g in groups
        ]
        if suppress:
            # Secondary suppression runs over the cells whose sum is the breakdown's total.
            key = [int(g.numerator or 0) if ind.aggregate in COUNT_KINDS else int(g.denominator or 0)
                   for g in groups]
            hidden = suppression.suppress_breakdown(key)
            for i, g in enumerate(groups):
                if hidden[i] or _small(ind, g):
                    cells[i] = _hide(cells[i])
        rows.extend(cells)
    return rows


def catalogue_report(
    tables,
    *,
    as_at: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
    ids: Iterable[str] | None = None,
    by: Iterable[str] = (),
    filters: Mapping[str, str] | None = None,
    suppress: bool = False,
    targets: PlanTargets | None = None,
    con=None,
) -> dict:
    ids = list(ids or CATALOGUE)
    unknown = [i for i in ids if i not in CATALOGUE]
    if unknown:
        raise KeyError(f"unknown indicator id(s): {', '.join(unknown)}")
    figures = engine.evaluate(tables, as_ats=[as_at], period=period, ids=ids, by=by, filters=filters, con=con)
    trajectories = _resolved_trajectories(tables, ids, targets, filters, con)
    p0, p1 = period if period else (periods.financial_year(as_at).start, as_at)
    kpis = []
    for fig in figures:
        ind = CATALOGUE[fig.id]
        trajectory = trajectories.get(fig.id)
        expected = trajectory.expected(as_at) if trajectory else None
        row = {
            "id": ind.id, "title": ind.title, "unit": ind.unit, "better": ind.better, "block": ind.block,
            "value": _round(fig.value), "numerator": _round(fig.numerator), "denominator": _round(fig.denominator),
            "expected": _round(expected),
            "rag": rag(actual=fig.value, expected=expected, band=trajectory.band(as_at) if trajectory else None,
                       better=ind.better),
            "groups": _group_rows(ind, fig, suppress),
        }
        if fig.note:
            row["note"] = fig.note
        if suppress and _small(ind, fig):
            row = _hide(row)
            row["rag"] = None
        kpis.append(row)
    return {"as_at": as_at.isoformat(), "period": [p0.isoformat(), p1.isoformat()], "kpis": kpis}


def _resolved_trajectories(tables, ids, targets: PlanTargets | None, filters, con) -> dict:
    """Trajectories with data-derived baselines worked out (for the whole area: the plan's baselines are
    the area's, so a filtered view is compared with the area's trajectory too)."""
    if targets is None:
        return {}
    out, pending = {}, {}
    for iid in ids:
        t = targets.get(iid)
        if t is None:
            continue
        if t.needs_baseline_from_data:
            pending.setdefault(t.baseline.date, []).append(iid)
        out[iid] = t
    for day, wanted in pending.items():
        for fig in engine.evaluate(tables, as_ats=[day], ids=wanted, con=con):
            out[fig.id] = out[fig.id].with_baseline_value(fig.value)
    return out
