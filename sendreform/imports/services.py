"""The one import pattern every source uses (ADR 18): check -> preview -> confirm -> record -> reverse.

A source (SEN2 today; the school census, NCCIS, GIAS and the council's own tables later) reads and
validates its file, matches people with `people_match`, and hands this module the rows it would write to
the canonical tables as `RowIn`s. Here, and only here:

- `changes_plan` compares them with what is stored: per table, the rows added, changed (old -> new),
  closed and unchanged, with examples. It reads; nothing is written.
- `import_check` records the run (who, when, file name and hash, the validation report); `import_preview`
  records its counts. Neither touches a canonical table.
- `import_apply` writes the plan in one transaction and keeps every row's values before and after as an
  `ImportChange`; the same file twice changes nothing.
- `import_reverse` puts back the last applied import of a source: rows it added are removed, rows it changed
  or closed get their values before; refused, naming the rows, when a later import or an edit in the app
  has changed them since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from sendreform.accounts.services import AUDIT_IMPORT, audit_record, command_line_username
from sendreform.imports.models import (
    ADDED,
    APPLIED,
    CHANGED,
    CHECKED,
    CLOSED,
    PREVIEWED,
    REVERSED,
    ImportChange,
    ImportRun,
)
from sendreform.standards.schemas import TABLE_ORDER

EXAMPLES = 5
CHUNK = 500


class ImportRefused(Exception):
    """An import that cannot go on as it stands; the message says why in words for the officer."""


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _models() -> dict:
    return {m._meta.db_table: m for m in apps.get_models() if m._meta.db_table in TABLE_ORDER}


def _fields(model) -> list:
    return [f for f in model._meta.concrete_fields]


def _plain(value):
    """A stored value as JSON can keep it (and compare it)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row_plain(model, values: dict) -> dict:
    """Every column of `values` held by `model`, each through its field, as plain JSON values."""
    out = {}
    for f in _fields(model):
        if f.attname in values:
            v = values[f.attname]
            out[f.attname] = _plain(None if v is None else f.to_python(v))
    return out


def _row_python(model, plain: dict) -> dict:
    by_name = {f.attname: f for f in _fields(model)}
    return {name: (None if v is None else by_name[name].to_python(v)) for name, v in plain.items()}


# ------------------------------------------------------------------------------------------ the file kept


def _file_path(run: ImportRun):
    from pathlib import Path

    from django.conf import settings

    return Path(settings.SENDREFORM_IMPORT_DIR) / f"{run.source}-{run.pk}-{run.content_hash[:16]}"


def import_file_keep(*, run: ImportRun, data: bytes) -> None:
    """Keep an uploaded file until its import is confirmed or cancelled (the page reads it again then)."""
    path = _file_path(run)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def import_file_read(*, run: ImportRun) -> bytes:
    """The file kept for `run`, checked against the hash recorded when it was checked."""
    try:
        data = _file_path(run).read_bytes()
    except FileNotFoundError:
        raise ImportRefused(f"{run.file_name} is no longer kept (it was confirmed or cancelled): upload it again.") from None
    if file_hash(data) != run.content_hash:
        raise ImportRefused(f"The file kept for import {run.pk} is not the one checked: upload it again.")
    return data


def import_file_forget(*, run: ImportRun) -> None:
    """Delete the kept file: the import record keeps its name, hash, report and changes, not the file."""
    _file_path(run).unlink(missing_ok=True)


def import_cancel(*, run: ImportRun) -> ImportRun:
    """The officer decided not to apply a checked or previewed file: it is forgotten and the run stays a
    record of the check."""
    if run.status not in (CHECKED, PREVIEWED):
        raise ImportRefused(f"Import {run.pk} was {run.status}; only a waiting import can be cancelled.")
    import_file_forget(run=run)
    run.status = CHECKED
    run.save(update_fields=["status"])
    return run


# ------------------------------------------------------------------------------------------ people


@dataclass(frozen=True)
class PersonIn:
    """A person as a source names them; `ref` says where in the file (for messages and the preview)."""

    ref: str
    surname: str
    forename: str
    birth_date: dt.date | None
    upn: str | None = None
    uln: str | None = None


