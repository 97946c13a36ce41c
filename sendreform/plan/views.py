"""Pages of the plan: the plan on one page (roadmap, workstreams, milestones, trajectories, investment), a
workstream, and a milestone with its history and, for those who may edit, its status form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from sendreform.metrics.catalogue import CATALOGUE
from sendreform.plan import selectors
from sendreform.plan.forms import MilestoneForm
from sendreform.plan.models import INVESTMENT_CATEGORIES, MILESTONE_STATUSES, Milestone, Workstream
from sendreform.plan.services import milestone_update
from sendreform.web.tables import Column, Table, rows_from, table_csv_response


def _reader(request):
    if not selectors.plan_can_read(user=request.user):
        raise PermissionDenied("Your role cannot see the plan.")


def _pounds(pence):
    return None if pence is None else f"£{pence / 100:,.2f}"


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
        "investment": Table(
            caption="Investment plan by category and quarter", csv_url=reverse("plan:csv", args=["investment"]),
            columns=[Column("category", "Category"), Column("quarter", "Quarter"), Column("description", "Planned use"),
                     Column("planned", "Planned spend", numeric=True), Column("actual", "Actual spend", numeric=True)],
            rows=rows_from(plan.investment.all(), category=lambda i: INVESTMENT_CATEGORIES[i.category],
                           quarter=lambda i: i.quarter, description=lambda i: i.description,
                           planned=lambda i: _pounds(i.planned_pence) or "Not given",
                           actual=lambda i: _pounds(i.actual_pence) or "Not given")),
    }


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
        blocks.append({"block": b, "years": [(y.year, by_year.get(y.year, [])) for y in years],
                       "measures": [{"name": s.name, "years": [s.by_year.get(y.year, "") for y in years]}
                                    for s in b.success_measures.all()]})
    workstreams = []
    for w in selectors.workstreams_list(plan=plan):
        statuses = [m.status for m in w.milestones.all()]
        workstreams.append({"workstream": w, "counts": [(label, statuses.count(key))
                                                        for key, label in MILESTONE_STATUSES.items()]})
    return render(request, "plan/overview.html", {
        "plan": plan, "years": years, "blocks": blocks, "workstreams": workstreams, "tables": tables,
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
def workstream(request, key):
    _reader(request)
    ws = get_object_or_404(Workstream.objects.select_related("block"), key=key)
    quarters = {}
    for m in ws.milestones.all():
        quarters.setdefault(m.quarter, {"quarter": m.quarter, "milestones": [], "trajectory": []})["milestones"].append(m)
    for t in ws.trajectories.all():
        quarters.setdefault(t.quarter, {"quarter": t.quarter, "milestones": [], "trajectory": []})["trajectory"].append(
            {"text": t.text, "indicators": [(i, CATALOGUE[i].title) for i in t.indicator_ids]})
    return render(request, "plan/workstream.html", {
        "workstream": ws, "quarters": [quarters[q] for q in sorted(quarters)], "statuses": MILESTONE_STATUSES})


@login_required
def milestone(request, pk):
    _reader(request)
    item = get_object_or_404(Milestone.objects.select_related("workstream"), pk=pk)
    can_edit = selectors.plan_can_edit(user=request.user)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Your role can read the plan but not change it.")
        form = MilestoneForm(request.POST)
        if form.is_valid():
            milestone_update(milestone=item, by=request.user, **form.cleaned_data)
            return redirect("plan:milestone", pk=item.pk)
    else:
        form = MilestoneForm(initial={"status": item.status, "evidence": item.evidence,
                                      "links": "\n".join(item.links)})
    return render(request, "plan/milestone.html", {
        "milestone": item, "status": MILESTONE_STATUSES[item.status], "form": form, "can_edit": can_edit,
        "history": selectors.history_for(subject_kind="milestone", subject_id=item.pk),
    })
