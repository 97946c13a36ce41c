"""GIAS and NCCIS through the import pattern: each written from the database reads back unchanged; into a
database without them they add what they hold; the same file twice changes nothing; the import reverses; and
bad input (an unknown type of establishment, a bad date, a missing column, a bad UPN) is named by file, row and
column and stores nothing."""

import datetime as dt

import pytest

from sendreform.imports.gias import gias_apply, gias_check, gias_export_csv, gias_preview
from sendreform.imports.models import CHECKED
from sendreform.imports.nccis import nccis_apply, nccis_check, nccis_export_csv, nccis_preview
from sendreform.imports.services import import_reverse
from sendreform.inclusion.models import NeetActivity
from sendreform.people.models import Establishment, Person
from sendreform.sen2.rules import upn_check_letter
from tests.factories import EstablishmentFactory, NeetActivityFactory, PersonFactory

pytestmark = pytest.mark.django_db
AS_AT = dt.date(2026, 3, 31)


def _schools():
    EstablishmentFactory(establishment_id="OAK", urn=100001, name="Oakfield Primary", capacity=420,
                         open_date=dt.date(1998, 9, 1))
    EstablishmentFactory(establishment_id="RIV", urn=100002, name="Riverside Special", kind="SPECIAL",
                         phase="ALL_THROUGH", funding="ACADEMY", specialist_places=120, capacity=120)
    EstablishmentFactory(establishment_id="HILL", urn=100003, name="Hill Secondary", phase="SECONDARY",
                         funding="ACADEMY", has_resourced_provision=True, specialist_places=16, ukprn=10012345)


def test_gias_written_from_the_database_reads_back_unchanged_and_fills_an_empty_one():
    _schools()
    data = gias_export_csv()
    checked = gias_check(data=data, file_name="edubasealldata.csv", by_name="test")
    assert checked.run.errors == 0
    assert gias_preview(checked=checked).plan.changes == 0
    Establishment.objects.all().delete()
    checked = gias_check(data=data, file_name="edubasealldata.csv", by_name="test")
    preview = gias_preview(checked=checked)
    assert preview.plan.counts()["establishment"]["added"] == 3
    gias_apply(checked=checked, preview=preview)
    hill = Establishment.objects.get(urn=100003)
    assert (hill.establishment_id, hill.kind, hill.funding, hill.phase, hill.has_resourced_provision,
            hill.specialist_places, hill.ukprn, hill.in_area) == ("URN100003", "MAINSTREAM", "ACADEMY", "SECONDARY",
                                                                  True, 16, 10012345, True)
    assert Establishment.objects.get(urn=100001).open_date == dt.date(1998, 9, 1)
    again = gias_check(data=data, file_name="edubasealldata.csv", by_name="test")
    assert gias_preview(checked=again).plan.changes == 0
    import_reverse(run=checked.run, by_name="test")
    assert not Establishment.objects.exists()


def _gias_problems(data):
    checked = gias_check(data=data, file_name="gias.csv", by_name="test")
    assert checked.run.status == CHECKED and checked.run.errors >= 1
    return [(p.row, p.column, p.rule) for p in checked.read.problems if p.severity == "error"]


def test_gias_bad_input_is_named():
    _schools()
    data = gias_export_csv().decode()
    assert _gias_problems(data.replace(",Hill Secondary,34,", ",Hill Secondary,99,").encode()) == [
        (4, "TypeOfEstablishment (code)", "UNKNOWN_CODE")]
    assert _gias_problems(data.replace("01-09-1998", "31-02-1998").encode()) == [(2, "OpenDate", "BAD_DATE")]
    assert _gias_problems(data.replace("PhaseOfEducation (code)", "Phase").encode()) == [
        (1, "PhaseOfEducation (code)", "COLUMN_MISSING")]
    assert Establishment.objects.count() == 3


def _young(upn_digits, **kw):
    upn = upn_check_letter("A" + upn_digits) + upn_digits
    return PersonFactory(upn=upn, birth_date=dt.date(2009, 1, 10), **kw)


def test_nccis_written_from_the_database_reads_back_unchanged_and_a_new_activity_changes_the_row():
    a = _young("870200024101", surname="Ahmed", forename="Sami")
    b = _young("870200024102", surname="Brown", forename="Lily")
    NeetActivityFactory(person=a, as_at=AS_AT, academic_age=16, activity="EET")
    NeetActivityFactory(person=b, as_at=AS_AT, academic_age=16, activity="NEET")
    data = nccis_export_csv()
    checked = nccis_check(data=data, file_name="nccis_2026_03.csv", by_name="test")
    assert checked.run.errors == 0 and checked.run.period == "2026-03-31"
    preview = nccis_preview(checked=checked)
    assert preview.plan.changes == 0 and preview.people()["matched by UPN"] == 2
    changed = data.replace(b",540,", b",110,")
    checked = nccis_check(data=changed, file_name="nccis_2026_03.csv", by_name="test")
    preview = nccis_preview(checked=checked)
    assert preview.plan.counts()["neet_activity"]["changed"] == 1
    nccis_apply(checked=checked, preview=preview)
    assert NeetActivity.objects.get(person=b).activity == "EET"
    import_reverse(run=checked.run, by_name="test")
    assert NeetActivity.objects.get(person=b).activity == "NEET"


def test_nccis_adds_young_people_not_stored():
    data = (b"UPN,ULN,Forename,Surname,DateOfBirth,Gender,ActivityCode,AsAt\r\n"
            b",,Noor,Khan,2009-05-01,F,540,2026-03-31\r\n"
            b",,Tom,Lee,2009-06-01,M,710,2026-03-31\r\n")
    checked = nccis_check(data=data, file_name="nccis.csv", by_name="test")
    assert checked.run.errors == 0 and checked.run.queries == 1  # 7xx is outside the measure
    preview = nccis_preview(checked=checked)
    assert preview.people()["new"] == 1
    nccis_apply(checked=checked, preview=preview)
    noor = NeetActivity.objects.get()
    assert (noor.person.surname, noor.academic_age, noor.activity) == ("Khan", 16, "NEET")


def test_nccis_bad_input_is_named():
    data = (b"UPN,ULN,Forename,Surname,DateOfBirth,Gender,ActivityCode,AsAt\r\n"
            b"B870200024101,,Sami,Ahmed,2009-01-10,M,110,2026-03-31\r\n"
            b",,Lily,Brown,2009-13-10,F,999,2026-03-31\r\n")
    checked = nccis_check(data=data, file_name="nccis.csv", by_name="test")
    problems = [(p.row, p.column, p.rule) for p in checked.read.problems]
    assert ("UPN" in {c for _, c, _ in problems}) and (3, "DateOfBirth", "BAD_DATE") in problems
    assert (3, "ActivityCode", "UNKNOWN_CODE") in problems
    assert checked.run.status == CHECKED and not Person._base_manager.exists()
