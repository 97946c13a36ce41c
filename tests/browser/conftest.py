"""Browser tests: Playwright for Python driving Debian's /usr/bin/chromium against pytest-django's live server.

The built GOV.UK stylesheet and chromium must both be present. Neither is skipped: a missing one fails the
tests with the command that fixes it.
"""

import datetime as dt
import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CSS = Path(__file__).resolve().parents[2] / "sendreform" / "web" / "static" / "govuk" / "application.css"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    if not CSS.exists():
        pytest.fail(f"The GOV.UK stylesheet {CSS} is missing. Build it with: "
                    "npm ci --prefix frontend && npm run build --prefix frontend", pytrace=False)
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's chromium at /usr/bin/chromium: apt-get install chromium",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    # Plain static storage, so the live server serves the built files without collectstatic.
    settings.STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Anything the Content-Security-Policy blocks (an inline script or style, a foreign source) fails the test.
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not refused, "The Content-Security-Policy refused: " + "; ".join(refused)


@pytest.fixture
def task_worker(settings, live_server, monkeypatch):
    """The background worker beside the live server: jobs wait in the database (django-tasks' database backend,
    as when served) and a worker on a thread of this process runs what is queued, woken by each enqueue rather
    than polling, so it never touches the database while the test only reads pages.

    The worker claims a task in an EXCLUSIVE transaction on SQLite, so that worker processes sharing a database
    file take turns; the test database is in memory with a shared cache, where that locks out every page's
    reads at once instead of making them wait. One worker has no one to take turns with: it claims in an
    ordinary transaction here."""
    import threading

    from django.db import connection, transaction
    from django_tasks import signals
    from django_tasks_db.management.commands import db_worker

    from sendreform.jobs.worker import worker_build, worker_loop

    monkeypatch.setattr(db_worker, "exclusive_transaction", lambda using=None: transaction.atomic(using=using))
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    threads = []

    def drain():
        try:
            worker_loop(worker_build(interval=0, batch=True))
        finally:
            connection.close()

    def woken(sender, task_result, **kwargs):
        threads.append(threading.Thread(target=drain, daemon=True, name="task-worker"))
        threads[-1].start()

    signals.task_enqueued.connect(woken, dispatch_uid="task_worker")
    yield
    signals.task_enqueued.disconnect(dispatch_uid="task_worker")
    for thread in threads:
        thread.join(timeout=60)


@pytest.fixture
def axe_check():
    """Run axe-core on the page and fail with its report if anything breaks WCAG 2.2 A or AA."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA},
                                         "resultTypes": ["violations"]})
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"

    return check


@pytest.fixture
def sign_in():
    def sign_in(page, username, password="sendreform-demo-2026"):
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()

    return sign_in


@pytest.fixture
def demo_area():
    """A small local area: two clusters, three primaries, children on their rolls, an Experts at Hand
    caseload; then the demo users, bound as `demo_users_ensure` binds them."""
    from sendreform.accounts.services import demo_users_ensure
    from tests.factories import (
        ClusterFactory,
        EahInvolvementFactory,
        EahReferralFactory,
        EhcPlanFactory,
        EstablishmentFactory,
        PersonFactory,
        PlacementFactory,
        SenNeedFactory,
        SenStatusFactory,
    )

    north, south = ClusterFactory(cluster_id="N", name="North"), ClusterFactory(cluster_id="S", name="South")
    oak = EstablishmentFactory(establishment_id="OAK", name="Oak Primary School", cluster=north)
    elm = EstablishmentFactory(establishment_id="ELM", name="Elm Primary School", cluster=north)
    EstablishmentFactory(establishment_id="ASH", name="Ash Secondary School", phase="SECONDARY", cluster=south)
    amira = PersonFactory(person_id="P1", forename="Amira", surname="Khan", birth_date=dt.date(2016, 3, 27))
    SenStatusFactory(person=amira, establishment=oak, sen_provision="E")
    SenNeedFactory(person=amira, need_type="ASD")
    PlacementFactory(person=amira, establishment=oak)
    EhcPlanFactory(person=amira)
    for forename in ("Ben", "Chloe"):
        SenStatusFactory(person=PersonFactory(forename=forename, surname="Okoro"), establishment=oak)
    dylan = PersonFactory(person_id="P9", forename="Dylan", surname="Reed")
    SenStatusFactory(person=dylan, establishment=elm)
    EahInvolvementFactory(referral=EahReferralFactory(person=dylan, establishment=elm), practitioner_id="870-EAH01")
    return {"users": {u["username"]: u for u in demo_users_ensure()}}
