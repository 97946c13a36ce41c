"""Reads of the import records: who may bring data in, the list of imports, and one import's check and
preview, whose people are child-level data and so are read only through `import_run_read` (audited)."""

from __future__ import annotations

from django.http import Http404

from sendreform.accounts import roles
from sendreform.accounts.services import AUDIT_IMPORT_READ, audit_record
from sendreform.imports.models import ImportRun

IMPORT_ROLES = frozenset({roles.OFFICER, roles.ANALYST, roles.ADMIN})


def imports_can_run(*, user) -> bool:
    """Only council SEND officers, analysts and administrators bring data in (or see what was brought in)."""
    return bool(user and user.is_authenticated and getattr(user, "role", None) in IMPORT_ROLES)


def import_runs_list(*, source: str | None = None, limit: int = 200):
    runs = ImportRun.objects.all()
    if source:
        runs = runs.filter(source=source)
    return list(runs[:limit])


def import_sources_last(*, sources) -> dict[str, ImportRun | None]:
    """The last applied import of each source: when each was last loaded and by whom."""
    from sendreform.imports.services import import_last_applied

    return {source: import_last_applied(source=source) for source in sources}


def import_run_read(*, user, pk: int, page: str) -> ImportRun:
    """One import with its report and preview, for a user who may bring data in; the read is recorded in the
    audit log, since the report and preview name children."""
    if not imports_can_run(user=user):
        raise Http404("No such import")
    run = ImportRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404("No such import")
    issues = len((run.report.get("validation") or {}).get("issues", []))
    audit_record(user=user, action=AUDIT_IMPORT_READ, page=page,
                 detail=f"{run.source} import {run.pk} of {run.file_name}: {issues} issues, {run.status}")
    return run
