"""Each role's main job on its home page, as panels (`sendreform.web.panels`): board members and the parent carer
forum see the plan's progress, analysts the figures and their quality, SENCos their pupils' open referrals,
health and Experts at Hand practitioners what is asked of them, officers what is overdue across the service."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from sendreform.accounts import roles
from sendreform.experts import selectors as experts
from sendreform.governance import selectors as gov
from sendreform.governance.models import COMPLETE, Action, BoardPack, Meeting
from sendreform.indicators import display
from sendreform.indicators.analytics import FiguresNotReady
from sendreform.indicators.models import AnalyticsCopy
from sendreform.indicators.selectors import indicator_view_for, indicators_overview
from sendreform.metrics.catalogue import BLOCKS
from sendreform.plan.models import DONE, MILESTONE_STATUSES, Milestone
from sendreform.plan.selectors import milestones_due
from sendreform.standards.formats import date_words
from sendreform.web.panels import Line, Panel, dashboard_link, home_panel
from sendreform.web.tables import Column, Table

PLAN_ROLES = (roles.BOARD_MEMBER, roles.PCF_REP)
RAG_CLASSES = {"RED": "govuk-tag--red", "AMBER": "govuk-tag--yellow", "GREEN": "govuk-tag--green"}


@home_panel(*PLAN_ROLES, roles.OFFICER, roles.ANALYST, order=10)
def indicators_panel(user, on: dt.date) -> Panel:
    """How many indicators are green, amber, red or without a trajectory, overall and by building block."""
    panel = Panel(heading="The plan's indicators", key="indicators", links=[dashboard_link()])
    # A home page never computes the figures itself: the dashboard's copy is made by the worker (ADR 15).
    if not AnalyticsCopy.objects.exists():
        panel.intro = "The figures are being worked out for the first time; they will be here in a minute or so."
        return panel
    try:
        overview = indicators_overview(view=indicator_view_for(user=user), as_at=on, filters={})
    except FiguresNotReady:
        panel.intro = "The figures are being worked out for the first time; they will be here in a minute or so."
        return panel
    rows = [r for _, _, block_rows in overview.blocks for r in block_rows]
    panel.rag_counts = display.rag_counts(rows)
    panel.intro = f"As at {date_words(overview.as_at)}, against the trajectories in the plan."
    by_block = []
    for key, title, block_rows in overview.blocks:
        counts = {c["label"]: c["count"] for c in display.rag_counts(block_rows)}
        by_block.append({"block": BLOCKS.get(key, title), **counts})
    labels = [c["label"] for c in panel.rag_counts]
    panel.table = Table(caption="Indicators by building block and status",
                        columns=[Column("block", "Building block"),
                                 *(Column(label, label, numeric=True) for label in labels)],
                        rows=by_block)
    return panel


def _overdue_tag(overdue: bool) -> dict:
    return {"tag": "Overdue", "tag_class": "govuk-tag--red"} if overdue else {}


@home_panel(*PLAN_ROLES, order=20)
def milestones_panel(user, on: dt.date) -> Panel:
    due = milestones_due(as_at=on)
    overdue = [m for m in due if m.due < on]
    panel = Panel(heading="Milestones due and overdue", key="milestones",
                  intro=f"{len(overdue)} overdue and {len(due) - len(overdue)} due in the next three months, of "
                        f"{Milestone.objects.count()} in the plan "
                        f"({Milestone.objects.filter(status=DONE).count()} done).",
                  links=[Line("Every workstream and milestone", reverse("plan:overview"))])
    panel.lines = [Line(f"{m.text} ({m.workstream.name}; due {date_words(m.due)}; "
                        f"{MILESTONE_STATUSES[m.status].lower()})", reverse("plan:milestone", args=[m.pk]),
                        **_overdue_tag(m.due < on)) for m in due[:6]]
    panel.empty = "No milestone is due or overdue."
    return panel


@home_panel(*PLAN_ROLES, order=30)
def risks_panel(user, on: dt.date) -> Panel:
    top = gov.risks_top(today=on, count=3)
    return Panel(heading="Top risks", key="risks", intro="By residual rating, after mitigation.",
                 lines=[Line(f"{r.risk.ref}: {r.risk.title}", reverse("governance:risk", args=[r.risk.pk]),
                             tag=f"{r.residual_rag.title()} {r.residual_score}",
                             tag_class=RAG_CLASSES.get(r.residual_rag, "govuk-tag--grey")) for r in top],
                 links=[Line("The risk register", reverse("governance:risks"))], empty="No risk is open.")


@home_panel(*PLAN_ROLES, order=40)
def meeting_panel(user, on: dt.date) -> Panel:
    panel = Panel(heading="Next board meeting", key="meeting",
                  links=[Line("Boards, meetings, decisions and actions", reverse("governance:boards"))])
    meeting = Meeting.objects.filter(date__gte=on).select_related("board").order_by("date", "id").first()
    if meeting is None:
        panel.intro = "No meeting is scheduled yet."
        return panel
    panel.intro = f"{meeting.board.name}: {date_words(meeting.date)}{f', {meeting.title}' if meeting.title else ''}."
    panel.lines.append(Line("The meeting's page", reverse("governance:meeting", args=[meeting.pk])))
    pack = BoardPack.objects.filter(board=meeting.board).order_by("-generated_at", "-id").first()
    if pack is not None:
        panel.lines.append(Line(f"The board's latest pack, as at {date_words(pack.as_at)} (PDF)",
                                reverse("governance:pack-pdf", args=[pack.pk])))
    else:
        panel.lines.append(Line("No pack is generated for this board yet: see it as a page",
                                reverse("governance:board", args=[meeting.board.key])))
    return panel


@home_panel(roles.OFFICER, roles.ADMIN, order=5)
def overdue_panel(user, on: dt.date) -> Panel:
    """What is overdue across the service: referrals past their clocks, milestones, actions and risk reviews."""
    referrals = experts.overdue_count(user=user, on=on)
    milestones = Milestone.objects.exclude(status=DONE).filter(due__lt=on).count()
    actions = Action.objects.exclude(status=COMPLETE).filter(due__lt=on).count()
    reviews = sum(1 for r in gov.risks_rated(today=on) if r.review_due)
    lines = [
        Line(f"{referrals} Experts at Hand referral{'s' * (referrals != 1)} past triage or first support",
             reverse("experts:queue") + "?overdue=on", **_overdue_tag(bool(referrals))),
        Line(f"{milestones} milestone{'s' * (milestones != 1)} of the plan past due", reverse("plan:overview"),
             **_overdue_tag(bool(milestones))),
        Line(f"{actions} board action{'s' * (actions != 1)} past due", reverse("governance:boards"),
             **_overdue_tag(bool(actions))),
        Line(f"{reviews} risk review{'s' * (reviews != 1)} due", reverse("governance:risks"),
             **({"tag": "Review due", "tag_class": "govuk-tag--orange"} if reviews else {})),
    ]
    total = referrals + milestones + actions + reviews
    return Panel(heading="Overdue across the service", key="overdue", lines=lines,
                 intro="Nothing is overdue." if not total else f"{total} thing{'s' * (total != 1)} need attention.")


@home_panel(roles.ANALYST, order=20)
def analyst_panel(user, on: dt.date) -> Panel:
    return Panel(heading="Figures, forecasts and data quality", key="analysis", lines=[
        dashboard_link(),
        Line("Forecasts: runs, backtests and scenarios", reverse("forecasting:runs")),
        Line("Data quality: orphan rows, impossible dates, unknown codes, duplicates and overlaps",
             reverse("web:data-quality")),
        Line("Bring in data: SEN2 returns and the background population", reverse("imports:home")),
        Line("Benchmarking against statistical neighbours", reverse("published:benchmarking")),
    ])


@home_panel(roles.SENCO, order=20)
def senco_referrals_panel(user, on: dt.date) -> Panel:
    """The setting's pupils with an open Experts at Hand referral and what is due next (a read of those
    children, recorded as the referrals page records it)."""
    items = experts.referral_list(user=user, on=on, open_only=True, page=reverse("web:home"))
    rows = [{"referral": i.referral.referral_id,
             "url": reverse("experts:referral-detail", args=[i.referral.referral_id]),
             "about": (f"{i.referral.person.forename} {i.referral.person.surname}" if i.referral.person
                       else "Setting-level consultation"),
             "status": i.status, "due": experts.clock_text(i) or "Nothing due"} for i in items]
    return Panel(heading="Your pupils with open referrals", key="referrals",
                 table=Table(caption="Open Experts at Hand referrals from your setting",
                             columns=[Column("referral", "Referral", link_key="url"), Column("about", "Pupil"),
                                      Column("status", "Status"), Column("due", "What is due")],
                             rows=rows, empty_text="Your setting has no open referral."),
                 links=[Line("Make a referral", reverse("experts:refer")),
                        Line("All your setting's referrals", reverse("experts:referrals"))])


@home_panel(roles.HEALTH, roles.EAH_PRACTITIONER, order=20)
def asked_of_you_panel(user, on: dt.date) -> Panel:
    """What is asked of a practitioner: the open involvements on their caseload, with each referral's review."""
    involvements = experts.caseload(user=user, on=on, page=reverse("web:home"))
    rows = []
    for i in involvements:
        review = i.referral.review_date
        rows.append({
            "referral": i.referral.referral_id,
            "url": reverse("experts:referral-detail", args=[i.referral.referral_id]),
            "child": (f"{i.referral.person.forename} {i.referral.person.surname}" if i.referral.person
                      else "Setting-level consultation"),
            "setting": i.referral.establishment.name, "since": i.start_date,
            "review": ("Overdue: " if review < on else "") + date_words(review) if review else "Not set",
            "log": "Log support", "log_url": reverse("experts:contact", args=[i.pk]),
        })
    overdue = sum(1 for i in involvements if i.referral.review_date and i.referral.review_date < on)
    return Panel(heading="What is asked of you", key="asked",
                 intro=(f"{len(rows)} open involvement{'s' * (len(rows) != 1)}"
                        + (f", {overdue} with a review overdue." if overdue else ".")),
                 table=Table(caption="Your open involvements, oldest first",
                             columns=[Column("referral", "Referral", link_key="url"), Column("child", "Child"),
                                      Column("setting", "Setting"), Column("since", "Since"),
                                      Column("review", "Review"), Column("log", "Support", link_key="log_url")],
                             rows=rows, empty_text="Nothing is allocated to you."),
                 links=[Line("Your caseload", reverse("experts:caseload"))])
