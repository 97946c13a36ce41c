"""SEN2 into the database and out again: the round trip export -> import into an empty database -> export
(byte for byte), a preview that changes nothing, the same file twice, a later return that changes and closes,
unknown settings and ambiguous people stopping the import, and reversal."""

import datetime as dt
import io

import pytest
from django.db import connection

from sendreform.imports.models import APPLIED, REVERSED, ImportRun
from sendreform.imports.sen2 import (
    HeaderAnswers,
    sen2_apply,
    sen2_check,
    sen2_preview,
    sen2_return,
)
from sendreform.imports.services import ImportRefused, import_reverse
from sendreform.people.models import Establishment, Person, SenNeed
from sendreform.sen2.writer import write_return
from sendreform.standards.schemas import TABLE_ORDER
from sendreform.statutory.models import AnnualReview, EhcAssessment, EhcPlan, EhcRequest, Placement
from tests.factories import (
    AnnualReviewFactory,
    EhcAssessmentFactory,
    EhcPlanFactory,
    EhcRequestFactory,
    EstablishmentFactory,
    PersonFactory,
    PlacementFactory,
    SenNeedFactory,
)

pytestmark = pytest.mark.django_db

ANSWERS = HeaderAnswers(lea="870", dmo="Y", dco="Y", dsco="R")
PEOPLE = Person._base_manager


def _area():
    """Seven people whose records exercise each part of the 2026 return (census 15 January 2026, activity in
    2025): a plan issued in 2025, an old plan with a review and a home-educated placement, a plan transferred
    in, a plan ceased in 2025, a request awaiting a decision, a request refused, and a plan ceased in 2022
    that the return leaves out."""
    school = EstablishmentFactory(urn=100001, name="Oakfield Primary")
    away = EstablishmentFactory(urn=142001, name="Riverside Independent", in_area=False, funding="INDEPENDENT",
                                kind="SPECIAL", la_code="871")
    a = PersonFactory(upn="D870200024001", surname="Adeyemi", forename="Tobi", birth_date=dt.date(2017, 2, 3))
    q = EhcRequestFactory(person=a, received_date=dt.date(2025, 2, 3), request_source=2,
                          outcome_date=dt.date(2025, 3, 10))
    s = EhcAssessmentFactory(request=q, outcome_date=dt.date(2025, 6, 20), tribunal=True)
    EhcPlanFactory(person=a, assessment=s, start_date=dt.date(2025, 6, 20))
    PlacementFactory(person=a, establishment=school, start_date=dt.date(2025, 9, 1), sen_unit=True)
    SenNeedFactory(person=a, need_type="ASD", need_rank=1, start_date=dt.date(2025, 6, 20))
    SenNeedFactory(person=a, need_type="SLCN", need_rank=2, start_date=dt.date(2025, 6, 20))

    b = PersonFactory(upn=None, uln="1234567899", surname="Brennan", forename="Cara", birth_date=dt.date(2008, 5, 1))
    q = EhcRequestFactory(person=b, received_date=dt.date(2019, 1, 10), outcome_date=dt.date(2019, 2, 1))
    s = EhcAssessmentFactory(request=q, outcome_date=dt.date(2019, 6, 1))
    plan = EhcPlanFactory(person=b, assessment=s, start_date=dt.date(2019, 6, 1))
    AnnualReviewFactory(plan=plan, meeting_date=dt.date(2025, 11, 1), decision_date=dt.date(2025, 11, 20),
                        outcome="M")
    PlacementFactory(person=b, establishment=None, sen_setting="EHE", start_date=dt.date(2023, 1, 1))
    SenNeedFactory(person=b, need_type="SEMH", need_rank=1, start_date=dt.date(2019, 6, 1))

    c = PersonFactory(upn="G870200024003", surname="Chowdhury", forename="Ravi", birth_date=dt.date(2012, 9, 9))
    EhcPlanFactory(person=c, assessment=None, start_date=dt.date(2025, 4, 1), transfer_in_la="871")
    PlacementFactory(person=c, establishment=away, start_date=dt.date(2025, 4, 1))
    SenNeedFactory(person=c, need_type="MLD", need_rank=1, start_date=dt.date(2025, 4, 1))

    d = PersonFactory(upn="W870200024004", surname="Dawes", forename="Lily", birth_date=dt.date(2005, 1, 1))
    q = EhcRequestFactory(person=d, received_date=dt.date(2018, 3, 1), outcome_date=dt.date(2018, 4, 1))
    s = EhcAssessmentFactory(request=q, outcome_date=dt.date(2018, 8, 1))
    EhcPlanFactory(person=d, assessment=s, start_date=dt.date(2018, 8, 1), cease_date=dt.date(2025, 7, 31),
                   cease_reason=2)

    e = PersonFactory(upn="K870200024005", surname="Evans", forename="Noah", birth_date=dt.date(2019, 4, 4))
    EhcRequestFactory(person=e, received_date=dt.date(2025, 10, 1), outcome="A", outcome_date=None)

    f = PersonFactory(upn="Z870200024006", surname="Fox", forename="Maya", birth_date=dt.date(2014, 7, 7))
    EhcRequestFactory(person=f, received_date=dt.date(2025, 1, 5), outcome="N", outcome_date=dt.date(2025, 2, 1))

    g = PersonFactory(upn="N870200024007", surname="Gill", forename="Sam", birth_date=dt.date(2001, 1, 1))
    EhcPlanFactory(person=g, start_date=dt.date(2015, 1, 1), cease_date=dt.date(2022, 5, 1), cease_reason=1)


