"""Pages of the plan: the plan on one page (vision, roadmap, workstreams, milestones, trajectories, investment),
the investment plan's planned against actual spend, a workstream and a milestone; each with its history and,
for those who may edit, its form."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from sendreform.common.concurrency import EditConflict, edit_conflict
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.plan import selectors
from sendreform.plan.forms import InvestmentSpendForm, MilestoneForm, WorkstreamForm
from sendreform.plan.models import INVESTMENT_CATEGORIES, MILESTONE_STATUSES, Milestone, Workstream
from sendreform.plan.planfile import quarters_of_years
from sendreform.plan.services import (
    investment_spend_record,
    milestone_update,
    pounds_text,
    variance_text,
    workstream_update,
)
from sendreform.web.tables import Column, Table, rows_from, table_csv_response


def _reader(request):
    if not selectors.plan_can_read(user=request.user):
        raise PermissionDenied("Your role cannot see the plan.")


def _editor(request):
    if not selectors.plan_can_edit(user=request.user):
        raise PermissionDenied("Your role can read the plan but not change it.")


def _pounds(pence: int | None) -> Decimal | None:
    """Pence as pounds, a number both on the page (12,500.50) and in the CSV (12500.50); None stays blank."""
    return None if pence is None else (Decimal(pence) / 100).quantize(Decimal("0.01"))


SPEND_COLUMNS = [Column("planned", "Planned spend (£)", numeric=True), Column("actual", "Actual spend (£)", numeric=True),
                 Column("variance", "Variance: actual minus planned (£)", numeric=True)]


def _spend_total_rows(totals) -> list[dict]:
    return rows_from(totals, label=lambda t: t.label, planned=lambda t: _pounds(t.planned_pence),
                     actual=lambda t: _pounds(t.actual_pence), variance=lambda t: _pounds(t.variance_pence))


def _tables(plan) -> dict[str, Table]:
    milestones = Milestone.objects.filter(workstream__plan=plan).select_related("workstream")
    targets = selectors.indicator_targets(plan=plan)
    return {
        "milestones": Table(
            caption="Milestones", csv_url=reverse("plan:csv", args=["milestones"]),
            columns=[Column("text", "Milestone", link_key="url"), Column("workstream", "Workstream"),
                     Column("quarter", "Quarter"), Column("due", "Due"), Column("status", "Status")],
            rows=rows_from(milestones, text=lambda m: m.text, url=lambda m: reverse("plan:milestone", args=[m.pk]),
                           workstream=lambda m: m.workstream.name, quarter=lambda m: m.quarter,
                           due=lambda m: m.due, status=lambda m: MILESTONE_STATUSES[m.status])),
        "targets": Table(
            caption="Indicator baselines, targets and milestones", csv_url=reverse("plan:csv", args=["targets"]),
            columns=[Column("title", "Indicator", link_key="url"), Column("id", "Indicator id"),
                     Column("baseline", "Baseline"), Column("baseline_date", "Baseline date"),
                     Column("target", "Target"), Column("target_date", "Target date"),
                     Column("milestones", "Milestones"), Column("note", "Note")],
            rows=rows_from(
                targets, id=lambda t: t.indicator_id, title=lambda t: CATALOGUE[t.indicator_id].title,
                url=lambda t: reverse("indicators:detail", args=[t.indicator_id]),
                baseline=lambda t: ("from the data" if t.has_baseline and t.baseline_value is None
                                    else f"{t.baseline_value:g}" if t.baseline_value is not None else ""),
                baseline_date=lambda t: t.baseline_date,
                target=lambda t: (f"{t.target_value:g}" if t.target_value is not None
                                  else f"{t.target_change_pct:+g}% on the baseline"
                                  if t.target_change_pct is not None else ""),
                target_date=lambda t: t.target_date,
                milestones=lambda t: "; ".join(f"{m['date']}: {m['value']:g}" for m in t.milestones),
                note=lambda t: t.note)),
        **_investment_tables(plan),
    }


def _investment_tables(plan) -> dict[str, Table]:
    summary = selectors.investment_summary(plan=plan)
    return {
        "investment": Table(
            caption="Planned and actual spend by category and quarter", csv_url=reverse("plan:csv", args=["investment"]),
            columns=[Column("category", "Category"), Column("quarter", "Quarter"), Column("description", "Planned use"),
                     *SPEND_COLUMNS],
            rows=rows_from(summary["lines"], category=lambda i: INVESTMENT_CATEGORIES[i.category],
                           quarter=lambda i: i.quarter, description=lambda i: i.description,
                           planned=lambda i: _pounds(i.planned_pence), actual=lambda i: _pounds(i.actual_pence),
                           variance=lambda i: _pounds(selectors.line_variance(i))),
            empty_text="The plan has no investment lines."),
        "investment_categories": Table(
            caption="Spend by category", csv_url=reverse("plan:csv", args=["investment_categories"]),
            columns=[Column("label", "Category"), *SPEND_COLUMNS],
            rows=_spend_total_rows([*summary["by_category"], summary["total"]])),
        "investment_quarters": Table(
            caption="Spend by quarter", csv_url=reverse("plan:csv", args=["investment_quarters"]),
            columns=[Column("label", "Quarter"), *SPEND_COLUMNS],
            rows=_spend_total_rows([*summary["by_quarter"], summary["total"]])),
    }


def _vision(block) -> dict:
    """A block's vision as the page shows it: a first line ending in a colon leads the bullet points."""
    items = list(block.vision)
    lead = items.pop(0) if items and items[0].endswith(":") else ""
    return {"lead": lead, "points": items}


