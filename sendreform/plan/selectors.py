"""Reads of the plan: the plan as a whole, a workstream, milestones due, an item's history, who may edit,
and the plan back as the canonical mapping of its file (for `sendreform plan export` and the board pack)."""

from __future__ import annotations

import datetime as dt

from sendreform.accounts import roles
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.metrics.targets import PlanTargets, targets_from_mapping
from sendreform.plan.models import DONE, ChangeEntry, IndicatorTarget, Milestone, Plan, Workstream
from sendreform.plan.planfile import plan_file_text

# Workstream leads are officers of the partnership here; board members and the parent carer forum read.
EDIT_ROLES = frozenset({roles.OFFICER, roles.ADMIN})


def plan_can_edit(*, user) -> bool:
    return getattr(user, "role", None) in EDIT_ROLES


def plan_can_read(*, user) -> bool:
    return getattr(user, "role", None) in roles.ROLES


def plan_current() -> Plan | None:
    return Plan.objects.first()


def workstreams_list(*, plan: Plan) -> list[Workstream]:
    return list(plan.workstreams.select_related("block").prefetch_related("milestones", "trajectories"))


def milestones_due(*, as_at: dt.date, within_days: int = 92) -> list[Milestone]:
    """Milestones not done whose quarter has ended by the as-at date (overdue) or ends within the window."""
    return list(Milestone.objects.exclude(status=DONE).filter(due__lte=as_at + dt.timedelta(days=within_days))
                .select_related("workstream").order_by("due", "workstream__position", "position"))


def history_for(*, subject_kind: str, subject_id: int) -> list[ChangeEntry]:
    return list(ChangeEntry.objects.filter(subject_kind=subject_kind, subject_id=subject_id))


def _number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def plan_mapping() -> dict | None:
    """The plan, its governance and its risks as the canonical mapping of a plan file (None: no plan)."""
    from sendreform.governance.selectors import governance_mapping

    plan = plan_current()
    if plan is None:
        return None
    area = {"name": plan.local_area_name}
    if plan.la_code:
        area["la_code"] = plan.la_code
    if plan.new_la_code:
        area["new_la_code"] = plan.new_la_code
    indicators = {}
    for t in plan.indicator_targets.all():
        spec = {}
        if t.has_baseline:
            spec["baseline"] = {**({"value": _number(t.baseline_value)} if t.baseline_value is not None else {}),
                                "date": t.baseline_date}
        if t.target_date is not None:
            spec["target"] = ({"value": _number(t.target_value)} if t.target_value is not None
                              else {"change_pct": _number(t.target_change_pct)})
            spec["target"]["date"] = t.target_date
        if t.note:
            spec["note"] = t.note
        if t.milestones:
            spec["milestones"] = [{"date": dt.date.fromisoformat(m["date"]), "value": _number(m["value"])}
                                  for m in t.milestones]
        indicators[t.indicator_id] = spec
    p = {"title": plan.title}
    if plan.summary:
        p["summary"] = plan.summary
    p["roadmap_years"] = [{"year": y.year, "headline": y.headline} for y in plan.roadmap_years.all()]
    blocks = []
    for b in plan.building_blocks.prefetch_related("roadmap", "success_measures"):
        block = {"key": b.key, "kind": b.kind, "name": b.name}
        if b.vision:
            block["vision"] = b.vision
        years = [y["year"] for y in p["roadmap_years"]]
        roadmap = sorted(b.roadmap.all(), key=lambda e: years.index(e.year) if e.year in years else 99)
        if roadmap:
            block["roadmap"] = {e.year: e.items for e in roadmap}
        if b.success_measures.exists():
            block["success_measures"] = [{"name": s.name, **s.by_year} for s in b.success_measures.all()]
        blocks.append(block)
    p["building_blocks"] = blocks
    p["workstreams"] = [_workstream_mapping(w) for w in workstreams_list(plan=plan)]
    investment = []
    for line in plan.investment.all():
        if not investment or investment[-1]["category"] != line.category:
            investment.append({"category": line.category, **({"heading": line.heading} if line.heading else {}),
                               "quarters": []})
        q = {"quarter": line.quarter}
        if line.description:
            q["description"] = line.description
        for key in ("planned_pence", "actual_pence"):
            if getattr(line, key) is not None:
                q[key] = getattr(line, key)
        investment[-1]["quarters"].append(q)
    p["investment"] = investment
    governance, risks = governance_mapping()
    return {"local_area": area, "indicators": indicators, "plan": p, "governance": governance, "risks": risks}


def _workstream_mapping(w: Workstream) -> dict:
    item = {"key": w.key, "building_block": w.block.key, "name": w.name}
    for field in ("lead", "lead_support", "outcome", "success_measures", "note"):
        if getattr(w, field):
            item[field] = getattr(w, field)
    quarters = {}
    for m in sorted(w.milestones.all(), key=lambda m: (m.due, m.position)):
        entry = {"text": m.text, "status": m.status}
        if m.evidence:
            entry["evidence"] = m.evidence
        if m.links:
            entry["links"] = m.links
        quarters.setdefault(m.quarter, {"quarter": m.quarter}).setdefault("milestones", []).append(entry)
    for t in sorted(w.trajectories.all(), key=lambda t: (t.quarter, t.position)):
        point = {"text": t.text, **({"indicators": t.indicator_ids} if t.indicator_ids else {})}
        quarters.setdefault(t.quarter, {"quarter": t.quarter}).setdefault("trajectory", []).append(point)
    if quarters:
        item["quarters"] = [{k: q[k] for k in ("quarter", "milestones", "trajectory") if k in q}
                            for _, q in sorted(quarters.items())]
    return item


def plan_export_text() -> str | None:
    data = plan_mapping()
    return None if data is None else plan_file_text(data)


def plan_targets() -> PlanTargets | None:
    """The indicators' trajectories as the metrics layer reads them, from the plan in the database."""
    plan = plan_current()
    if plan is None:
        return None
    data = plan_mapping()
    return targets_from_mapping({"local_area": data["local_area"], "indicators": data["indicators"]},
                                source="plan", known_ids=CATALOGUE)


def indicator_targets(*, plan: Plan) -> list[IndicatorTarget]:
    return list(plan.indicator_targets.all())
