"""Benchmark of sign-in with the production password hasher (Argon2): how long a POST to /sign-in/ takes for a
real username and an unknown one, with a wrong password and while the username must wait after failures. The
two columns should agree: the time taken must not say whether a username exists (ADR 12). Results replace the
"## Sign-in" section of docs/benchmarks.md.

    .venv/bin/python bench/sign_in.py
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import machine, section_write  # noqa: E402 - after the checkout is on the path

SECTION = "## Sign-in"
ROUNDS = 15


def _median_ms(client, username: str, password: str, prepare) -> float:
    times = []
    for n in range(ROUNDS):
        prepare()
        start = time.perf_counter()
        client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=f"10.9.0.{n}")
        times.append((time.perf_counter() - start) * 1000)
        client.logout()
    return statistics.median(times)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="sendreform-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendreform.config.settings"
    os.environ.setdefault("SENDREFORM_DEMO", "true")  # synthetic data: the demo's own secret key
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from sendreform.accounts import roles
    from sendreform.accounts.models import SignInThrottle
    from sendreform.accounts.services import _throttle_key, user_create

    call_command("migrate", interactive=False, verbosity=0)
    user_create(username="admin", password="a-benchmark-password", role=roles.ADMIN)
    client = Client()

    def clear():
        SignInThrottle.objects.all().delete()

    def waiting():
        # Both usernames made to wait, as nine failures would
        clear()
        for name in ("admin", "nobody-here"):
            SignInThrottle.objects.create(key=_throttle_key(SignInThrottle.USERNAME, name),
                                          kind=SignInThrottle.USERNAME, failures=9, last_failed=timezone.now(),
                                          wait_until=timezone.now() + dt.timedelta(minutes=5))

    rows = [
        ("wrong password", _median_ms(client, "admin", "not-the-password", clear),
         _median_ms(client, "nobody-here", "not-the-password", clear)),
        ("while the username waits", _median_ms(client, "admin", "not-the-password", waiting),
         _median_ms(client, "nobody-here", "not-the-password", waiting)),
    ]
    right = _median_ms(client, "admin", "a-benchmark-password", clear)
    hasher = settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1]
    lines = [
        SECTION,
        "",
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.2f} when it started. `bench/sign_in.py`: the "
        f"median of {ROUNDS} POSTs to /sign-in/ through Django's test client on SQLite, password hasher "
        f"{hasher}. Before ADR 12 a locked real account answered in about 10 ms and a locked unknown username "
        "in about 400 ms; now no password is checked while a username waits, whether it exists or not.",
        "",
        "| attempt | real username (ms) | unknown username (ms) |",
        "|---|---:|---:|",
        *[f"| {what} | {real:.0f} | {unknown:.0f} |" for what, real, unknown in rows],
        f"| right password | {right:.0f} | |",
    ]
    section_write(SECTION, "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
