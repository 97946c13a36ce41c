"""Reads of the plan: the plan as a whole, a workstream, milestones due, the investment plan's spend and its
totals, an item's history and the edits since a date, who may edit, and the plan back as the canonical mapping
of its file (for `sendreform plan export` and the board pack)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sendreform.accounts import roles
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.metrics.targets import PlanTargets, targets_from_mapping
from sendreform.plan.models import (
    DONE,
    INVESTMENT_CATEGORIES,
    ChangeEntry,
    IndicatorTarget,
    InvestmentLine,
    Milestone,
    Plan,
    Workstream,
)
from sendreform.plan.planfile import plan_file_text

# Workstream leads are officers of the partnership here; board members and the parent carer forum read.
EDIT_ROLES = frozenset({roles.OFFICER, roles.ADMIN})


def plan_can_edit(*, user) -> bool:
    return getattr(user, "role", None) in EDIT_ROLES


def plan_can_read(*, user) -> bool:
    return getattr(user, "role", None) in roles.LOCAL_AREA_ROLES


def plan_current() -> Plan | None:
    return Plan.objects.first()


def workstreams_list(*, plan: Plan) -> list[Workstream]:
    return list(plan.workstreams.select_related("block").prefetch_related("milestones", "trajectories"))


def milestones_due(*, as_at: dt.date, within_days: int = 92) -> list[Milestone]:
    """Milestones not done whose quarter has ended by the as-at date (overdue) or ends within the window."""
    return list(Milestone.objects.exclude(status=DONE).filter(due__lte=as_at + dt.timedelta(days=within_days))
                .select_related("workstream").order_by("due", "workstream__position", "position"))


def milestones_overdue(*, as_at: dt.date) -> list[Milestone]:
    """Milestones not done whose due date has passed, the longest overdue first."""
    return [m for m in milestones_due(as_at=as_at, within_days=0) if m.due < as_at]


def history_for(*, subject_kind: str, subject_id: int | None = None) -> list[ChangeEntry]:
    """An item's history, newest first; without an id, the history of every item of the kind."""
    entries = ChangeEntry.objects.filter(subject_kind=subject_kind)
    return list(entries if subject_id is None else entries.filter(subject_id=subject_id))


def _subject_names(entries: list[ChangeEntry]) -> dict[tuple[str, int], str]:
    from sendreform.governance.models import Action, Decision, Risk

    ids: dict[str, set[int]] = {}
    for e in entries:
        ids.setdefault(e.subject_kind, set()).add(e.subject_id)
    names = {}
    for kind, model, name in (("milestone", Milestone, lambda m: f"Milestone “{m.text[:120]}”"),
                              ("workstream", Workstream, lambda w: f"Workstream “{w.name}”"),
                              ("risk", Risk, lambda r: f"Risk {r.ref}"),
                              ("decision", Decision, lambda d: f"Decision “{d.text[:120]}”"),
                              ("action", Action, lambda a: f"Action “{a.text[:120]}”")):
        for item in model.objects.filter(pk__in=ids.get(kind, ())):
            names[(kind, item.pk)] = name(item)
    return names


def changes_since(*, since: dt.datetime | None) -> list[dict]:
    """Every edit to the plan and its governance after a moment (None: all), oldest first, naming the item."""
    entries = list(ChangeEntry.objects.order_by("at", "id") if since is None
                   else ChangeEntry.objects.filter(at__gt=since).order_by("at", "id"))
    names = _subject_names(entries)
    return [{"entry": e, "item": names.get((e.subject_kind, e.subject_id), e.summary)} for e in entries]


@dataclass
class SpendTotal:
    """Planned and actual spend added up (None: no amount of that kind recorded) and their variance: actual
    minus planned, over the lines where both are recorded."""

    label: str
    planned_pence: int | None = None
    actual_pence: int | None = None
    variance_pence: int | None = None
    lines: list[InvestmentLine] = dataclasses.field(default_factory=list)

    def add(self, line: InvestmentLine) -> None:
        self.lines.append(line)
        if line.planned_pence is not None:
            self.planned_pence = (self.planned_pence or 0) + line.planned_pence
        if line.actual_pence is not None:
            self.actual_pence = (self.actual_pence or 0) + line.actual_pence
        if line.planned_pence is not None and line.actual_pence is not None:
            self.variance_pence = (self.variance_pence or 0) + line.actual_pence - line.planned_pence


def line_variance(line: InvestmentLine) -> int | None:
    if line.planned_pence is None or line.actual_pence is None:
        return None
    return line.actual_pence - line.planned_pence


def investment_summary(*, plan: Plan) -> dict:
    """The investment plan's lines, with totals by category, by quarter and overall."""
    lines = list(plan.investment.all())
    categories = {key: SpendTotal(label=label) for key, label in INVESTMENT_CATEGORIES.items()}
    quarters: dict[str, SpendTotal] = {}
    total = SpendTotal(label="All categories")
    for line in lines:
        categories[line.category].add(line)
        quarters.setdefault(line.quarter, SpendTotal(label=line.quarter)).add(line)
        total.add(line)
    return {"lines": lines, "by_category": [t for t in categories.values() if t.lines],
            "by_quarter": [quarters[q] for q in sorted(quarters)], "total": total,
            "any_planned": total.planned_pence is not None, "any_actual": total.actual_pence is not None}


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
    if plan.investment_note:
        p["investment_note"] = plan.investment_note
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
