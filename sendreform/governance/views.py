"""Pages of governance: the boards and the escalation tree, a board with its meetings, decisions, actions and
packs, a meeting, a decision or action with its history, the risk register and its heat maps, and the board
pack as a page and as a PDF (made by a background job). Reading is for every role; editing for those
`plan_can_edit` names."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from sendreform.common.concurrency import EditConflict, edit_conflict
from sendreform.governance import selectors as gov
from sendreform.governance.boardpack import SECTIONS, board_pack_content
from sendreform.governance.forms import (
    ActionEditForm,
    ActionForm,
    DecisionEditForm,
    DecisionForm,
    MeetingForm,
    RiskCloseForm,
    RiskForm,
    RiskNewForm,
)
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
from sendreform.governance.services import (
    action_create,
    action_update,
    decision_create,
    decision_update,
    meeting_create,
    risk_close,
    risk_create,
    risk_update,
)
from sendreform.jobs.services import job_start
from sendreform.plan.selectors import history_for, plan_can_edit, plan_can_read
from sendreform.standards.formats import date_words
from sendreform.web.forms import GovukDateField
from sendreform.web.tables import Column, Table, rows_from, table_csv_response


def _reader(request):
    if not plan_can_read(user=request.user):
        raise PermissionDenied("Your role cannot see the plan's governance.")


def _editor(request):
    if not plan_can_edit(user=request.user):
        raise PermissionDenied("Your role can read the plan's governance but not change it.")


def _today():
    return timezone.localdate()


@login_required
def boards(request):
    _reader(request)
    return render(request, "governance/boards.html", {
        "boards": gov.boards_list(), "tree": gov.escalation_tree(), "sro": gov.board_sro()})


@login_required
def board(request, key):
    _reader(request)
    item = get_object_or_404(Board, key=key)
    today = _today()
    return render(request, "governance/board.html", {
        "board": item, "today": today, "can_edit": plan_can_edit(user=request.user),
        "meetings": item.meetings.all(),
        "decisions": [{"decision": d, "status": DECISION_STATUSES[d.status]} for d in gov.board_decisions(board=item)],
        "actions": [{"action": a, "status": ACTION_STATUSES[a.status],
                     "overdue": gov.action_is_overdue(a, today=today)} for a in gov.board_actions(board=item)],
        "packs": item.packs.all()[:20],
        "pack_form": _AsAtForm(initial={"as_at": today}),
    })


class _AsAtForm(forms.Form):
    as_at = GovukDateField(name="As-at date", label="As-at date")


class _CommentaryForm(forms.Form):
    """The officer's commentary on each section of a board pack (all optional)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, heading in SECTIONS:
            self.fields[f"commentary_{key}"] = forms.CharField(
                label=f"Commentary on {heading[0].lower() + heading[1:]}", required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}))

    def commentary(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"commentary_{key}"] for key, _ in SECTIONS}


@login_required
def board_pack_page(request, key):
    """The board pack as an accessible page; the as-at date is chosen on the board's page."""
    _reader(request)
    item = get_object_or_404(Board, key=key)
    form = _AsAtForm(request.GET or None)
    if not request.GET:
        form = _AsAtForm({"as_at_day": _today().day, "as_at_month": _today().month, "as_at_year": _today().year})
    if not form.is_valid():
        return render(request, "governance/board.html", {"board": item, "pack_form": form, "today": _today(),
                                                         "can_edit": plan_can_edit(user=request.user)})
    content = board_pack_content(board=item, as_at=form.cleaned_data["as_at"])
    return render(request, "governance/boardpack.html", {**content, "link": True, "commentary_form": _CommentaryForm(),
                                                         "can_edit": plan_can_edit(user=request.user)})


@login_required
@require_POST
def board_pack_create(request, key):
    _reader(request)
    _editor(request)
    item = get_object_or_404(Board, key=key)
    form, commentary = _AsAtForm(request.POST), _CommentaryForm(request.POST)
    if not (form.is_valid() and commentary.is_valid()):
        return render(request, "governance/board.html", {"board": item, "pack_form": form, "today": _today(),
                                                         "can_edit": True}, status=400)
    as_at = form.cleaned_data["as_at"]
    # Computing the indicators and printing the PDF take a while: a background job does it, and its page
    # follows it to the PDF.
    job = job_start(kind="board_pack", title=f"Board pack: {item.name}, as at {date_words(as_at)}",
                    target="sendreform.governance.boardpack.board_pack_job",
                    params={"board": item.key, "as_at": as_at.isoformat(), "commentary": commentary.commentary()},
                    by=request.user)
    return redirect("jobs:detail", pk=job.pk)


