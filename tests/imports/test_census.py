"""The school census through the import pattern: a term written from the database and read back changes
nothing; a pupil no longer on a school's roll has the enrolment (and SEN status there) ended the day before
the census day, never deleted; new pupils are added with their enrolment, status, needs, attendance and
exclusions; the same file twice changes nothing; the import reverses; and each error class (bad UPN check
letter, unknown code, bad date, missing column, wrong kind of file) names the file, row and column and stores
nothing."""

import datetime as dt

import pytest

from sendreform.imports.census import census_apply, census_check, census_export_files, census_preview
from sendreform.imports.models import APPLIED, CHECKED
from sendreform.imports.services import import_reverse
from sendreform.inclusion.models import Attendance, Exclusion
from sendreform.interchange.census import census_date, census_read, census_zip
from sendreform.people.models import Person, SenNeed, SenStatus
from sendreform.sen2.rules import upn_check_letter
from sendreform.statutory.models import Placement
from tests.factories import (
    AttendanceFactory,
    EstablishmentFactory,
    ExclusionFactory,
    PersonFactory,
    PlacementFactory,
    SenNeedFactory,
    SenStatusFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 1, 15)  # the spring 2026 census: the third Thursday of January


def upn(digits: str) -> str:
    return upn_check_letter("A" + digits) + digits


def _area():
    """Two schools; Ada (SEN support, ASD, attendance and a suspension in autumn 2025) and Ben at Oakfield,
    Cara at Elm; Dan left Oakfield in December."""
    oak = EstablishmentFactory(establishment_id="OAK", urn=100001, name="Oakfield Primary")
    elm = EstablishmentFactory(establishment_id="ELM", urn=100002, name="Elm Primary")
    ada = PersonFactory(person_id="ADA", upn=upn("870200024001"), surname="Able", forename="Ada")
    ben = PersonFactory(person_id="BEN", upn=upn("870200024002"), surname="Bell", forename="Ben", sex="M")
    cara = PersonFactory(person_id="CARA", upn=upn("870200024003"), surname="Cole", forename="Cara")
    dan = PersonFactory(person_id="DAN", upn=upn("870200024004"), surname="Dunn", forename="Dan", sex="M")
    for pid, person, school in (("PL-ADA", ada, oak), ("PL-BEN", ben, oak), ("PL-CARA", cara, elm)):
        PlacementFactory(placement_id=pid, person=person, establishment=school, start_date=dt.date(2022, 9, 1))
    PlacementFactory(placement_id="PL-DAN", person=dan, establishment=oak, start_date=dt.date(2022, 9, 1),
                     end_date=dt.date(2025, 12, 19))
    SenStatusFactory(person=ada, establishment=oak, sen_provision="K", start_date=dt.date(2024, 9, 1))
    SenNeedFactory(person=ada, need_type="ASD", need_rank=1, start_date=dt.date(2024, 9, 1))
    AttendanceFactory(person=ada, establishment=oak, academic_year="2025/26", term="AUT", sessions_possible=140,
                      sessions_authorised=10, sessions_unauthorised=4, sessions_c2=6)
    ExclusionFactory(exclusion_id="X1", person=ada, establishment=oak, start_date=dt.date(2025, 11, 5),
                     category="SUSP", sessions=2, reason="DB", sen_provision="K")
    return oak, elm


def _files():
    return census_export_files(year=2026, term="spring")


def _import(files, name="census_2026_spring.zip"):
    checked = census_check(data=census_zip(files), file_name=name, by_name="test")
    assert checked.run.errors == 0, checked.read.problems
    preview = census_preview(checked=checked)
    return checked, preview


def test_the_term_written_from_the_database_reads_back_unchanged():
    _area()
    files = _files()
    assert [n for n, _ in files] == ["2026_spring_pupilonroll.csv", "2026_spring_senneeds.csv",
                                     "2026_spring_termlysessiondetailsonroll.csv",
                                     "2026_spring_termlyexclusionsonroll.csv"]
    census = census_read(census_zip(files), name="x.zip")
    assert (census.year, census.term, census.census_date) == (2026, "spring", DAY)
    assert sorted(p.surname for p in census.pupils) == ["Able", "Bell", "Cole"]  # Dan left before the census
    checked, preview = _import(files)
    assert preview.plan.changes == 0 and preview.people()["matched"] == 3
    counts = preview.plan.counts()
    assert counts["attendance"]["unchanged"] == 1 and counts["exclusion"]["unchanged"] == 1


