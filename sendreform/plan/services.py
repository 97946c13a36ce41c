"""Writes for the plan: merging a plan file into the plan (one transaction; ADR 16), editing a workstream, a
milestone and the spend of the investment plan, and the one function that records a change to a plan or governance item in its
history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sendreform.accounts.services import AUDIT_IMPORT, audit_record, command_line_username
from sendreform.common.concurrency import version_update
from sendreform.plan.merge import PlanImportReport, fields_merge, file_shortfall, plain
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
from sendreform.plan.planfile import PlanFileError, plan_file_read, quarter_end, quarter_is_valid
from sendreform.standards import formats


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
    return formats.money_from_pence(pence)


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


class _DryRun(Exception):
    """Raised inside the import's transaction to roll back a preview."""


def plan_import(*, text: str, source: str = "plan file", by=None, apply: bool = True,
                allow_fewer: bool = False) -> PlanImportReport:
    """Check a plan file and merge it into the plan the database holds, all or nothing (ADR 16).

    The file is checked whole first (PlanFileError names the line and the reason), including that it is not
    cut short (`merge.file_shortfall`). Items are matched by their keys; a field edited in the app since the
    last import keeps the app's value; nothing is deleted (meetings, decisions, actions, history, packs and
    items the file no longer holds are kept). With `apply=False` the merge runs and is rolled back, so the
    report previews exactly what applying would do."""
    from sendreform.governance.services import governance_merge
    from sendreform.plan.selectors import plan_mapping

    data = plan_file_read(text, source=source)
    stored = plan_mapping()
    file_shortfall(text=text, source=source, stored=stored, new=data, allow_fewer=allow_fewer)
    if stored is not None and stored["local_area"]["name"] != data["local_area"]["name"]:
        raise PlanFileError(source=source, line=None, reason=(
            f"local_area.name: the file is {data['local_area']['name']}'s plan but the database holds "
            f"{stored['local_area']['name']}'s; a plan is merged into its own area's database only"))
    report = PlanImportReport(source=source)
    try:
        with transaction.atomic():
            history = _plan_merge(data, report)
            history += governance_merge(governance=data["governance"], risks=data["risks"], report=report)
            for kind, row, changes in history:
                change_record(subject_kind=kind, subject_id=row.pk, by=by, summary=f"Changed by importing {source}",
                              changes=changes)
            if stored is not None and report.changes_anything:  # a later import is in the plan's history too
                change_record(subject_kind="plan", subject_id=Plan.objects.get().pk, by=by,
                              summary=f"Plan file {source} imported: {len(report.added)} added, "
                                      f"{len(report.changed)} changed",
                              changes=[{"field": "Added", "before": "", "after": line} for line in report.added])
            if not apply:
                raise _DryRun
            audit_record(user=by, username="" if by else command_line_username(), action=AUDIT_IMPORT,
                         detail=f"plan file {source}: {data['plan']['title']}")
    except _DryRun:
        pass
    return report


