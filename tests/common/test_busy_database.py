"""A read whose audit write meets a busy SQLite database waits and tries again; it is never a 500 (issue 11 §3,
ADR 13). Another connection holds SQLite's write lock (BEGIN IMMEDIATE on the served file) while a signed-in
officer opens a child's record, with a busy timeout of 50 ms so that the retries, not the timeout, are tested
(for at most 1.5 s here)."""

import sqlite3
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _read_while_locked(simultaneous, settings, *, hold: float | None):
    """A child's record read while another connection holds the write lock for `hold` seconds (None: until the
    read has its answer)."""
    settings.SENDREFORM_BUSY_RETRY_SECONDS = 1.5
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's database-wide write lock; PostgreSQL locks rows, and an audit insert takes none")
    PersonFactory(person_id="P1", forename="Amira", surname="Khan")
    officer = UserFactory(username="olu", role=roles.OFFICER)
    url = reverse("people:child-detail", args=["P1"])
    answered = threading.Event()

    def lock(client, barrier):
        held = sqlite3.connect(simultaneous.path, isolation_level=None)
        barrier.wait(timeout=30)
        held.execute("BEGIN IMMEDIATE")
        if hold is None:
            answered.wait(timeout=30)
        else:
            time.sleep(hold)
        held.execute("COMMIT")
        held.close()

    def read(client, barrier):
        client.force_login(officer)
        assert client.get(url).status_code == 200  # once before, so the timed read is warm (and audited)
        barrier.wait(timeout=30)
        time.sleep(0.1)  # the lock is taken before the read starts
        try:
            return client.get(url)
        finally:
            answered.set()

    _, response = simultaneous([lock, read], busy_timeout=0.05)
    if isinstance(response, BaseException):
        raise response
    return response


def test_a_read_whose_audit_write_meets_a_locked_database_waits_and_is_recorded(simultaneous, settings, caplog):
    response = _read_while_locked(simultaneous, settings, hold=0.6)
    assert response.status_code == 200 and "Amira" in response.content.decode()
    assert any("database busy, trying again" in r.getMessage() for r in caplog.records)  # it met the lock
    entries = AuditEntry.objects.exclude(action="sign-in").order_by("id")  # force_login's sign-in is recorded
    assert [(e.username, e.action, e.person_id) for e in entries] == [("olu", "view", "P1")] * 2


def test_a_read_whose_audit_write_never_gets_the_database_is_a_503_that_shows_nothing(simultaneous, settings):
    response = _read_while_locked(simultaneous, settings, hold=None)
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "The service is busy" in page and "Amira" not in page
    # a page that was only being read asks again by itself (a job's page, say, still follows its job)
    assert '<meta http-equiv="refresh" content="5">' in page and "tries again by itself in 5 seconds" in page
    # the read before the lock; nothing for the refused one (force_login's sign-in is recorded besides)
    assert AuditEntry.objects.exclude(action="sign-in").count() == 1
