"""Limits on what one page request may take (ADR 13): its database work stops at a time limit, and a database
too busy to take a write answers 503 "try again", never a 500.

The time limit is the request's own. On SQLite a progress handler on the request's connection interrupts a
statement once the request's deadline has passed; on PostgreSQL the connection's `statement_timeout` is set for
the request and reset after it. Background jobs and commands use other connections and are not limited.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection
from django.shortcuts import render

from sendreform.common.concurrency import DatabaseBusy, is_busy

_request = threading.local()
# SQLite calls the progress handler every this many virtual machine instructions (well under a millisecond).
PROGRESS_STEPS = 20_000


def _past_deadline() -> int:
    deadline = getattr(_request, "deadline", None)
    return int(deadline is not None and time.monotonic() > deadline)


def _limit(seconds: float | None) -> None:
    """Give this thread's connection the request's time limit (None: take it away)."""
    if connection.vendor == "sqlite":
        if seconds is not None:
            connection.ensure_connection()
            connection.connection.set_progress_handler(_past_deadline, PROGRESS_STEPS)
        elif connection.connection is not None:
            connection.connection.set_progress_handler(None, 0)
    elif connection.vendor == "postgresql" and (seconds is not None or connection.connection is not None):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, false)",
                               [f"{int(seconds * 1000)}ms" if seconds is not None else "0"])
        except DatabaseError:
            if seconds is not None:
                raise  # a connection that is broken after the request is closed with it


def _timed_out(error: BaseException) -> bool:
    text = str(error)
    return isinstance(error, OperationalError | sqlite3.OperationalError) and (
        "interrupted" in text or "statement timeout" in text
    )


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.SENDREFORM_REQUEST_TIME_LIMIT_SECONDS
        if not limit:
            return self.get_response(request)
        _request.deadline = time.monotonic() + limit
        _limit(limit)
        try:
            return self.get_response(request)
        finally:
            _request.deadline = None
            _limit(None)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseBusy) or is_busy(exception):
            reason = "busy"
        elif _timed_out(exception):
            reason = "slow"
        else:
            return None
        _request.deadline = None  # what is left of the request (the session, the audit of a refusal) may finish
        response = render(request, "503.html", {"reason": reason}, status=503)
        response["Retry-After"] = "5" if reason == "busy" else "60"
        return response
