"""Reading one child, searching, the timeline and a setting's cohort: scoped and audited."""

import datetime as dt

import pytest
from django.http import Http404

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from sendreform.people import selectors
from tests.factories import (
    AnnualReviewFactory,
    ApCommissionFactory,
    AttendanceFactory,
    ClusterFactory,
    EahInvolvementFactory,
    EahPractitionerFactory,
    EahReferralFactory,
    EhcAssessmentFactory,
    EhcPlanFactory,
    EhcRequestFactory,
    EstablishmentFactory,
    ExclusionFactory,
    NeetActivityFactory,
    PartTimeTimetableFactory,
    PersonFactory,
    PlacementFactory,
    SenNeedFactory,
    SenStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def oak():
    return EstablishmentFactory(establishment_id="OAK", name="Oak Primary")


@pytest.fixture
def senco(oak):
    return UserFactory(role=roles.SENCO, establishment=oak, username="senco1")


def test_person_get_returns_a_child_in_scope_and_records_the_read(oak, senco):
    SenStatusFactory(person=PersonFactory(person_id="P1"), establishment=oak)

    person = selectors.person_get(user=senco, person_id="P1", page="/children/P1/")

    assert person.person_id == "P1"
    entry = AuditEntry.objects.get()
    assert (entry.username, entry.action, entry.person_id, entry.page) == ("senco1", "view", "P1", "/children/P1/")


def test_a_child_outside_scope_and_a_child_that_does_not_exist_raise_the_same_404(oak, senco):
    PersonFactory(person_id="ELSEWHERE")

    with pytest.raises(Http404) as outside:
        selectors.person_get(user=senco, person_id="ELSEWHERE", page="/children/ELSEWHERE/")
    with pytest.raises(Http404) as missing:
        selectors.person_get(user=senco, person_id="NO-SUCH", page="/children/NO-SUCH/")

    assert str(outside.value) == str(missing.value)
    assert AuditEntry.objects.count() == 0


def test_search_matches_name_words_upn_and_date_of_birth_within_scope(oak, senco):
    amira = PersonFactory(person_id="P1", forename="Amira", surname="Khan", upn="A870200024999",
                          birth_date=dt.date(2016, 3, 27))
    ben = PersonFactory(person_id="P2", forename="Ben", surname="Khanna", birth_date=dt.date(2015, 1, 2))
    outside = PersonFactory(person_id="P3", forename="Amira", surname="Khan")
    for person in (amira, ben):
        SenStatusFactory(person=person, establishment=oak)

    def found(**kwargs):
        return [p.person_id for p in selectors.person_search(user=senco, page="/children/", **kwargs)]

    assert found(text="khan") == ["P1", "P2"]
    assert found(text="amira khan") == ["P1"]
    assert found(text="  Amira   KHAN ") == ["P1"]
    assert found(text="a870200024999") == ["P1"]
    assert found(birth_date=dt.date(2015, 1, 2)) == ["P2"]
    assert found(text="Khan", birth_date=dt.date(2016, 3, 27)) == ["P1"]
    assert found(text="Zed") == []
    assert outside.person_id not in found(text="Amira")
    assert AuditEntry.objects.filter(action="search", username="senco1").count() == 8


def test_a_board_member_finds_nobody_and_leaves_no_audit_entry():
    PersonFactory(forename="Amira")

    assert selectors.person_search(user=UserFactory(role=roles.BOARD_MEMBER), text="Amira") == []
    assert AuditEntry.objects.count() == 0


def test_the_timeline_puts_every_service_on_one_chronological_line_grouped_by_academic_year(oak):
    officer = UserFactory(role=roles.OFFICER)
    child = PersonFactory(person_id="P1", forename="Amira")
    SenStatusFactory(person=child, establishment=oak, sen_provision="K", start_date=dt.date(2024, 9, 1),
                     end_date=dt.date(2025, 1, 14))
    SenStatusFactory(person=child, establishment=oak, sen_provision="E", start_date=dt.date(2025, 1, 15))
    SenNeedFactory(person=child, need_type="ASD", start_date=dt.date(2024, 9, 1))
    request = EhcRequestFactory(person=child, received_date=dt.date(2024, 9, 20), request_source=2,
                                outcome="Y", outcome_date=dt.date(2024, 10, 30))
    assessment = EhcAssessmentFactory(request=request, outcome="Y", outcome_date=dt.date(2025, 1, 10))
    plan = EhcPlanFactory(person=child, assessment=assessment, start_date=dt.date(2025, 1, 15))
    AnnualReviewFactory(plan=plan, meeting_date=dt.date(2026, 1, 12), outcome="A")
    PlacementFactory(person=child, establishment=oak, sen_unit=True, start_date=dt.date(2025, 1, 15))
    PlacementFactory(person=child, establishment=None, sen_setting="EHE", start_date=dt.date(2024, 6, 1),
                     end_date=dt.date(2024, 8, 31))
    AttendanceFactory(person=child, establishment=oak, academic_year="2024/25", term="AUT")
    ExclusionFactory(person=child, establishment=oak, start_date=dt.date(2024, 11, 5))
    PartTimeTimetableFactory(person=child, establishment=oak, start_date=dt.date(2024, 11, 18),
                             end_date=dt.date(2024, 12, 20))
    ApCommissionFactory(person=child, start_date=dt.date(2025, 2, 3))
    NeetActivityFactory(person=child, as_at=dt.date(2025, 1, 31))
    referral = EahReferralFactory(person=child, establishment=oak, received_date=dt.date(2024, 10, 1),
                                  closed_date=dt.date(2025, 3, 1), outcome="ESCALATED_EHCNA")
    EahInvolvementFactory(referral=referral, start_date=dt.date(2024, 10, 14))

    years = selectors.person_timeline(user=officer, person_id="P1")

    assert [y.name for y in years] == ["2023/24", "2024/25", "2025/26"]
    events = [e for y in years for e in y.events]
    assert [e.date for e in events] == sorted(e.date for e in events)
    summaries = [e.summary for e in events]
    assert "Placement started: Elective home education" in summaries
    assert "Placement started: Mainstream school with SEN unit or resourced provision" in summaries
    assert "Request received (from: school or other education setting)" in summaries
    assert "Assessment outcome: plan to be issued" in summaries
    assert "Final EHC plan issued" in summaries
    assert "Annual review meeting: amend the plan" in summaries
    assert "Referral closed: Escalated to a request for statutory assessment" in summaries
    assert any(s.startswith("Suspension, 4 sessions") for s in summaries)
    assert any(s.startswith("Part-time timetable started: 15.00 of 32.50") for s in summaries)
    assert any(s.startswith("Alternative provision commissioned by the council") for s in summaries)
    attendance = next(e for e in events if e.kind == "Attendance")
    assert attendance.date == dt.date(2024, 12, 31)
    assert "absence 10.0% (14 of 140 sessions missed, 7 unauthorised)" in attendance.summary
    kinds = {e.kind for e in events}
    assert kinds >= {"SEN status", "Need", "EHC needs assessment request", "EHC needs assessment", "EHC plan",
                     "Annual review", "Placement", "Attendance", "Exclusion", "Part-time timetable",
                     "Alternative provision", "Post-16 activity", "Experts at Hand"}


def test_same_day_events_keep_their_real_order_and_name_the_practitioner(oak, senco):
    person = PersonFactory(person_id="P1")
    SenStatusFactory(person=person, establishment=oak, start_date=dt.date(2024, 9, 1))
    day = dt.date(2024, 10, 1)
    referral = EahReferralFactory(person=person, establishment=oak, received_date=day, triage_date=day,
                                  first_support_date=day, closed_date=day, outcome="NEEDS_MET_IN_SETTING")
    EahPractitionerFactory(practitioner_id="870-EAH02", name="Priya Shah")
    EahInvolvementFactory(referral=referral, practitioner_id="870-EAH02", start_date=day, end_date=day)

    events = [e.summary for y in selectors.person_timeline(user=senco, person_id="P1") for e in y.events
              if e.kind == "Experts at Hand"]

    # Alphabetically "Referral closed" came before "Referral received"; this is the order they happened in.
    assert events == [
        "Referral received (at risk of suspension)",
        "Referral triaged: Targeted",
        "Educational psychology involvement started (Priya Shah)",
        "First support given",
        "Referral closed: Needs met in setting",
    ]


def test_a_term_under_way_is_dated_today_not_at_its_end(oak, senco, monkeypatch):
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: dt.date(2026, 12, 1))
    person = PersonFactory(person_id="P1")
    SenStatusFactory(person=person, establishment=oak, start_date=dt.date(2024, 9, 1))
    AttendanceFactory(person=person, establishment=oak, academic_year="2026/27", term="AUT", sessions_possible=100,
                      sessions_authorised=4, sessions_unauthorised=1)

    events = [e for y in selectors.person_timeline(user=senco, person_id="P1") for e in y.events]

    attendance = next(e for e in events if e.kind == "Attendance")
    assert attendance.date == dt.date(2026, 12, 1)  # not 31 December 2026, a month after the record was seen
    assert attendance.summary.startswith("Autumn term 2026/27 so far: absence 5.0% (5 of 100 sessions missed")


