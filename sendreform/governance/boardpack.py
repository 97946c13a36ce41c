"""The board pack: one set of content — summary, edits since the last pack, indicators against the plan,
milestones due, investment, risks, decisions and actions, and the data note — rendered as an accessible HTML
page and as a tagged PDF (WeasyPrint, PDF/UA-1). Packs are for board members, so every figure is suppressed as
for them. The board's page starts a pack as a background job (`board_pack_job`); the command waits for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sendreform.governance import selectors as gov
from sendreform.governance.models import ACTION_STATUSES, DECISION_STATUSES, Board, BoardPack
from sendreform.governance.services import board_pack_store
from sendreform.indicators.charts import sparkline_svg
from sendreform.interchange.snapshot import content_hash, tables_as_at
from sendreform.metrics import engine, report
from sendreform.plan.models import MILESTONE_STATUSES
from sendreform.plan.selectors import (
    changes_since,
    investment_summary,
    milestones_due,
    plan_current,
    plan_targets,
)
from sendreform.plan.services import pounds_text, variance_text
from sendreform.standards import formats, periods
from sendreform.standards.schemas import TABLE_ORDER

SUPPRESS = True  # a board pack goes to board members and parent carer forum representatives
TREND_START = dt.date(2023, 4, 1)
RAG_ORDER = ("RED", "AMBER", "GREEN", None)
RAG_LABELS = {"RED": "Red", "AMBER": "Amber", "GREEN": "Green"}
# The pack's sections, each with a place for the officer's commentary: (key, heading).
SECTIONS = (("summary", "Summary"), ("indicators", "Indicators"), ("milestones", "Milestones due or overdue"),
            ("investment", "Investment"), ("risks", "Risks"), ("decisions", "Decisions and actions"))
# The stages of making a pack, as its job's progress names them.
STAGES = ("Computing the indicators", "Rendering the charts", "Printing the PDF")
Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _figures(*, as_at: dt.date) -> dict:
    """The report and quarterly trend of every indicator, and the content hash of the data as it stood.

    A pack leaves the council, so its figures are suppressed as the dashboard's are outside the council's own
    view: as at the last quarter end on or before the pack's date, with counts of events for that quarter
    alone (`engine.QUARTER`), so that a pack and the dashboard never count overlapping periods."""
    # The dashboard's shared DuckDB copy of the live data, made afresh if the data changed since (the same
    # engine, so the same figures, in a fraction of the time SQLite takes).
    from sendreform.indicators.analytics import analytics_connection_fresh

    con = analytics_connection_fresh()
    tables = engine.tables_from_connection(con)
    targets = plan_targets()
    ends = periods.quarter_ends(TREND_START, as_at)
    figures_as_at = ends[-1] if ends else as_at
    period = engine.QUARTER if SUPPRESS else None
    rep = report.catalogue_report(tables, as_at=figures_as_at, period=period, suppress=SUPPRESS, targets=targets,
                                  con=con)
    # The report's own rule, so a quarter is hidden exactly as the as-at figure would be.
    series = report.catalogue_series(tables, as_ats=ends or [as_at], period=period, suppress=SUPPRESS, con=con)
    trend = {iid: [(p["as_at"], p["value"] if isinstance(p["value"], int | float) else None) for p in points]
             for iid, points in series.items()}
    snapshot = tables_as_at(tables={n: con.table(n) for n in TABLE_ORDER}, as_at=as_at)
    digest = content_hash(tables={n: con.to_pyarrow(snapshot[n]) for n in TABLE_ORDER})
    return {"report": rep, "trend": trend, "content_hash": digest, "figures_as_at": figures_as_at}


def _shown(value, unit: str) -> str:
    """A figure in its unit as the pages show it (£ for money, % for rates); "–" for none, "c" suppressed."""
    return "–" if value is None else formats.in_unit(value, unit)


def _investment(plan) -> dict | None:
    """Planned against actual spend by category, as the pack shows it (None: the plan has no investment)."""
    if plan is None or not plan.investment.exists():
        return None
    summary = investment_summary(plan=plan)
    return {"note": plan.investment_note, "any_planned": summary["any_planned"], "any_actual": summary["any_actual"],
            "rows": [{"label": t.label, "planned": pounds_text(t.planned_pence) or "Not recorded",
                      "actual": pounds_text(t.actual_pence) or "Not recorded",
                      "variance": variance_text(t.variance_pence)}
                     for t in [*summary["by_category"], summary["total"]]]}


def board_pack_content(*, board: Board, as_at: dt.date, progress: Progress = _no_progress,
                       commentary: dict[str, str] | None = None) -> dict:
    """Everything the pack shows, and the state the next pack compares itself with."""
    progress(STAGES[0], 0, len(STAGES))
    figures = _figures(as_at=as_at)
    progress(STAGES[1], 1, len(STAGES))
    indicators = []
    for k in figures["report"]["kpis"]:
        points = figures["trend"].get(k["id"], [])
        indicators.append({
            "id": k["id"], "title": k["title"], "value": _shown(k["value"], k["unit"]),
            "expected": _shown(k["expected"], k["unit"]), "rag": k["rag"],
            "chart": sparkline_svg(points, unit=k["unit"]),
        })
    ratings = gov.risks_rated(today=as_at)
    milestones = milestones_due(as_at=as_at)
    decisions = gov.board_decisions(board=board)
    actions = gov.board_actions(board=board)
    state = {
        "indicators": {i["id"]: i["rag"] for i in indicators},
        "milestones": {str(m.pk): m.status for m in milestones},
        "milestone_names": {str(m.pk): m.text[:120] for m in milestones},
        "risks": {r.risk.ref: r.residual_rag for r in ratings},
        "actions": {str(a.pk): a.status for a in actions},
    }
    last = board.packs.order_by("-generated_at", "-id").first()
    plan = plan_current()
    edits = changes_since(since=last.generated_at) if last else []
    return {
        "board": board, "as_at": as_at, "figures_as_at": figures["figures_as_at"], "plan": plan,
        "generated_at": timezone.now(),
        "content_hash": figures["content_hash"], "suppressed": SUPPRESS,
        "indicators": indicators,
        "rag_counts": [(RAG_LABELS.get(rag, formats.NO_TRAJECTORY), sum(1 for i in indicators if i["rag"] == rag))
                       for rag in RAG_ORDER],
        "milestone_counts": [(label, sum(1 for m in milestones if m.status == key))
                             for key, label in MILESTONE_STATUSES.items()],
        "milestones": [{"milestone": m, "status": MILESTONE_STATUSES[m.status], "overdue": m.due < as_at}
                       for m in milestones],
        "risk_counts": [(RAG_LABELS[rag], sum(1 for r in ratings if r.residual_rag == rag)) for rag in RAG_ORDER[:3]],
        "heat_inherent": gov.heat_map(ratings=ratings, stage="inherent"),
        "heat_residual": gov.heat_map(ratings=ratings, stage="residual"),
        "top_risks": gov.risks_top(today=as_at),
        "decisions": [{"decision": d, "status": DECISION_STATUSES[d.status]} for d in decisions],
        "actions": [{"action": a, "status": ACTION_STATUSES[a.status],
                     "overdue": gov.action_is_overdue(a, today=as_at)} for a in actions],
        "last_pack": last,
        "changes": _changes(last.state if last else None, state, {i["id"]: i["title"] for i in indicators}),
        "commentary": {key: text.strip() for key, text in (commentary or {}).items() if text and text.strip()},
        "edits": edits,
        "investment": _investment(plan),
        "state": state,
    }


def _changes(before: dict | None, after: dict, titles: dict[str, str]) -> list[str] | None:
    """What changed since the last pack, in words (None: there is no last pack)."""
    if before is None:
        return None
    out = []
    for iid, rag in after["indicators"].items():
        old = before.get("indicators", {}).get(iid)
        if old != rag:
            out.append(f"Indicator “{titles.get(iid, iid)}”: {old or 'no RAG'} to {rag or 'no RAG'}")
    old_milestones = before.get("milestones", {})
    for pk, status in after["milestones"].items():
        if pk in old_milestones and old_milestones[pk] != status:
            out.append(f"Milestone “{after['milestone_names'][pk]}”: {MILESTONE_STATUSES.get(old_milestones[pk])} "
                       f"to {MILESTONE_STATUSES[status]}")
        elif pk not in old_milestones:
            out.append(f"Milestone “{after['milestone_names'][pk]}” now due ({MILESTONE_STATUSES[status]})")
    for pk in old_milestones.keys() - after["milestones"].keys():
        out.append(f"Milestone “{before.get('milestone_names', {}).get(pk, pk)}” done or no longer due")
    for ref, rag in after["risks"].items():
        old = before.get("risks", {}).get(ref)
        if old != rag:
            out.append(f"Risk {ref}: residual {old or 'new'} to {rag}")
    for pk, status in after["actions"].items():
        old = before.get("actions", {}).get(pk)
        if old != status:
            out.append(f"Action {pk}: {ACTION_STATUSES.get(old, 'new')} to {ACTION_STATUSES[status]}")
    return out


def board_pack_html(content: dict) -> str:
    """The standalone document WeasyPrint prints (print CSS, no navigation)."""
    return render_to_string("governance/boardpack_print.html", content)


def board_pack_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=board_pack_html(content)).write_pdf(pdf_variant="pdf/ua-1")


def board_pack_generate(*, board: Board, as_at: dt.date, by, progress: Progress = _no_progress,
                        commentary: dict[str, str] | None = None) -> BoardPack:
    """Compute, print and keep a board's pack with the officer's commentary per section, reporting each stage to
    `progress(stage, done, total)`."""
    content = board_pack_content(board=board, as_at=as_at, progress=progress, commentary=commentary)
    progress(STAGES[2], 2, len(STAGES))
    pdf = board_pack_pdf(content)
    pack = board_pack_store(board=board, as_at=as_at, content_hash=content["content_hash"],
                            state=content["state"], pdf=pdf, by=by, commentary=content["commentary"])
    progress("Done", len(STAGES), len(STAGES))
    return pack


def board_pack_job(*, params: dict, progress: Progress, job) -> str:
    """A board pack as a background job (params: the board's key and the as-at date); returns the PDF's link."""
    board = Board.objects.get(key=params["board"])
    pack = board_pack_generate(board=board, as_at=dt.date.fromisoformat(params["as_at"]), by=job.created_by,
                               progress=progress, commentary=params.get("commentary"))
    return reverse("governance:pack-pdf", args=[pack.pk])
