"""Writes for governance: loading the boards, meetings and risks of a plan file, recording meetings,
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
from sendreform.plan.services import change_record, field_changes


def governance_replace(*, governance: dict, risks: list[dict]) -> None:
    """Replace boards, meetings and risks with a plan file's (called inside `plan_import`'s transaction).
    Board packs belong to their board, so a board of the same key keeps its packs."""
    keys = [b["key"] for b in governance["boards"]]
    Board.objects.exclude(key__in=keys).delete()
    Meeting.objects.all().delete()
    Risk.objects.all().delete()
    boards = {}
    for i, b in enumerate(governance["boards"]):
        board, _ = Board.objects.update_or_create(key=b["key"], defaults={
            "position": i, "name": b["name"], "kind": b["kind"], "is_sro": b.get("sro", False),
            "purpose": b["purpose"], "membership": b.get("membership", ""), "chair": b.get("chair", ""),
            "cadence": b.get("cadence", ""), "decision_rights": b.get("decision_rights", ""),
            "escalation_route": b.get("escalation_route", ""), "escalates_to": None})
        boards[b["key"]] = board
    for b in governance["boards"]:
        if b.get("escalates_to"):
            Board.objects.filter(pk=boards[b["key"]].pk).update(escalates_to=boards[b["escalates_to"]])
    for m in governance["meetings"]:
        meeting = Meeting.objects.create(board=boards[m["board"]], date=m["date"], title=m.get("title", ""),
                                         notes=m.get("notes", ""))
        for d in m.get("decisions", []):
            Decision.objects.create(meeting=meeting, text=d["text"], status=d["status"])
        for a in m.get("actions", []):
            Action.objects.create(meeting=meeting, text=a["text"], owner=a["owner"], due=a["due"],
                                  status=a["status"])
    for i, r in enumerate(risks):
        wording = r.get("plan_wording", {})
        Risk.objects.create(
            position=i, ref=r["ref"], title=r["title"], plan_impact=wording.get("impact", ""),
            plan_likelihood=wording.get("likelihood", ""), plan_rag=wording.get("rag", ""),
            plan_residual_rag=wording.get("residual_rag", ""),
            inherent_impact=r["inherent"]["impact"], inherent_likelihood=r["inherent"]["likelihood"],
            residual_impact=r["residual"]["impact"], residual_likelihood=r["residual"]["likelihood"],
            mitigations=r.get("mitigations", []), owner=r["owner"], review_date=r["review_date"],
            escalates_to=boards.get(r.get("escalates_to")), note=r.get("note", ""))


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


def board_pack_store(*, board: Board, as_at: dt.date, content_hash: str, state: dict, pdf: bytes,
                     by) -> BoardPack:
    """Keep a generated pack, so the next one can say what changed since it."""
    return BoardPack.objects.create(
        board=board, as_at=as_at, content_hash=content_hash, state=state, pdf=pdf,
        generated_by=by if getattr(by, "pk", None) else None,
        generated_by_name=getattr(by, "username", "") or "sendreform")