@login_required
def board_pack_pdf(request, pk):
    _reader(request)
    pack = get_object_or_404(BoardPack.objects.select_related("board"), pk=pk)
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-pack-{pack.board.key}-{pack.as_at}.pdf"'
    return response


@login_required
def meeting_new(request, key):
    _reader(request)
    _editor(request)
    item = get_object_or_404(Board, key=key)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = meeting_create(board=item, by=request.user, **form.cleaned_data)
        return redirect("governance:meeting", pk=meeting.pk)
    return render(request, "governance/meeting_new.html", {"board": item, "form": form})


@login_required
def meeting(request, pk):
    _reader(request)
    item = get_object_or_404(Meeting.objects.select_related("board"), pk=pk)
    can_edit = plan_can_edit(user=request.user)
    decision_form, action_form = DecisionForm(prefix="decision"), ActionForm(prefix="action")
    if request.method == "POST":
        _editor(request)
        if "decision-text" in request.POST:
            decision_form = DecisionForm(request.POST, prefix="decision")
            if decision_form.is_valid():
                decision_create(meeting=item, by=request.user, **decision_form.cleaned_data)
                return redirect("governance:meeting", pk=item.pk)
        else:
            action_form = ActionForm(request.POST, prefix="action")
            if action_form.is_valid():
                action_create(meeting=item, by=request.user, **action_form.cleaned_data)
                return redirect("governance:meeting", pk=item.pk)
    today = _today()
    return render(request, "governance/meeting.html", {
        "meeting": item, "can_edit": can_edit, "decision_form": decision_form, "action_form": action_form,
        "form": decision_form if decision_form.errors else action_form,
        "decisions": [{"decision": d, "status": DECISION_STATUSES[d.status]} for d in item.decisions.all()],
        "actions": [{"action": a, "status": ACTION_STATUSES[a.status],
                     "overdue": gov.action_is_overdue(a, today=today)} for a in item.actions.all()],
    })


@login_required
def decision(request, pk):
    _reader(request)
    item = get_object_or_404(Decision.objects.select_related("meeting__board"), pk=pk)
    form, conflict = DecisionEditForm(initial={"text": item.text, "status": item.status, "version": item.version}), {}
    if request.method == "POST":
        _editor(request)
        form = DecisionEditForm(request.POST)
        if form.is_valid():
            try:
                decision_update(decision=item, by=request.user, **form.cleaned_data)
                return redirect("governance:decision", pk=item.pk)
            except EditConflict:
                item = Decision.objects.select_related("meeting__board").get(pk=pk)
                conflict = edit_conflict(form=form, what="decision", current=item)
    return render(request, "governance/decision.html", {
        "decision": item, "status": DECISION_STATUSES[item.status], "form": form, **conflict,
        "can_edit": plan_can_edit(user=request.user), "history": history_for(subject_kind="decision", subject_id=item.pk)},
        status=409 if conflict else 200)


@login_required
def action(request, pk):
    _reader(request)
    item = get_object_or_404(Action.objects.select_related("meeting__board"), pk=pk)
    form, conflict = ActionEditForm(initial={"text": item.text, "owner": item.owner, "due": item.due,
                                             "status": item.status, "version": item.version}), {}
    if request.method == "POST":
        _editor(request)
        form = ActionEditForm(request.POST)
        if form.is_valid():
            try:
                action_update(action=item, by=request.user, **form.cleaned_data)
                return redirect("governance:action", pk=item.pk)
            except EditConflict:
                item = Action.objects.select_related("meeting__board").get(pk=pk)
                conflict = edit_conflict(form=form, what="action", current=item)
    return render(request, "governance/action.html", {
        "action": item, "status": ACTION_STATUSES[item.status], "form": form, **conflict,
        "overdue": gov.action_is_overdue(item, today=_today()),
        "can_edit": plan_can_edit(user=request.user), "history": history_for(subject_kind="action", subject_id=item.pk)},
        status=409 if conflict else 200)


