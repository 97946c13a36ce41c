"""Writes for governance: merging the boards, meetings and risks of a plan file, recording meetings,
decisions and actions, editing risks, and storing a board pack. Every edit keeps its history."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sendreform.common.concurrency import version_update
from sendreform.governance.models import (
    ACTION_STATUSES,
    DECISION_STATUSES,
    IMPACTS,
    LIKELIHOODS,
    Action,
    Board,
    BoardPack,
    Decision,
    Meeting,
    Risk,
)
from sendreform.plan.merge import shown
from sendreform.plan.services import change_record, field_changes


def governance_merge(*, governance: dict, risks: list[dict], report) -> list:
    """Merge a plan file's boards, meetings and risks (inside `plan_import`'s transaction; ADR 16). Boards and
    risks are matched by key and ref, meetings by board, date and title, their decisions and actions by text.
    Nothing is deleted: a board keeps its meetings and packs; meetings, decisions and actions recorded in the
    app are kept; a risk's fields edited in the app keep the app's values. Returns the history to record."""
    from sendreform.plan.services import import_row_merge, import_row_save, import_rows_kept

    history: list = []
    boards = {}
    for i, b in enumerate(governance["boards"]):
        boards[b["key"]] = import_row_merge(report, model=Board, lookup={"key": b["key"]},
                                            label=f"board {b['key']}", values={
            "position": i, "name": b["name"], "kind": b["kind"], "is_sro": b.get("sro", False),
            "purpose": b["purpose"], "membership": b.get("membership", ""), "chair": b.get("chair", ""),
            "cadence": b.get("cadence", ""), "decision_rights": b.get("decision_rights", ""),
            "escalation_route": b.get("escalation_route", "")})
    for b in governance["boards"]:
        board = boards[b["key"]]
        if f"board {b['key']}" in report.added:  # a new board: its escalation is part of its adding
            board.escalates_to = boards.get(b.get("escalates_to"))
            board.save()
        else:
            import_row_merge(report, model=Board, lookup={"key": b["key"]}, label=f"board {b['key']}",
                             values={"escalates_to": boards.get(b.get("escalates_to"))})
    import_rows_kept(report, Board.objects.exclude(key__in=boards),
                     lambda r: f"board {r.key} (with its meetings and packs)")
    seen = set()
    for m in governance["meetings"]:
        where = f"meeting of {m['board']} on {m['date'].isoformat()}"
        lookup = {"board": boards[m["board"]], "date": m["date"], "title": m.get("title", "")}
        meeting = Meeting.objects.filter(**lookup).first()
        if meeting is None:
            meeting = import_row_merge(report, model=Meeting, label=where, lookup=lookup,
                                       values={"notes": m.get("notes", "")})
        elif meeting.notes != m.get("notes", ""):  # a meeting's record is the app's: its notes are not replaced
            report.kept_edits.append(f"{where}: notes stay as recorded in the app (the file says "
                                     f"{shown(m.get('notes', ''))})")
        seen.add(meeting.pk)
        for d in m.get("decisions", []):
            if not meeting.decisions.filter(text=d["text"]).exists():
                label = f"decision {d['text'][:60]!r} ({where})"
                import_row_save(report, Decision(meeting=meeting, text=d["text"], status=d["status"]), label)
                report.added.append(label)
        for a in m.get("actions", []):
            if not meeting.actions.filter(text=a["text"]).exists():
                label = f"action {a['text'][:60]!r} ({where})"
                import_row_save(report, Action(meeting=meeting, text=a["text"], owner=a["owner"], due=a["due"],
                                               status=a["status"]), label)
                report.added.append(label)
    import_rows_kept(report, Meeting.objects.exclude(pk__in=seen).select_related("board"),
                     lambda r: f"meeting of {r.board.key} on {r.date.isoformat()} (recorded in the app, with its decisions "
                    "and actions)")
    for i, r in enumerate(risks):
        wording = r.get("plan_wording", {})
        import_row_merge(report, model=Risk, lookup={"ref": r["ref"]}, label=f"risk {r['ref']}", tracked=True,
                history=history, kind="risk", values={
            "position": i, "title": r["title"], "plan_impact": wording.get("impact", ""),
            "plan_likelihood": wording.get("likelihood", ""), "plan_rag": wording.get("rag", ""),
            "plan_residual_rag": wording.get("residual_rag", ""),
            "inherent_impact": r["inherent"]["impact"], "inherent_likelihood": r["inherent"]["likelihood"],
            "residual_impact": r["residual"]["impact"], "residual_likelihood": r["residual"]["likelihood"],
            "mitigations": r.get("mitigations", []), "owner": r["owner"], "review_date": r["review_date"],
            "escalates_to": boards.get(r.get("escalates_to")), "note": r.get("note", "")})
    import_rows_kept(report, Risk.objects.exclude(ref__in=[r["ref"] for r in risks]), lambda r: f"risk {r.ref}")
    return history


def _dated(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def meeting_create(*, board: Board, date: dt.date, title: str, notes: str, by) -> Meeting:
    return Meeting.objects.create(board=board, date=date, title=title.strip(), notes=notes.strip())


def decision_create(*, meeting: Meeting, text: str, status: str, by) -> Decision:
    with transaction.atomic():
        decision = Decision(meeting=meeting, text=text.strip(), status=status)
        decision.full_clean()
        decision.save()
        change_record(subject_kind="decision", subject_id=decision.pk, by=by, summary="Decision recorded",
                      changes=[{"field": "Decision", "before": "", "after": decision.text},
                               {"field": "Status", "before": "", "after": DECISION_STATUSES[status]}])
    return decision


def decision_update(*, decision: Decision, version: int, text: str, status: str, by) -> Decision:
    """Change a decision's text or status; raises EditConflict if it is no longer at `version`."""
    with transaction.atomic():
        changes = field_changes(item=decision, values={"text": text.strip(), "status": status},
                                labels={"text": "Decision", "status": "Status"},
                                shown={"status": lambda v: DECISION_STATUSES.get(v, v)})
        if changes:
            decision.full_clean()
            version_update(decision, version=version, fields=["text", "status"])
            change_record(subject_kind="decision", subject_id=decision.pk, by=by, summary="Decision updated",
                          changes=changes)
    return decision


