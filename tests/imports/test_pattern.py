"""The import pattern on its own (ADR 18): matching people, a preview that writes nothing, applying once,
applying the same rows again, and reversing the last import, refused when the rows were changed since."""

import datetime as dt

import pytest

from sendreform.imports.models import ADDED, APPLIED, CHANGED, CLOSED, PREVIEWED, REVERSED, ImportChange
from sendreform.imports.services import (
    ImportRefused,
    PersonIn,
    RowIn,
    changes_plan,
    import_apply,
    import_check,
    import_preview,
    import_reverse,
    import_reverse_blockers,
    people_match,
)
from sendreform.people.models import Person, SenNeed
from sendreform.statutory.models import EhcRequest, Placement
from tests.factories import EhcRequestFactory, PersonFactory, PlacementFactory, SenNeedFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(2015, 5, 4)


def _in(ref="line 1", surname="Okafor", forename="Ada", birth_date=BORN, upn=None, uln=None):
    return PersonIn(ref=ref, surname=surname, forename=forename, birth_date=birth_date, upn=upn, uln=uln)


def test_people_are_matched_by_upn_then_uln_then_name_and_birth_date():
    by_upn = PersonFactory(upn="A870200024001", surname="Stone")
    by_uln = PersonFactory(upn=None, uln="1234567890", surname="Marsh")
    by_name = PersonFactory(upn=None, surname="Okafor", forename="Ada", birth_date=BORN)
    found = people_match(people=[
        _in("line 3", surname="Different", upn="a870200024001"),  # UPN wins over everything, case aside
        _in("line 9", surname="Marsh", uln="1234567890"),
        _in("line 15", surname="OKAFOR ", forename="ada"),
        _in("line 21", surname="Newcomer"),
    ])
    assert found.matched == {0: (by_upn.person_id, "UPN"), 1: (by_uln.person_id, "ULN"),
                             2: (by_name.person_id, "name and date of birth")}
    assert found.new == [3]
    assert found.ambiguous == {}
    assert found.counts()["matched by UPN"] == 1


def test_two_stored_people_with_one_name_and_birth_date_are_ambiguous():
    PersonFactory(upn=None, surname="Okafor", forename="Ada", birth_date=BORN)
    PersonFactory(upn=None, surname="Okafor", forename="Ada", birth_date=BORN)
    found = people_match(people=[_in("line 40")])
    assert list(found.ambiguous) == [0]
    assert "line 40: matches 2 stored people by name and date of birth" in found.ambiguous[0]


def test_a_name_and_birth_date_match_with_another_upn_is_ambiguous_not_matched():
    PersonFactory(upn="A870200024002", surname="Okafor", forename="Ada", birth_date=BORN)
    found = people_match(people=[_in(upn="A870200024999")])
    assert found.matched == {}
    assert "another UPN (A870200024002)" in found.ambiguous[0]


def test_two_people_in_a_file_matching_one_stored_person_are_both_ambiguous():
    stored = PersonFactory(upn=None, uln="1234567890")
    found = people_match(people=[_in("line 2", uln="1234567890"), _in("line 8", uln="1234567890")])
    assert sorted(found.ambiguous) == [0, 1]
    assert stored.person_id in found.ambiguous[1]


def _run(data=b"<file/>"):
    return import_check(source="test", by_name="pytest", file_name="return.xml", data=data, collection_year=2026,
                        report={"issues": []}, errors=0, queries=0)


def _apply(rows):
    plan = changes_plan(rows=rows)
    run = import_preview(run=_run(), plan=plan, people={})
    return import_apply(run=run, plan=plan), plan


def _request_rows(person, outcome="Y", source=1):
    return [RowIn("ehc_request", {"request_id": "R-1", "person_id": person.person_id,
                                  "received_date": dt.date(2025, 3, 1), "request_source": source,
                                  "outcome": outcome, "outcome_date": dt.date(2025, 4, 1), "mediation": False,
                                  "tribunal": False}, label="Ada Okafor")]


