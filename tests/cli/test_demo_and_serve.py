"""`sendreform demo` calls the demo services with the user's arguments and prints every sign-in; `serve` hands
over to gunicorn. The services are replaced by recorders: their own tests live with them."""

import datetime as dt
import sys
import time
import types
from pathlib import Path

import pytest

from sendreform.cli import main as cli

USERS = [
    {
        "username": "officer",
        "password": "sendreform-demo-2026",
        "role": "officer",
        "role_label": "Council SEND officer",
        "bound_to": "",
    },
    {
        "username": "senco",
        "password": "sendreform-demo-2026",
        "role": "senco",
        "role_label": "Setting SENCo",
        "bound_to": "Oakfield Primary",
    },
]


@pytest.fixture
def calls(monkeypatch):
    """Record the calls to the demo services instead of generating an area."""
    import sendreform.experts.demo  # noqa: F401 - imported for real before the account services are replaced
    import sendreform.plan.services  # noqa: F401 - likewise (it records the plan's import in the audit log)

    seen = {}
    monkeypatch.setattr(cli.os, "environ", dict(cli.os.environ))  # `demo` sets SENDREFORM_DEMO: keep it here

    def demo_area_load(**kwargs):
        seen["demo_area_load"] = kwargs
        kwargs["progress"]("person", 1, 2)
        kwargs["progress"]("placement", 2, 2)
        return {"person": 1200, "placement": 1350}

    def demo_users_ensure(**kwargs):
        seen["demo_users_ensure"] = kwargs
        return [dict(u, password=kwargs.get("password", u["password"])) for u in USERS]

    def write_areas(**kwargs):
        seen["write_areas"] = kwargs
        return {"areas": kwargs["areas"] or 153, "rows": 1_000_000}

    monkeypatch.setitem(
        sys.modules, "sendreform.demo.services", types.SimpleNamespace(demo_area_load=demo_area_load)
    )
    monkeypatch.setitem(
        sys.modules, "sendreform.demo.england", types.SimpleNamespace(write_areas=write_areas)
    )
    monkeypatch.setitem(
        sys.modules,
        "sendreform.accounts.services",
        types.SimpleNamespace(demo_users_ensure=demo_users_ensure),
    )
    return seen


@pytest.mark.django_db
def test_demo_loads_the_area_and_prints_every_sign_in(calls, capsys):
    # When `sendreform demo --seed 7 --as-at 2026-01-15` runs
    assert cli.main(["demo", "--seed", "7", "--as-at", "2026-01-15"]) == 0
    # Then the area is loaded with those arguments and the default password is left to the service
    assert calls["demo_area_load"]["seed"] == 7
    assert calls["demo_area_load"]["as_at"] == dt.date(2026, 1, 15)
    assert calls["demo_users_ensure"] == {}
    out, err = capsys.readouterr()
    # And the table counts and every sign-in are printed, with a progress bar on stderr
    assert "person     1,200" in out
    assert "officer   sendreform-demo-2026  Council SEND officer" in out
    assert "senco     sendreform-demo-2026  Setting SENCo         Oakfield Primary" in out
    assert "2/2 placement" in err


@pytest.mark.django_db
def test_demo_passes_a_chosen_password_to_the_users(calls, capsys):
    assert cli.main(["demo", "--password", "a-longer-secret"]) == 0
    assert calls["demo_users_ensure"] == {"password": "a-longer-secret"}
    assert "officer   a-longer-secret" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_says_which_users_already_existed_and_shows_no_password_for_them(calls, capsys, monkeypatch):
    existing = [dict(USERS[0], password="", created=False), dict(USERS[1], created=True)]
    monkeypatch.setattr(sys.modules["sendreform.accounts.services"], "demo_users_ensure", lambda **kw: existing)

    assert cli.main(["demo"]) == 0

    out = capsys.readouterr().out
    assert "officer   (not changed)         Council SEND officer" in out
    assert "1 demo user(s) created. officer already existed and were left as they were: their passwords are " \
           "not changed." in out


@pytest.mark.django_db
def test_demo_refuses_a_password_shorter_than_the_rules_allow(calls, capsys):
    with pytest.raises(SystemExit):
        cli.main(["demo", "--password", "short"])
    assert "at least 12 characters" in capsys.readouterr().err
    assert "demo_area_load" not in calls