@dataclass
class Matching:
    """Which stored person each incoming person is: matched (index -> person id and how), new, ambiguous
    (index -> why). Any ambiguous person stops the import until the records are put right."""

    matched: dict[int, tuple[str, str]] = field(default_factory=dict)
    new: list[int] = field(default_factory=list)
    ambiguous: dict[int, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        by_how: dict[str, int] = defaultdict(int)
        for _, how in self.matched.values():
            by_how[how] += 1
        return {"matched": len(self.matched), "new": len(self.new), "ambiguous": len(self.ambiguous),
                **{f"matched by {how}": n for how, n in sorted(by_how.items())}}


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _name(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def people_match(*, people: list[PersonIn]) -> Matching:
    """Match each incoming person to a stored one: by UPN, then ULN, then surname + forename + date of birth.

    A ULN or a name and birth date held by more than one stored person, a name and birth date whose stored
    person has a different UPN, and two incoming people who match the same stored person are ambiguous.
    """
    from sendreform.people.models import Person

    stored = Person._base_manager
    columns = ("person_id", "upn", "uln", "surname", "forename", "birth_date")
    by_upn: dict[str, dict] = {}
    by_uln: dict[str, list[dict]] = defaultdict(list)
    by_name: dict[tuple, list[dict]] = defaultdict(list)
    upns = sorted({p.upn.upper() for p in people if p.upn})
    for part in _chunks(upns):
        for row in stored.filter(upn__in=part).values(*columns):
            by_upn[row["upn"].upper()] = row
    ulns = sorted({p.uln for p in people if p.uln})
    for part in _chunks(ulns):
        for row in stored.filter(uln__in=part).values(*columns):
            by_uln[row["uln"]].append(row)
    births = sorted({p.birth_date for p in people if p.birth_date})
    for part in _chunks(births):
        for row in stored.filter(birth_date__in=part).values(*columns):
            by_name[(_name(row["surname"]), _name(row["forename"]), row["birth_date"])].append(row)

    result = Matching()
    claimed: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(people):
        upn = (p.upn or "").upper()
        if upn and upn in by_upn:
            found, how = [by_upn[upn]], "UPN"
        elif p.uln and by_uln.get(p.uln):
            found, how = by_uln[p.uln], "ULN"
        else:
            found = by_name.get((_name(p.surname), _name(p.forename), p.birth_date), [])
            how = "name and date of birth"
            if upn:
                different = [r for r in found if r["upn"] and r["upn"].upper() != upn]
                if different:
                    result.ambiguous[i] = (f"{p.ref}: the same name and date of birth as {different[0]['person_id']}, "
                                           f"who has another UPN ({different[0]['upn']})")
                    continue
        if not found:
            result.new.append(i)
        elif len(found) > 1:
            ids = ", ".join(r["person_id"] for r in found[:5])
            result.ambiguous[i] = f"{p.ref}: matches {len(found)} stored people by {how} ({ids})"
        else:
            result.matched[i] = (found[0]["person_id"], how)
            claimed[found[0]["person_id"]].append(i)
    for person_id, indexes in claimed.items():
        if len(indexes) > 1:
            refs = "; ".join(people[i].ref for i in indexes)
            for i in indexes:
                result.matched.pop(i, None)
                result.ambiguous[i] = f"{people[i].ref}: the file holds {len(indexes)} people who match {person_id} ({refs})"
    return result


def people_summary(*, matching: Matching, people: list[PersonIn], examples: int = 10) -> dict:
    """How a file's people matched, for the preview: the counts, every ambiguous person and examples of the new
    and the matched (each source adds what it knows besides)."""
    m = matching
    return {
        **m.counts(),
        "ambiguous_people": [m.ambiguous[i] for i in sorted(m.ambiguous)],
        "new_examples": [people[i].ref for i in m.new[:examples]],
        "matched_examples": [f"{people[i].ref}: {pid} by {how}" for i, (pid, how) in sorted(m.matched.items())[:examples]],
    }


# ------------------------------------------------------------------------------------------ the plan


@dataclass(frozen=True)
class RowIn:
    """A row a source would write: its canonical columns (by model attribute name, foreign keys as *_id).
    A row without its primary key (a need, keyed by the database) is added. `closes` marks a stored row the
    source ends (an end date set); `label` names it in the preview's examples."""

    table: str
    values: dict
    closes: bool = False
    label: str = ""


@dataclass
class TablePlan:
    added: list[dict] = field(default_factory=list)
    changed: list[tuple[str, dict, dict]] = field(default_factory=list)  # (key, before, after), plain values
    closed: list[tuple[str, dict, dict]] = field(default_factory=list)
    unchanged: int = 0
    labels: dict[int, str] = field(default_factory=dict)  # id() of an added row or key -> label

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "closed": len(self.closed),
                "unchanged": self.unchanged}


@dataclass
class Plan:
    tables: dict[str, TablePlan]

    def counts(self) -> dict[str, dict[str, int]]:
        return {name: t.counts() for name, t in self.tables.items()}

    @property
    def changes(self) -> int:
        return sum(c["added"] + c["changed"] + c["closed"] for c in self.counts().values())

    def examples(self, *, limit: int = EXAMPLES) -> dict[str, dict[str, list[dict]]]:
        """Per table, up to `limit` rows of each kind: what is added, and what changes from what to what."""
        out = {}
        for name, t in self.tables.items():
            added = [{"label": t.labels.get(i, ""), "after": row} for i, row in enumerate(t.added[:limit])]
            changed = [{"label": t.labels.get(key, key), "key": key, "differences": _differences(before, after)}
                       for key, before, after in t.changed[:limit]]
            closed = [{"label": t.labels.get(key, key), "key": key, "differences": _differences(before, after)}
                      for key, before, after in t.closed[:limit]]
            out[name] = {"added": added, "changed": changed, "closed": closed}
        return out


def _differences(before: dict, after: dict) -> list[dict]:
    return [{"column": k, "old": before.get(k), "new": v} for k, v in after.items() if before.get(k) != v]


def changes_plan(*, rows: Iterable[RowIn]) -> Plan:
    """Compare the rows a source would write with what is stored. Reads only."""
    models = _models()
    by_table: dict[str, list[RowIn]] = defaultdict(list)
    for row in rows:
        by_table[row.table].append(row)
    plan = Plan(tables={})
    for name in TABLE_ORDER:
        if name not in by_table:
            continue
        model = models[name]
        pk = model._meta.pk.attname
        incoming = by_table[name]
        keys = [r.values[pk] for r in incoming if r.values.get(pk) is not None]
        stored: dict[str, dict] = {}
        columns = [f.attname for f in _fields(model)]
        for part in _chunks(sorted({str(k) for k in keys})):
            for row in model._base_manager.filter(pk__in=part).values(*columns):
                stored[str(row[pk])] = _row_plain(model, row)
        t = plan.tables[name] = TablePlan()
        for r in incoming:
            after = _row_plain(model, r.values)
            key = r.values.get(pk)
            before = stored.get(str(key)) if key is not None else None
            if before is None:
                t.labels[len(t.added)] = r.label
                t.added.append(after)
                continue
            key = str(key)
            if all(before.get(k) == v for k, v in after.items()):
                t.unchanged += 1
                continue
            t.labels[key] = r.label
            full_after = {**before, **after}
            (t.closed if r.closes else t.changed).append((key, before, full_after))
    return plan


# ------------------------------------------------------------------------------------------ the run


def import_check(*, source: str, user=None, by_name: str = "", file_name: str, data: bytes,
                 collection_year: int | None, period: str = "", report: dict, errors: int,
                 queries: int) -> ImportRun:
    """Record that a file was read and checked (its report kept). Stores nothing in the canonical tables."""
    return ImportRun.objects.create(
        source=source, by=user if getattr(user, "pk", None) else None,
        by_name=(by_name or getattr(user, "username", "") or "")[:150], file_name=file_name[-255:],
        content_hash=file_hash(data), collection_year=collection_year, period=period[:40], status=CHECKED,
        report=report, errors=errors, queries=queries)


def import_preview(*, run: ImportRun, plan: Plan, people: dict) -> ImportRun:
    """Record the preview: counts per table, examples of each, and how people matched (`people`, from the
    source). Nothing is written to the canonical tables."""
    if run.status not in (CHECKED, PREVIEWED):
        raise ImportRefused(f"Import {run.pk} was {run.status}; check the file again to preview it.")
    if run.errors:
        raise ImportRefused(f"{run.file_name} has {run.errors} error(s): nothing can be imported from it.")
    run.counts, run.status = plan.counts(), PREVIEWED
    run.preview = {**people, "examples": plan.examples()}
    run.save(update_fields=["counts", "preview", "status"])
    return run


def _write(model, plan: TablePlan) -> list[tuple[str, str, dict | None, dict]]:
    """Write one table's part of a plan; returns (action, key, before, after) for the change log."""
    pk = model._meta.pk.attname
    log = []
    if plan.added:
        objs = [model(**_row_python(model, row)) for row in plan.added]
        model._base_manager.bulk_create(objs, batch_size=CHUNK)
        for obj, row in zip(objs, plan.added, strict=True):
            key = getattr(obj, pk)
            log.append((ADDED, str(key), None, {**row, pk: _plain(key)}))
    for action, items in ((CHANGED, plan.changed), (CLOSED, plan.closed)):
        if not items:
            continue
        objs = [model(**_row_python(model, after)) for _, _, after in items]
        columns = sorted({k for _, before, after in items for k in after if before.get(k) != after[k]} - {pk})
        model._base_manager.bulk_update(objs, columns, batch_size=CHUNK)
        log.extend((action, key, before, after) for key, before, after in items)
    return log


def import_apply(*, run: ImportRun, plan: Plan) -> ImportRun:
    """Write the plan in one transaction, recording each row's values before and after. A plan with no
    changes (the same file again) writes nothing but the record that it was confirmed."""
    if run.status != PREVIEWED:
        raise ImportRefused(f"Import {run.pk} was {run.status}: only a previewed import can be confirmed.")
    models = _models()
    with transaction.atomic():
        changes = []
        for name in TABLE_ORDER:
            if name in plan.tables:
                for action, key, before, after in _write(models[name], plan.tables[name]):
                    changes.append(ImportChange(run=run, table=name, key=key, action=action, before=before,
                                                after=after))
        ImportChange.objects.bulk_create(changes, batch_size=CHUNK)
        run.counts, run.status, run.applied_at = plan.counts(), APPLIED, timezone.now()
        run.save(update_fields=["counts", "status", "applied_at"])
        _audit(user=run.by, by_name=run.by_name, detail=f"{run.source.upper()} import {run.pk} of {run.file_name}")
    data_changed(reason=f"{run.source.upper()} import {run.pk} of {run.file_name}")
    return run


def _audit(*, user, by_name: str, detail: str) -> None:
    who = user if getattr(user, "pk", None) else None
    audit_record(user=who, username="" if who else (by_name or command_line_username()),
                 action=AUDIT_IMPORT, detail=detail)


def import_last_applied(*, source: str) -> ImportRun | None:
    return ImportRun.objects.filter(source=source, status=APPLIED).order_by("-applied_at", "-pk").first()


def import_reverse_blockers(*, run: ImportRun, limit: int = EXAMPLES) -> list[str]:
    """Why `run` cannot be reversed, in words: empty when it can. Only the last applied import of its source
    is reversed; its rows must not have been touched by a later import or edited since."""
    last = import_last_applied(source=run.source)
    if run.status != APPLIED or last is None or last.pk != run.pk:
        return [f"Only the last applied {run.source.upper()} import can be reversed; import {run.pk} is "
                f"{'not the last' if run.status == APPLIED else run.status}."]
    reasons = []
    later = ImportChange.objects.filter(run__status=APPLIED, run__applied_at__gt=run.applied_at)
    touched = {(c.table, c.key) for c in run.changes.all()}
    for change in later.select_related("run"):
        if (change.table, change.key) in touched:
            reasons.append(f"{change.table} {change.key} was {change.action} again by the later "
                           f"{change.run.source.upper()} import {change.run.pk} of {change.run.file_name}; reverse "
                           "that first")
            if len(reasons) >= limit:
                return reasons
    models = _models()
    for change in run.changes.all():
        model = models[change.table]
        columns = list(change.after)
        now = model._base_manager.filter(pk=change.key).values(*columns).first()
        if now is None:
            reasons.append(f"{change.table} {change.key}, {change.action} by this import, has since been deleted")
        elif _row_plain(model, now) != change.after:
            differ = ", ".join(k for k in columns if _row_plain(model, now).get(k) != change.after.get(k))
            reasons.append(f"{change.table} {change.key} has been edited since this import ({differ})")
        if len(reasons) >= limit:
            break
    return reasons


def import_reverse(*, run: ImportRun, user=None, by_name: str = "") -> dict[str, int]:
    """Put back every row `run` wrote: added rows removed, changed and closed rows given their values before.
    Refused (ImportRefused naming the rows) unless `import_reverse_blockers` finds nothing. One transaction."""
    models = _models()
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        blockers = import_reverse_blockers(run=run)
        if blockers:
            raise ImportRefused("The import was not reversed: " + "; ".join(blockers) + ".")
        changes = list(run.changes.all())
        counts: dict[str, int] = defaultdict(int)
        for name in reversed(TABLE_ORDER):
            model = models.get(name)
            mine = [c for c in changes if c.table == name]
            if not mine:
                continue
            added = [c.key for c in mine if c.action == ADDED]
            for part in _chunks(added):
                model._base_manager.filter(pk__in=part).delete()
            put_back = [c for c in mine if c.action != ADDED]
            if put_back:
                objs = [model(**_row_python(model, c.before)) for c in put_back]
                columns = sorted({k for c in put_back for k in c.before} - {model._meta.pk.attname})
                model._base_manager.bulk_update(objs, columns, batch_size=CHUNK)
            counts["removed"] += len(added)
            counts["restored"] += len(put_back)
        run.status, run.reversed_at = REVERSED, timezone.now()
        run.reversed_by_name = (by_name or getattr(user, "username", "") or "")[:150]
        run.save(update_fields=["status", "reversed_at", "reversed_by_name"])
        _audit(user=user, by_name=run.reversed_by_name,
               detail=f"{run.source.upper()} import {run.pk} of {run.file_name} reversed")
    data_changed(reason=f"{run.source.upper()} import {run.pk} reversed")
    return dict(counts)


def data_changed(*, reason: str) -> None:
    """The one call site after canonical data changes under an import: the dashboard's figures are recomputed
    in the background (`indicators.analytics.data_changed`, ADR 15) and the cached figures forgotten."""
    from django.core.cache import cache

    from sendreform.indicators.analytics import data_changed as figures_recompute

    cache.clear()
    figures_recompute(reason=reason)