def action_create(*, meeting: Meeting, text: str, owner: str, due: dt.date, status: str, by) -> Action:
    with transaction.atomic():
        action = Action(meeting=meeting, text=text.strip(), owner=owner.strip(), due=due, status=status)
        action.full_clean()
        action.save()
        change_record(subject_kind="action", subject_id=action.pk, by=by, summary="Action recorded", changes=[
            {"field": "Action", "before": "", "after": action.text},
            {"field": "Owner", "before": "", "after": action.owner},
            {"field": "Due", "before": "", "after": _dated(due)},
            {"field": "Status", "before": "", "after": ACTION_STATUSES[status]}])
    return action


def action_update(*, action: Action, version: int, text: str, owner: str, due: dt.date, status: str,
                  by) -> Action:
    """Change an action's text, owner, due date or status; raises EditConflict if it is no longer at `version`."""
    with transaction.atomic():
        changes = field_changes(
            item=action, values={"text": text.strip(), "owner": owner.strip(), "due": due, "status": status},
            labels={"text": "Action", "owner": "Owner", "due": "Due", "status": "Status"},
            shown={"status": lambda v: ACTION_STATUSES.get(v, v), "due": _dated})
        if changes:
            action.full_clean()
            version_update(action, version=version, fields=["text", "owner", "due", "status"])
            change_record(subject_kind="action", subject_id=action.pk, by=by, summary="Action updated",
                          changes=changes)
    return action


