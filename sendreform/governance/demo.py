"""The demo's plan worked forward to today, through the services a person uses in the app: each board meets as its
cadence says since the plan began (with decisions and actions, some now overdue, and its next meeting booked),
milestones due so far get a status and evidence as they are reported to the programme board, and the risks are
reviewed at its meetings. So the demo shows a partnership partway through its plan, not a plan just loaded."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np

from sendreform.accounts.models import User
from sendreform.governance.models import COMPLETE, IN_PROGRESS, OPEN, Board, Meeting, Risk
from sendreform.governance.services import (
    action_create,
    action_update,
    decision_create,
    meeting_create,
    risk_update,
)
from sendreform.plan.models import AT_RISK, DONE, NOT_STARTED, OFF_TRACK, ON_TRACK, Milestone
from sendreform.plan.services import milestone_update

# A board's cadence in the plan's words, as an interval: (months, days). Where a cadence names more than one
# ("Fortnightly/ Monthly"), the formal, longer one is the board's meeting.
_CADENCES = ((r"bi-?\s*monthly|every two months", (2, 0)), (r"quarterly", (3, 0)), (r"six[- ]weekly", (0, 42)),
             (r"monthly", (1, 0)), (r"fortnightly", (0, 14)), (r"\bweekly", (0, 7)))
DECISIONS = (
    "Agreed the Experts at Hand triage thresholds for the term",
    "Approved the sufficiency plan's next two resourced provisions",
    "Agreed the graduated response toolkit for consultation with schools",
    "Endorsed the quarter's highlight report to the Partnership Board",
    "Agreed to co-produce the Local Offer refresh with the Parent Carer Forum",
    "Approved the workforce development programme for SENCos",
)
ACTIONS = (
    ("Bring the EHC plan timeliness recovery plan to the next meeting", "Head of SEND"),
    ("Share the attendance dashboard with cluster leads", "Data and Intelligence Lead"),
    ("Report Experts at Hand demand against capacity by cluster", "Experts at Hand Lead"),
    ("Draft the communication to families on the new pathways", "Parent Carer Forum Lead"),
    ("Confirm the capital timetable for the resourced provisions", "Place Planning Manager"),
    ("Review transport costs against the high needs budget", "Finance Business Partner"),
)
EVIDENCE = {
    DONE: "Reported complete to the {board} on {date}.",
    ON_TRACK: "Reported on track to the {board} on {date}.",
    AT_RISK: "Reported at risk to the {board} on {date}: slipping, with a recovery plan agreed.",
    OFF_TRACK: "Reported off track to the {board} on {date}: a revised date is to be agreed.",
}


def cadence_interval(cadence: str) -> tuple[int, int] | None:
    """(months, days) between a board's meetings, from the plan's words; None when they name no interval."""
    found = [interval for pattern, interval in _CADENCES if re.search(pattern, cadence, re.IGNORECASE)]
    return max(found, key=lambda m_d: m_d[0] * 30 + m_d[1]) if found else None


def _after(day: dt.date, months: int, days: int) -> dt.date:
    if months:
        month = day.month - 1 + months
        year, month = day.year + month // 12, month % 12 + 1
        return dt.date(year, month, min(day.day, 28))
    return day + dt.timedelta(days=days)


def meeting_dates(*, start: dt.date, cadence: str, until: dt.date) -> list[dt.date]:
    """The board's meetings from `start` while on or before `until`, and the next one after it (booked)."""
    interval = cadence_interval(cadence)
    if interval is None:
        return []
    dates, day = [], start
    while day <= until:
        dates.append(day)
        day = _after(day, *interval)
    return [*dates, day]


def plan_start() -> dt.date | None:
    """The first day of the plan's first financial-year quarter (1 April of its first year)."""
    first = Milestone.objects.order_by("due").values_list("quarter", flat=True).first()
    return dt.date(int(first[:4]), 4, 1) if first else None


