"""The one audit call, and the audit log administrators read."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from sendreform.accounts.selectors import audit_entries_visible_to
from sendreform.accounts.services import audit_record
from tests.factories import AuditEntryFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_audit_record_writes_who_which_child_and_which_page():
    user = UserFactory(username="officer1")

    entry = audit_record(user=user, action="view", person_id="P000123", page="/children/P000123/")

    assert AuditEntry.objects.count() == 1
    assert (entry.username, entry.action, entry.person_id, entry.page) == (
        "officer1", "view", "P000123", "/children/P000123/")
    assert abs(entry.at - timezone.now()) < dt.timedelta(seconds=5)


def test_only_administrators_read_the_audit_log():
    AuditEntryFactory()

    assert audit_entries_visible_to(user=UserFactory(role=roles.ADMIN)).count() == 1
    for role in (roles.OFFICER, roles.ANALYST, roles.BOARD_MEMBER, roles.PCF_REP):
        assert audit_entries_visible_to(user=UserFactory(role=role)).count() == 0


def test_the_audit_log_filters_by_user_child_and_date():
    admin = UserFactory(role=roles.ADMIN)
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    AuditEntryFactory(user=alice, person_id="P1")
    AuditEntryFactory(user=bob, person_id="P2")
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(days=10)):
        AuditEntryFactory(user=bob, person_id="P1")  # written ten days ago (entries are never changed)
    today = timezone.localdate()

    assert audit_entries_visible_to(user=admin, username="bob").count() == 2
    assert audit_entries_visible_to(user=admin, person_id="P1").count() == 2
    assert audit_entries_visible_to(user=admin, date_from=today).count() == 2
    assert audit_entries_visible_to(user=admin, date_to=today - dt.timedelta(days=5)).count() == 1


def test_the_audit_log_page_is_paginated_filtered_and_downloadable(client):
    client.force_login(UserFactory(role=roles.ADMIN, username="admin1"))
    for n in range(55):
        AuditEntryFactory(user=UserFactory(username="carol"), person_id=f"P{n:03d}")

    first = client.get("/audit-log/?username=carol")
    second = client.get("/audit-log/?username=carol&page=2")
    csv = client.get("/audit-log.csv?username=carol")

    assert first.status_code == 200
    html = first.content.decode()
    assert '<h1 class="govuk-heading-l">Audit log</h1>' in html
    assert "<caption" in html and "Audit log entries" in html
    assert "Page 1 of 2" in html
    assert "55 entries" in html
    assert second.content.decode().count('<tr class="govuk-table__row">') == 1 + 5
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "When,User,What,Child,Page,Detail"
    assert len(lines) == 56


def test_a_bad_date_in_the_audit_filter_shows_an_error_summary(client):
    client.force_login(UserFactory(role=roles.ADMIN))

    html = client.get("/audit-log/?date_from_day=31&date_from_month=2&date_from_year=2026").content.decode()

    assert "There is a problem" in html
    assert '<a href="#id_date_from_day">The first date must be a real date</a>' in html


@pytest.mark.parametrize("role", [roles.OFFICER, roles.BOARD_MEMBER, roles.PCF_REP])
def test_other_roles_are_refused_the_audit_log(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get("/audit-log/").status_code == 403
    assert client.get("/audit-log.csv").status_code == 403