def test_a_pupil_no_longer_on_roll_has_the_enrolment_ended_and_the_same_file_twice_changes_nothing():
    _area()
    files = _files()
    # Ben is no longer on Oakfield's roll.
    name, data = files[0]
    lines = data.decode().splitlines(keepends=True)
    files[0] = (name, "".join(line for line in lines if "Bell" not in line).encode())
    checked, preview = _import(files)
    assert preview.plan.counts()["placement"]["closed"] == 1
    census_apply(checked=checked, preview=preview)
    ben = Placement.objects.get(placement_id="PL-BEN")
    assert ben.end_date == DAY - dt.timedelta(days=1)  # ended the day before the census day, not deleted
    assert Placement.objects.get(placement_id="PL-ADA").end_date is None
    assert Placement.objects.get(placement_id="PL-CARA").end_date is None  # another school: untouched

    again, preview = _import(files)
    assert preview.plan.changes == 0
    census_apply(checked=again, preview=preview)
    assert again.run.status == APPLIED and again.run.changes.count() == 0

    import_reverse(run=again.run, by_name="test")
    import_reverse(run=checked.run, by_name="test")
    assert Placement.objects.get(placement_id="PL-BEN").end_date is None


def test_new_pupils_come_in_with_their_enrolment_status_needs_attendance_and_exclusions():
    _area()
    files = _files()
    for model in (Exclusion, Attendance, SenNeed, SenStatus, Placement):
        model.objects.all().delete()
    Person._base_manager.all().delete()
    checked, preview = _import(files)
    assert preview.people()["new"] == 3
    census_apply(checked=checked, preview=preview)
    ada = Person._base_manager.get(surname="Able")
    assert ada.person_id.startswith("CEN-") and ada.home_la == "870"
    placement = Placement.objects.get(person=ada)
    assert (placement.establishment_id, placement.start_date, placement.end_date) == ("OAK", dt.date(2022, 9, 1), None)
    status = SenStatus.objects.get(person=ada)
    assert (status.sen_provision, status.start_date) == ("K", DAY)
    assert list(SenNeed.objects.filter(person=ada).values_list("need_type", "need_rank")) == [("ASD", 1)]
    a = Attendance.objects.get(person=ada)
    assert (a.academic_year, a.term, a.sessions_possible, a.sessions_authorised, a.sessions_unauthorised,
            a.sessions_c2) == ("2025/26", "AUT", 140, 10, 4, 6)
    x = Exclusion.objects.get(person=ada)
    assert (x.start_date, x.category, x.sessions, x.reason) == (dt.date(2025, 11, 5), "SUSP", 2, "DB")
    assert not SenStatus.objects.filter(person__surname="Bell").exists()  # N: no SEN status


def test_a_dual_registered_pupil_is_one_person_enrolled_at_the_main_school():
    _area()
    files = _files()
    name, data = files[0]
    ada = next(line for line in data.decode().splitlines() if "Able" in line).split(",")
    ada[0], ada[1], ada[9] = "P9", "100002", "S"  # on Elm's roll too, as a subsidiary registration
    files[0] = (name, data + (",".join(ada) + "\r\n").encode())
    _, preview = _import(files)
    assert preview.people()["matched"] == 3 and preview.people()["ambiguous"] == 0
    assert preview.plan.counts()["placement"] == {"added": 0, "changed": 0, "closed": 0, "unchanged": 3}


def test_a_school_not_stored_stops_the_import_until_gias_is_loaded():
    _area()
    files = _files()
    Placement.objects.filter(establishment_id="ELM").delete()
    from sendreform.people.models import Establishment

    Establishment.objects.filter(establishment_id="ELM").delete()
    _, preview = _import(files)
    assert preview.blocked and "URN 100002 (1 pupils)" in preview.blocked[0]


def _refused(files, name="census_2026_spring.zip"):
    before = Person._base_manager.count()
    checked = census_check(data=census_zip(files) if isinstance(files, list) else files, file_name=name,
                           by_name="test")
    assert checked.run.status == CHECKED and checked.run.errors >= 1
    assert Person._base_manager.count() == before
    return [p for p in checked.read.problems if p.severity == "error"]


def _edit(files, table, old, new):
    return [(n, d.replace(old.encode(), new.encode(), 1) if table in n else d) for n, d in files]


