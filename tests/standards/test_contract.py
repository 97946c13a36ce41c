"""The contract between the Django models and the canonical tables of `sendreform.standards.schemas`.

Metric code runs unchanged on the live database and on a snapshot only while every model keeps the
canonical table name, columns, types, nullability, code lists and references; this holds them together.
"""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction

from sendreform.people.models import Establishment, Person
from sendreform.standards.codes import CODE_LISTS
from sendreform.standards.schemas import TABLES
from sendreform.statutory.models import EhcRequest, Placement

FIELD_TYPES = {
    "str": (models.CharField, models.TextField),
    "int": (models.IntegerField,),  # includes the small, positive and big variants
    "bool": (models.BooleanField,),
    "date": (models.DateField,),
    "pence": (models.BigIntegerField,),
    "decimal": (models.DecimalField,),
}


def _model(table: str):
    found = [m for m in apps.get_models() if m._meta.db_table == table]
    assert len(found) == 1, f"{table}: expected one model, found {found}"
    return found[0]


def _fields(model) -> dict:
    """Concrete fields by column, without the auto `id` Django adds to tables that have no key."""
    return {
        f.column: f
        for f in model._meta.concrete_fields
        if not (f.column == "id" and isinstance(f, models.AutoField))
    }


def _value_field(field):
    # A foreign key is stored as its target's type.
    return field.target_field if field.is_relation else field


@pytest.mark.parametrize("table", list(TABLES))
def test_one_model_has_the_canonical_table_name_and_columns(table):
    # Given the canonical table / When its model is found / Then its columns are the canonical ones
    assert set(_fields(_model(table))) == set(TABLES[table].column_names)


@pytest.mark.parametrize("table", list(TABLES))
def test_each_column_has_the_canonical_type_and_nullability(table):
    fields = _fields(_model(table))
    for column in TABLES[table].columns:
        field = _value_field(fields[column.name])
        assert isinstance(field, FIELD_TYPES[column.type]), f"{table}.{column.name}: {type(field).__name__}"
        if column.type == "date":
            assert not isinstance(field, models.DateTimeField), f"{table}.{column.name} is a date, not a time"
        if column.type == "decimal":
            assert (field.max_digits, field.decimal_places) == (9, 2), f"{table}.{column.name}"
        assert fields[column.name].null == column.nullable, (
            f"{table}.{column.name} null={fields[column.name].null}"
        )


@pytest.mark.parametrize("table", list(TABLES))
def test_code_columns_have_the_code_list_as_choices(table):
    fields = _fields(_model(table))
    for column in TABLES[table].columns:
        choices = [str(value) for value, _ in fields[column.name].choices or []]
        if column.codes:
            assert choices == list(CODE_LISTS[column.codes]), f"{table}.{column.name}"
        else:
            assert choices == [], f"{table}.{column.name} has choices but no canonical code list"


@pytest.mark.parametrize("table", list(TABLES))
def test_canonical_references_are_foreign_keys_to_the_right_model(table):
    fields = _fields(_model(table))
    for column in TABLES[table].columns:
        field = fields[column.name]
        if column.references:
            ref_table, ref_column = column.references.split(".")
            assert isinstance(field, models.ForeignKey), f"{table}.{column.name} is not a foreign key"
            assert field.related_model is _model(ref_table), f"{table}.{column.name}"
            assert field.target_field.column == ref_column, f"{table}.{column.name}"
        else:
            assert not field.is_relation, f"{table}.{column.name} is a foreign key the schema does not name"


@pytest.mark.parametrize("table", list(TABLES))
def test_canonical_keys_are_primary_keys(table):
    model = _model(table)
    key = TABLES[table].key
    if key:
        assert (model._meta.pk.column,) == key
    else:
        assert model._meta.pk.column == "id"


def _constraints_in_database(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Django's SQLite introspection trips over some CHECK clauses; the names are in CREATE TABLE.
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            return set(re.findall(r'CONSTRAINT "([^"]+)"', cursor.fetchone()[0]))
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.mark.django_db
@pytest.mark.parametrize("table", list(TABLES))
def test_every_code_list_and_declared_constraint_exists_in_the_database(table):
    # Given the migrated database / When its constraints are read back
    in_database = _constraints_in_database(table)
    # Then each code column has its check, and every constraint the model declares is there
    for column in TABLES[table].columns:
        if column.codes:
            assert f"{table}_{column.name}_in_codes" in in_database, f"{table}.{column.name}"
    declared = {c.name for c in _model(table)._meta.constraints}
    assert declared <= in_database, f"{table}: missing {declared - in_database}"


# ---- the database refuses what the canonical schema forbids


@pytest.fixture
def pupil(db):
    person = Person(
        person_id="P1",
        forename="Amira",
        surname="Khan",
        birth_date=dt.date(2015, 9, 1),
        sex="F",
        ethnicity="WBRI",
        home_la="870",
    )
    person.save()
    school = Establishment(
        establishment_id="E1",
        name="Oakfield Primary",
        la_code="870",
        phase="PRIMARY",
        kind="MAINSTREAM",
        funding="MAINTAINED",
        in_area=True,
    )
    school.save()
    return person, school


def _placement(person, **fields):
    values = {"placement_id": "PL1", "person": person, "start_date": dt.date(2025, 9, 1)} | fields
    return Placement(**values)


@pytest.mark.django_db
def test_a_placement_with_an_establishment_or_a_setting_is_accepted(pupil):
    person, school = pupil
    _placement(person, placement_id="PL1", establishment=school).save()
    _placement(person, placement_id="PL2", sen_setting="EHE").save()
    assert Placement.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"sen_setting": "EHE", "with_school": True}, id="both establishment and sen_setting"),
        pytest.param({}, id="neither establishment nor sen_setting"),
        pytest.param({"sen_setting": "EHE", "end_date": dt.date(2025, 8, 31)}, id="end before start"),
        pytest.param({"sen_setting": "HOME"}, id="unknown sen_setting code"),
    ],
)
def test_the_database_refuses_an_impossible_placement(pupil, fields):
    # Given a pupil and a school / When a placement breaking a canonical rule is inserted / Then it is refused
    person, school = pupil
    fields = dict(fields)
    if fields.pop("with_school", False):
        fields["establishment"] = school
    with pytest.raises(IntegrityError), transaction.atomic():
        _placement(person, **fields).save()
    assert Placement.objects.count() == 0


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_request_source_code(pupil):
    person, _ = pupil
    request = EhcRequest(
        request_id="R1", person=person, received_date=dt.date(2025, 10, 1), request_source=7, outcome="A"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        request.save()


@pytest.mark.django_db
def test_the_database_refuses_an_outcome_before_the_request_was_received(pupil):
    person, _ = pupil
    request = EhcRequest(
        request_id="R1",
        person=person,
        received_date=dt.date(2025, 10, 1),
        request_source=1,
        outcome="Y",
        outcome_date=dt.date(2025, 9, 30),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        request.save()
