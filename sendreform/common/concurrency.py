"""Many people at once (ADR 13): optimistic locking of shared work, and writes that wait out a busy database.

Optimistic locking: every item people edit together (a milestone, a risk, a decision, a triage ...) has a
`version` column. A form carries the version it was shown at; the service saves it with one conditional
`UPDATE ... SET version = version + 1 WHERE pk = ... AND version = <shown>`. Of two people who saved at once
the database lets exactly one through; the other gets `EditConflict` with the item as it is stored now, and
the page answers 409 with the stored state and the person's own values kept in the form
(`includes/conflict.html`).

Busy database: on SQLite only one connection writes at a time. `when_busy_retry` runs a short write in its own
transaction (BEGIN IMMEDIATE on SQLite, which waits for the write lock for the busy timeout) and tries again,
with a growing pause, while the database answers "locked"; when it never gets through it raises
`DatabaseBusy`, which `RequestLimitsMiddleware` (middleware.py) shows as a 503 "try again" page, not a 500.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Model

from sendreform.standards.formats import date_words

log = logging.getLogger(__name__)
T = TypeVar("T")


class EditConflict(Exception):
    """Someone else saved this item after the form was shown: `current` is the item as stored now."""

    def __init__(self, current: Model):
        super().__init__(f"{current._meta.verbose_name} {current.pk} was changed by someone else")
        self.current = current


def version_field(*, required: bool = True) -> forms.IntegerField:
    """The hidden form field that carries the version an edit form was shown at."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=required)


def version_update(item: Model, *, version: int, fields: list[str]) -> None:
    """Save `fields` of `item` only if its stored row is still at `version`, and move it to the next version.

    Raises EditConflict, holding the row as stored now, when someone else saved it first. Call it inside the
    service's transaction, after the item's fields have been set.
    """
    model = type(item)
    values = {model._meta.get_field(name).attname: getattr(item, model._meta.get_field(name).attname)
              for name in fields}
    updated = model._default_manager.filter(pk=item.pk, version=version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise EditConflict(model._default_manager.get(pk=item.pk))
    item.version = version + 1


class DatabaseBusy(Exception):
    """A write could not get the database in time, however often it tried."""


def is_busy(error: BaseException) -> bool:
    """Whether a database error means "busy, try later": SQLite's locked database or table."""
    return isinstance(error, OperationalError) and "locked" in str(error)


def when_busy_retry(write: Callable[[], T]) -> T:
    """Run `write` in its own (short) transaction, again after a growing pause while the database is busy, for
    at most SENDREFORM_BUSY_RETRY_SECONDS; then raise DatabaseBusy.

    Each try already waits up to the connection's busy timeout for the write lock; trying again covers a write
    that held the lock for longer, and the cases that answer "locked" at once (SQLite's shared cache in tests).
    Inside an outer transaction a try is a savepoint, so a failed try leaves the outer transaction usable.
    """
    give_up = time.monotonic() + settings.SENDREFORM_BUSY_RETRY_SECONDS
    pause = 0.05
    while True:
        try:
            with transaction.atomic():
                return write()
        except OperationalError as error:
            if not is_busy(error):
                raise
            if time.monotonic() + pause > give_up:
                raise DatabaseBusy(str(error)) from error
            log.warning("database busy, trying again in %.2f s: %s", pause, error)
            time.sleep(pause)
            pause = min(pause * 2, 1.0)


def _shown(field: forms.Field, value) -> str:
    """A value as the conflict page shows it: a choice by its label, a list a line each, a date in words."""
    if value is None or value == "":
        return ""
    if hasattr(field, "shown"):
        return field.shown(value)
    if isinstance(value, list | tuple):
        return "\n".join(_shown(field, v) for v in value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, dt.date):
        return date_words(value)
    choices = dict(getattr(field, "choices", None) or ())
    return str(choices.get(value, choices.get(str(value), value)))


def edit_conflict(*, form: forms.Form, what: str, current: Model | None = None, versions: dict[str, int] | None = None,
                  stored: dict[str, object] | None = None, by: str = "") -> dict:
    """The context of `includes/conflict.html` for a valid `form` whose save met EditConflict.

    Each field of the form is shown as stored now beside what this person entered: by default the attribute of
    the same name of `current` (the item as stored now), or `stored` for a form shaped otherwise. The person's
    entries stay in the form, and its hidden version field moves on to `current.version` (or each field of
    `versions` to its version), so that saving again knowingly replaces what is stored. `by` names who saved
    it, where known. The page answers with status 409.
    """
    if versions is None:
        versions = {"version": current.version}
    if stored is None:
        stored = {name: getattr(current, name) for name in form.fields if name not in versions}
    data = form.data.copy()
    for name, version in versions.items():
        data[form.add_prefix(name)] = str(version)
    form.data = data
    rows = []
    for name, value in stored.items():
        field = form.fields[name]
        saved, entered = _shown(field, value), _shown(field, form.cleaned_data.get(name))
        if saved != entered:
            rows.append({"label": field.label, "saved": saved, "entered": entered})
    return {"conflict": {"what": what, "rows": rows, "by": by}}