def plan_demo_progress_ensure(*, today: dt.date, seed: int = 870) -> dict[str, int]:
    """Work the plan forward to `today` once; a database with a meeting recorded already is left as it is.
    Returns what was added."""
    start = plan_start()
    if start is None or Meeting.objects.exists():
        return {}
    rng = np.random.default_rng(seed)
    by = User.objects.filter(username="officer").first()
    added = {"meetings": 0, "decisions": 0, "actions": 0, "milestones": 0, "risk reviews": 0}
    programme = (Board.objects.filter(name__icontains="programme").order_by("position").first()
                 or Board.objects.filter(is_sro=False).order_by("position").first())
    reviews: list[tuple[Board, dt.date]] = []
    for board in Board.objects.order_by("position"):
        dates = meeting_dates(start=start, cadence=board.cadence, until=today)
        for n, day in enumerate(dates):
            meeting = meeting_create(board=board, date=day, title="Booked" if day > today else f"Meeting {n + 1}",
                                     notes="", by=by)
            added["meetings"] += 1
            if day > today:
                continue
            reviews.append((board, day))
            decision_create(meeting=meeting, text=DECISIONS[int(rng.integers(len(DECISIONS)))], status="agreed",
                            by=by)
            added["decisions"] += 1
            for k in rng.choice(len(ACTIONS), size=int(rng.integers(1, 3)), replace=False):
                text, owner = ACTIONS[int(k)]
                due = day + dt.timedelta(weeks=int(rng.integers(3, 9)))
                action = action_create(meeting=meeting, text=text, owner=owner, due=due, status=OPEN, by=by)
                added["actions"] += 1
                # Most actions due by now were done; some were not, and are overdue.
                if due <= today:
                    status = COMPLETE if rng.random() < 0.7 else (IN_PROGRESS if rng.random() < 0.5 else OPEN)
                elif due - today < dt.timedelta(weeks=3):
                    status = IN_PROGRESS
                else:
                    continue
                if status != OPEN:
                    action_update(action=action, version=action.version, text=action.text, owner=action.owner,
                                  due=action.due, status=status, by=by)
    # Milestones are reported to the programme board at its last meeting before they fall due (or its first).
    programme_days = [d for b, d in reviews if b == programme] or [d for _, d in reviews]
    horizon = today + dt.timedelta(days=92)
    for milestone in Milestone.objects.filter(due__lte=horizon).select_related("workstream").order_by("due", "pk"):
        if milestone.due <= today:
            status = rng.choice([DONE, AT_RISK, OFF_TRACK, NOT_STARTED], p=[0.62, 0.2, 0.1, 0.08])
        else:
            status = rng.choice([ON_TRACK, AT_RISK, NOT_STARTED], p=[0.65, 0.2, 0.15])
        if status == NOT_STARTED:
            continue
        reported = max((d for d in programme_days if d <= min(milestone.due, today)), default=programme_days[0])
        evidence = EVIDENCE[str(status)].format(board=programme.name if programme else "board",
                                                date=f"{reported.day} {reported:%B %Y}")
        milestone_update(milestone=milestone, version=milestone.version, by=by, status=str(status),
                         evidence=evidence, links=milestone.links)
        added["milestones"] += 1
    # Each risk was reviewed at the programme board's last meeting: its next review a quarter on; one is late.
    last = max((d for d in programme_days if d <= today), default=None)
    for n, risk in enumerate(Risk.objects.filter(closed_date__isnull=True).order_by("position")):
        if last is None:
            break
        next_review = _after(last, 3, 0) if n else last - dt.timedelta(days=7)
        risk_update(risk=risk, version=risk.version, by=by, inherent_impact=risk.inherent_impact,
                    inherent_likelihood=risk.inherent_likelihood, residual_impact=risk.residual_impact,
                    residual_likelihood=risk.residual_likelihood, mitigations=risk.mitigations, owner=risk.owner,
                    review_date=next_review, escalates_to=risk.escalates_to)
        added["risk reviews"] += 1
    return added