def test_the_timeline_is_scoped_like_the_record(senco):
    PersonFactory(person_id="ELSEWHERE")

    with pytest.raises(Http404):
        selectors.person_timeline(user=senco, person_id="ELSEWHERE")


def test_a_cohort_is_the_roll_the_user_may_see_and_is_audited(oak, senco):
    SenStatusFactory(person=PersonFactory(person_id="P1"), establishment=oak, sen_provision="E")
    PlacementFactory(person=PersonFactory(person_id="P2"), establishment=oak)
    SenStatusFactory(person=PersonFactory(person_id="P3"))

    cohort = selectors.establishment_cohort(user=senco, establishment_id="OAK", page="/settings/OAK/")

    assert {(p.person_id, p.sen_provision) for p in cohort} == {("P1", "E"), ("P2", None)}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.detail, entry.page) == ("cohort", "setting OAK", "/settings/OAK/")


def test_a_senco_sees_nobody_in_another_settings_cohort(oak, senco):
    elm = EstablishmentFactory(establishment_id="ELM")
    SenStatusFactory(establishment=elm)

    assert list(selectors.establishment_cohort(user=senco, establishment_id="ELM")) == []


def test_a_board_member_sees_a_setting_but_none_of_its_children(oak):
    SenStatusFactory(establishment=oak)
    board = UserFactory(role=roles.BOARD_MEMBER)

    assert selectors.establishment_get(user=board, establishment_id="OAK").name == "Oak Primary"
    assert list(selectors.establishment_cohort(user=board, establishment_id="OAK")) == []
    assert AuditEntry.objects.count() == 0


