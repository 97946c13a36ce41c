"""Returns: the calendar made into rows, generating a return's files as a background job, and its status moving
through checked, signed off and submitted (ADR 27).

What each file holds:
- the quarterly key-metrics return: every indicator the area's layout maps, at the quarter's end (counts of events
  over the quarter itself), suppressed as every figure leaving the council is; one file, which board members
  and the parent carer forum see too once it is signed off;
- the data template: the counts the DfE asks for, whole, with no suppression (it goes to the DfE, as SEN2 does),
  and a suppressed copy, which is what board members and the forum see;
- SEN2: the child-level XML the DfE collects, for the council only.
Each names the snapshot it came from: the content hash of the canonical tables as they stood on its date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sendreform.forecasting.selectors import summary_with_accuracy
from sendreform.jobs.models import QUEUED
from sendreform.metrics import engine, report
from sendreform.metrics.catalogue import CATALOGUE
from sendreform.returns.layout import Layout, layout_load, lsrp_mapping_load, quarter_before, quarter_bounds
from sendreform.returns.models import CHECKED, DRAFT, SIGNED_OFF, SUBMITTED, Return, ReturnFile
from sendreform.returns.quarterly import QuarterValue, quarterly_checks, quarterly_workbook
from sendreform.returns.selectors import latest_file
from sendreform.standards import periods
from sendreform.standards.formats import date_words, datetime_words
from sendreform.standards.suppression import SUPPRESSED, suppress_breakdown

Progress = Callable[[str, int, int], None]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReturnStateError(ValueError):
    """A step the return's status does not allow (sign-off before the check, a second submission)."""


def layout_current() -> Layout:
    """The area's returns file (SENDREFORM_RETURNS_LAYOUT); PlanFileError names its line if malformed."""
    return layout_load(settings.SENDREFORM_RETURNS_LAYOUT)


@transaction.atomic
def returns_sync(*, layout: Layout) -> list[Return]:
    """A row for each return the calendar owes (its due date kept up to date); nothing else is changed."""
    out = []
    for owed in layout.calendar:
        ret, created = Return.objects.get_or_create(kind=owed.kind, period=owed.period, defaults={"due": owed.due})
        if not created and ret.due != owed.due:
            Return.objects.filter(pk=ret.pk).update(due=owed.due)
            ret.due = owed.due
        out.append(ret)
    return out


# ------------------------------------------------------------------------------------------- generating


@transaction.atomic
def return_generate_start(*, ret: Return, by):
    """Record the file(s) and start the job that makes them; returns the job (its page follows it)."""
    from sendreform.jobs.services import job_start

    copies = [False, True] if ret.kind == "data_template" else [ret.kind == "quarterly"]
    files = [ReturnFile.objects.create(ret=ret, suppressed=s, status=QUEUED, created_by=by) for s in copies]
    job = job_start(kind="return", title=f"{ret}: generating", target="sendreform.returns.services.return_generate_job",
                    params={"return_id": ret.pk, "file_ids": [f.pk for f in files]}, by=by)
    ReturnFile.objects.filter(pk__in=[f.pk for f in files]).update(job=job)
    return job


def return_generate_job(*, params: dict, progress: Progress, job=None) -> str:
    """The background job: make the return's files, store them and put the return back to draft."""
    ret = Return.objects.get(pk=params["return_id"])
    files = list(ReturnFile.objects.filter(pk__in=params["file_ids"]).order_by("suppressed"))
    made = return_files_make(ret=ret, suppressed=[f.suppressed for f in files], progress=progress)
    with transaction.atomic():
        for f, (name, content, snapshot_as_at, snapshot_hash, checks, summary) in zip(files, made, strict=True):
            f.name, f.content, f.sha256 = name, content, hashlib.sha256(content).hexdigest()
            f.snapshot_as_at, f.snapshot_hash, f.checks, f.summary = snapshot_as_at, snapshot_hash, checks, summary
            f.save(update_fields=["name", "content", "sha256", "snapshot_as_at", "snapshot_hash", "checks",
                                  "summary"])
        Return.objects.filter(pk=ret.pk).update(status=DRAFT, checked_by=None, checked_at=None, signed_off_by=None,
                                                signed_off_by_name="", signed_off_at=None, signed_off_file=None,
                                                submitted_by=None, submitted_at=None)
    return reverse("returns:detail", args=[ret.pk])


def return_files_make(*, ret: Return, suppressed: list[bool], progress: Progress | None = None) -> list[tuple]:
    """Each file as (name, bytes, snapshot date, snapshot hash, checks, summary), one per `suppressed` flag."""
    progress = progress or (lambda stage, done, total: None)
    if ret.kind == "quarterly":
        return [quarterly_make(quarter=ret.period, layout=layout_current(), progress=progress)]
    if ret.kind == "sen2":
        return [_sen2_make(year=int(ret.period), progress=progress)]
    return data_template_make(as_at=_today(), suppressed=suppressed, progress=progress)


def _today() -> dt.date:
    return timezone.localdate()


