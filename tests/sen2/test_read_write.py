"""Reading and writing SEN2: each year's test file (every element of our schema) reads to the records a
person can check in samples.py, the writer gives those files back byte for byte, and read(write(x)) == x."""

import copy
import datetime as dt
import io
import random

import pytest
from lxml import etree

from sendreform.sen2.reader import Reader, read_return, schema
from sendreform.sen2.records import Person, Request, spec_year
from sendreform.sen2.writer import header_new, write_return
from tests.sen2.samples import FILES, UPN_A, YEARS, sample_return

XS = "{http://www.w3.org/2001/XMLSchema}"


def _written(ret, **kw) -> bytes:
    buf = io.BytesIO()
    write_return(ret.header, ret.persons, buf, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("year", YEARS)
def test_each_years_file_uses_every_element_of_its_schema_and_is_valid(year):
    xsd = etree.parse(f"sendreform/sen2/schemas/sen2_{year}.xsd")
    declared = {e.get("name") for e in xsd.iter(f"{XS}element") if e.get("name")}
    doc = etree.parse(FILES[year])
    assert {e.tag for e in doc.iter()} == declared
    schema(year).assertValid(doc)


@pytest.mark.parametrize("year", YEARS)
def test_each_years_file_reads_to_the_sample_records(year):
    ret, issues = read_return(FILES[year])
    assert issues == []
    expected = sample_return(year)
    assert ret.header == expected.header
    assert ret.persons == sorted(expected.persons, key=Person.sort_key)


def test_the_2023_file_reads_gender_current_and_residence_on_the_active_plan():
    ret, _ = read_return(FILES[2023])
    amara = next(p for p in ret.persons if p.upn == UPN_A)
    assert amara.sex == "F"  # <GenderCurrent>F</GenderCurrent>
    active = amara.requests[0].active_plans
    assert (active.res, active.wbp) == ("A", "S")
    assert active.placement_details[0].res is None
    assert amara.requests[0].received_date == dt.date(2022, 2, 3)


def test_records_know_their_line_and_path():
    ret, _ = read_return(FILES[2026])
    amara = ret.persons[0]
    text = open(FILES[2026], encoding="utf-8").read().splitlines()
    assert amara.path == "/Message/Persons/Person[1]"
    assert text[amara.lines["UPN"] - 1].strip() == f"<UPN>{UPN_A}</UPN>"
    placement = amara.requests[0].active_plans.placement_details[1]
    assert placement.path == "/Message/Persons/Person[1]/Requests[1]/ActivePlans/PlacementDetail[2]"
    assert text[placement.lines["LeavingDate"] - 1].strip() == "<LeavingDate>2025-07-18</LeavingDate>"


@pytest.mark.parametrize("year", YEARS)
def test_the_writer_gives_back_the_kept_file_byte_for_byte_whatever_the_order(year):
    ret = sample_return(year)
    kept = open(FILES[year], "rb").read()
    assert _written(ret) == kept
    random.Random(year).shuffle(ret.persons)
    assert _written(ret) == kept


@pytest.mark.parametrize("year", YEARS)
def test_read_of_write_is_the_records(year):
    ret = sample_return(year)
    back, issues = read_return(io.BytesIO(_written(ret)))
    assert issues == []
    assert back.header == ret.header
    assert back.persons == sorted(ret.persons, key=Person.sort_key)


def test_the_summary_counts_records_by_module():
    ret = sample_return(2026)
    summary = write_return(ret.header, ret.persons, io.BytesIO())
    assert dict(summary.counts) == {"Person": 5, "Requests": 6, "Assessment": 4, "NamedPlan": 3, "PlanDetail": 4,
                                    "ActivePlans": 2, "PlacementDetail": 4, "SENneed": 3}
    assert not summary.left_out
    assert "PlacementDetail  4" in summary.text()


def test_items_a_year_has_no_place_for_are_counted_as_left_out():
    ret = sample_return(2026)
    summary = write_return(ret.header, ret.persons, io.BytesIO(), year=2024)
    # RequestSource on 4 requests, the header's DSCO, and Amara's review draft and phase-transfer dates
    assert dict(summary.left_out) == {"RequestSource": 4, "DSCO": 1, "ReviewDraft": 1, "PhaseTransferDueDate": 1,
                                      "PhaseTransferFinalDate": 1}
    assert "Items left out" in summary.text()


def test_a_later_collection_year_uses_the_latest_specification():
    assert spec_year(2027) == 2026
    ret = sample_return(2026)
    header = header_new(year=2027, lea="870", dmo="Y", dco="Y", dsco="Y", date_time=dt.datetime(2027, 1, 25, 8))
    assert header.reference_date == dt.date(2027, 1, 21)  # the third Thursday of January 2027
    back, issues = read_return(io.BytesIO(_written(ret.__class__(header=header, persons=ret.persons))))
    assert issues == [] and back.header.year == 2027


def test_a_stream_must_come_in_order():
    ret = sample_return(2026)
    people = sorted(ret.persons, key=Person.sort_key)
    write_return(ret.header, iter(people), io.BytesIO(), sort=False)
    with pytest.raises(ValueError, match="not in order"):
        write_return(ret.header, iter(people[::-1]), io.BytesIO(), sort=False)


def _many(n: int) -> bytes:
    ret = sample_return(2026)
    people = []
    for i in range(n):
        p = copy.deepcopy(ret.persons[1])  # the ULN-only person: an ordinary request, decided not to assess
        p.unique_learner_number, p.surname = None, f"Person{i:06d}"
        p.upn_unknown = "UN9"
        people.append(p)
    return _written(ret.__class__(header=ret.header, persons=people))


def test_the_reader_drops_each_person_once_read():
    reader = Reader(io.BytesIO(_many(2000)))
    held = [reader.held for _ in reader]
    assert len(held) == 2000 and reader.persons_read == 2000
    # the tree holds only the person being read and those the parser has read ahead (one 64 kB buffer's worth,
    # under 100 here), never the people already returned: without the clearing it would reach 2000
    assert max(held) < 100


def test_a_person_with_a_broken_structure_is_reported_and_the_others_read():
    text = open(FILES[2026], encoding="utf-8").read()
    text = text.replace("<PersonBirthDate>2008-11-02</PersonBirthDate>", "<PersonBirthDate>2008-11-31</PersonBirthDate>")
    text = text.replace("<RequestOutcome>W</RequestOutcome>", "<Outcome>W</Outcome>")
    reader = Reader(io.BytesIO(text.encode()), name="bad.xml")
    people = list(reader)
    assert reader.persons_read == 5 and len(people) == 3 and reader.persons_rejected == 2
    by_path = {i.path: i for i in reader.issues}
    bad_date = next(i for i in reader.issues if i.value == "2008-11-31")
    assert bad_date.rule == "SCHEMA" and bad_date.severity == "error"
    assert bad_date.path == "/Message/Persons/Person[4]/PersonBirthDate"  # sorted: UPNs B, H, Q, then ULN, then none
    assert bad_date.person == "ULN 1234567899 (Nowak, Piotr)"
    assert bad_date.message == "PersonBirthDate must be a date written YYYY-MM-DD."
    assert text.splitlines()[bad_date.line - 1].strip() == "<PersonBirthDate>2008-11-31</PersonBirthDate>"
    outcome = next(i for i in reader.issues if "Outcome is not expected" in i.message)
    assert outcome.path in by_path and "Person[5]" in outcome.path


def test_element_names_are_matched_without_regard_to_case():
    text = open(FILES[2026], encoding="utf-8").read().replace("SENSetting>", "SENsetting>")
    ret, issues = read_return(io.BytesIO(text.encode()))
    assert issues == []
    assert ret == read_return(FILES[2026])[0]


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        (b"<Message><Header>", "XML_SYNTAX", 1),
        (b"<Message><Persons><Person/></Persons></Message>", "XML_STRUCTURE", 1),
        (b"<Message><Header><CollectionDetails><Year>2019</Year></CollectionDetails></Header></Message>",
         "HEADER_YEAR", 1),
    ],
)
def test_a_file_that_cannot_be_read_says_why(content, rule, line):
    reader = Reader(io.BytesIO(content))
    assert list(reader) == [] and reader.fatal
    assert [(i.rule, i.line) for i in reader.issues] == [(rule, line)]