def test_a_preview_counts_and_writes_nothing():
    person = PersonFactory()
    EhcRequestFactory(request_id="R-1", person=person, received_date=dt.date(2025, 3, 1), outcome="A",
                      outcome_date=None)
    plan = changes_plan(rows=_request_rows(person) + [
        RowIn("sen_need", {"person_id": person.person_id, "need_type": "SLCN", "need_rank": 1,
                           "start_date": dt.date(2025, 4, 1), "end_date": None})])
    run = import_preview(run=_run(), plan=plan, people={"matched": 1})
    assert run.status == PREVIEWED
    assert plan.counts()["ehc_request"] == {"added": 0, "changed": 1, "closed": 0, "unchanged": 0}
    assert plan.counts()["sen_need"]["added"] == 1
    example = plan.examples()["ehc_request"]["changed"][0]
    assert {"column": "outcome", "old": "A", "new": "Y"} in example["differences"]
    assert EhcRequest.objects.get().outcome == "A"
    assert not SenNeed.objects.exists()
    assert not ImportChange.objects.exists()


def test_apply_then_the_same_rows_again_change_nothing():
    person = PersonFactory()
    run, _ = _apply(_request_rows(person))
    assert run.status == APPLIED
    assert [(c.table, c.key, c.action) for c in run.changes.all()] == [("ehc_request", "R-1", ADDED)]
    again, plan = _apply(_request_rows(person))
    assert plan.counts()["ehc_request"] == {"added": 0, "changed": 0, "closed": 0, "unchanged": 1}
    assert again.changes.count() == 0


def test_reverse_removes_what_was_added_and_puts_back_what_was_changed_and_closed():
    person = PersonFactory()
    EhcRequestFactory(request_id="R-1", person=person, received_date=dt.date(2025, 3, 1), outcome="A",
                      outcome_date=None)
    placement = PlacementFactory(person=person, end_date=None)
    need_rows = [RowIn("sen_need", {"person_id": person.person_id, "need_type": "SLCN", "need_rank": 1,
                                    "start_date": dt.date(2025, 4, 1), "end_date": None})]
    close = [RowIn("placement", {"placement_id": placement.placement_id, "end_date": dt.date(2026, 1, 14)},
                   closes=True)]
    run, plan = _apply(_request_rows(person) + need_rows + close)
    assert plan.counts()["placement"]["closed"] == 1
    assert {c.action for c in run.changes.all()} == {ADDED, CHANGED, CLOSED}
    assert Placement.objects.get().end_date == dt.date(2026, 1, 14)

    counts = import_reverse(run=run, by_name="pytest")
    assert counts == {"removed": 1, "restored": 2}
    run.refresh_from_db()
    assert run.status == REVERSED and run.reversed_by_name == "pytest"
    request = EhcRequest.objects.get()
    assert (request.outcome, request.outcome_date) == ("A", None)
    assert Placement.objects.get().end_date is None
    assert not SenNeed.objects.exists()


def test_reverse_is_refused_when_a_row_was_edited_since_and_names_it():
    person = PersonFactory()
    run, _ = _apply(_request_rows(person))
    EhcRequest.objects.filter(pk="R-1").update(outcome="W")
    assert import_reverse_blockers(run=run) == ["ehc_request R-1 has been edited since this import (outcome)"]
    with pytest.raises(ImportRefused, match="R-1 has been edited"):
        import_reverse(run=run)
    assert EhcRequest.objects.filter(pk="R-1").exists()


def test_only_the_last_import_is_reversed_and_a_later_import_of_the_same_rows_blocks_it():
    person = PersonFactory()
    first, _ = _apply(_request_rows(person, outcome="A"))
    second, _ = _apply(_request_rows(person, outcome="Y"))
    assert "Only the last applied TEST import" in import_reverse_blockers(run=first)[0]
    import_reverse(run=second)
    assert EhcRequest.objects.get().outcome == "A"
    import_reverse(run=first)
    assert not EhcRequest.objects.exists()
    assert Person._base_manager.filter(pk=person.pk).exists()


def test_an_import_with_errors_cannot_be_previewed():
    run = import_check(source="test", by_name="pytest", file_name="bad.xml", data=b"x", collection_year=2026,
                       report={}, errors=2, queries=0)
    with pytest.raises(ImportRefused, match="bad.xml has 2 error"):
        import_preview(run=run, plan=changes_plan(rows=[]), people={})


def test_a_need_added_is_keyed_by_its_new_id_so_reversal_finds_it():
    need = SenNeedFactory()
    run, _ = _apply([RowIn("sen_need", {"person_id": need.person_id, "need_type": "HI", "need_rank": 2,
                                        "start_date": dt.date(2025, 1, 1), "end_date": None})])
    added = run.changes.get()
    assert SenNeed.objects.filter(pk=int(added.key), need_type="HI").exists()
    import_reverse(run=run)
    assert list(SenNeed.objects.values_list("pk", flat=True)) == [need.pk]
