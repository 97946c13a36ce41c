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


def figure_is_small(ind: Indicator, fig: engine.Figure) -> bool:
    """Whether a figure rests on a count of 1 to 5 children, and so is suppressed outside the council."""
    return any(suppression.is_small(int(s)) for s in _size(ind, fig) if s is not None)


def figure_hidden(row: dict) -> dict:
    """The row with its value, numerator, denominator and ratio shown as "c"."""
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
                if hidden[i] or figure_is_small(ind, g):
                    cells[i] = figure_hidden(cells[i])
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
    trajectories = trajectories_resolved(tables, ids, targets, con)
    p0, p1 = period if period else (periods.financial_year(as_at).start, as_at)
    kpis = []
    for fig in figures:
        ind = CATALOGUE[fig.id]
        trajectory = trajectories.get(fig.id)
        expected, band = expected_on(ind, trajectory, as_at, (p0, p1))
        row = {
            "id": ind.id, "title": ind.title, "unit": ind.unit, "better": ind.better, "block": ind.block,
            "value": _round(fig.value), "numerator": _round(fig.numerator), "denominator": _round(fig.denominator),
            "expected": _round(expected),
            "rag": rag(actual=fig.value, expected=expected, band=band, better=ind.better),
            "groups": _group_rows(ind, fig, suppress),
        }
        if fig.note:
            row["note"] = fig.note
        if suppress and figure_is_small(ind, fig):
            row = figure_hidden(row)
            row["rag"] = None
        if suppress and trajectory is not None and trajectory.baseline_small:
            # A baseline worked out from a small count would be given away by the expected value.
            row["expected"] = suppression.SUPPRESSED
        kpis.append(row)
    return {"as_at": as_at.isoformat(), "period": [p0.isoformat(), p1.isoformat()], "kpis": kpis}


def expected_on(ind: Indicator, trajectory, as_at: dt.date, period: tuple[dt.date, dt.date]):
    """(expected value, AMBER allowance) on the date. A count of events is planned by the year, so part of a
    year is expected to hold its share of the year's count (pro rata by days)."""
    if trajectory is None:
        return None, None
    expected, band = trajectory.expected(as_at), trajectory.band(as_at)
    if ind.flow and ind.aggregate == "count" and expected is not None:
        share = ((period[1] - period[0]).days + 1) / 365
        expected, band = expected * share, (band * share if band is not None else None)
    return expected, band


def trajectories_resolved(tables, ids, targets: PlanTargets | None, con) -> dict:
    """Trajectories with data-derived baselines worked out, for the whole area (the plan's baselines are the
    area's, so a filtered view is compared with the area's trajectory too). A count or rate of events takes
    its baseline over the twelve months to the baseline date, as the plan's yearly targets do."""
    if targets is None:
        return {}
    out, pending = {}, {}
    for iid in ids:
        t = targets.get(iid)
        if t is None:
            continue
        if t.needs_baseline_from_data:
            day = t.baseline.date
            period = (day - dt.timedelta(days=364), day) if CATALOGUE[iid].flow else None
            pending.setdefault((day, period), []).append(iid)
        out[iid] = t
    for (day, period), wanted in pending.items():
        for fig in engine.evaluate(tables, as_ats=[day], period=period, ids=wanted, con=con):
            out[fig.id] = out[fig.id].with_baseline_value(
                fig.value, small=figure_is_small(CATALOGUE[fig.id], fig)
            )
    return out
