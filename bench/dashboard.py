"""The dashboard's first load after a change of data (ADR 15), on the synthetic local area in its own SQLite file.

One process plays a web worker that has been serving; the data changes and the worker, in a process of its
own, recomputes. "Computed in the request" is what every first load after a change did before the shared copy
(and what SENDREFORM_ANALYTICS_WAIT still does): copy the data and compute the catalogue while the user waits.
Now the page reads what the worker made; or, opened before the worker has finished, it shows the last figures
and says so. A new web worker's very first load (its imports) is shown apart.

    python bench/dashboard.py        (about 5 minutes the first time: it generates the area)
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import ROOT, machine, section_write, stage_print, stage_run  # noqa: E402

FOLDER = ROOT / "var" / "bench" / "dashboard"
DATABASE = FOLDER / "sendreform.sqlite3"
TITLE = "## Dashboard"
AIM = 2.0  # seconds: the aim for the first load after a change of data


def _environment() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DATABASE}"
    os.environ["SENDREFORM_ANALYTICS_DIR"] = str(FOLDER / "analytics")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendreform.config.settings")
    os.environ.setdefault("SENDREFORM_DEMO", "true")  # synthetic data: the demo's own secret key


def _setup() -> None:
    """Collect the static files as `make demo` does (pages link them by their hashed names), and migrate and load
    the synthetic local area once (reused by later runs)."""
    env = {**os.environ}
    if not (ROOT / "var" / "static" / "staticfiles.json").exists():
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True)
    if DATABASE.exists():
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    for command in (["manage.py", "migrate", "--noinput", "-v", "0"], ["-m", "sendreform.cli", "demo"]):
        subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def _django():
    import django

    django.setup()


def _dashboard_get() -> tuple[float, str]:
    from django.test import Client

    from sendreform.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="officer"))
    began = time.perf_counter()
    response = client.get("/indicators/")
    seconds = time.perf_counter() - began
    assert response.status_code == 200, response.status_code
    return seconds, response.content.decode()


def _recompute_elsewhere() -> float:
    """The worker's recompute after a change, in a process of its own as the worker is; returns its seconds."""
    return stage_run(str(Path(__file__).resolve()), "recompute")["seconds"]


def stage_recompute():
    """The background job after a change: a new copy with the dashboard's figures computed into it."""
    _django()
    from sendreform.indicators.analytics import analytics_recompute
    from sendreform.indicators.models import DataChange

    DataChange.objects.create(reason="benchmark: a change of data")
    began = time.perf_counter()
    copy = analytics_recompute()
    return {"seconds": time.perf_counter() - began, "file_mb": Path(copy.path).stat().st_size / 2**20}


def stage_web():
    """A web worker that has been serving (its first dashboard load done), through a change of data: before, it
    computed in the request; now it reads what the worker made, or shows the last figures while it works."""
    _django()
    from django.conf import settings

    from sendreform.indicators.models import DataChange
    from sendreform.jobs.models import Job

    cold, _ = _dashboard_get()  # the process's very first load: imports, opening the file
    # Now: the data changes and the worker recomputes; then the first load after it, and the next
    recompute = _recompute_elsewhere()
    after, html = _dashboard_get()
    assert "Figures as of" in html and "recomputing" not in html
    again, _ = _dashboard_get()
    # Opened after a change, before the worker has caught up
    DataChange.objects.create(reason="benchmark: a change the worker has not caught up with")
    stale, html = _dashboard_get()
    assert "recomputing" in html
    Job.objects.filter(kind="analytics", status="queued").delete()  # no worker runs here
    # Before: the first load after the change copies the data and computes the catalogue in the request
    settings.SENDREFORM_ANALYTICS_WAIT = True
    before, _ = _dashboard_get()
    return {"cold": cold, "recompute": recompute, "after": after, "again": again, "stale": stale,
            "before": before}


STAGES = {"recompute": stage_recompute, "web": stage_web}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", choices=STAGES)
    args = parser.parse_args()
    _environment()
    if args.stage:
        stage_print(STAGES[args.stage])
        return
    _setup()
    script = str(Path(__file__).resolve())
    stage_run(script, "recompute")  # the copy the web worker starts with
    web = stage_run(script, "web")
    file_mb = stage_run(script, "recompute")["file_mb"]
    first = web["after"]
    rows = [
        ("Before: the first load after a change computes in the request (copy and catalogue)", web["before"]),
        ("The worker's recompute after a change (in the background, its own process)", web["recompute"]),
        ("First load after the change, once the worker has recomputed", first),
        ("The next load", web["again"]),
        ("Load after a change, before the recompute (last figures, \"recomputing\")", web["stale"]),
        ("A new web worker's very first load (Python imports, opening the file)", web["cold"]),
    ]
    verdict = (f"meets the aim of {AIM:g} s" if first <= AIM else
               f"misses the aim of {AIM:g} s by {first - AIM:.2f} s")
    section = "\n".join([
        TITLE, "",
        "`bench/dashboard.py`: the inclusion dashboard (`/indicators/`, signed in as the officer) on the synthetic "
        "local area of `sendreform demo`, SQLite, in one process as a web worker that has been serving; the worker's "
        "recompute in a process of its own (ADR 15).", "",
        f"Machine: {machine()}. Load average at the start: {os.getloadavg()[0]:.1f}.", "",
        "| what | seconds |", "|---|---:|",
        *(f"| {what} | {seconds:.2f} |" for what, seconds in rows), "",
        f"The shared copy is a {file_mb:.1f} MB DuckDB file. The first load after a change "
        f"of data takes {first:.2f} s: it {verdict}.", "",
    ])
    section_write(TITLE, section)
    print(section)


if __name__ == "__main__":
    main()