def _snapshot_hash(con, as_at: dt.date) -> str:
    from sendreform.interchange.snapshot import content_hash, tables_as_at
    from sendreform.standards.schemas import TABLE_ORDER

    snapshot = tables_as_at(tables={n: con.table(n) for n in TABLE_ORDER}, as_at=as_at)
    return content_hash(tables={n: con.to_pyarrow(snapshot[n]) for n in TABLE_ORDER})


def _connection():
    from sendreform.indicators.analytics import analytics_connection_fresh

    return analytics_connection_fresh()


def quarterly_values(*, quarter: str, layout: Layout, con) -> list[QuarterValue]:
    """Every mapped indicator at the quarter's end and the quarter's before, suppressed; events counted over the
    quarter itself (`engine.QUARTER`: a calendar quarter is a financial quarter)."""
    start, end = quarter_bounds(quarter)
    previous_end = quarter_bounds(quarter_before(quarter))[1]
    ids = [p.indicator_id for p in layout.placements]
    tables = engine.tables_from_connection(con)
    series = report.catalogue_series(tables, as_ats=[previous_end, end], ids=ids, period=engine.QUARTER,
                                     suppress=True, con=con)
    out = []
    for iid in ids:
        ind = CATALOGUE[iid]
        points = {p["as_at"]: p["value"] for p in series.get(iid, [])}
        out.append(QuarterValue(indicator_id=iid, title=ind.title, unit=ind.unit, value=points.get(end),
                                previous=points.get(previous_end), period_start=start if ind.flow else end,
                                period_end=end, flow=ind.flow))
    return out


def quarterly_make(*, quarter: str, layout: Layout, progress: Progress, con=None) -> tuple:
    progress("Computing the indicators at the quarter's end", 0, 3)
    con = con or _connection()
    values = quarterly_values(quarter=quarter, layout=layout, con=con)
    checks = quarterly_checks(layout=layout, values=values)
    progress("Naming the snapshot", 1, 3)
    end = quarter_bounds(quarter)[1]
    digest = _snapshot_hash(con, end)
    progress("Writing the workbook", 2, 3)
    about = [("Return", f"Quarterly key-metrics return, {quarter}"),
             ("Quarter", f"{date_words(quarter_bounds(quarter)[0])} to {date_words(end)}"),
             ("Values", "As at the quarter's end; counts of events over the quarter itself"),
             ("Suppression", "Every figure leaving the council is suppressed: 'c' where it rests on 1 to 5 "
                             "children (sendreform.standards.suppression)"),
             ("Snapshot", f"The data as it stood on {date_words(end)}, content hash {digest}"),
             ("Layout", f"{layout.source} (change it, not the code, when the DfE's workbook arrives)"),
             ("Generated", f"{datetime_words(timezone.now())}")]
    content = quarterly_workbook(layout=layout, quarter=quarter, values=values, checks=checks, about=about)
    progress("Done", 3, 3)
    return (f"quarterly-return-{quarter}.xlsx", content, end, digest,
            [{"indicator": c.indicator_id, "title": c.title, "kind": c.kind, "reason": c.reason} for c in checks],
            f"{len(values)} indicators, {len(checks)} to look at")


def _sen2_make(*, year: int, progress: Progress) -> tuple:
    from sendreform.imports.sen2 import sen2_export_bytes

    progress("Writing the SEN2 return and validating it", 0, 1)
    census = periods.sen2_census_date(year)
    con = _connection()
    digest = _snapshot_hash(con, census)
    data, summary, rep = sen2_export_bytes(year=year)
    checks = [{"indicator": rule, "title": "SEN2 validation", "kind": severity, "reason": f"{count} record(s)"}
              for rule, severity, count in rep.by_rule()]
    progress("Done", 1, 1)
    return (f"sen2-{year}.xml", data, census, digest, checks, rep.summary())


# ------------------------------------------------------------------------------------------ data template


def metric_rows(*, con, suppress: bool, today: dt.date):
    """The plan's target metrics: baseline, the plan's expected value at each financial year's end, the actual
    at each ended year's end and at the latest quarter end."""
    from sendreform.forecast.template import FINANCIAL_YEARS, MetricRow
    from sendreform.plan.selectors import plan_targets

    targets = plan_targets()
    if targets is None:
        return []
    ids = [iid for iid in CATALOGUE if CATALOGUE[iid].target_metric and targets.get(iid) is not None]
    tables = engine.tables_from_connection(con)
    trajectories = report.trajectories_resolved(tables, ids, targets, con)
    year_ends = {y: periods.financial_year_named(y).end for y in FINANCIAL_YEARS}
    ended = {y: d for y, d in year_ends.items() if d <= today}
    quarter_ends = periods.quarter_ends(min(year_ends.values()) - dt.timedelta(days=365), today)
    latest = quarter_ends[-1] if quarter_ends else None
    as_ats = sorted({*ended.values(), *([latest] if latest else [])})
    series = report.catalogue_series(tables, as_ats=as_ats, ids=ids, suppress=suppress, con=con) if as_ats else {}
    rows = []
    for iid in ids:
        ind, t = CATALOGUE[iid], trajectories[iid]
        hidden = suppress and report.plan_hidden(t)
        points = {p["as_at"]: p["value"] for p in series.get(iid, [])}
        expected = {}
        for y, end in year_ends.items():
            value, _ = report.expected_on(ind, t, end, (periods.financial_year_named(y).start, end))
            expected[y] = SUPPRESSED if hidden else (round(value, 1) if value is not None else None)
        baseline = t.baseline.value if t.baseline else None
        rows.append(MetricRow(
            id=iid, title=ind.title, unit=ind.unit,
            baseline_value=SUPPRESSED if hidden else (round(baseline, 1) if baseline is not None else None),
            baseline_date=t.baseline.date if t.baseline else None, targets=expected,
            actuals={y: points.get(d) for y, d in ended.items()}, latest=points.get(latest) if latest else None,
            latest_as_at=latest, note=t.note or ""))
    return rows


