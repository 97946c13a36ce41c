""""Bring in data": a file of any registered source (`sendreform.imports.sources`: SEN2, the school census,
NCCIS, GIAS, ...) checked, previewed and only then applied; the imports made, each reversible while it is the
last of its source; and the SEN2 return written from the database. Officers, analysts and administrators
only. The check and preview name children, so each view of an import is recorded in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from sendreform.accounts.services import AUDIT_EXPORT, audit_record
from sendreform.imports.forms import Sen2ExportForm, UploadForm
from sendreform.imports.models import ACTIONS, APPLIED, PREVIEWED, STATUSES, ImportRun
from sendreform.imports.selectors import (
    import_run_read,
    import_runs_list,
    import_sources_last,
    imports_can_run,
)
from sendreform.imports.sen2 import sen2_export_bytes
from sendreform.imports.services import (
    ImportRefused,
    import_cancel,
    import_file_forget,
    import_file_keep,
    import_last_applied,
    import_reverse,
    import_reverse_blockers,
)
from sendreform.imports.sources import report_of, source_get, sources_list
from sendreform.standards.formats import datetime_words
from sendreform.web.tables import Column, Table, rows_from, table_csv_response

ISSUES_SHOWN = 200
TABLE_LABELS = {"establishment": "Settings", "person": "People", "ehc_request": "Requests for assessment",
                "ehc_assessment": "Assessments", "ehc_plan": "EHC plans", "placement": "Placements",
                "sen_need": "Needs", "annual_review": "Annual reviews", "sen_status": "SEN status",
                "attendance": "Attendance", "exclusion": "Suspensions and exclusions",
                "neet_activity": "Education, employment or training (16 to 17)"}


def _importer(request):
    if not imports_can_run(user=request.user):
        raise PermissionDenied("Only council SEND officers, analysts and administrators bring data in.")


def _runs_table() -> Table:
    return Table(
        caption="Imports", csv_url=reverse("imports:runs-csv"),
        empty_text="Nothing has been brought in yet: the data came with the database.",
        columns=[Column("pk", "Import", link_key="url"), Column("at", "Checked"), Column("by", "By"),
                 Column("file", "File"), Column("year", "Collection year"), Column("hash", "SHA-256 (first 12)"),
                 Column("status", "Status"), Column("errors", "Errors", numeric=True),
                 Column("added", "Rows added", numeric=True), Column("changed", "Rows changed", numeric=True),
                 Column("closed", "Rows closed", numeric=True)],
        rows=rows_from(
            import_runs_list(), pk=lambda r: f"{r.source.upper()} {r.pk}",
            url=lambda r: reverse("imports:run", args=[r.pk]), at=lambda r: r.at, by=lambda r: r.by_name,
            file=lambda r: r.file_name, year=lambda r: str(r.collection_year or ""),
            hash=lambda r: r.content_hash[:12], status=lambda r: r.get_status_display(),
            errors=lambda r: r.errors, added=lambda r: _total(r, "added"), changed=lambda r: _total(r, "changed"),
            closed=lambda r: _total(r, "closed")))


def _total(run: ImportRun, kind: str) -> int | None:
    if run.status not in (APPLIED, "reversed"):
        return None
    return sum(c.get(kind, 0) for c in run.counts.values())


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    """Every source with when it was last loaded and by whom, and an upload for each; a POST names its source
    (the page's first, SEN2, when it does not)."""
    _importer(request)
    sources = sources_list()
    forms = {s.key: UploadForm(source=s) for s in sources}
    failed = None
    if request.method == "POST":
        source = source_get(request.POST.get("source") or sources[0].key)
        if source is None:
            raise Http404("No such kind of file")
        form = forms[source.key] = UploadForm(request.POST, request.FILES, source=source)
        if form.is_valid():
            checked = source.check(data=form.data, file_name=form.file_name, user=request.user)
            if not checked.run.errors:
                import_file_keep(run=checked.run, data=form.data)
                source.preview(checked=checked)
            return redirect("imports:run", pk=checked.run.pk)
        failed = form
    lasts = import_sources_last(sources=[s.key for s in sources])
    rows = []
    for s in sources:
        last = lasts[s.key]
        rows.append((s.label, f"Last loaded {datetime_words(last.applied_at)} by {last.by_name} from "
                              f"{last.file_name}" if last else "Not loaded yet"))
    return render(request, "imports/home.html", {
        "form": failed, "uploads": [(s, forms[s.key], lasts[s.key]) for s in sources],
        "export_form": Sen2ExportForm(), "runs": _runs_table(), "sources": rows,
        "waiting": ImportRun.objects.filter(status=PREVIEWED).order_by("-at").first()},
        status=400 if failed is not None else 200)


@login_required
def runs_csv(request):
    _importer(request)
    return table_csv_response(table=_runs_table(), filename="imports.csv")


def _report(run: ImportRun):
    return report_of(file_name=run.file_name, validation=run.report.get("validation") or {})


def _source(run: ImportRun):
    source = source_get(run.source)
    if source is None:
        raise Http404("No such kind of file")
    return source


def _run_tables(run: ImportRun) -> dict[str, Table]:
    report = _report(run)

    def csv_url(key):
        return reverse("imports:run-table-csv", args=[run.pk, key])

    tables = {
        "rules": Table(caption="Failures by rule", csv_url=csv_url("rules"),
                       empty_text="Every rule passed: the file can be submitted.",
                       columns=[Column("rule", "Rule"), Column("severity", "Severity"),
                                Column("count", "Failures", numeric=True)],
                       rows=[{"rule": rule, "severity": sev, "count": n} for rule, sev, n in report.by_rule()]),
        "issues": Table(caption=f"Failures (the first {ISSUES_SHOWN}; every one is in the downloads)"
                        if len(report.issues) > ISSUES_SHOWN else "Failures", csv_url="",
                        empty_text="No failures.",
                        columns=[Column("line", "Line", numeric=True), Column("severity", "Severity"),
                                 Column("rule", "Rule"), Column("person", "Person"), Column("path", "Element"),
                                 Column("value", "Value found"), Column("message", "What is wrong")],
                        rows=[{"line": i.line, "severity": i.severity, "rule": i.rule, "person": i.person,
                               "path": i.path, "value": i.value, "message": i.message}
                              for i in report.issues[:ISSUES_SHOWN]]),
        "counts": Table(caption="What the import changes, by table", csv_url=csv_url("counts"),
                        columns=[Column("table", "Table"), Column("added", "Added", numeric=True),
                                 Column("changed", "Changed", numeric=True), Column("closed", "Closed", numeric=True),
                                 Column("unchanged", "Unchanged", numeric=True)],
                        rows=[{"table": TABLE_LABELS.get(name, name), **c} for name, c in run.counts.items()]),
    }
    examples = []
    for name, kinds in (run.preview.get("examples") or {}).items():
        for kind in ("added", "changed", "closed"):
            for ex in kinds.get(kind, []):
                if kind == "added":
                    what = ", ".join(f"{k} {v}" for k, v in ex["after"].items() if v not in (None, "", False))
                else:
                    what = "; ".join(f"{d['column']}: {d['old']} → {d['new']}" for d in ex["differences"])
                examples.append({"table": TABLE_LABELS.get(name, name), "kind": ACTIONS[kind],
                                 "who": ex.get("label", ""), "what": what})
    tables["examples"] = Table(caption="Examples of the changes", csv_url=csv_url("examples"),
                               empty_text="Nothing would be added, changed or closed: the data already holds this file.",
                               columns=[Column("table", "Table"), Column("kind", "Change"), Column("who", "Who"),
                                        Column("what", "What")], rows=examples)
    return tables


@login_required
def run(request, pk: int):
    _importer(request)
    item = import_run_read(user=request.user, pk=pk, page=request.path)
    report = _report(item)
    last = import_last_applied(source=item.source)
    preview = item.preview or {}
    summary = [("File", item.file_name), ("SHA-256", item.content_hash), ("Checked by", item.by_name),
               ("Checked", item.at), ("Collection year", item.collection_year),
               ("Census date or period", item.period), ("Status", STATUSES[item.status])]
    if item.applied_at:
        summary.append(("Applied", item.applied_at))
    if item.reversed_at:
        summary.append(("Reversed", f"{datetime_words(item.reversed_at)} by {item.reversed_by_name}"))
    blocked = []
    if preview.get("ambiguous"):
        blocked.append("ambiguous")
    if preview.get("unknown_settings") and not preview.get("create_establishments"):
        blocked.append("settings")
    if preview.get("blocked"):
        blocked.append("other")
    return render(request, "imports/run.html", {
        "run": item, "source": source_get(item.source), "report": report, "summary": summary,
        "tables": _run_tables(item), "preview": preview,
        "waiting": item.status == PREVIEWED, "blocked": blocked,
        "reversible": last is not None and last.pk == item.pk})


@login_required
def run_table_csv(request, pk: int, key: str):
    _importer(request)
    tables = _run_tables(import_run_read(user=request.user, pk=pk, page=request.path))
    if key not in tables or key == "issues":
        raise Http404("No such table")
    return table_csv_response(table=tables[key], filename=f"import-{pk}-{key}.csv")


@login_required
def run_report(request, pk: int, fmt: str):
    _importer(request)
    if fmt not in ("csv", "json"):
        raise Http404("No such report format")
    item = import_run_read(user=request.user, pk=pk, page=request.path)
    report = _report(item)
    text = report.csv() if fmt == "csv" else report.json()
    kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    response = HttpResponse(text, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{item.source}-report-{pk}.{fmt}"'
    return response


@login_required
@require_POST
def run_confirm(request, pk: int):
    _importer(request)
    item = import_run_read(user=request.user, pk=pk, page=request.path)
    action = request.POST.get("action")
    try:
        if action == "cancel":
            import_cancel(run=item)
            messages.info(request, f"Nothing was changed: {item.file_name} was not imported, and the file is no "
                                   "longer kept.")
            return redirect("imports:home")
        if item.status != PREVIEWED:
            raise ImportRefused(f"Import {item.pk} is {item.get_status_display().lower()}; only a previewed file "
                                "can be confirmed.")
        source = _source(item)
        checked = source.reopen(run=item)
        create = action == "create" or bool(item.preview.get("create_establishments"))
        before = item.counts
        preview = source.preview(checked=checked, create_establishments=create)
        if action == "create":
            messages.info(request, "The preview now includes creating the settings that were not stored. Check it "
                                   "again, then confirm.")
            return redirect("imports:run", pk=pk)
        if action != "apply":
            raise ImportRefused("Choose to import the file or cancel it.")
        if preview.plan.counts() != before:
            messages.warning(request, "Nothing was changed: the data changed since the preview (another import or "
                                      "an edit). This is the new preview; check it again, then confirm.")
            return redirect("imports:run", pk=pk)
        source.apply(checked=checked, preview=preview)
        import_file_forget(run=item)
    except ImportRefused as error:
        messages.warning(request, str(error))
        return redirect("imports:run", pk=pk)
    changed = preview.plan.changes
    messages.success(request, f"{item.file_name} imported: {changed:,} rows added, changed or closed."
                     if changed else f"{item.file_name} imported: the data already held everything in it, so "
                                     "nothing changed.")
    return redirect("imports:run", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def run_reverse(request, pk: int):
    _importer(request)
    item = import_run_read(user=request.user, pk=pk, page=request.path)
    if request.method == "POST":
        try:
            counts = import_reverse(run=item, user=request.user)
        except ImportRefused as error:
            messages.warning(request, str(error))
            return redirect("imports:run-reverse", pk=pk)
        messages.success(request, f"Import {pk} of {item.file_name} reversed: {counts.get('removed', 0):,} rows "
                                  f"removed and {counts.get('restored', 0):,} put back as they were.")
        return redirect("imports:run", pk=pk)
    return render(request, "imports/reverse.html", {
        "run": item, "blockers": import_reverse_blockers(run=item), "changes": item.changes.count(),
        "tables": _run_tables(item)})


@login_required
def sen2_export(request):
    _importer(request)
    form = Sen2ExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "imports/export.html", {"form": form}, status=400 if request.GET else 200)
    year = form.cleaned_data["year"]
    data, summary, report = sen2_export_bytes(year=year)
    return render(request, "imports/export.html", {
        "form": form, "year": year, "summary": summary, "report": report, "size": len(data),
        "counts": Table(caption=f"The SEN2 {year} return from the database, by module", csv_url="",
                        columns=[Column("module", "Module"), Column("count", "Records", numeric=True)],
                        rows=[{"module": m, "count": summary.counts.get(m, 0)} for m in _modules()])})


def _modules():
    from sendreform.sen2.writer import MODULES

    return MODULES


@login_required
def sen2_export_file(request, year: int):
    _importer(request)
    form = Sen2ExportForm({"year": year})
    if not form.is_valid():
        raise Http404("No such collection year")
    data, summary, report = sen2_export_bytes(year=year)
    audit_record(user=request.user, action=AUDIT_EXPORT, page=request.path,
                 detail=f"SEN2 {year} return: {summary.counts.get('Person', 0)} people")
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="sen2_{year}.xml"'
    return response


@login_required
def tables_template(request):
    """The template workbook of the canonical tables (no data in it)."""
    _importer(request)
    from sendreform.imports.workbook import tables_workbook

    response = HttpResponse(tables_workbook(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="sendreform-tables-template.xlsx"'
    return response


@login_required
def tables_export_file(request):
    """Every canonical table of the database as a .zip of canonical CSV files, which `import tables` reads back.
    Child-level data: recorded in the audit log."""
    _importer(request)
    from sendreform.imports.workbook import tables_export_zip

    data, written = tables_export_zip()
    audit_record(user=request.user, action=AUDIT_EXPORT, page=request.path,
                 detail=f"canonical tables as CSV: {sum(written.values()):,} rows")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="sendreform-tables.zip"'
    return response
