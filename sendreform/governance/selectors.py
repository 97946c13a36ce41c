"""Reads of governance: boards and the escalation tree, meetings with decisions and actions (overdue ones
marked), the risk register and its heat map on the Annex C matrix, and the mapping a plan file writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sendreform.governance.matrix import RED, risk_rag, risk_score
from sendreform.governance.models import COMPLETE, IMPACTS, LIKELIHOODS, Action, Board, Decision, Risk


def boards_list() -> list[Board]:
    return list(Board.objects.select_related("escalates_to"))


def board_sro() -> Board | None:
    return Board.objects.filter(is_sro=True).first()


def escalation_tree() -> list[dict]:
    """The boards as a tree: each with the boards that escalate to it (roots escalate outside the plan)."""
    boards = boards_list()
    children: dict[int | None, list[Board]] = {}
    for b in boards:
        children.setdefault(b.escalates_to_id, []).append(b)

    def node(board: Board) -> dict:
        return {"board": board, "children": [node(c) for c in children.get(board.pk, [])]}

    return [node(b) for b in children.get(None, [])]


def action_is_overdue(action: Action, *, today: dt.date) -> bool:
    return action.status != COMPLETE and action.due < today


def board_actions(*, board: Board) -> list[Action]:
    return list(Action.objects.filter(meeting__board=board).select_related("meeting"))


def board_decisions(*, board: Board) -> list[Decision]:
    return list(Decision.objects.filter(meeting__board=board).select_related("meeting").order_by("-meeting__date",
                                                                                                   "id"))


@dataclass(frozen=True)
class RiskRating:
    risk: Risk
    inherent_score: int
    inherent_rag: str
    residual_score: int
    residual_rag: str
    review_due: bool

    @property
    def escalates(self) -> bool:
        """A residual red risk goes to the board named for it."""
        return self.residual_rag == RED


def risk_rating(risk: Risk, *, today: dt.date) -> RiskRating:
    return RiskRating(
        risk=risk,
        inherent_score=risk_score(impact=risk.inherent_impact, likelihood=risk.inherent_likelihood),
        inherent_rag=risk_rag(impact=risk.inherent_impact, likelihood=risk.inherent_likelihood),
        residual_score=risk_score(impact=risk.residual_impact, likelihood=risk.residual_likelihood),
        residual_rag=risk_rag(impact=risk.residual_impact, likelihood=risk.residual_likelihood),
        review_due=risk.review_date <= today,
    )


def risks_rated(*, today: dt.date) -> list[RiskRating]:
    """The open risks of the register, rated (a closed risk is on `risks_closed`)."""
    return [risk_rating(r, today=today) for r in Risk.objects.filter(closed_date__isnull=True)
            .select_related("escalates_to")]


def risks_closed() -> list[Risk]:
    return list(Risk.objects.filter(closed_date__isnull=False).order_by("-closed_date", "position"))


def risks_top(*, today: dt.date, count: int = 5) -> list[RiskRating]:
    return sorted(risks_rated(today=today), key=lambda r: (-r.residual_score, -r.inherent_score,
                                                           r.risk.position))[:count]


def heat_map(*, ratings: list[RiskRating], stage: str) -> dict:
    """The Annex C matrix, most severe impact first: each cell's RAG and the risks in it."""
    rows = []
    for impact in reversed(IMPACTS):
        cells = []
        for likelihood in LIKELIHOODS:
            risks = [r.risk for r in ratings
                     if getattr(r.risk, f"{stage}_impact") == impact
                     and getattr(r.risk, f"{stage}_likelihood") == likelihood]
            cells.append({"likelihood": likelihood, "rag": risk_rag(impact=impact, likelihood=likelihood),
                          "risks": risks})
        rows.append({"impact": impact, "label": IMPACTS[impact], "cells": cells})
    return {"stage": stage, "likelihoods": list(LIKELIHOODS.values()), "rows": rows}


def governance_mapping() -> tuple[dict, list[dict]]:
    """Boards, meetings and risks as the plan file writes them."""
    boards = []
    for b in boards_list():
        board = {"key": b.key, "name": b.name, "kind": b.kind}
        if b.is_sro:
            board["sro"] = True
        board["purpose"] = b.purpose
        for field in ("membership", "chair", "cadence", "decision_rights", "escalation_route"):
            if getattr(b, field):
                board[field] = getattr(b, field)
        if b.escalates_to_id:
            board["escalates_to"] = b.escalates_to.key
        boards.append(board)
    meetings = []
    from sendreform.governance.models import Meeting

    for m in Meeting.objects.select_related("board").prefetch_related("decisions", "actions").order_by("date", "id"):
        meeting = {"board": m.board.key, "date": m.date}
        if m.title:
            meeting["title"] = m.title
        if m.notes:
            meeting["notes"] = m.notes
        decisions = [{"text": d.text, "status": d.status} for d in m.decisions.order_by("id")]
        actions = [{"text": a.text, "owner": a.owner, "due": a.due, "status": a.status}
                   for a in m.actions.order_by("id")]
        if decisions:
            meeting["decisions"] = decisions
        if actions:
            meeting["actions"] = actions
        meetings.append(meeting)
    risks = []
    for r in Risk.objects.select_related("escalates_to"):
        risk = {"ref": r.ref, "title": r.title}
        wording = {k: v for k, v in (("impact", r.plan_impact), ("likelihood", r.plan_likelihood),
                                     ("rag", r.plan_rag), ("residual_rag", r.plan_residual_rag)) if v}
        if wording:
            risk["plan_wording"] = wording
        risk["inherent"] = {"impact": r.inherent_impact, "likelihood": r.inherent_likelihood}
        risk["residual"] = {"impact": r.residual_impact, "likelihood": r.residual_likelihood}
        if r.mitigations:
            risk["mitigations"] = r.mitigations
        risk["owner"], risk["review_date"] = r.owner, r.review_date
        if r.escalates_to_id:
            risk["escalates_to"] = r.escalates_to.key
        if r.note:
            risk["note"] = r.note
        risks.append(risk)
    return {"boards": boards, "meetings": meetings}, risks