def risk_update(*, risk: Risk, version: int, by, inherent_impact: str, inherent_likelihood: str, residual_impact: str,
                residual_likelihood: str, mitigations: list[str], owner: str, review_date: dt.date,
                escalates_to: Board | None) -> Risk:
    """Re-rate a risk or change its mitigations, owner, review date or escalation board. Raises EditConflict if
    the risk is no longer at `version` (someone else saved it since the form was shown)."""
    with transaction.atomic():
        changes = field_changes(
            item=risk,
            values={"inherent_impact": inherent_impact, "inherent_likelihood": inherent_likelihood,
                    "residual_impact": residual_impact, "residual_likelihood": residual_likelihood,
                    "mitigations": mitigations, "owner": owner.strip(), "review_date": review_date,
                    "escalates_to": escalates_to},
            labels={"inherent_impact": "Inherent impact", "inherent_likelihood": "Inherent likelihood",
                    "residual_impact": "Residual impact", "residual_likelihood": "Residual likelihood",
                    "mitigations": "Mitigations", "owner": "Owner", "review_date": "Review date",
                    "escalates_to": "Escalates to"},
            shown={"inherent_impact": lambda v: IMPACTS.get(v, v), "residual_impact": lambda v: IMPACTS.get(v, v),
                   "inherent_likelihood": lambda v: LIKELIHOODS.get(v, v),
                   "residual_likelihood": lambda v: LIKELIHOODS.get(v, v),
                   "mitigations": lambda v: "; ".join(v), "review_date": _dated,
                   "escalates_to": lambda v: v.name if v else ""})
        if changes:
            risk.full_clean()
            version_update(risk, version=version, fields=[
                "inherent_impact", "inherent_likelihood", "residual_impact", "residual_likelihood", "mitigations",
                "owner", "review_date", "escalates_to"])
            change_record(subject_kind="risk", subject_id=risk.pk, by=by, summary="Risk updated", changes=changes)
    return risk


def risk_create(*, by, title: str, inherent_impact: str, inherent_likelihood: str, residual_impact: str,
                residual_likelihood: str, mitigations: list[str], owner: str, review_date: dt.date,
                escalates_to: Board | None) -> Risk:
    """Add a risk to the register, after the others, with the next free reference (R6 after R1 to R5)."""
    with transaction.atomic():
        numbers = [int(ref[1:]) for ref in Risk.objects.values_list("ref", flat=True)
                   if ref[:1] == "R" and ref[1:].isdigit()]
        last = Risk.objects.order_by("-position").values_list("position", flat=True).first()
        risk = Risk(position=0 if last is None else last + 1, ref=f"R{max(numbers, default=0) + 1}",
                    title=title.strip(), inherent_impact=inherent_impact, inherent_likelihood=inherent_likelihood,
                    residual_impact=residual_impact, residual_likelihood=residual_likelihood,
                    mitigations=mitigations, owner=owner.strip(), review_date=review_date,
                    escalates_to=escalates_to)
        risk.full_clean()
        risk.save()
        change_record(subject_kind="risk", subject_id=risk.pk, by=by, summary=f"Risk {risk.ref} added")
    return risk


def risk_close(*, risk: Risk, version: int, by, closed_date: dt.date, reason: str) -> Risk:
    """Close a risk: it leaves the ratings, heat maps and packs, and its page says when and why. Raises
    EditConflict if someone saved the risk since the form was shown."""
    with transaction.atomic():
        changes = field_changes(item=risk, values={"closed_date": closed_date, "closed_reason": reason.strip()},
                                labels={"closed_date": "Closed", "closed_reason": "Why it was closed"},
                                shown={"closed_date": _dated})
        risk.full_clean()
        version_update(risk, version=version, fields=["closed_date", "closed_reason"])
        change_record(subject_kind="risk", subject_id=risk.pk, by=by, summary="Risk closed", changes=changes)
    return risk


def board_pack_store(*, board: Board, as_at: dt.date, content_hash: str, state: dict, pdf: bytes,
                     by, commentary: dict[str, str] | None = None) -> BoardPack:
    """Keep a generated pack, so the next one can say what changed since it."""
    return BoardPack.objects.create(
        board=board, as_at=as_at, content_hash=content_hash, state=state, pdf=pdf, commentary=commentary or {},
        generated_by=by if getattr(by, "pk", None) else None,
        generated_by_name=getattr(by, "username", "") or "sendreform")
