"""Scheduled work, declared here and nowhere else. The worker's scheduler (`sendreform.jobs.worker`) starts each
entry as a job when it falls due, recording the occurrence (`ScheduledRun`, unique by name and due time) so
that of two workers only one starts it. Times are the service's local time (TIME_ZONE, Europe/London).

A worker that was not running when an entry fell due starts it when it comes back, if no more than
`catch_up` has passed; an older occurrence is skipped (the next one will do the work).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from sendreform.standards.formats import datetime_words

EVERY_DAY = "every day"
WORKING_DAYS = "working days"  # Monday to Friday except the bank holidays of England (or EAH_BANK_HOLIDAYS)


@dataclass(frozen=True)
class Scheduled:
    name: str
    title: str
    target: str  # the job's function, as `job_start` takes it
    at: dt.time
    days: str = EVERY_DAY
    catch_up: dt.timedelta = dt.timedelta(hours=6)
    params: dict = field(default_factory=dict)


SCHEDULE: tuple[Scheduled, ...] = (
    Scheduled(name="eah_overdue", title="Experts at Hand: email about referrals gone overdue",
              target="sendreform.experts.services.overdue_notify_job", at=dt.time(7, 0), days=WORKING_DAYS),
    Scheduled(name="casework_daily", title="EHC casework: each officer's digest and the deadlines approaching or missed",
              target="sendreform.casework.services.daily_notify_job", at=dt.time(7, 0), days=WORKING_DAYS),
    Scheduled(name="nightly_figures", title="The dashboard's figures, recomputed overnight",
              target="sendreform.indicators.analytics.analytics_recompute_job", at=dt.time(2, 0)),
)


def _runs_on(entry: Scheduled, day: dt.date) -> bool:
    if entry.days == EVERY_DAY:
        return True
    from sendreform.experts.working_days import bank_holidays, is_working_day

    return is_working_day(day, bank_holidays())


def schedule_due(*, now: dt.datetime, schedule: tuple[Scheduled, ...] = SCHEDULE) -> list[tuple[Scheduled, dt.datetime]]:
    """Each entry's latest occurrence at or before `now`, where that is within its catch-up time."""
    local = timezone.localtime(now)
    due = []
    for entry in schedule:
        for back in range(8):  # a week back finds the latest working day past any bank holiday run
            day = local.date() - dt.timedelta(days=back)
            when = timezone.make_aware(dt.datetime.combine(day, entry.at), local.tzinfo)
            if when <= now and _runs_on(entry, day):
                if now - when <= entry.catch_up:
                    due.append((entry, when))
                break
    return due


def schedule_enqueue(*, now: dt.datetime | None = None, schedule: tuple[Scheduled, ...] = SCHEDULE) -> list:
    """Start, as jobs, the occurrences that are due and that no worker has started yet; returns the jobs."""
    from sendreform.jobs.models import ScheduledRun
    from sendreform.jobs.services import job_start

    started = []
    for entry, due in schedule_due(now=now or timezone.now(), schedule=schedule):
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, due=due)
                run.job = job_start(kind=f"scheduled:{entry.name}", title=f"{entry.title} ({datetime_words(timezone.localtime(due))})",
                                    target=entry.target, params=entry.params, by=None)
                run.save(update_fields=["job"])
        except IntegrityError:
            continue  # another worker recorded this occurrence first
        started.append(run.job)
    return started