def sections_suppressed(sections: dict) -> dict:
    """The count sections with every small row hidden beside its total ('c'), as
    `standards.suppression.suppress_breakdown` hides a breakdown; a section-year it cannot make safe is withheld."""
    import copy

    from sendreform.standards import lsrp

    out = copy.deepcopy(sections)
    for section in out.values():
        rows = [r for r in section.rows if r != lsrp.TOTAL]
        for year in lsrp.YEARS:
            counts = [section.values[r][year] for r in rows]
            if any(c is None for c in counts):
                continue
            total = section.values[lsrp.TOTAL][year]
            hidden = suppress_breakdown(counts)
            if hidden is None or 1 <= total <= 5:
                hidden = [c != 0 for c in counts]
                if 1 <= total <= 5:
                    section.values[lsrp.TOTAL][year] = SUPPRESSED
            for r, h in zip(rows, hidden, strict=True):
                if h:
                    section.values[r][year] = SUPPRESSED
    return out


def data_template_make(*, as_at: dt.date, suppressed: list[bool], progress: Progress, sims: int | None = None,
                       con=None) -> list[tuple]:
    """The data template (and its suppressed copy): the baseline model run on the census history as at `as_at`,
    the plan's metrics, through the one template writer (`sendreform.forecast.template`)."""
    from sendreform.cli.main import code_version
    from sendreform.forecast.run import forecast_run
    from sendreform.forecast.template import template_values, template_write
    from sendreform.forecasting.services import history_read

    mapping = lsrp_mapping_load(settings.SENDREFORM_LSRP_MAPPING)
    history = history_read(as_at=as_at, progress=progress)
    sims = sims or settings.SENDREFORM_RETURNS_SIMS
    run = forecast_run(history=history, years=5, sims=sims, code_version=code_version(), progress=progress)
    sections = template_values(sim=run.baseline, history=history, mapping=mapping)
    progress("Computing the plan's metrics", 0, 1)
    con = con or _connection()
    digest = _snapshot_hash(con, as_at)
    out = []
    for suppress in suppressed:
        rows = metric_rows(con=con, suppress=suppress, today=as_at)
        with tempfile.TemporaryDirectory() as folder:
            path = template_write(path=Path(folder) / "t.xlsx", history=history, summary=summary_with_accuracy(run.summary),
                                  sections=sections_suppressed(sections) if suppress else sections,
                                  metrics=rows, mapping=mapping)
            content = path.read_bytes()
        name = f"data-template-{as_at.isoformat()}{'-suppressed' if suppress else ''}.xlsx"
        out.append((name, content, as_at, digest, [], f"January {history.last_year} census; {sims:,} simulations; "
                    f"{len(rows)} target metrics" + ("; suppressed for the board and forum" if suppress else "")))
    return out


# -------------------------------------------------------------------------------------------- the status


@transaction.atomic
def return_check(*, ret: Return, by) -> Return:
    """Someone has looked at the latest file and its checks."""
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if ret.status != DRAFT or latest_file(ret=ret) is None:
        raise ReturnStateError("Only a draft with a generated file can be marked as checked.")
    ret.status, ret.checked_by, ret.checked_at = CHECKED, by, timezone.now()
    ret.save(update_fields=["status", "checked_by", "checked_at"])
    return ret


@transaction.atomic
def return_sign_off(*, ret: Return, by) -> Return:
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if ret.status != CHECKED:
        raise ReturnStateError("A return is signed off once it has been checked.")
    ret.status, ret.signed_off_by, ret.signed_off_by_name = SIGNED_OFF, by, by.username
    ret.signed_off_at, ret.signed_off_file = timezone.now(), latest_file(ret=ret)
    ret.save(update_fields=["status", "signed_off_by", "signed_off_by_name", "signed_off_at", "signed_off_file"])
    return ret


@transaction.atomic
def return_submit(*, ret: Return, by) -> Return:
    ret = Return.objects.select_for_update().get(pk=ret.pk)
    if ret.status != SIGNED_OFF:
        raise ReturnStateError("A return is submitted once it has been signed off.")
    ret.status, ret.submitted_by, ret.submitted_at = SUBMITTED, by, timezone.now()
    ret.save(update_fields=["status", "submitted_by", "submitted_at"])
    return ret
