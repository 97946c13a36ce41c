"""The Annex C risk matrix: a rating from impact and likelihood, and its RAG.

Annex C names five impact levels and five likelihood bands but its text carries no colours, so the rating is
the product of the two positions (1 to 5 each): 12 and over is red, 5 to 11 amber, 4 and under green. That
reproduces every RAG the plan gives its five risks (High × High and High × Medium red, Medium × Medium amber).
"""

from __future__ import annotations

from sendreform.governance.models import IMPACTS, LIKELIHOODS

RED, AMBER, GREEN = "RED", "AMBER", "GREEN"
RED_FROM, AMBER_FROM = 12, 5


def risk_score(*, impact: str, likelihood: str) -> int:
    return (list(IMPACTS).index(impact) + 1) * (list(LIKELIHOODS).index(likelihood) + 1)


def risk_rag(*, impact: str, likelihood: str) -> str:
    score = risk_score(impact=impact, likelihood=likelihood)
    return RED if score >= RED_FROM else AMBER if score >= AMBER_FROM else GREEN