def test_a_bad_upn_check_letter_is_named_by_file_row_and_column():
    _area()
    files = _files()
    good = upn("870200024002")
    bad = ("B" if good[0] != "B" else "C") + good[1:]
    problems = _refused(_edit(files, "pupilonroll", good, bad))
    assert len(problems) == 1
    p = problems[0]
    assert (p.file, p.row, p.column, p.rule) == ("2026_spring_pupilonroll.csv", 3, "upn", "UPN_CHECK_LETTER")
    assert p.text() == (f"2026_spring_pupilonroll.csv, row 3, column upn: the UPN's check letter should be "
                        f"{good[0]}, not {bad[0]}")


def test_an_unknown_code_is_named():
    _area()
    problems = _refused(_edit(_files(), "senneeds", ",ASD,", ",AUT,"))
    assert [(p.file, p.row, p.column, p.rule, p.value) for p in problems] == [
        ("2026_spring_senneeds.csv", 2, "sentype", "UNKNOWN_CODE", "AUT")]


def test_a_bad_date_is_named():
    _area()
    problems = _refused(_edit(_files(), "termlyexclusionsonroll", "2025-Nov-05", "2025-Nov-31"))
    assert [(p.row, p.column, p.rule) for p in problems] == [(2, "startdate", "BAD_DATE")]
    assert "'2025-Nov-31 00:00:00' is not a date" in problems[0].reason


def test_more_sessions_missed_than_possible_is_named():
    _area()
    problems = _refused(_edit(_files(), "pupilonroll", ",140\r\n", ",12\r\n"))
    assert [(p.row, p.column, p.rule) for p in problems] == [(2, "termlysessionspossible", "ABSENCE_OVER_POSSIBLE")]
    assert problems[0].reason == ("the pupil missed 14 sessions (authorised and unauthorised, in the session "
                                  "details) of 12 possible")


def test_a_missing_column_is_named():
    _area()
    problems = _refused(_edit(_files(), "pupilonroll", "enrolstatus,", "status,"))
    assert [(p.row, p.column, p.rule) for p in problems] == [(1, "enrolstatus", "COLUMN_MISSING")]


def test_a_file_of_the_wrong_kind_is_refused():
    problems = _refused(b"%PDF-1.4\x00\x01binary", name="2026_spring_pupilonroll.csv")
    assert problems[0].rule == "NOT_CSV" and problems[0].file == "2026_spring_pupilonroll.csv"
    problems = _refused([("2026_spring_pupilonroll.xlsx", b"PK..")])
    assert {p.rule for p in problems} == {"NOT_CSV", "NO_PUPILS"}
    problems = _refused([("pupilonroll.csv", b"upn\n")], name="census.zip")
    assert problems[0].rule == "TERM_UNKNOWN"


def test_census_days():
    assert census_date(2026, "spring") == DAY
    assert census_date(2026, "summer") == dt.date(2026, 5, 21)
    assert census_date(2025, "autumn") == dt.date(2025, 10, 2)


def test_the_samples_written_and_brought_in_on_the_command_line(tmp_path, capsys):
    from sendreform.cli.main import main

    _area()
    assert main(["import", "samples", "--out", str(tmp_path), "--year", "2026", "--term", "spring"]) == 0
    folder = tmp_path / "census_2026_spring"
    tables = sorted(str(p) for p in folder.iterdir())
    assert len(tables) == 4 and (tmp_path / "census_2026_spring.zip").exists()
    capsys.readouterr()
    assert main(["import", "census", *tables, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "school census, spring 2026, 3 pupils on roll read; 0 errors" in out and "Dry run" in out
    assert "placement               0        0        0          3" in out
    assert main(["import", "gias", str(tmp_path / "gias_establishments.csv"), "--yes"]) == 0
    assert "0 rows added, changed or closed" in capsys.readouterr().out
    bad = tmp_path / "bad" / "2026_spring_pupilonroll.csv"
    bad.parent.mkdir()
    bad.write_bytes((folder / "2026_spring_pupilonroll.csv").read_bytes().replace(b",K,", b",X,"))
    assert main(["import", "census", str(bad)]) == 1
    printed = capsys.readouterr()
    assert "column senprovision: 'X' is not a SEN provision code" in printed.out
    assert "was refused; nothing was imported" in printed.err