def test_a_year_given_that_differs_from_the_header_is_reported():
    reader = Reader(FILES[2025], year=2026)
    list(reader)
    assert reader.issues[0].rule == "HEADER_YEAR" and reader.issues[0].value == "2025"


def test_records_compare_by_value_not_by_where_they_were_read():
    a = Request(received_date=dt.date(2025, 1, 1), line=3, path="/x")
    assert a == Request(received_date=dt.date(2025, 1, 1))


def test_a_header_that_fails_the_schema_is_reported_and_the_people_still_read():
    text = open(FILES[2026], encoding="utf-8").read().replace("      <DSCO>N</DSCO>\n", "")
    reader = Reader(io.BytesIO(text.encode()))
    assert len(list(reader)) == 5 and not reader.fatal
    (issue,) = reader.issues
    assert issue.rule == "SCHEMA" and issue.path == "/Message/Header/Source"
    assert issue.message == "Source is incomplete: DSCO is missing."


def test_elements_the_return_has_no_place_for_are_reported_not_lost():
    text = open(FILES[2026], encoding="utf-8").read()
    first = text.index("    <Person>")
    last = text.rindex("    <Person>")
    text = (text[:first] + "    <Persn><Surname>Lost</Surname></Persn>\n" + text[first:last]
            + "    <person><Surname>Lower</Surname></person>\n" + text[last:])
    text = text.replace("</Persons>", "</Persons>\n  <Extra>1</Extra>")
    reader = Reader(io.BytesIO(text.encode()))
    assert len(list(reader)) == 5
    found = [(i.rule, i.path, text.splitlines()[i.line - 1].strip()[:7]) for i in reader.issues]
    assert found == [
        ("XML_STRUCTURE", "/Message/Persons/Persn", "<Persn>"),
        ("XML_STRUCTURE", "/Message/Persons/person", "<person"),
        ("XML_STRUCTURE", "/Message/Extra", "<Extra>"),
    ]
    assert reader.issues[0].message == ("Persn is not part of a SEN2 return here (only Person elements belong in "
                                        "Persons); it was not read.")


