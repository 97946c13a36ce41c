"""Each role's home does its main job (issue 20): the plan's progress for board members and the forum, what is
overdue for officers, figures and data quality for analysts, open referrals for SENCos, what is asked of a
practitioner; and every home reaches the dashboard."""

import datetime as dt

import pytest
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.governance.models import Action, Board, BoardPack, Meeting
from sendreform.indicators import display
from sendreform.indicators.selectors import OverviewRow
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.plan.models import Milestone
from sendreform.web import panels
from tests.factories import (
    EahInvolvementFactory,
    EahPractitionerFactory,
    EahReferralFactory,
    EstablishmentFactory,
    PersonFactory,
    SenStatusFactory,
    UserFactory,
)
from tests.plan.conftest import reading_plan, reading_text, users  # noqa: F401 - fixtures, found by name

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def test_rag_counts_count_each_status_and_no_trajectory():
    ind = next(iter(CATALOGUE.values()))
    rows = [OverviewRow(ind, True, rag="GREEN"), OverviewRow(ind, True, rag="GREEN"), OverviewRow(ind, True, rag="RED"),
            OverviewRow(ind, True, rag=None), OverviewRow(ind, False, rag=None)]  # the last has no figure at all
    assert [(c["label"], c["count"]) for c in display.rag_counts(rows)] == [
        ("Green", 2), ("Amber", 0), ("Red", 1), ("No trajectory", 1)]


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP])
def test_board_and_forum_land_on_the_plans_progress(reading_plan, users, client, role):  # noqa: F811
    today = timezone.localdate()
    late = Milestone.objects.order_by("due").first()
    Milestone.objects.update(due=today + dt.timedelta(days=400))
    Milestone.objects.filter(pk=late.pk).update(due=today - dt.timedelta(days=10))
    board = Board.objects.get(key="send-reform-programme-board")
    Meeting.objects.create(board=board, date=today - dt.timedelta(days=30), title="Last month")
    Meeting.objects.create(board=board, date=today + dt.timedelta(days=14), title="Quarterly review")
    pack = BoardPack.objects.create(board=board, as_at=today - dt.timedelta(days=31), content_hash="sha256:x",
                                    state={}, pdf=b"%PDF")
    page = _home(client, users[role])
    assert "Milestones due and overdue" in page and "1 overdue and 0 due in the next three months" in page
    assert late.text in page and "Overdue" in page
    assert "Top risks" in page and "R3: Insufficient pace of local sufficiency delivery" in page
    next_day = today + dt.timedelta(days=14)
    assert f"{board.name}: {next_day.day} {next_day:%B %Y}, Quarterly review." in page
    assert f"/governance/packs/{pack.pk}.pdf" in page
    assert 'href="/indicators/"' in page  # the dashboard, from the home and the navigation


def test_the_officer_sees_what_is_overdue_across_the_service(reading_plan, users, client):  # noqa: F811
    today = timezone.localdate()
    first = Milestone.objects.order_by("due").first()
    Milestone.objects.update(due=today + dt.timedelta(days=400))
    Milestone.objects.filter(pk=first.pk).update(due=today - dt.timedelta(days=1))
    meeting = Meeting.objects.create(board=Board.objects.first(), date=today - dt.timedelta(days=60))
    Action.objects.create(meeting=meeting, text="Map the workforce", owner="RISE lead",
                          due=today - dt.timedelta(days=5))
    Action.objects.create(meeting=meeting, text="Done already", owner="RISE lead", due=today - dt.timedelta(days=5),
                          status="complete")
    page = _home(client, users[roles.OFFICER])
    assert "Overdue across the service" in page
    assert "1 milestone of the plan past due" in page and "1 board action past due" in page


def test_a_senco_lands_on_their_pupils_open_referrals_and_what_is_due(client):
    oak = EstablishmentFactory(name="Oak Primary")
    amira = PersonFactory(forename="Amira", surname="Khan")
    SenStatusFactory(person=amira, establishment=oak)
    received = timezone.localdate() - dt.timedelta(days=1)
    EahReferralFactory(referral_id="R-1", establishment=oak, person=amira, received_date=received,
                       triage_date=None, tier=None, first_support_date=None)
    page = _home(client, UserFactory(role=roles.SENCO, establishment=oak))
    assert "Your pupils with open referrals" in page and "Amira Khan" in page and "R-1" in page
    assert "Triage due " in page


@pytest.mark.parametrize("role", [roles.HEALTH, roles.EAH_PRACTITIONER])
def test_a_practitioner_lands_on_what_is_asked_of_them(client, role):
    oak = EstablishmentFactory(name="Oak Primary")
    child = PersonFactory(forename="Ben", surname="Ashby")
    SenStatusFactory(person=child, establishment=oak)
    referral = EahReferralFactory(referral_id="R-2", establishment=oak, person=child,
                                  review_date=timezone.localdate() - dt.timedelta(days=3))
    EahPractitionerFactory(practitioner_id="870-EAH05", name="Hannah Reid", discipline="SALT")
    EahInvolvementFactory(referral=referral, practitioner_id="870-EAH05", discipline="SALT",
                          start_date=timezone.localdate() - dt.timedelta(days=20))
    page = _home(client, UserFactory(role=role, practitioner_id="870-EAH05"))
    assert "What is asked of you" in page and "1 open involvement, 1 with a review overdue." in page
    assert "Ben Ashby" in page and "R-2" in page


def test_the_analyst_lands_on_figures_forecasts_and_data_quality(client):
    page = _home(client, UserFactory(role=roles.ANALYST))
    assert 'href="/data-quality/"' in page and 'href="/forecasts/"' in page and 'href="/indicators/"' in page


def test_another_app_adds_a_panel_to_a_home_without_changing_it(client):
    maker = panels.home_panel(roles.SENCO, order=1)(
        lambda user, on: panels.Panel(heading="Requests for assessment", intro="2 requests awaiting a decision"))
    try:
        page = _home(client, UserFactory(role=roles.SENCO, establishment=EstablishmentFactory()))
        assert page.index("Requests for assessment") < page.index("Your pupils with open referrals")
    finally:
        panels._PANELS[roles.SENCO].remove((1, maker))


def test_the_navigation_has_one_source_and_marks_the_current_area(reading_plan, users, client):  # noqa: F811
    client.force_login(users[roles.BOARD_MEMBER])
    response = client.get("/risks/")
    items = [(i["label"], i["current"]) for i in response.context["navigation"]]
    assert [label for label, _ in items] == ["Home", "Settings", "Returns", "Indicators", "Experts at Hand",
                                             "Plan", "Benchmarking", "Forecasts"]
    assert [label for label, current in items if current] == ["Plan"]  # the risk register is part of the plan
    assert response.content.decode().count('class="govuk-service-navigation__link"') == len(items)
