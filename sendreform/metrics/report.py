"""The catalogue as a report: each indicator's value against its trajectory (expected value and RAG), its
breakdowns with disproportionality ratios, and — for anyone outside the council's own view — suppressed.

`catalogue_report` returns the JSON shape of `sendreform metrics --format json`, which the dashboard and
the board pack read too, so the page, the command and the PDF show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace

from sendreform.metrics import engine
from sendreform.metrics.catalogue import CATALOGUE, Indicator
from sendreform.metrics.targets import PlanTargets, rag
from sendreform.standards import suppression

COUNT_KINDS = frozenset({"count"})


def _round(value):
    return None if value is None else round(value, 4)


def _size(ind: Indicator, fig: engine.Figure) -> tuple[float | None, ...]:
    """The counts behind a figure, which decide its suppression: its children, and the counts of children or
    events it adds up (not sessions: a rate over sessions is judged by the children behind it)."""
    if ind.aggregate == "mean_growth":  # unit costs: not about children
        return ()
    people = (fig.people,) if fig.people else ()
    if ind.weights:
        return (fig.people,)
    if ind.aggregate in COUNT_KINDS:
        return (fig.numerator, *people)
    if ind.aggregate in ("mean", "median"):
        return (fig.denominator, *people)
    return (fig.numerator, fig.denominator, *people)


def figure_is_small(ind: Indicator, fig: engine.Figure) -> bool:
    """Whether a figure rests on a count of 1 to 5 children, and so is suppressed outside the council."""
    return any(suppression.is_small(int(s)) for s in _size(ind, fig) if s is not None)


def figure_hidden(row: dict) -> dict:
    """The row with its value, numerator, denominator and ratio shown as "c"."""
    return {**row, **{k: suppression.SUPPRESSED for k in ("value", "numerator", "denominator", "ratio")
                     if k in row and row[k] is not None}}


def measure(ind: Indicator) -> tuple[tuple[str, ...], tuple[int, ...], bool]:
    """What of an indicator's figures adds up over a breakdown's groups to the total, the least each can be in
    a hidden group (a hidden count is never 0; a group of a rate has at least one unit behind it), and whether
    the numerator is part of the denominator (a share). A median is not a sum: only its count adds up."""
    kind = ind.aggregate
    if kind in COUNT_KINDS:
        return ("numerator",), (1,), False
    if kind == "median":
        return ("denominator",), (1,), False
    if kind == "mean":
        return ("numerator", "denominator"), (0, 1), False
    if kind == "percent" and ind.share:
        return ("numerator", "denominator"), (0, 1), True
    if kind in ("percent", "growth"):
        return ("numerator", "denominator"), (0, 0), False
    return (), (), False


def protect_groups(ind: Indicator, fig: engine.Figure, groups: list[engine.Figure]) -> list[bool] | None:
    """Which groups of one breakdown of a figure are hidden (small ones, and the next smallest while they
    could be worked back from the total), or None when the breakdown is withheld (`suppression`)."""
    names, floors, share = measure(ind)
    cells = [tuple(getattr(g, n) for n in names) for g in groups]
    return suppression.protect_breakdown(cells, primary=[figure_is_small(ind, g) for g in groups], floors=floors,
                                         share=share, total_shown=not figure_is_small(ind, fig))


def _group_rows(ind: Indicator, fig: engine.Figure, suppress: bool) -> tuple[list[dict], list[str]]:
    """The rows of a figure's breakdowns as shown, and the breakdowns withheld."""
    rows, withheld, by_breakdown = [], [], {}
    for g in fig.groups:
        by_breakdown.setdefault(g.by, []).append(g)
    for by, groups in by_breakdown.items():
        cells = [
            {"by": by, "group": g.group, "value": _round(g.value), "numerator": _round(g.numerator),
             "denominator": _round(g.denominator), "ratio": _round(g.ratio)}
            for g in groups
        ]
        if suppress:
            hidden = protect_groups(ind, fig, groups)
            if hidden is None:
                withheld.append(by)
                continue
            cells = [figure_hidden(c) if h else c for c, h in zip(cells, hidden, strict=True)]
        rows.extend(cells)
    return rows, withheld


def view_figures(tables, *, as_ats, ids, period=None, by=(), filters=None, suppress=False,
                 con=None, periods_of=None) -> list[tuple[engine.Figure, bool]]:
    """The figures of one view, each with whether it is hidden. A suppressed view takes at most one filter,
    and its filtered figure is the cell of the unfiltered breakdown by that filter, hidden exactly as that
    cell is (so the filtered and the unfiltered views cannot be differenced), with no breakdowns of its own:
    within a filter they would be a second dimension of a table whose margins are shown."""
    filters = dict(filters or {})
    if not (suppress and filters):
        figures = engine.evaluate(tables, as_ats=as_ats, period=period, periods_of=periods_of, ids=ids, by=by,
                                  filters=filters, con=con)
        return [(fig, suppress and figure_is_small(CATALOGUE[fig.id], fig)) for fig in figures]
    if len(filters) > 1:
        raise ValueError("figures outside the council's own view take one filter at a time")
    [(name, value)] = filters.items()
    ids = [i for i in (ids or CATALOGUE) if name in CATALOGUE[i].breakdowns]
    out = []
    for fig in engine.evaluate(tables, as_ats=as_ats, period=period, ids=ids, by=[name], con=con):
        ind = CATALOGUE[fig.id]
        hidden = protect_groups(ind, fig, fig.groups)
        at = next((i for i, g in enumerate(fig.groups) if g.group == value), None)
        if at is None:  # nothing in this part of the area
            cell_value, num, den, note = engine._value(ind, {})
            out.append((engine.Figure(fig.id, fig.as_at, cell_value, num, den, note=note), False))
            continue
        cell = replace(fig.groups[at], by=None, group=None, ratio=None)
        out.append((cell, hidden is None or hidden[at]))
    return out