@login_required
def overview(request):
    _reader(request)
    plan = selectors.plan_current()
    if plan is None:
        return render(request, "plan/no_plan.html")
    tables = _tables(plan)
    years = list(plan.roadmap_years.all())
    blocks = []
    for b in plan.building_blocks.prefetch_related("roadmap", "success_measures"):
        by_year = {e.year: e.items for e in b.roadmap.all()}
        blocks.append({"block": b, "vision": _vision(b), "years": [(y.year, by_year.get(y.year, [])) for y in years],
                       "measures": [{"name": s.name, "years": [s.by_year.get(y.year, "") for y in years]}
                                    for s in b.success_measures.all()]})
    workstreams = []
    for w in selectors.workstreams_list(plan=plan):
        statuses = [m.status for m in w.milestones.all()]
        workstreams.append({"workstream": w, "counts": [(label, statuses.count(key))
                                                        for key, label in MILESTONE_STATUSES.items()]})
    return render(request, "plan/overview.html", {
        "plan": plan, "years": years, "blocks": blocks, "workstreams": workstreams, "tables": tables,
        "overdue": selectors.milestones_overdue(as_at=timezone.localdate()),
        "can_edit": selectors.plan_can_edit(user=request.user),
    })


@login_required
def table_csv(request, name):
    _reader(request)
    plan = selectors.plan_current()
    tables = _tables(plan) if plan else {}
    if name not in tables:
        raise Http404("No such table.")
    return table_csv_response(table=tables[name], filename=f"plan-{name}.csv")


@login_required
def plan_file(request):
    _reader(request)
    text = selectors.plan_export_text()
    if text is None:
        raise Http404("There is no plan.")
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="plan.yaml"'
    return response