def _export(year=2026) -> bytes:
    ret = sen2_return(year=year, answers=ANSWERS)
    out = io.BytesIO()
    write_return(ret.header, ret.persons, out, year=year)
    return out.getvalue()


def _import(data: bytes, *, create=True, name="sen2.xml"):
    checked = sen2_check(data=data, file_name=name, by_name="pytest")
    assert checked.report.errors == 0, checked.report.text()
    preview = sen2_preview(checked=checked, create_establishments=create)
    return checked, preview


def _empty():
    """Every canonical table emptied, as a new local area's database is."""
    with connection.cursor() as cursor:
        for name in reversed(TABLE_ORDER):
            cursor.execute(f"DELETE FROM {name}")


def _rows() -> dict[str, int]:
    return {m.__name__: m._base_manager.count() for m in (Person, EhcRequest, EhcAssessment, EhcPlan, Placement,
                                                           SenNeed, AnnualReview, Establishment)}


def test_export_then_import_into_an_empty_database_then_export_gives_the_same_bytes():
    _area()
    first = _export()
    assert b"Gill" not in first  # a plan ceased in 2022 is not in the 2026 return
    _empty()
    checked, preview = _import(first)
    assert preview.mapping.people_summary()["new"] == 6
    sen2_apply(checked=checked, preview=preview)
    assert _rows() == {"Person": 6, "EhcRequest": 5, "EhcAssessment": 3, "EhcPlan": 4, "Placement": 3,
                       "SenNeed": 4, "AnnualReview": 1, "Establishment": 2}
    assert _export() == first


def test_a_plan_with_no_setting_on_the_census_date_round_trips_as_not_in_education():
    person = PersonFactory(upn="D870200024001", surname="Adeyemi", forename="Tobi", birth_date=dt.date(2012, 2, 3))
    EhcPlanFactory(person=person, start_date=dt.date(2024, 3, 1))
    PlacementFactory(person=person, start_date=dt.date(2024, 3, 1), end_date=dt.date(2025, 12, 19))
    SenNeedFactory(person=person, need_type="SEMH", start_date=dt.date(2024, 3, 1))
    first = _export()
    assert b"<SENSetting>NIEO</SENSetting>" in first
    _empty()
    sen2_apply(**dict(zip(("checked", "preview"), _import(first), strict=True)))
    assert Placement.objects.get().sen_setting == "NIEO"
    assert _export() == first


def test_the_import_maps_each_item_onto_the_canonical_tables():
    _area()
    data = _export()
    _empty()
    sen2_apply(**dict(zip(("checked", "preview"), _import(data), strict=True)))
    tobi = PEOPLE.get(upn="D870200024001")
    assert (tobi.surname, tobi.birth_date, tobi.home_la) == ("Adeyemi", dt.date(2017, 2, 3), "870")
    request = EhcRequest.objects.get(person=tobi)
    assert (request.received_date, request.request_source, request.outcome) == (dt.date(2025, 2, 3), 2, "Y")
    assert EhcAssessment.objects.get(request=request).tribunal is True
    placement = Placement.objects.get(person=tobi)
    assert (placement.establishment.urn, placement.sen_unit) == (100001, True)
    assert sorted(SenNeed.objects.filter(person=tobi).values_list("need_rank", "need_type")) == [(1, "ASD"),
                                                                                               (2, "SLCN")]
    ravi = PEOPLE.get(upn="G870200024003")
    plan = EhcPlan.objects.get(person=ravi)
    assert (plan.assessment_id, plan.transfer_in_la) == (None, "871")
    created = Establishment.objects.get(urn=142001)
    assert (created.in_area, created.funding) == (False, "INDEPENDENT")
    assert EhcPlan.objects.get(person__upn="W870200024004").cease_reason == 2
    review = AnnualReview.objects.get()
    assert (review.meeting_date, review.decision_date, review.outcome) == (dt.date(2025, 11, 1),
                                                                           dt.date(2025, 11, 20), "M")


def test_a_preview_changes_nothing_and_the_same_file_twice_changes_nothing():
    _area()
    data = _export()
    before = _rows()
    checked, preview = _import(data)
    counts = preview.plan.counts()
    assert all(c["added"] == c["changed"] == c["closed"] == 0 for c in counts.values()), counts
    assert counts["person"]["unchanged"] == 6
    assert _rows() == before
    run = sen2_apply(checked=checked, preview=preview)
    assert run.status == APPLIED and run.changes.count() == 0


