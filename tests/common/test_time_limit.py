"""No page request can hold a worker for minutes (ADR 13): its database work is stopped at the request time
limit (SQLite: a progress handler; PostgreSQL: statement_timeout) and the page answers 503, saying why."""

import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_query_that_never_ends_is_stopped_at_the_time_limit_with_a_503(client, settings):
    settings.ROOT_URLCONF = "tests.common.slow_urls"
    settings.SENDREFORM_REQUEST_TIME_LIMIT_SECONDS = 0.5
    started = time.monotonic()
    response = client.get("/endless/")
    took = time.monotonic() - started
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "This page took too long" in response.content.decode()
    assert took < 30  # stopped, not run to its end (never, on SQLite; 60 s on PostgreSQL)
    # The limit is the request's: the same connection afterwards is not limited.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("0",)