@login_required
def investment(request):
    _reader(request)
    plan = selectors.plan_current()
    if plan is None:
        return render(request, "plan/no_plan.html")
    can_edit = selectors.plan_can_edit(user=request.user)
    lines = list(plan.investment.all())
    form, conflict = InvestmentSpendForm(lines=lines), {}
    if request.method == "POST":
        _editor(request)
        form = InvestmentSpendForm(request.POST, lines=lines)
        if form.is_valid():
            try:
                investment_spend_record(plan=plan, by=request.user, amounts=form.amounts(), versions=form.versions())
                return redirect("plan:investment")
            except EditConflict:
                stored = list(plan.investment.all())
                conflict = edit_conflict(
                    form=form, what="investment plan", versions={f"version_{s.pk}": s.version for s in stored},
                    stored={f"{kind}_{s.pk}": value for s in stored
                            for kind, value in (("planned", s.planned_pence), ("actual", s.actual_pence))})
    summary = selectors.investment_summary(plan=plan)
    total = summary["total"]
    return render(request, "plan/investment.html", {
        "plan": plan, "summary": summary,
        "totals": {"planned": pounds_text(total.planned_pence), "actual": pounds_text(total.actual_pence),
                   "variance": variance_text(total.variance_pence)}, "tables": _investment_tables(plan), "form": form, "can_edit": can_edit,
        "history": selectors.history_for(subject_kind="investment"), **conflict,
    }, status=409 if conflict else 200)


@login_required
def workstream(request, key):
    _reader(request)
    ws = get_object_or_404(Workstream.objects.select_related("block"), key=key)
    can_edit = selectors.plan_can_edit(user=request.user)
    form, conflict = WorkstreamForm(initial={"outcome": "\n".join(ws.outcome), "lead": ws.lead, "version": ws.version,
                                             "success_measures": "\n".join(ws.success_measures)}), {}
    if request.method == "POST":
        _editor(request)
        form = WorkstreamForm(request.POST)
        if form.is_valid():
            try:
                workstream_update(workstream=ws, by=request.user, **form.cleaned_data)
                return redirect("plan:workstream", key=ws.key)
            except EditConflict as exc:
                ws = exc.current
                conflict = edit_conflict(form=form, what="workstream", current=ws)
    quarters = {}
    for m in ws.milestones.all():
        quarters.setdefault(m.quarter, {"quarter": m.quarter, "milestones": [], "trajectory": []})["milestones"].append(m)
    for t in ws.trajectories.all():
        quarters.setdefault(t.quarter, {"quarter": t.quarter, "milestones": [], "trajectory": []})["trajectory"].append(
            {"text": t.text, "indicators": [(i, CATALOGUE[i].title) for i in t.indicator_ids]})
    return render(request, "plan/workstream.html", {
        "workstream": ws, "quarters": [quarters[q] for q in sorted(quarters)], "statuses": MILESTONE_STATUSES,
        "today": timezone.localdate(),
        "vision": _vision(ws.block), "form": form, "can_edit": can_edit, **conflict,
        "history": selectors.history_for(subject_kind="workstream", subject_id=ws.pk)}, status=409 if conflict else 200)


def _milestone_quarters(milestone: Milestone) -> list[str]:
    years = list(milestone.workstream.plan.roadmap_years.values_list("year", flat=True))
    quarters = quarters_of_years(years)
    return quarters if milestone.quarter in quarters else sorted([*quarters, milestone.quarter])


@login_required
def milestone(request, pk):
    _reader(request)
    item = get_object_or_404(Milestone.objects.select_related("workstream__plan"), pk=pk)
    can_edit = selectors.plan_can_edit(user=request.user)
    quarters = _milestone_quarters(item)
    conflict = {}
    if request.method == "POST":
        _editor(request)
        form = MilestoneForm(request.POST, quarters=quarters)
        if form.is_valid():
            try:
                milestone_update(milestone=item, by=request.user, **form.cleaned_data)
                return redirect("plan:milestone", pk=item.pk)
            except EditConflict as exc:
                item = Milestone.objects.select_related("workstream__plan").get(pk=exc.current.pk)
                conflict = edit_conflict(form=form, what="milestone", current=item)
    else:
        form = MilestoneForm(quarters=quarters, initial={
            "text": item.text, "quarter": item.quarter, "status": item.status, "evidence": item.evidence,
            "links": "\n".join(item.links), "version": item.version})
    return render(request, "plan/milestone.html", {
        "milestone": item, "status": MILESTONE_STATUSES[item.status], "form": form, "can_edit": can_edit,
        "history": selectors.history_for(subject_kind="milestone", subject_id=item.pk), **conflict,
    }, status=409 if conflict else 200)
