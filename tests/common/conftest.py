"""Fixtures of the concurrency tests: requests released at the same moment on their own threads and database
connections, on PostgreSQL or on SQLite as it is served (a file in WAL mode, not the in-memory test database),
and the plan and Experts at Hand fixtures they edit."""

import sqlite3
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from tests.experts.conftest import area  # noqa: F401 - fixtures, found by name
from tests.plan.conftest import reading_plan, reading_text, users  # noqa: F401


@pytest.fixture
def simultaneous(transactional_db, tmp_path):
    """`simultaneous(steps, busy_timeout=None)`: run each step, a function of (client, barrier) that waits at the barrier right before
    its write, on its own thread with its own signed-in client and database connection; returns what each step
    returned (or raised), in order.

    On PostgreSQL the threads use the test database (committed data: a transactional test). SQLite's in-memory
    test database is shared-cache, whose locking is not what a served SQLite does, so on SQLite the data is
    copied to a file, the threads open it with the served settings (WAL, busy timeout, BEGIN IMMEDIATE) and the
    file is copied back afterwards for the test to check; `busy_timeout` (seconds) replaces the served one.
    """
    path = tmp_path / "served.sqlite3" if connection.vendor == "sqlite" else None

    def run(steps, *, busy_timeout: float | None = None):
        if path is not None:
            connection.ensure_connection()
            served = sqlite3.connect(path)
            connection.connection.backup(served)
            served.execute("PRAGMA journal_mode=WAL")  # as a served database is from its first connection
            served.close()
        barrier = threading.Barrier(len(steps))
        results = [None] * len(steps)

        def worker(i, step):
            if path is not None:
                served = type(connections["default"])  # the backend's DatabaseWrapper
                options = connection.settings_dict["OPTIONS"] | ({"timeout": busy_timeout} if busy_timeout else {})
                connections["default"] = served({**connection.settings_dict, "NAME": str(path), "OPTIONS": options},
                                                "default")
            try:
                results[i] = step(Client(), barrier)
            except BaseException as error:  # noqa: BLE001 - handed back to the test, which fails on it
                results[i] = error
                barrier.abort()
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=worker, args=(i, step)) for i, step in enumerate(steps)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        if path is not None:
            source = sqlite3.connect(path)
            source.backup(connection.connection)
            source.close()
        return results

    run.path = path  # the served SQLite file (None on PostgreSQL), for a step that locks it itself
    return run
