"""Limits on what one page request may take (ADR 13): its database work stops at a time limit, and a database
too busy to take a write answers 503 "try again", never a 500.

The time limit is the request's own: a deadline in a thread-local set here, which SQLite connections check in
a progress handler and PostgreSQL connections opened in the request get as `statement_timeout`. Background
jobs and commands run on other threads or processes without a deadline, so they are not limited.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from django.conf import settings
from django.db import OperationalError
from django.db.backends.signals import connection_created
from django.shortcuts import render

from sendreform.common.concurrency import DatabaseBusy

_request = threading.local()
# SQLite calls the progress handler every this many virtual machine instructions (a fraction of a millisecond).
PROGRESS_STEPS = 20_000


def request_deadline() -> float | None:
    """The time.monotonic() by which this thread's request must be done; None outside a limited request."""
    return getattr(_request, "deadline", None)


def _past_deadline() -> int:
    deadline = request_deadline()
    return int(deadline is not None and time.monotonic() > deadline)


def _connection_limit(sender, connection, **kwargs) -> None:
    """Give a connection opened for a page request its time limit."""
    if connection.vendor == "sqlite":
        # Installed on every connection: it reads the deadline of whichever request uses it at the time.
        connection.connection.set_progress_handler(_past_deadline, PROGRESS_STEPS)
    elif connection.vendor == "postgresql" and (deadline := request_deadline()) is not None:
        remaining_ms = max(int((deadline - time.monotonic()) * 1000), 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, false)", [f"{remaining_ms}ms"])


def _timed_out(error: BaseException) -> bool:
    text = str(error)
    return isinstance(error, OperationalError | sqlite3.OperationalError) and (
        "interrupted" in text or "statement timeout" in text
    )


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        connection_created.connect(_connection_limit, dispatch_uid="sendreform-request-limits")

    def __call__(self, request):
        limit = settings.SENDREFORM_REQUEST_TIME_LIMIT_SECONDS
        _request.deadline = time.monotonic() + limit if limit else None
        try:
            return self.get_response(request)
        finally:
            _request.deadline = None

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseBusy):
            reason = "busy"
        elif _timed_out(exception):
            reason = "slow"
        else:
            return None
        _request.deadline = None  # what is left of the request (the session, the audit of a refusal) may finish
        response = render(request, "503.html", {"reason": reason}, status=503)
        response["Retry-After"] = "5" if reason == "busy" else "60"
        return response
