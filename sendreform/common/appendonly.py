"""Append-only tables: the audit log and the plan's history of changes are records, so nobody changes or deletes
a row of them once written, administrators included (ADR 20).

Three layers hold it. The model refuses (`AppendOnlyModel`: `save()` of a stored row, `delete()`, and the
queryset's `update()`, `delete()` and `bulk_update()` raise `AppendOnlyError`); the admin offers no change or
delete; and the database refuses, through triggers a migration installs (`append_only_operation`), so that raw
SQL from the application is refused too. The one change the triggers allow is a deleted user's id set to empty
(`ON DELETE SET NULL`): the entry keeps the username it was written with.

On PostgreSQL, also grant the application's role only SELECT and INSERT on these tables (docs/security.md):
a trigger binds everyone who cannot drop it, a missing privilege binds the role even then.
"""

from __future__ import annotations

from django.db import migrations, models


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of an append-only table."""

    def __init__(self, model: type[models.Model], what: str):
        super().__init__(f"{model._meta.verbose_name_plural} are append-only: {what} refused")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(self.model, "update")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(self.model, "update")

    def delete(self):
        raise AppendOnlyError(self.model, "delete")

    delete.queryset_only = True


class AppendOnlyModel(models.Model):
    """A model whose rows are written once and never changed or deleted through the ORM."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(type(self), "change")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(type(self), "delete")


# ------------------------------------------------------------------------------------------- triggers
_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION app_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one change allowed: the column named in the trigger's argument (a deleted user) set to NULL.
    IF TG_OP = 'UPDATE' AND TG_NARGS > 0
       AND (to_jsonb(NEW) - TG_ARGV[0]) = (to_jsonb(OLD) - TG_ARGV[0])
       AND to_jsonb(NEW) ->> TG_ARGV[0] IS NULL THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
END
$$;
"""


def trigger_sql(*, vendor: str, table: str, columns: list[str], released: str) -> tuple[list[str], list[str]]:
    """The statements that install and remove the triggers refusing UPDATE and DELETE on `table`, except an
    UPDATE that only sets `released` to NULL. `columns` are the table's other columns (SQLite compares each)."""
    name = f"{table}_append_only"
    if vendor == "postgresql":
        create = [_PG_FUNCTION,
                  f'CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON "{table}" FOR EACH ROW '
                  f"EXECUTE FUNCTION app_refuse_change('{released}')"]
        return create, [f'DROP TRIGGER IF EXISTS {name} ON "{table}"']
    if vendor == "sqlite":
        same = " AND ".join(f'NEW."{c}" IS OLD."{c}"' for c in columns)
        message = f"{table} is append-only"
        create = [
            f'CREATE TRIGGER {name}_update BEFORE UPDATE ON "{table}" '
            f'WHEN NOT (NEW."{released}" IS NULL AND {same}) '
            f"BEGIN SELECT RAISE(ABORT, '{message}: UPDATE refused'); END",
            f'CREATE TRIGGER {name}_delete BEFORE DELETE ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{message}: DELETE refused'); END",
        ]
        return create, [f"DROP TRIGGER IF EXISTS {name}_update", f"DROP TRIGGER IF EXISTS {name}_delete"]
    return [], []  # another database: the model and the admin still refuse


def model_trigger_sql(*, model: type[models.Model], vendor: str) -> tuple[list[str], list[str]]:
    """`trigger_sql` for a model (a migration's historical one, or the current one) with a `user` foreign key."""
    released = model._meta.get_field("user").column
    columns = [f.column for f in model._meta.concrete_fields if f.column != released]
    return trigger_sql(vendor=vendor, table=model._meta.db_table, columns=columns, released=released)


def _statements(apps, schema_editor, app_label: str, model_name: str, install: bool) -> None:
    create, drop = model_trigger_sql(model=apps.get_model(app_label, model_name),
                                     vendor=schema_editor.connection.vendor)
    for statement in create if install else drop:
        schema_editor.execute(statement, params=None)  # no parameters: the % of RAISE stays as it is


def append_only_operation(app_label: str, model_name: str) -> migrations.RunPython:
    """A migration operation installing the append-only triggers on a model's table (removing them in reverse).
    The model has a `user` foreign key, which alone may be set to NULL when its user is deleted."""
    return migrations.RunPython(
        lambda apps, schema_editor: _statements(apps, schema_editor, app_label, model_name, True),
        lambda apps, schema_editor: _statements(apps, schema_editor, app_label, model_name, False),
    )