def test_a_person_outside_persons_is_reported_not_read():
    text = open(FILES[2026], encoding="utf-8").read()
    text = text.replace("  <Persons>", "  <Person><Surname>Outside</Surname></Person>\n  <Persons>")
    reader = Reader(io.BytesIO(text.encode()))
    assert len(list(reader)) == 5
    (issue,) = reader.issues
    assert issue.path == "/Message/Person" and "belongs inside Message/Persons" in issue.message


def test_an_external_entity_is_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRETVALUE")
    text = open(FILES[2026], encoding="utf-8").read()
    text = text.replace("<?xml version='1.0' encoding='UTF-8'?>\n",
                        f"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE Message [<!ENTITY x SYSTEM \"file://{secret}\">]>\n")
    text = text.replace("<Surname>Okafor</Surname>", "<Surname>&x;</Surname>")
    reader = Reader(io.BytesIO(text.encode()))
    people = list(reader)
    # (with lxml's resolve_entities=True, Okafor's surname would read SECRETVALUE)
    assert len(people) == 4 and all("SECRETVALUE" not in (p.surname or "") for p in people)
    (issue,) = reader.issues
    assert issue.path == "/Message/Persons/Person[1]" and "entity reference" in issue.message
    assert "SECRETVALUE" not in issue.message + issue.value + issue.person


def test_a_header_with_a_bad_date_is_reported_and_read():
    text = open(FILES[2026], encoding="utf-8").read().replace("2026-01-20T09:30:00", "20 January 2026")
    reader = Reader(io.BytesIO(text.encode()))
    assert len(list(reader)) == 5
    assert reader.header.date_time is None and reader.header.lea == "870"
    (issue,) = reader.issues
    assert issue.path == "/Message/Header/Source/DateTime" and issue.value == "20 January 2026"