def _risk_table(ratings) -> Table:
    return Table(
        caption="Risk register", csv_url=reverse("governance:risks-csv"),
        columns=[Column("ref", "Risk", link_key="url"), Column("title", "Description"),
                 Column("inherent", "Inherent rating"), Column("residual", "Residual rating"),
                 Column("owner", "Owner"), Column("review", "Review date"), Column("review_due", "Review due"),
                 Column("escalates_to", "Escalates to (residual red)")],
        rows=rows_from(
            ratings, ref=lambda r: r.risk.ref, url=lambda r: reverse("governance:risk", args=[r.risk.pk]),
            title=lambda r: r.risk.title,
            inherent=lambda r: f"{r.inherent_rag.title()} ({r.inherent_score}: {IMPACTS[r.risk.inherent_impact]}, "
                               f"{LIKELIHOODS[r.risk.inherent_likelihood]})",
            residual=lambda r: f"{r.residual_rag.title()} ({r.residual_score}: {IMPACTS[r.risk.residual_impact]}, "
                               f"{LIKELIHOODS[r.risk.residual_likelihood]})",
            owner=lambda r: r.risk.owner, review=lambda r: r.risk.review_date, review_due=lambda r: r.review_due,
            escalates_to=lambda r: r.risk.escalates_to.name if r.escalates and r.risk.escalates_to else ""))


@login_required
def risks(request):
    _reader(request)
    ratings = gov.risks_rated(today=_today())
    return render(request, "governance/risks.html", {
        "ratings": ratings, "table": _risk_table(ratings),
        "heat_inherent": gov.heat_map(ratings=ratings, stage="inherent"),
        "heat_residual": gov.heat_map(ratings=ratings, stage="residual"),
        "reviews_due": [r for r in ratings if r.review_due], "escalated": [r for r in ratings if r.escalates],
        "closed": gov.risks_closed(), "can_edit": plan_can_edit(user=request.user),
    })


@login_required
def risk_new(request):
    _editor(request)
    form = RiskNewForm(request.POST or None, initial={"review_date": _today() + dt.timedelta(days=91)})
    if request.method == "POST" and form.is_valid():
        item = risk_create(by=request.user, **form.cleaned_data)
        return redirect("governance:risk", pk=item.pk)
    return render(request, "governance/risk_new.html", {"form": form})


@login_required
def risk_close_page(request, pk):
    _editor(request)
    item = get_object_or_404(Risk, pk=pk, closed_date__isnull=True)
    form = RiskCloseForm(request.POST or None, initial={"version": item.version, "closed_date": _today()})
    conflict = {}
    if request.method == "POST" and form.is_valid():
        try:
            risk_close(risk=item, by=request.user, **form.cleaned_data)
            return redirect("governance:risk", pk=item.pk)
        except EditConflict:
            item = Risk.objects.get(pk=pk)
            conflict = edit_conflict(form=form, what="risk", current=item)
    return render(request, "governance/risk_close.html", {"risk": item, "form": form, **conflict},
                  status=409 if conflict else 200)


@login_required
def risks_csv(request):
    _reader(request)
    return table_csv_response(table=_risk_table(gov.risks_rated(today=_today())), filename="risk-register.csv")


@login_required
def risk(request, pk):
    _reader(request)
    item = get_object_or_404(Risk.objects.select_related("escalates_to"), pk=pk)
    form = RiskForm(initial={
        "inherent_impact": item.inherent_impact, "inherent_likelihood": item.inherent_likelihood,
        "residual_impact": item.residual_impact, "residual_likelihood": item.residual_likelihood,
        "mitigations": "\n".join(item.mitigations), "owner": item.owner, "review_date": item.review_date,
        "escalates_to": str(item.escalates_to_id or ""), "version": item.version})
    conflict = {}
    if request.method == "POST":
        _editor(request)
        form = RiskForm(request.POST)
        if form.is_valid():
            try:
                risk_update(risk=item, by=request.user, **form.cleaned_data)
                return redirect("governance:risk", pk=item.pk)
            except EditConflict:
                item = Risk.objects.select_related("escalates_to").get(pk=pk)
                conflict = edit_conflict(form=form, what="risk", current=item)
    return render(request, "governance/risk.html", {
        "risk": item, "rating": gov.risk_rating(item, today=_today()), "form": form, **conflict,
        "impacts": IMPACTS, "likelihoods": LIKELIHOODS,
        "can_edit": plan_can_edit(user=request.user), "history": history_for(subject_kind="risk", subject_id=item.pk)},
        status=409 if conflict else 200)