def catalogue_report(
    tables,
    *,
    as_at: dt.date,
    period: tuple[dt.date, dt.date] | str | None = None,
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
    # The plan's baselines worked out from the data, in the same pass as the report where they can be: each
    # baseline date is one more row of the dates table (ADR 31).
    baselines = {} if filters else _baseline_dates(baseline_requests(ids, targets), as_at)
    figures = view_figures(tables, as_ats=[as_at, *baselines], period=period, periods_of=baselines, ids=ids, by=by,
                           filters=filters, suppress=suppress, con=con)
    known = [fig for fig, _ in figures if fig.as_at != as_at]
    figures = [(fig, hidden) for fig, hidden in figures if fig.as_at == as_at]
    trajectories = trajectories_resolved(tables, ids, targets, con, known=known)
    p0, p1 = engine.period_of(as_at, period)
    kpis = []
    for fig, hidden in figures:
        ind = CATALOGUE[fig.id]
        trajectory = trajectories.get(fig.id)
        expected, band = expected_on(ind, trajectory, as_at, (p0, p1))
        groups, withheld = _group_rows(ind, fig, suppress)
        row = {
            "id": ind.id, "title": ind.title, "unit": ind.unit, "better": ind.better, "block": ind.block,
            "value": _round(fig.value), "numerator": _round(fig.numerator), "denominator": _round(fig.denominator),
            "expected": _round(expected),
            "rag": rag(actual=fig.value, expected=expected, band=band, better=ind.better),
            "groups": groups,
        }
        if withheld:
            row["withheld"] = withheld
        if fig.note:
            row["note"] = fig.note
        if hidden:
            row = figure_hidden(row)
            row["rag"] = None
        if suppress and plan_hidden(trajectory):
            # A baseline worked out from a small count would be given away by the expected value, and by the
            # status against it.
            row["expected"], row["rag"] = suppression.SUPPRESSED, None
        kpis.append(row)
    return {"as_at": as_at.isoformat(), "period": [p0.isoformat(), p1.isoformat()], "kpis": kpis}


def catalogue_series(tables, *, as_ats, ids=None, filters=None, suppress=False, period=None,
                     con=None) -> dict[str, list[dict]]:
    """Each indicator at each date (one `evaluate` over all of them), hidden as the report hides the figure of
    that date, so a page's series and its summary never disagree."""
    out: dict[str, list[dict]] = {}
    for fig, hidden in view_figures(tables, as_ats=as_ats, ids=ids, filters=filters, suppress=suppress,
                                    period=period, con=con):
        point = {"as_at": fig.as_at, "value": _round(fig.value), "numerator": _round(fig.numerator),
                 "denominator": _round(fig.denominator)}
        out.setdefault(fig.id, []).append(figure_hidden(point) if hidden else point)
    return out


def plan_hidden(trajectory) -> bool:
    """Whether the plan's terms for an indicator are hidden outside the council's view: its baseline was worked
    out from the data and rests on 1 to 5 children, so the baseline, the target and every expected value
    (which would give the baseline back) are "c"."""
    return trajectory is not None and trajectory.baseline_small


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


def baseline_requests(ids, targets: PlanTargets | None) -> dict[tuple, list[str]]:
    """The baselines the plan leaves to the data, as {(date, period): indicator ids}. A count or rate of events
    takes its baseline over the twelve months to the baseline date, as the plan's yearly targets do; a stock is
    counted on the date (its period is not used)."""
    pending: dict[tuple, list[str]] = {}
    for iid in ids if targets is not None else ():
        t = targets.get(iid)
        if t is not None and t.needs_baseline_from_data:
            day = t.baseline.date
            period = (day - dt.timedelta(days=364), day) if CATALOGUE[iid].flow else None
            pending.setdefault((day, period), []).append(iid)
    return pending


def _baseline_dates(pending: dict[tuple, list[str]], as_at: dt.date) -> dict[dt.date, tuple | None]:
    """The baseline dates that can be more rows of the report's own dates table, each with its period: every date
    but the report's own (whose period is the report's). Stocks and flows of one date share the flows' period,
    which a stock does not read (`tests/metrics/test_plans.py` holds every stock to that)."""
    out: dict[dt.date, tuple | None] = {}
    for day, period in pending:
        if day != as_at:
            out[day] = out.get(day) or period
    return out


def trajectories_resolved(tables, ids, targets: PlanTargets | None, con, *, known=()) -> dict:
    """Trajectories with data-derived baselines worked out, for the whole area (the plan's baselines are the
    area's, so a filtered view is compared with the area's trajectory too) (`baseline_requests`). `known` are
    whole-area figures already worked out (on the baseline dates, with the baselines' periods)."""
    if targets is None:
        return {}
    out = {iid: targets.get(iid) for iid in ids if targets.get(iid) is not None}
    found = {(fig.id, fig.as_at): fig for fig in known}
    for (day, period), wanted in baseline_requests(ids, targets).items():
        figures = [found.get((iid, day)) for iid in wanted]
        if None in figures:
            figures = engine.evaluate(tables, as_ats=[day], period=period, ids=wanted, con=con)
        for fig in figures:
            out[fig.id] = out[fig.id].with_baseline_value(
                fig.value, small=figure_is_small(CATALOGUE[fig.id], fig)
            )
    return out
