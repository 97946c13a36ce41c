"""The demo's plan worked forward to today through the app's services: meetings by each board's cadence since
the plan began, decisions and actions (some overdue), milestones reported, risks reviewed."""

import datetime as dt

import pytest

from sendreform.governance import demo
from sendreform.governance.models import Action, Board, Meeting
from sendreform.plan.models import NOT_STARTED, ChangeEntry, Milestone

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(("cadence", "interval"), [
    ("Bi- monthly", (2, 0)), ("Six weekly", (0, 42)), ("Fortnightly/ Monthly", (1, 0)),
    ("Continuous oversight; formal reviews monthly", (1, 0)), ("As needed", None)])
def test_a_cadence_in_the_plans_words_is_an_interval(cadence, interval):
    assert demo.cadence_interval(cadence) == interval


def test_a_six_weekly_board_from_1_april_to_7_december_meets_six_times_and_books_the_next():
    dates = demo.meeting_dates(start=dt.date(2026, 4, 1), cadence="Six weekly", until=TODAY)
    assert dates == [dt.date(2026, 4, 1), dt.date(2026, 5, 13), dt.date(2026, 6, 24), dt.date(2026, 8, 5),
                     dt.date(2026, 9, 16), dt.date(2026, 10, 28), dt.date(2026, 12, 9)]


@pytest.mark.django_db
def test_the_demo_works_readings_plan_forward_once(reading_plan):
    added = demo.plan_demo_progress_ensure(today=TODAY)
    six_weekly = Board.objects.get(cadence="Six weekly")
    assert Meeting.objects.filter(board=six_weekly, date__lte=TODAY).count() == 6
    assert Meeting.objects.filter(board=six_weekly, date__gt=TODAY).count() == 1  # the next, booked
    # Nothing is dated after today but the booked meetings and actions not yet due.
    assert not Meeting.objects.filter(date__gt=TODAY).exclude(title="Booked").exists()
    overdue = Action.objects.filter(due__lt=TODAY).exclude(status="complete")
    assert overdue.exists() and Action.objects.filter(due__lt=TODAY, status="complete").exists()
    past_due = Milestone.objects.filter(due__lte=TODAY)
    assert past_due.exclude(status=NOT_STARTED).count() > past_due.count() / 2
    assert all(m.evidence.startswith("Reported ") for m in past_due.exclude(status=NOT_STARTED))
    assert not Milestone.objects.filter(due__gt=TODAY + dt.timedelta(days=92)).exclude(status=NOT_STARTED).exists()
    # Through the services: each change is in the history, as a person's would be.
    assert ChangeEntry.objects.filter(subject_kind="milestone").count() == added["milestones"]
    assert ChangeEntry.objects.filter(subject_kind="risk").count() == added["risk reviews"] == 5
    assert demo.plan_demo_progress_ensure(today=TODAY) == {}  # a second run adds nothing


@pytest.mark.django_db
def test_overdue_milestones_stand_out_on_the_plans_pages(reading_plan, client):
    from django.utils import timezone

    from tests.factories import UserFactory

    late = Milestone.objects.order_by("due").first()
    Milestone.objects.filter(pk=late.pk).update(due=timezone.localdate() - dt.timedelta(days=3))
    Milestone.objects.exclude(pk=late.pk).update(due=timezone.localdate() + dt.timedelta(days=30))
    client.force_login(UserFactory(role="OFFICER"))
    overview = client.get("/plan/").content.decode()
    assert "1 milestone overdue." in overview and late.text in overview
    workstream = client.get(f"/plan/workstreams/{late.workstream.key}/").content.decode()
    assert workstream.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 1


@pytest.mark.django_db
def test_an_officer_sets_a_trajectory_the_plan_does_not_give(reading_plan, users):
    from sendreform.accounts import roles
    from sendreform.plan.selectors import plan_mapping, plan_targets
    from sendreform.plan.services import indicator_trajectory_set

    # inmss_placements: the plan gives a baseline (139) and no target.
    assert plan_targets().get("inmss_placements").target is None
    indicator_trajectory_set(plan=reading_plan, indicator_id="inmss_placements", by=users[roles.OFFICER],
                             baseline_value=139, baseline_date=dt.date(2026, 5, 31), target_value=120,
                             target_date=dt.date(2029, 3, 31))
    trajectory = plan_targets().get("inmss_placements")
    assert (trajectory.target.value, trajectory.target.date) == (120, dt.date(2029, 3, 31))
    assert plan_mapping()["indicators"]["inmss_placements"]["target"] == {"value": 120,
                                                                          "date": dt.date(2029, 3, 31)}
    entry = ChangeEntry.objects.get(subject_kind="indicator_target")
    assert entry.summary == "Trajectory of inmss_placements set" and entry.username == "officer"
    assert any(c["field"] == "Target" and c["after"] in ("120", "120.0") for c in entry.changes)


@pytest.mark.django_db
def test_the_trajectory_form_refuses_a_target_before_its_baseline_and_only_editors_post(reading_plan, users,
                                                                                          client):
    from sendreform.accounts import roles
    from sendreform.plan.models import IndicatorTarget

    url = "/indicators/inmss_placements/trajectory/"
    form = {"baseline_value": "", "baseline_date_day": "31", "baseline_date_month": "5", "baseline_date_year": "2026",
            "target_value": "120", "target_date_day": "1", "target_date_month": "1", "target_date_year": "2026"}
    client.force_login(users[roles.BOARD_MEMBER])
    assert client.post(url, form).status_code == 403
    client.force_login(users[roles.OFFICER])
    bad = client.post(url, form)
    assert bad.status_code == 400 and "The target date must be after the baseline date" in bad.content.decode()
    assert IndicatorTarget.objects.get(indicator_id="inmss_placements").target_value is None  # nothing saved
    done = client.post(url, {**form, "target_date_year": "2029"})
    assert done.status_code == 302 and done.url == "/indicators/inmss_placements/"
    assert IndicatorTarget.objects.get(indicator_id="inmss_placements").target_value == 120