def import_row_merge(report, *, model, lookup: dict, label: str, values: dict, tracked: bool = False,
                     history: list | None = None, kind: str = ""):
    """The row of `model` matching `lookup`, created with `values` (reported as added) or merged with them."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        if tracked:
            row.imported = {name: plain(value) for name, value in values.items()}
        import_row_save(report, row, label)
        report.added.append(label)
        return row
    changes = fields_merge(report, item=row, label=label, values=values, tracked=tracked)
    import_row_save(report, row, label)
    if changes and history is not None:
        history.append((kind, row, changes))
    return row


def import_row_save(report, row, label: str) -> None:
    """Save a row of an import after checking its fields as the database will (lengths, choices, keys as slugs),
    so a value the database would refuse stops the import with the item and field rather than an error."""
    from django.core.exceptions import ValidationError
    from django.db.models import JSONField

    try:
        row.clean_fields(exclude=[f.name for f in row._meta.fields if f.is_relation or isinstance(f, JSONField)])
    except ValidationError as error:
        field, problems = next(iter(error.message_dict.items()))
        raise PlanFileError(source=report.source, line=None,
                            reason=f"{label}: {field.replace('_', ' ')}: {problems[0]}") from None
    row.save()


def import_rows_kept(report, rows, label) -> None:
    report.kept += [label(row) for row in rows]


def _plan_merge(data: dict, report: PlanImportReport) -> list:
    area, p = data["local_area"], data["plan"]
    history: list = []
    plan = Plan.objects.first() or Plan(title=p["title"], local_area_name=area["name"])
    if plan.pk is None:
        report.added.append(f"the plan {p['title']!r} of {area['name']}")
    fields_merge(report, item=plan, label="the plan", tracked=False, values={
        "local_area_name": area["name"], "la_code": area.get("la_code", ""),
        "new_la_code": area.get("new_la_code", ""), "title": p["title"], "summary": p.get("summary", ""),
        "investment_note": p.get("investment_note", "")})
    plan.imported_at = timezone.now()
    import_row_save(report, plan, "the plan")
    seen = set()
    for i, (iid, spec) in enumerate(data["indicators"].items()):
        b, t = spec.get("baseline"), spec.get("target")
        seen.add(import_row_merge(report, model=IndicatorTarget, lookup={"plan": plan, "indicator_id": iid},
                         label=f"indicator target {iid}", values={
            "position": i, "has_baseline": b is not None, "baseline_value": (b or {}).get("value"),
            "baseline_date": (b or {}).get("date"), "target_value": (t or {}).get("value"),
            "target_change_pct": (t or {}).get("change_pct"), "target_date": (t or {}).get("date"),
            "note": spec.get("note", ""),
            "milestones": [{"date": m["date"].isoformat(), "value": m["value"]} for m in spec.get("milestones", [])]},
        ).pk)
    import_rows_kept(report, plan.indicator_targets.exclude(pk__in=seen),
                     lambda r: f"indicator target {r.indicator_id}")
    seen = set()
    for i, y in enumerate(p["roadmap_years"]):
        seen.add(import_row_merge(report, model=RoadmapYear, lookup={"plan": plan, "year": y["year"]},
                         label=f"roadmap year {y['year']}", values={"position": i, "headline": y["headline"]}).pk)
    import_rows_kept(report, plan.roadmap_years.exclude(pk__in=seen), lambda r: f"roadmap year {r.year}")
    blocks, seen_parts = {}, {"roadmap": set(), "measures": set()}
    for i, b in enumerate(p["building_blocks"]):
        block = import_row_merge(report, model=BuildingBlock, lookup={"plan": plan, "key": b["key"]},
                        label=f"building block {b['key']}",
                        values={"position": i, "kind": b["kind"], "name": b["name"], "vision": b.get("vision", [])})
        blocks[b["key"]] = block
        for year, items in b.get("roadmap", {}).items():
            seen_parts["roadmap"].add(import_row_merge(
                report, model=RoadmapEntry, lookup={"block": block, "year": year},
                label=f"roadmap of {b['key']} in {year}", values={"items": items}).pk)
        for j, s in enumerate(b.get("success_measures", [])):
            seen_parts["measures"].add(import_row_merge(
                report, model=SuccessMeasure, lookup={"block": block, "name": s["name"]},
                label=f"success measure {s['name']!r} of {b['key']}",
                values={"position": j, "by_year": {k: v for k, v in s.items() if k != "name"}}).pk)
    import_rows_kept(report, plan.building_blocks.exclude(pk__in=[b.pk for b in blocks.values()]),
          lambda r: f"building block {r.key}")
    import_rows_kept(report, RoadmapEntry.objects.filter(block__plan=plan).exclude(pk__in=seen_parts["roadmap"]),
          lambda r: f"roadmap of {r.block.key} in {r.year}")
    import_rows_kept(report, SuccessMeasure.objects.filter(block__plan=plan).exclude(pk__in=seen_parts["measures"]),
          lambda r: f"success measure {r.name!r} of {r.block.key}")
    seen = {"workstreams": set(), "milestones": set(), "trajectories": set()}
    for i, w in enumerate(p["workstreams"]):
        ws = import_row_merge(report, model=Workstream, lookup={"plan": plan, "key": w["key"]}, tracked=True,
                     history=history, kind="workstream", label=f"workstream {w['key']}", values={
            "block": blocks[w["building_block"]], "position": i, "name": w["name"],
            "outcome": w.get("outcome", []), "success_measures": w.get("success_measures", []),
            "lead": w.get("lead", ""), "lead_support": w.get("lead_support", ""), "note": w.get("note", "")})
        seen["workstreams"].add(ws.pk)
        for q in w.get("quarters", []):
            for j, m in enumerate(q.get("milestones", [])):
                row = _milestone_match(ws, q["quarter"], m["text"], exclude=seen["milestones"])
                label = f"milestone {m['text'][:60]!r} ({w['key']}, {q['quarter']})"
                values = {"quarter": q["quarter"], "position": j, "text": m["text"], "status": m["status"],
                          "evidence": m.get("evidence", ""), "links": m.get("links", [])}
                if row is None:
                    row = Milestone(workstream=ws, due=quarter_end(q["quarter"]), **values,
                                    imported={k: plain(v) for k, v in values.items()})
                    report.added.append(label)
                else:
                    changes = fields_merge(report, item=row, label=label, values=values, tracked=True)
                    row.due = quarter_end(row.quarter)
                    if changes:
                        history.append(("milestone", row, changes))
                import_row_save(report, row, label)
                seen["milestones"].add(row.pk)
            for j, t in enumerate(q.get("trajectory", [])):
                seen["trajectories"].add(import_row_merge(
                    report, model=WorkstreamTrajectory,
                    lookup={"workstream": ws, "quarter": q["quarter"], "text": t["text"]},
                    label=f"trajectory {t['text'][:60]!r} ({w['key']}, {q['quarter']})",
                    values={"position": j, "indicator_ids": t.get("indicators", [])}).pk)
    import_rows_kept(report, plan.workstreams.exclude(pk__in=seen["workstreams"]), lambda r: f"workstream {r.key}")
    import_rows_kept(report, Milestone.objects.filter(workstream__plan=plan).exclude(pk__in=seen["milestones"]),
          lambda r: f"milestone {r.text[:60]!r} ({r.workstream.key}, {r.quarter})")
    import_rows_kept(report, WorkstreamTrajectory.objects.filter(workstream__plan=plan).exclude(
                     pk__in=seen["trajectories"]),
                     lambda r: f"trajectory {r.text[:60]!r} ({r.workstream.key}, {r.quarter})")
    seen, position = set(), 0
    for line in p["investment"]:
        for q in line["quarters"]:
            row = import_row_merge(report, model=InvestmentLine, tracked=True, history=history, kind="investment",
                          lookup={"plan": plan, "category": line["category"], "quarter": q["quarter"]},
                          label=f"investment in {line['category']}, {q['quarter']}", values={
                "heading": line.get("heading", ""), "position": position, "description": q.get("description", ""),
                "planned_pence": q.get("planned_pence"), "actual_pence": q.get("actual_pence")})
            seen.add(row.pk)
            position += 1
    import_rows_kept(report, plan.investment.exclude(pk__in=seen),
                     lambda r: f"investment in {r.category}, {r.quarter}")
    return history


def _milestone_match(ws: Workstream, quarter: str, text: str, *, exclude: set) -> Milestone | None:
    """The stored milestone the file's means: the one last imported with this quarter and text (whatever the app
    has made of it since), else one that now has this quarter and text."""
    rows = [m for m in ws.milestones.all() if m.pk not in exclude]
    for row in rows:
        if row.imported.get("quarter") == quarter and row.imported.get("text") == text:
            return row
    return next((row for row in rows if not row.imported and row.quarter == quarter and row.text == text), None)


def indicator_trajectory_set(*, plan: Plan, indicator_id: str, by, baseline_value: float | None,
                             baseline_date: dt.date, target_value: float, target_date: dt.date) -> IndicatorTarget:
    """Set the trajectory of an indicator the plan gives none (or change it): a baseline (its value, or none to
    work it out from the data on its date) and a target by a date. It is stored in the plan, so the plan file
    exports it, and its history keeps who set it; the dashboard's figures are remade to rate against it."""
    from django.core.exceptions import ValidationError

    if target_date <= baseline_date:
        raise ValidationError({"target_date": "The target date must be after the baseline date"})
    with transaction.atomic():
        item = IndicatorTarget.objects.filter(plan=plan, indicator_id=indicator_id).first()
        if item is None:
            last = plan.indicator_targets.order_by("-position").values_list("position", flat=True).first()
            item = IndicatorTarget(plan=plan, indicator_id=indicator_id, position=0 if last is None else last + 1)
        changes = field_changes(
            item=item,
            values={"has_baseline": True, "baseline_value": baseline_value, "baseline_date": baseline_date,
                    "target_value": target_value, "target_change_pct": None, "target_date": target_date},
            labels={"has_baseline": "Baseline set", "baseline_value": "Baseline", "baseline_date": "Baseline date",
                    "target_value": "Target", "target_change_pct": "Target change", "target_date": "Target date"},
            shown={"baseline_value": lambda v: "from the data" if v is None else f"{v:g}",
                   "baseline_date": lambda v: v.isoformat() if v else "",
                   "target_date": lambda v: v.isoformat() if v else "", "has_baseline": lambda v: "yes" if v else ""})
        item.full_clean()
        item.save()
        change_record(subject_kind="indicator_target", subject_id=item.pk, by=by,
                      summary=f"Trajectory of {indicator_id} set", changes=changes)
    from sendreform.indicators.analytics import data_changed

    data_changed(reason=f"trajectory of {indicator_id} set")
    return item
