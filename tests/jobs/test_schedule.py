"""The schedule: each entry falls due at its time on its days (working days skip weekends and bank holidays),
a worker that was down catches up only recent occurrences, and an occurrence starts once however many workers
look for it."""

import datetime as dt
import zoneinfo

import pytest

from sendreform.jobs.models import Job, ScheduledRun
from sendreform.jobs.schedule import SCHEDULE, WORKING_DAYS, Scheduled, schedule_due, schedule_enqueue

LONDON = zoneinfo.ZoneInfo("Europe/London")
MORNING = Scheduled(name="morning", title="Each working morning", target="tests.jobs.test_jobs.work_counting",
                    at=dt.time(7, 0), days=WORKING_DAYS, params={"steps": 1})
NIGHTLY = Scheduled(name="nightly", title="Each night", target="tests.jobs.test_jobs.work_counting",
                    at=dt.time(2, 0), params={"steps": 1})


def _at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


@pytest.mark.parametrize(("now", "expected"), [
    ("2026-12-07 06:59", [("nightly", "2026-12-07 02:00")]),  # Monday, before seven
    ("2026-12-07 07:00", [("morning", "2026-12-07 07:00"), ("nightly", "2026-12-07 02:00")]),
    ("2026-12-07 12:30", [("morning", "2026-12-07 07:00")]),  # the night's is over six hours old: skipped
    ("2026-12-12 09:00", []),  # a Saturday: no morning run, and Friday's is too old to catch up
    ("2026-12-25 07:30", [("nightly", "2026-12-25 02:00")]),  # Christmas Day, a Friday and a bank holiday
    ("2026-12-29 12:30", [("morning", "2026-12-29 07:00")]),  # Tuesday after the Boxing Day substitute
])
def test_an_entry_falls_due_at_its_time_on_its_days(now, expected):
    due = schedule_due(now=_at(now), schedule=(MORNING, NIGHTLY))
    assert [(entry.name, when) for entry, when in due] == [(name, _at(when)) for name, when in expected]


def test_the_schedule_names_the_overdue_emails_and_the_nightly_figures_and_each_function_exists():
    from sendreform.jobs.services import _function

    assert {(e.name, e.at, e.days) for e in SCHEDULE} == {
        ("eah_overdue", dt.time(7, 0), WORKING_DAYS), ("nightly_figures", dt.time(2, 0), "every day"),
        ("casework_daily", dt.time(7, 0), WORKING_DAYS)}
    assert all(callable(_function(e.target)) for e in SCHEDULE)


@pytest.mark.django_db
def test_an_occurrence_starts_once_however_many_workers_look():
    # Given Monday 7:05, when two workers' schedulers both look (and look again a minute later)
    first = schedule_enqueue(now=_at("2026-12-07 07:05"), schedule=(MORNING,))
    second = schedule_enqueue(now=_at("2026-12-07 07:05"), schedule=(MORNING,))
    later = schedule_enqueue(now=_at("2026-12-07 07:06"), schedule=(MORNING,))
    # Then one job was started, for the 7:00 occurrence, and it is recorded
    assert [j.title for j in first] == ["Each working morning (7 December 2026 07:00)"]
    assert second == later == []
    run = ScheduledRun.objects.get()
    assert (run.name, run.due, run.job) == ("morning", _at("2026-12-07 07:00"), Job.objects.get())
    # And the next working morning starts the next one
    assert len(schedule_enqueue(now=_at("2026-12-08 07:01"), schedule=(MORNING,))) == 1


@pytest.mark.django_db
def test_the_morning_job_runs_the_overdue_emails_and_links_to_the_triage_queue():
    from sendreform.jobs.services import job_execute

    entry = next(e for e in SCHEDULE if e.name == "eah_overdue")
    job = Job.objects.create(kind="scheduled:eah_overdue", title=entry.title, target=entry.target)
    job = job_execute(job_id=job.pk)
    assert (job.status, job.error, job.result_url) == ("done", "", "/experts/queue/")
