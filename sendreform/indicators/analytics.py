"""The shared analytics copy (ADR 15): when data changes, a background job copies the canonical tables into a
new DuckDB file and computes the dashboard's figures into it; every web worker reads the newest file. A page
never computes the catalogue on the live database while the user waits, and says how old its figures are
when the data has changed since.

`data_changed(reason=...)` is the hook for whatever changes the data the indicators count (an import, the
nightly run, a casework save): it records the change and queues the recompute (once, however many changes
arrive before it starts).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from sendreform.common.warehouse import analytics_close, analytics_copy_write, analytics_open, data_version
from sendreform.indicators.models import AnalyticsCopy, DataChange

log = logging.getLogger(__name__)
KIND = "analytics"
TARGET = "sendreform.indicators.analytics.analytics_recompute_job"
KEEP = 2  # the newest copy, and the one before it that a request may still be reading


class FiguresNotReady(Exception):
    """No copy has been made yet; the first is queued (only on a new installation: `make demo` makes one)."""


@dataclass(frozen=True)
class Freshness:
    copy: AnalyticsCopy
    stale: bool  # the data changed after the copy was taken, and a newer one is being made
    changed_at: dt.datetime | None  # the last change of data known

    @property
    def as_of(self) -> dt.datetime:
        return self.copy.made


def data_changed(*, reason: str) -> DataChange:
    """Record that the data the indicators count has changed, and queue the recompute of the figures."""
    change = DataChange.objects.create(reason=reason[:200])
    _recompute_queue(reason=reason)
    return change


def _recompute_queue(*, reason: str) -> None:
    from sendreform.jobs.models import QUEUED, Job
    from sendreform.jobs.services import job_start

    if not Job.objects.filter(kind=KIND, status=QUEUED).exists():
        job_start(kind=KIND, title="The dashboard's figures, after a change of data", target=TARGET,
                  params={"reason": reason[:200]}, by=None)


def analytics_recompute_job(*, params: dict, progress, job=None) -> str:
    """The background job (queued by `data_changed`, or nightly by the schedule); its result is the dashboard."""
    analytics_recompute(progress=progress)
    return reverse("indicators:overview")


def analytics_recompute(*, progress=None, precompute: bool | None = None) -> AnalyticsCopy:
    """Make a new copy: the canonical tables into a new DuckDB file, then (unless `precompute` is False; by
    default unless SENDREFORM_ANALYTICS_WAIT, where each page computes what it shows) the dashboard's figures
    into the same file. Returns the copy, which pages read from then on."""
    from sendreform.indicators.selectors import indicators_precompute

    progress = progress or (lambda stage, done, total: None)
    if precompute is None:
        precompute = not settings.SENDREFORM_ANALYTICS_WAIT
    began, started = time.monotonic(), timezone.now()
    covers = DataChange.objects.aggregate(last=Max("at"))["last"]  # before copying: a later change makes it stale
    version = data_version()
    folder = Path(settings.SENDREFORM_ANALYTICS_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"analytics-{started:%Y%m%dT%H%M%S%f}-{os.getpid()}.duckdb"
    progress("Copying the data", 0, 2)
    con = analytics_copy_write(path=path)
    try:
        con.con.execute("CREATE TABLE figures (key VARCHAR PRIMARY KEY, value BLOB)")
        if precompute:
            progress("Computing the dashboard's figures", 1, 2)
            figures = indicators_precompute(con=con, name=path.name)
            con.con.executemany("INSERT INTO figures VALUES (?, ?)",
                                [(key, pickle.dumps(value)) for key, value in figures.items()])
    except BaseException:
        con.disconnect()
        path.unlink(missing_ok=True)
        raise
    con.disconnect()
    copy = AnalyticsCopy.objects.create(path=str(path), made=started, covers=covers, data_version=version,
                                        seconds=round(time.monotonic() - began, 3))
    progress("Done", 2, 2)
    _old_remove()
    return copy


def _old_remove() -> None:
    for old in AnalyticsCopy.objects.all()[KEEP:]:
        analytics_close(path=Path(old.path))
        Path(old.path).unlink(missing_ok=True)
        old.delete()


def analytics_freshness() -> Freshness:
    """The copy pages read, and whether the data has changed since it was taken. A change it does not include
    (recorded, or seen in the row counts) queues a recompute; so does a copy older than
    SENDREFORM_ANALYTICS_MAX_AGE_SECONDS (edits that keep the row counts and call no hook). With
    SENDREFORM_ANALYTICS_WAIT (tests), the copy is made in the request instead. Raises FiguresNotReady when
    there is no copy yet."""
    copy = AnalyticsCopy.objects.first()
    changed_at = DataChange.objects.aggregate(last=Max("at"))["last"]
    stale = copy is not None and (
        (changed_at is not None and (copy.covers is None or changed_at > copy.covers))
        or copy.data_version != data_version())
    expired = copy is not None and (timezone.now() - copy.made).total_seconds() >= \
        settings.SENDREFORM_ANALYTICS_MAX_AGE_SECONDS
    if copy is None or stale or expired:
        if settings.SENDREFORM_ANALYTICS_WAIT:
            return Freshness(copy=analytics_recompute(), stale=False, changed_at=changed_at)
        _recompute_queue(reason="the data changed" if stale or copy is None else "the figures were old")
        if copy is None:
            raise FiguresNotReady
    return Freshness(copy=copy, stale=stale, changed_at=changed_at)


def analytics_figures(*, copy: AnalyticsCopy, key: str):
    """What the copy's job computed under `key`, or None."""
    row = analytics_open(path=Path(copy.path)).con.execute("SELECT value FROM figures WHERE key = ?",
                                                            [key]).fetchone()
    return pickle.loads(row[0]) if row else None  # noqa: S301 - written by this service's own worker


def analytics_connection_fresh():
    """For a job that must count the data as it stands now (a board pack): the newest copy, made now if the data
    changed since it was taken."""
    try:
        freshness = analytics_freshness()
        copy = freshness.copy if not freshness.stale else analytics_recompute()
    except FiguresNotReady:
        copy = analytics_recompute()
    return analytics_open(path=Path(copy.path))
