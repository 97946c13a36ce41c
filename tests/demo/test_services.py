"""Loading the synthetic area into the database: every row fits the models' constraints and references,
and loading again changes nothing."""

import pytest
from django.db import connection

from sendreform.demo.services import demo_area_load, demo_tables_load
from sendreform.standards.schemas import TABLE_ORDER


@pytest.mark.django_db
def test_a_small_area_loads_and_a_second_load_changes_nothing(small_area):
    seen = []
    inserted = demo_tables_load(tables=small_area, progress=lambda name, done, total: seen.append(name))
    assert inserted == {name: small_area[name].num_rows for name in TABLE_ORDER}
    assert seen[0] == "cluster" and set(seen) == set(TABLE_ORDER)
    with connection.cursor() as cursor:
        for name in TABLE_ORDER:
            cursor.execute(f'SELECT COUNT(*) FROM "{name}"')
            assert cursor.fetchone()[0] == inserted[name], name
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []

    # The database already holds persons: nothing is generated or changed.
    assert demo_area_load() == inserted
    with connection.cursor() as cursor:
        cursor.execute('SELECT COUNT(*) FROM "person"')
        assert cursor.fetchone()[0] == inserted["person"]
