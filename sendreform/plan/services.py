"""Writes for the plan: loading a plan file whole (one transaction), editing a milestone, and the one
function that records a change to a milestone, risk, decision or action in its history."""

from __future__ import annotations

from django.db import transaction

from sendreform.plan.models import (
    MILESTONE_STATUSES,
    BuildingBlock,
    ChangeEntry,
    IndicatorTarget,
    InvestmentLine,
    Milestone,
    Plan,
    RoadmapEntry,
    RoadmapYear,
    SuccessMeasure,
    Workstream,
    WorkstreamTrajectory,
)
from sendreform.plan.planfile import plan_file_read, quarter_end


def change_record(*, subject_kind: str, subject_id: int, by, summary: str,
                  changes: list[dict] | None = None) -> ChangeEntry:
    """Keep who changed which item, when, and each field's value before and after."""
    return ChangeEntry.objects.create(
        subject_kind=subject_kind, subject_id=subject_id, user=by if getattr(by, "pk", None) else None,
        username=getattr(by, "username", "") or "sendreform", summary=summary[:200], changes=changes or [],
    )


def field_changes(*, item, values: dict, labels: dict, shown=None) -> list[dict]:
    """Set each field of `item` from `values` and return what changed, as the history shows it."""
    shown = shown or {}
    out = []
    for field, value in values.items():
        before = getattr(item, field)
        if before != value:
            show = shown.get(field, lambda v: "" if v is None else str(v))
            out.append({"field": labels[field], "before": show(before), "after": show(value)})
            setattr(item, field, value)
    return out


def milestone_update(*, milestone: Milestone, by, status: str, evidence: str, links: list[str]) -> Milestone:
    """Change a milestone's status, evidence or links; the history keeps who, when and what changed."""
    if status not in MILESTONE_STATUSES:
        raise ValueError(f"{status!r} is not a milestone status")
    with transaction.atomic():
        changes = field_changes(
            item=milestone, values={"status": status, "evidence": evidence.strip(), "links": links},
            labels={"status": "Status", "evidence": "Evidence", "links": "Links"},
            shown={"status": lambda v: MILESTONE_STATUSES.get(v, v), "links": lambda v: "; ".join(v)},
        )
        if changes:
            milestone.full_clean()
            milestone.save()
            change_record(subject_kind="milestone", subject_id=milestone.pk, by=by,
                          summary="Milestone updated", changes=changes)
    return milestone


def plan_import(*, text: str, source: str = "plan file", by=None) -> Plan:
    """Replace the plan, its governance and its risks with those of a plan file, all or nothing.

    The file is checked whole before anything is written (PlanFileError names the line and the reason), and
    the writes run in one transaction. Board packs and the history of changes are kept."""
    data = plan_file_read(text, source=source)
    from sendreform.governance.services import governance_replace

    with transaction.atomic():
        Plan.objects.all().delete()
        area = data["local_area"]
        p = data["plan"]
        plan = Plan.objects.create(local_area_name=area["name"], la_code=area.get("la_code", ""),
                                   new_la_code=area.get("new_la_code", ""), title=p["title"],
                                   summary=p.get("summary", ""))
        for i, (iid, spec) in enumerate(data["indicators"].items()):
            b, t = spec.get("baseline"), spec.get("target")
            IndicatorTarget.objects.create(
                plan=plan, position=i, indicator_id=iid, has_baseline=b is not None,
                baseline_value=(b or {}).get("value"), baseline_date=(b or {}).get("date"),
                target_value=(t or {}).get("value"), target_change_pct=(t or {}).get("change_pct"),
                target_date=(t or {}).get("date"), note=spec.get("note", ""),
                milestones=[{"date": m["date"].isoformat(), "value": m["value"]}
                            for m in spec.get("milestones", [])])
        for i, y in enumerate(p["roadmap_years"]):
            RoadmapYear.objects.create(plan=plan, position=i, year=y["year"], headline=y["headline"])
        blocks = {}
        for i, b in enumerate(p["building_blocks"]):
            block = BuildingBlock.objects.create(plan=plan, position=i, key=b["key"], kind=b["kind"],
                                                 name=b["name"], vision=b.get("vision", []))
            blocks[b["key"]] = block
            for year, items in b.get("roadmap", {}).items():
                RoadmapEntry.objects.create(block=block, year=year, items=items)
            for j, s in enumerate(b.get("success_measures", [])):
                SuccessMeasure.objects.create(block=block, position=j, name=s["name"],
                                              by_year={k: v for k, v in s.items() if k != "name"})
        for i, w in enumerate(p["workstreams"]):
            ws = Workstream.objects.create(
                plan=plan, block=blocks[w["building_block"]], position=i, key=w["key"], name=w["name"],
                outcome=w.get("outcome", []), success_measures=w.get("success_measures", []),
                lead=w.get("lead", ""), lead_support=w.get("lead_support", ""), note=w.get("note", ""))
            for q in w.get("quarters", []):
                for j, m in enumerate(q.get("milestones", [])):
                    Milestone.objects.create(workstream=ws, quarter=q["quarter"], due=quarter_end(q["quarter"]),
                                             position=j, text=m["text"], status=m["status"],
                                             evidence=m.get("evidence", ""), links=m.get("links", []))
                for j, t in enumerate(q.get("trajectory", [])):
                    WorkstreamTrajectory.objects.create(workstream=ws, quarter=q["quarter"], position=j,
                                                        text=t["text"], indicator_ids=t.get("indicators", []))
        position = 0
        for line in p["investment"]:
            for q in line["quarters"]:
                InvestmentLine.objects.create(
                    plan=plan, category=line["category"], heading=line.get("heading", ""), quarter=q["quarter"],
                    position=position, description=q.get("description", ""),
                    planned_pence=q.get("planned_pence"), actual_pence=q.get("actual_pence"))
                position += 1
        governance_replace(governance=data["governance"], risks=data["risks"])
    return plan
