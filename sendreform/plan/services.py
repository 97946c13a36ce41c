"""Writes for the plan: loading a plan file whole (one transaction), editing a workstream, a milestone and the
spend of the investment plan, and the one function that records a change to a plan or governance item in its
history."""

from __future__ import annotations

from django.db import transaction

from sendreform.common.concurrency import version_update
from sendreform.plan.models import (
    INVESTMENT_CATEGORIES,
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
from sendreform.plan.planfile import plan_file_read, quarter_end, quarter_is_valid


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


def milestone_update(*, milestone: Milestone, version: int, by, status: str, evidence: str, links: list[str],
                     text: str | None = None, quarter: str | None = None) -> Milestone:
    """Change a milestone's text, quarter (and so its due date), status, evidence or links (a text or quarter of
    None is left as it is); the history keeps who, when and what changed. Raises EditConflict if the milestone
    is no longer at `version` (someone else saved it since the form was shown)."""
    if status not in MILESTONE_STATUSES:
        raise ValueError(f"{status!r} is not a milestone status")
    values = {}
    if text is not None:
        if not text.strip():
            raise ValueError("a milestone needs its text")
        values["text"] = text.strip()
    if quarter is not None:
        if not quarter_is_valid(quarter):
            raise ValueError(f"{quarter!r} is not a quarter like 2026-27 Q2")
        values["quarter"] = quarter
    values |= {"status": status, "evidence": evidence.strip(), "links": links}
    with transaction.atomic():
        changes = field_changes(
            item=milestone, values=values,
            labels={"text": "Milestone", "quarter": "Quarter due", "status": "Status", "evidence": "Evidence",
                    "links": "Links"},
            shown={"status": lambda v: MILESTONE_STATUSES.get(v, v), "links": lambda v: "; ".join(v)},
        )
        if changes:
            milestone.due = quarter_end(milestone.quarter)
            milestone.full_clean()
            version_update(milestone, version=version, fields=[*values, "due"])
            change_record(subject_kind="milestone", subject_id=milestone.pk, by=by,
                          summary="Milestone updated", changes=changes)
    return milestone


def workstream_update(*, workstream: Workstream, version: int, by, outcome: list[str], success_measures: list[str],
                      lead: str) -> Workstream:
    """Change a workstream's outcome, success measures or accountable lead; the history keeps the change.
    Raises EditConflict if the workstream is no longer at `version`."""
    with transaction.atomic():
        changes = field_changes(
            item=workstream,
            values={"outcome": [p.strip() for p in outcome if p.strip()],
                    "success_measures": [p.strip() for p in success_measures if p.strip()], "lead": lead.strip()},
            labels={"outcome": "Outcome", "success_measures": "Success measures", "lead": "Accountable lead"},
            shown={"outcome": lambda v: "; ".join(v), "success_measures": lambda v: "; ".join(v)},
        )
        if changes:
            workstream.full_clean()
            version_update(workstream, version=version, fields=["outcome", "success_measures", "lead"])
            change_record(subject_kind="workstream", subject_id=workstream.pk, by=by,
                          summary="Workstream updated", changes=changes)
    return workstream


def pounds_text(pence: int | None) -> str:
    """An amount of money as the page and the history show it: £12,500.50 (nothing: blank)."""
    return "" if pence is None else f"£{pence / 100:,.2f}"


def variance_text(pence: int | None) -> str:
    """A variance of spend in words: £500.50 over the plan, £200.00 under it (None: blank)."""
    if pence is None:
        return ""
    return "As planned" if pence == 0 else f"{pounds_text(abs(pence))} {'over' if pence > 0 else 'under'} the plan"


def investment_spend_record(*, plan: Plan, by, amounts: dict[int, tuple[int | None, int | None]],
                            versions: dict[int, int]) -> int:
    """Record the planned and actual spend (whole pence, None: not known) of investment lines by their id; each
    line that changes gets its own history entry. Returns how many lines changed. Raises EditConflict, saving
    nothing, if a line this changes is no longer at its version in `versions` (the form's)."""
    lines = {line.pk: line for line in plan.investment.all()}
    unknown = set(amounts) - set(lines)
    if unknown:
        raise ValueError(f"no investment line of this plan has the id {sorted(unknown)[0]}")
    changed = 0
    with transaction.atomic():
        for pk, (planned, actual) in amounts.items():
            for value in (planned, actual):
                if value is not None and (not isinstance(value, int) or value < 0):
                    raise ValueError(f"{value!r} is not a whole, non-negative number of pence")
            line = lines[pk]
            changes = field_changes(item=line, values={"planned_pence": planned, "actual_pence": actual},
                                    labels={"planned_pence": "Planned spend", "actual_pence": "Actual spend"},
                                    shown={"planned_pence": pounds_text, "actual_pence": pounds_text})
            if changes:
                version_update(line, version=versions[pk], fields=["planned_pence", "actual_pence"])
                change_record(subject_kind="investment", subject_id=line.pk, by=by,
                              summary=f"Spend recorded: {INVESTMENT_CATEGORIES[line.category]}, {line.quarter}",
                              changes=changes)
                changed += 1
    return changed


def plan_import(*, text: str, source: str = "plan file", by=None) -> Plan:
    """Replace the plan, its governance and its risks with those of a plan file, all or nothing.

    The file is checked whole before anything is written (PlanFileError names the line and the reason), and
    the writes run in one transaction. Board packs and the history of changes are kept."""
    data = plan_file_read(text, source=source)
    from sendreform.governance.services import governance_replace

    with transaction.atomic():
        Workstream.objects.all().delete()  # first: a workstream protects its building block
        Plan.objects.all().delete()
        area = data["local_area"]
        p = data["plan"]
        plan = Plan.objects.create(local_area_name=area["name"], la_code=area.get("la_code", ""),
                                   new_la_code=area.get("new_la_code", ""), title=p["title"],
                                   summary=p.get("summary", ""), investment_note=p.get("investment_note", ""))
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