def test_settings_filter_by_phase_kind_and_cluster():
    north = ClusterFactory(cluster_id="N")
    EstablishmentFactory(establishment_id="A", phase="PRIMARY", cluster=north)
    EstablishmentFactory(establishment_id="B", phase="SECONDARY", kind="SPECIAL", cluster=north)
    EstablishmentFactory(establishment_id="C", phase="SECONDARY")
    user = UserFactory(role=roles.PCF_REP)

    def ids(**filters):
        return sorted(selectors.establishments_visible_to(user=user, **filters).values_list("pk", flat=True))

    assert ids() == ["A", "B", "C"]
    assert ids(phase="SECONDARY") == ["B", "C"]
    assert ids(kind="SPECIAL") == ["B"]
    assert ids(cluster_id="N") == ["A", "B"]
    assert list(selectors.establishments_visible_to(user=UserFactory(role=""))) == []


def test_the_busiest_practitioner_largest_cluster_and_largest_primary():
    north, south = ClusterFactory(cluster_id="N"), ClusterFactory(cluster_id="S")
    small = EstablishmentFactory(establishment_id="SMALL", cluster=north)
    large = EstablishmentFactory(establishment_id="LARGE", cluster=north)
    EstablishmentFactory(establishment_id="SPECIAL", kind="SPECIAL", cluster=south)
    SenStatusFactory(establishment=small)
    child = PersonFactory()
    SenStatusFactory(person=child, establishment=large)
    PlacementFactory(person=child, establishment=large)
    SenStatusFactory(establishment=large)
    EahInvolvementFactory(practitioner_id="870-EAH07")

    assert selectors.establishment_largest_primary().pk == "LARGE"
    assert selectors.cluster_largest().pk == "N"
    assert selectors.practitioner_busiest() == "870-EAH07"


def test_strategies_agreed_with_experts_at_hand_are_on_the_child_and_read_once(client, oak):
    # Given a child on Oak's roll with a strategy agreed on their Experts at Hand referral
    from sendreform.experts.models import EahStrategy

    child = PersonFactory(person_id="KID1", forename="Ada", surname="Lark")
    PlacementFactory(person=child, establishment=oak, start_date=dt.date(2025, 9, 1))
    referral = EahReferralFactory(person=child, establishment=oak)
    EahStrategy.objects.create(referral=referral, person=child, agreed_date=dt.date(2026, 10, 5),
                               text="Visual timetable at every transition")
    senco = UserFactory(role=roles.SENCO, establishment=oak)
    # Then the timeline holds it
    events = [e for year in selectors.person_timeline(user=senco, person_id="KID1") for e in year.events]
    assert any(e.summary == "Strategy agreed: Visual timetable at every transition" for e in events)
    # And the SENCo's strategies page shows it, recording one read of the child
    client.force_login(senco)
    before = AuditEntry.objects.filter(person_id="KID1").count()
    page = client.get("/experts/children/KID1/strategies/")
    assert page.status_code == 200 and b"Visual timetable at every transition" in page.content
    assert AuditEntry.objects.filter(person_id="KID1").count() == before + 1
