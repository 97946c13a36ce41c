"""The inclusion dashboard: every indicator of the plan on one page, and a page per indicator, each with its
CSV download. Who sees which figures is decided in `selectors.indicator_view_for`; these views only render."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from sendreform.indicators import display, selectors
from sendreform.indicators.analytics import FiguresNotReady
from sendreform.indicators.charts import indicator_chart_svg, trend_text
from sendreform.indicators.forms import IndicatorFilterForm, TrajectoryForm
from sendreform.indicators.tables import breakdown_tables, overview_tables, quarter_table, tables_csv_response
from sendreform.metrics.catalogue import BLOCKS, CATALOGUE
from sendreform.people.selectors import clusters_list
from sendreform.plan.selectors import plan_can_edit, plan_current
from sendreform.plan.services import indicator_trajectory_set
from sendreform.published.selectors import published_beside
from sendreform.web.tables import Column, Table, table_csv_response

QUERY_KEYS = ("as_at_day", "as_at_month", "as_at_year", "cluster", "phase", "primary_need")
Y_TITLES = {"percent": "Per cent", "count": "Number", "days": "Days", "places": "Places", "pounds": "Pounds"}


def _figures_ready(view_function):
    """While the first copy of the figures is being made (a new installation), say so instead of the page."""

    @wraps(view_function)
    def wrapped(request, *args, **kwargs):
        try:
            return view_function(request, *args, **kwargs)
        except FiguresNotReady:
            response = render(request, "indicators/not_ready.html")
            response["Refresh"] = "30"
            return response

    return wrapped


def _form(request, view) -> tuple[IndicatorFilterForm, str]:
    """The filters (always bound: an empty form means today and the whole area) and their query string."""
    form = IndicatorFilterForm(request.GET, clusters=clusters_list(), suppressed=view.suppress_area)
    query = urlencode([(k, request.GET[k]) for k in QUERY_KEYS if request.GET.get(k)])
    return form, query


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _overview_tables(request, view):
    form, query = _form(request, view)
    if not form.is_valid():
        return form, query, None, []
    overview = selectors.indicators_overview(view=view, as_at=form.as_at_value, filters=form.filters)
    tables = overview_tables(
        overview, view=view,
        detail_url=lambda iid: _with_query(reverse("indicators:detail", args=[iid]), query),
        csv_url=_with_query(reverse("indicators:overview-csv"), query),
    )
    return form, query, overview, tables


@login_required
@_figures_ready
def overview(request):
    view = selectors.indicator_view_for(user=request.user)
    form, query, figures, tables = _overview_tables(request, view)
    return render(request, "indicators/overview.html", {
        "form": form, "query": query, "view": view, "overview": figures, "tables": tables,
        "csv_url": _with_query(reverse("indicators:overview-csv"), query),
        "rag_counts": display.rag_counts(r for _, _, rows in figures.blocks for r in rows) if figures else [],
    })


@login_required
@_figures_ready
def overview_csv(request):
    view = selectors.indicator_view_for(user=request.user)
    form, query, figures, tables = _overview_tables(request, view)
    if figures is None:
        return overview(request)
    chosen = request.GET.get("table")
    if chosen:
        table = next((t for t in tables if t.key == chosen), None)
        if table is None:
            raise Http404("No such table on this page.")
        return table_csv_response(table=table.csv, filename=f"indicators-{chosen}-{figures.as_at}.csv")
    return tables_csv_response(tables=[t.csv for t in tables], filename=f"indicators-{figures.as_at}.csv")


def _detail_sections(request, view, indicator_id):
    if indicator_id not in CATALOGUE:
        raise Http404("No indicator has this id.")
    form, query = _form(request, view)
    if not form.is_valid():
        return form, query, None, []
    detail = selectors.indicator_detail(view=view, indicator_id=indicator_id, as_at=form.as_at_value,
                                        filters=form.filters)
    ind = detail.indicator
    clusters = {c.cluster_id: c.name for c in clusters_list()}
    csv_url = _with_query(reverse("indicators:detail-csv", args=[ind.id]), query)
    sections = []
    for scope in detail.scopes:
        kpi = scope.kpi or {}
        status, tag = display.rag_tag(kpi.get("rag"), value=kpi.get("value"), expected=kpi.get("expected"))
        points = [(p["as_at"], p["value"]) for p in scope.series]
        title = f"{ind.title}, {scope.label}, by quarter"
        shown = any(isinstance(p["value"], int | float) for p in scope.series)
        chart = indicator_chart_svg(
            scope.series, unit=ind.unit, y_title=Y_TITLES.get(ind.unit, ind.unit), title=title,
            description=f"A line chart of the actual value by quarter end"
            f"{', with the plan trajectory and target' if any(p['expected'] is not None for p in scope.series) else ''}"
            f". {trend_text(points, ind.unit)}",
            chart_id=f"chart-{scope.key}",
        ) if shown else ""
        sections.append({
            "scope": scope, "status": status, "tag": tag, "chart": chart, "chart_title": title,
            "value": display.value_text(kpi.get("value"), ind.unit),
            "expected": display.value_text(kpi["expected"], ind.unit) if kpi.get("expected") is not None else "",
            "quarters": quarter_table(detail, scope, csv_url=csv_url),
            "breakdowns": breakdown_tables(detail, scope, clusters=clusters, csv_url=csv_url),
        })
    return form, query, detail, sections


def _plan_texts(detail) -> dict:
    plan, unit = detail.plan, detail.indicator.unit
    if plan is None:
        return {}
    change = plan.target_change_pct
    return {
        "plan_baseline": display.value_text(plan.baseline, unit),
        "plan_target": display.value_text(plan.target, unit),
        "plan_change": "" if change is None else f"{change:+g}%",
        "plan_milestones": [(day, display.value_text(value, unit)) for day, value in plan.milestones],
    }


def _about_table(detail) -> Table:
    """The indicator's terms, as the first rows of the page's CSV download."""
    ind, plan = detail.indicator, detail.plan
    rows = [("Indicator id", ind.id), ("Indicator", ind.title), ("Definition", ind.definition), ("Unit", ind.unit),
            ("Which way is better", ind.better), ("As at", detail.as_at), ("Period start", detail.period[0]),
            ("Period end", detail.period[1])]
    if plan is not None:
        rows += [("Baseline", plan.baseline), ("Baseline date", plan.baseline_date), ("Target", plan.target),
                 ("Target date", plan.target_date)]
    return Table(caption="About this indicator", columns=(Column("item", "Item"), Column("value", "Value")),
                 rows=[{"item": k, "value": v} for k, v in rows])


@login_required
@_figures_ready
def detail(request, indicator_id):
    view = selectors.indicator_view_for(user=request.user)
    form, query, figures, sections = _detail_sections(request, view, indicator_id)
    ind = CATALOGUE[indicator_id]
    return render(request, "indicators/detail.html", {
        "form": form, "query": query, "view": view, "detail": figures, "sections": sections,
        "indicator": ind, "block_title": BLOCKS[ind.block],
        "csv_url": _with_query(reverse("indicators:detail-csv", args=[indicator_id]), query),
        "overview_url": _with_query(reverse("indicators:overview"), query),
        "better": display.BETTER.get(ind.better, ""), "unit": display.UNITS.get(ind.unit, ind.unit),
        **(_plan_texts(figures) if figures else {}),
        "published": published_beside(indicator_id=indicator_id),
        "no_trajectory": _no_trajectory(indicator_id),
        "trajectory_form": TrajectoryForm() if plan_can_edit(user=request.user) else None,
    })


def _no_trajectory(indicator_id: str) -> bool:
    """Whether the plan gives this indicator no trajectory to rate it against (whatever this user may see of it)."""
    targets = selectors.plan_targets()
    trajectory = targets.get(indicator_id) if targets is not None else None
    return trajectory is None or trajectory.target is None and trajectory.target_change_pct is None


@login_required
def trajectory(request, indicator_id):
    """Set the trajectory of an indicator from its page (officers and administrators; a POST)."""
    if indicator_id not in CATALOGUE:
        raise Http404("No indicator has this id.")
    if not plan_can_edit(user=request.user):
        raise PermissionDenied("Your role cannot change the plan.")
    plan = plan_current()
    if plan is None:
        raise Http404("No plan is loaded.")
    form = TrajectoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        indicator_trajectory_set(plan=plan, indicator_id=indicator_id, by=request.user, **form.cleaned_data)
        return redirect("indicators:detail", indicator_id=indicator_id)
    return render(request, "indicators/trajectory.html", {"form": form, "indicator": CATALOGUE[indicator_id]},
                  status=200 if request.method == "GET" else 400)


@login_required
@_figures_ready
def detail_csv(request, indicator_id):
    view = selectors.indicator_view_for(user=request.user)
    form, query, figures, sections = _detail_sections(request, view, indicator_id)
    if figures is None:
        return detail(request, indicator_id)
    tables = [t for s in sections for t in (s["quarters"], *s["breakdowns"])]
    chosen = request.GET.get("table")
    if chosen:
        table = next((t for t in tables if t.key == chosen), None)
        if table is None:
            raise Http404("No such table on this page.")
        return table_csv_response(table=table.csv, filename=f"{indicator_id}-{chosen}-{figures.as_at}.csv")
    return tables_csv_response(tables=[_about_table(figures), *(t.csv for t in tables)],
                               filename=f"{indicator_id}-{figures.as_at}.csv")