@pytest.mark.parametrize(("areas", "expected"), [("20", 20), ("england", None)])
def test_demo_areas_writes_parquet_without_the_database(calls, capsys, tmp_path, areas, expected):
    assert cli.main(["demo", "--areas", areas, "--out", str(tmp_path)]) == 0
    assert calls["write_areas"]["areas"] == expected
    assert calls["write_areas"]["out_dir"] == Path(tmp_path)
    assert (calls["write_areas"]["seed"], calls["write_areas"]["as_at"]) == (870, None)
    assert "demo_area_load" not in calls
    assert "rows: 1000000" in capsys.readouterr().out


@pytest.mark.django_db
def test_serve_runs_gunicorn_and_the_worker_on_the_address_asked_for(monkeypatch, capsys):
    # Given processes are recorded rather than started, and a job whose worker died an hour ago
    import datetime as dt

    from django.utils import timezone

    from sendreform.jobs.models import FAILED, RUNNING, Job

    job = Job.objects.create(kind="test", title="Left running", target="x.y", status=RUNNING,
                             heartbeat=timezone.now() - dt.timedelta(hours=1))
    started = []
    monkeypatch.setattr(cli, "processes_supervise", lambda commands: started.append(commands) or 0)
    # When `sendreform serve --bind 0.0.0.0:8080 --workers 3 --timeout 60` runs
    assert cli.main(["serve", "--bind", "0.0.0.0:8080", "--workers", "3", "--timeout", "60"]) == 0
    # Then the address is printed, and gunicorn runs the WSGI application with those settings beside the worker
    out = capsys.readouterr().out
    assert "http://0.0.0.0:8080/" in out
    assert "1 background job(s) whose worker stopped answering are marked as failed." in out
    assert Job.objects.get(pk=job.pk).status == FAILED
    assert started == [[
        [sys.executable, "-m", "gunicorn", "sendreform.config.wsgi:application", "--bind", "0.0.0.0:8080",
         "--workers", "3", "--timeout", "60"],
        [sys.executable, "-m", "sendreform.cli", "worker"],
    ]]
    cli.main(["serve", "--no-worker"])
    assert started[-1] == [started[0][0][:5] + ["127.0.0.1:8000", "--workers", "2", "--timeout", "60"]]


def test_when_one_of_the_served_processes_stops_the_other_is_stopped_too(capsys):
    # Given a process that ends at once with status 3 beside one that would run for a minute
    quick = [sys.executable, "-c", "import sys; sys.exit(3)"]
    slow = [sys.executable, "-c", "import time; time.sleep(60)"]
    began = time.monotonic()
    # When they are served together, Then the command ends with the first one's status, soon, not after a minute
    assert cli.processes_supervise([slow, quick], poll=0.05, grace=5) == 3
    assert time.monotonic() - began < 30  # a guard against the minute's sleep, not a timing assertion
    assert "stopped (exit status 3); the rest were stopped too." in capsys.readouterr().err


@pytest.mark.django_db
def test_serve_demo_turns_on_the_demo_and_forwarded_addresses_reach_gunicorn(monkeypatch, capsys, settings):
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.2", "10.0.0.3"]
    settings.TWO_FACTOR_REQUIRED = False
    monkeypatch.setattr(cli.os, "environ", {k: v for k, v in cli.os.environ.items() if k != "SENDREFORM_DEMO"})
    started = []
    monkeypatch.setattr(cli, "processes_supervise", lambda commands: started.append(commands) or 0)

    cli.main(["serve", "--demo"])

    assert cli.os.environ["SENDREFORM_DEMO"] == "true"  # inherited by gunicorn's workers and the task worker
    assert started[0][0][-2:] == ["--forwarded-allow-ips", "10.0.0.2,10.0.0.3"]
    assert "Two-factor sign-in is off" in capsys.readouterr().out


def test_the_progress_bar_draws_one_line_a_step_when_not_a_terminal(tmp_path):
    with (tmp_path / "log").open("w+") as stream:
        draw = cli.progress_bar(stream, width=10)
        draw("person", 1, 4)
        draw("manifest", 4, 4)
        stream.seek(0)
        assert stream.read().splitlines() == ["[##--------] 1/4 person", "[##########] 4/4 manifest"]