def test_an_earlier_return_does_not_undo_a_decision_made_since():
    _area()
    data = _export()  # Noah Evans's request awaits a decision (A) on the census date
    EhcRequest.objects.filter(person__upn="K870200024005").update(outcome="W")  # withdrawn since
    EhcPlan.objects.filter(person__upn="D870200024001").update(cease_date=dt.date(2026, 3, 1), cease_reason=7)
    checked, preview = _import(data)
    assert preview.plan.counts()["ehc_request"]["changed"] == 0
    assert preview.plan.counts()["ehc_plan"]["changed"] == 0


def test_unknown_settings_stop_the_import_until_their_creation_is_confirmed():
    _area()
    data = _export()
    _empty()
    checked, preview = _import(data, create=False)
    people = preview.mapping.people_summary()
    assert [s["setting"] for s in people["unknown_settings"]] == ["URN 100001", "URN 142001"]
    with pytest.raises(ImportRefused, match="2 setting\\(s\\) named by URN or UKPRN are not stored"):
        sen2_apply(checked=checked, preview=preview)
    assert _rows()["Person"] == 0


def test_an_ambiguous_person_stops_the_import():
    _area()
    data = _export()
    PEOPLE.filter(upn="G870200024003").update(upn=None)
    PersonFactory(upn=None, surname="Chowdhury", forename="Ravi", birth_date=dt.date(2012, 9, 9))
    checked, preview = _import(data)
    ambiguous = preview.mapping.people_summary()["ambiguous_people"]
    assert len(ambiguous) == 1 and "matches 2 stored people by name and date of birth" in ambiguous[0]
    with pytest.raises(ImportRefused, match="1 person\\(s\\) in the file match more than one"):
        sen2_apply(checked=checked, preview=preview)


def test_a_later_return_updates_what_changed_and_closes_what_ended():
    _area()
    data = _export()
    # The next return: Tobi's secondary need is now SEMH, Tobi has moved school, and Noah's request was refused.
    text = data.decode()
    text = text.replace("<SENtype>SLCN</SENtype>", "<SENtype>SEMH</SENtype>")
    text = text.replace("<URN>100001</URN>", "<URN>100009</URN>")
    text = text.replace("<EntryDate>2025-09-01</EntryDate>", "<EntryDate>2026-01-05</EntryDate>")
    text = text.replace("<RequestOutcome>A</RequestOutcome>", "<RequestOutcomeDate>2025-12-01</RequestOutcomeDate>"
                        "<RequestOutcome>N</RequestOutcome>")
    EstablishmentFactory(urn=100009, name="Hillside Primary")
    checked, preview = _import(text.encode())
    counts = preview.plan.counts()
    assert counts["ehc_request"]["changed"] == 1
    assert counts["sen_need"] == {"added": 1, "changed": 0, "closed": 1, "unchanged": 3}
    assert counts["placement"] == {"added": 1, "changed": 0, "closed": 1, "unchanged": 2}
    example = preview.plan.examples()["ehc_request"]["changed"][0]
    assert {"column": "outcome", "old": "A", "new": "N"} in example["differences"]
    run = sen2_apply(checked=checked, preview=preview)
    tobi = PEOPLE.get(upn="D870200024001")
    open_needs = SenNeed.objects.filter(person=tobi, end_date__isnull=True)
    assert sorted(open_needs.values_list("need_rank", "need_type")) == [(1, "ASD"), (2, "SEMH")]
    closed = Placement.objects.get(person=tobi, establishment__urn=100001)
    assert closed.end_date == dt.date(2026, 1, 14)

    import_reverse(run=run, by_name="pytest")
    assert ImportRun.objects.get(pk=run.pk).status == REVERSED
    assert Placement.objects.get(person=tobi, establishment__urn=100001).end_date is None
    assert sorted(SenNeed.objects.filter(person=tobi).values_list("need_rank", "need_type")) == [(1, "ASD"),
                                                                                               (2, "SLCN")]
    assert EhcRequest.objects.get(person__upn="K870200024005").outcome == "A"


def test_reversing_an_import_into_an_empty_database_empties_it_again():
    _area()
    data = _export()
    _empty()
    run = sen2_apply(**dict(zip(("checked", "preview"), _import(data), strict=True)))
    import_reverse(run=run, by_name="pytest")
    assert set(_rows().values()) == {0}


def test_a_file_with_errors_is_refused_and_recorded_with_its_report():
    _area()
    data = _export().replace(b"<UPN>D870200024001</UPN>", b"<UPN>A870200024001</UPN>")
    checked = sen2_check(data=data, file_name="bad.xml", by_name="pytest")
    assert checked.run.errors >= 1
    issue = next(i for i in checked.run.report["validation"]["issues"] if i["value"] == "A870200024001")
    assert issue["severity"] == "error" and issue["line"] and "Adeyemi" in issue["person"]
    with pytest.raises(ImportRefused, match="bad.xml has"):
        sen2_preview(checked=checked)
