"""Who sees what, every child-level read audited, and the pages' forms: error summaries, nothing half-saved,
and the second of two leads triaging at once told what changed."""

import datetime as dt

import pytest
from django.test import Client

from sendreform.accounts.models import AuditEntry
from sendreform.experts import selectors, services
from sendreform.experts.models import EahReferral, EahTransitionPlan
from sendreform.standards import formats
from tests.factories import EahInvolvementFactory, EahReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(area):
    oak = EahReferralFactory(
        referral_id="R-OAK",
        establishment=area["oak"],
        person=area["amira"],
        received_date=dt.date(2026, 11, 2),
        triage_date=None,
        tier=None,
        first_support_date=None,
    )
    ash = EahReferralFactory(
        referral_id="R-ASH",
        establishment=area["ash"],
        person=area["dan"],
        received_date=dt.date(2026, 10, 1),
        triage_date=dt.date(2026, 10, 5),
        tier="TARGETED_PLUS",
        first_support_date=None,
    )
    EahInvolvementFactory(referral=ash, practitioner_id="870-EAH04", start_date=dt.date(2026, 10, 5))
    return {"oak": oak, "ash": ash}


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("lead", {"R-OAK", "R-ASH"}),
        ("officer", {"R-OAK", "R-ASH"}),
        ("senco", {"R-OAK"}),
        ("ash_senco", {"R-ASH"}),
        ("other_practitioner", {"R-ASH"}),
        ("practitioner", set()),
        ("cluster_lead", {"R-OAK"}),
        ("board", set()),
        ("pcf", set()),
    ],
)
def test_each_role_sees_only_its_referrals(area, referrals, user, expected):
    visible = selectors.referrals_visible_to(user=area["users"][user])
    assert set(visible.values_list("referral_id", flat=True)) == expected


def test_a_referral_outside_scope_is_not_found_and_a_read_in_scope_is_audited(area, referrals):
    senco = _client(area["users"]["senco"])
    assert senco.get("/experts/referrals/R-ASH/").status_code == 404
    assert senco.get("/experts/referrals/R-OAK/").status_code == 200
    entry = AuditEntry.objects.filter(username="senco", person_id="P1").get()
    assert entry.page == "/experts/referrals/R-OAK/"
    refused = AuditEntry.objects.filter(username="senco", action="refused").get()
    assert (refused.page, refused.detail) == ("/experts/referrals/R-ASH/", "asked for Experts at Hand referral R-ASH")


def test_the_queue_filters_and_sorts_and_its_csv_follows(area, referrals):
    lead = _client(area["users"]["lead"])
    # Both: R-ASH (Targeted Plus, Ash, Dan) and R-OAK (not yet triaged, Oak, Amira).
    everything = lead.get("/experts/queue/").content.decode()
    assert "2 referrals." in everything
    untriaged = lead.get("/experts/queue/?tier=NONE").content.decode()
    assert "1 referral." in untriaged and "R-OAK" in untriaged and "R-ASH" not in untriaged
    at_ash = lead.get(f"/experts/queue/?setting={area['ash'].pk}").content.decode()
    assert "R-ASH" in at_ash and "R-OAK" not in at_ash
    in_cluster = lead.get(f"/experts/queue/?cluster={area['oak'].cluster_id}").content.decode()
    assert "R-OAK" in in_cluster and "R-ASH" not in in_cluster
    newest = lead.get("/experts/queue/?sort=newest").content.decode()
    assert newest.index("R-OAK") < newest.index("R-ASH")  # received 2 November, then 1 October
    csv = lead.get("/experts/queue.csv?tier=TARGETED_PLUS").content.decode()
    assert "R-ASH" in csv and "R-OAK" not in csv


def test_the_referral_list_filters_by_age_and_overdue(area, referrals):
    items = selectors.referral_list(user=area["users"]["lead"], on=dt.date(2026, 11, 27))
    ages = {i.referral.referral_id: selectors._age(i, dt.date(2026, 11, 27)) for i in items}
    band = next(k for k, (_, low, high) in selectors.CHILD_AGE_BANDS.items() if low is not None
                and low <= ages["R-OAK"] <= high)
    lead = _client(area["users"]["lead"])
    page = lead.get(f"/experts/referrals/?age_band={band}").content.decode()
    assert "R-OAK" in page
    consultations = lead.get("/experts/referrals/?age_band=SETTING").content.decode()
    assert "R-OAK" not in consultations and "R-ASH" not in consultations
    filtered = selectors.referrals_filter(items, by=selectors.ReferralFilter(overdue_only=True),
                                          on=dt.date(2026, 11, 27))
    assert {i.referral.referral_id for i in filtered} == {"R-ASH", "R-OAK"}  # both overdue on 27 November
    # R-ASH received 1 October: more than 20 working days by 27 November; R-OAK on 2 November: 19.
    longest = selectors.referrals_filter(items, by=selectors.ReferralFilter(waiting="More than 20 working days"),
                                         on=dt.date(2026, 11, 27))
    assert [i.referral.referral_id for i in longest] == ["R-ASH"]


def test_a_referral_names_its_practitioners(area, referrals):
    page = _client(area["users"]["lead"]).get("/experts/referrals/R-ASH/").content.decode()
    assert "Sam Ortiz" in page and "870-EAH04" not in page


@pytest.mark.parametrize("user", ["board", "pcf"])
def test_board_and_forum_see_only_suppressed_aggregates(area, referrals, user):
    client = _client(area["users"][user])
    for url in ("/experts/queue/", "/experts/referrals/", "/experts/meetings/", "/experts/practitioners/"):
        assert client.get(url).status_code == 403
    assert client.get("/experts/referrals/R-OAK/").status_code == 404
    page = client.get("/experts/demand/")
    assert page.status_code == 200
    # Two referrals waiting: a small number, shown as c.
    assert "c referrals waiting" in page.content.decode() or "c referral waiting" in page.content.decode()
    assert "Amira" not in page.content.decode()


def test_the_queue_puts_overdue_first_and_the_lead_home_page_warns(area, referrals):
    items = selectors.triage_queue(user=area["users"]["lead"], on=dt.date(2026, 11, 27))
    # R-ASH: Targeted Plus received 1 October, first support due 29 October: overdue. R-OAK: triage due 16 Nov.
    assert [i.referral.referral_id for i in items] == ["R-ASH", "R-OAK"]
    assert items[0].clock.support_overdue and items[1].clock.triage_overdue
    lead = _client(area["users"]["lead"])
    home = lead.get("/").content.decode()
    assert "2 Experts at Hand referrals are overdue" in home
    queue = lead.get("/experts/queue/").content.decode()
    assert "2 referrals overdue" in queue and "Overdue: first support was due 29 October 2026" in queue


def test_a_referral_without_consent_shows_the_error_summary_and_saves_nothing(area):
    senco = _client(area["users"]["senco"])
    page = senco.post("/experts/refer/child/P1/", {"concern": "Speech", "graduated_response": "Groups"})
    html = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in html
    assert "needs the parent&#x27;s or carer&#x27;s consent" in html
    assert EahReferral.objects.count() == 0


def test_a_senco_refers_a_child_told_once_from_the_record(area):
    senco = _client(area["users"]["senco"])
    form = senco.get("/experts/refer/child/P1/").content.decode()
    # The child's details come from the record: shown, not asked.
    assert "Amira Khan" in form and 'name="forename"' not in form
    assert senco.get("/experts/refer/child/P4/").status_code == 404  # Dan is at Ash, not on Oak's roll
    done = senco.post(
        "/experts/refer/child/P1/",
        {
            "concern": "Speech",
            "graduated_response": "Groups",
            "risk_flags": ["ATTENDANCE"],
            "consent_given": "on",
        },
    )
    referral = EahReferral.objects.get()
    assert done.status_code == 302 and (referral.person_id, referral.establishment_id) == ("P1", "OAK")
    assert referral.risk_flags == "ATTENDANCE"
    # It ends on a confirmation page: the reference, and when triage is due.
    assert done.url == f"/experts/referrals/{referral.referral_id}/sent/"
    sent = senco.get(done.url).content.decode()
    assert "Referral sent" in sent and referral.referral_id in sent and "What happens next" in sent
    clock = selectors.referral_clock(referral=referral, on=referral.received_date)
    assert f"by {formats.date_words(clock.triage_due)}" in sent


def test_the_second_lead_triaging_a_changed_referral_gets_a_clear_message(area, referrals):
    first, second = _client(area["users"]["lead2"]), _client(area["users"]["lead"])
    form = {
        "version": "0",
        "tier": "TARGETED",
        "disciplines": ["EP"],
        "practitioner_ids": ["870-EAH01"],
        "weekly_hours": "2",
    }
    assert first.post("/experts/referrals/R-OAK/triage/", form).status_code == 302
    page = second.post("/experts/referrals/R-OAK/triage/", form | {"tier": "UNIVERSAL"})
    html = page.content.decode()
    assert page.status_code == 409
    assert "Lee Second changed this referral while you were editing it" in html
    # The new state is shown, and the second lead's choice is still selected in the form.
    assert "Targeted" in html and 'value="UNIVERSAL" checked' in html and 'name="version" value="1"' in html
    referral = EahReferral.objects.get(pk="R-OAK")
    assert referral.tier == "TARGETED"


def test_the_planning_meeting_agenda_shows_who_moves_phase_without_a_transition_plan(area, referrals):
    lead = area["users"]["lead"]
    meeting = services.meeting_create(
        cluster=area["north"], meeting_date=dt.date(2026, 11, 20), notes="", by=lead
    )
    agenda = selectors.meeting_agenda(user=lead, meeting=meeting, page="test")
    # Amira (born March 2016) and Cara (October 2015) are in year 6 and move to secondary in 2027/28; Ben
    # (May 2015) is already in year 7.
    assert [(t.person_id, t.move, t.has_transition_plan) for t in agenda.transfers] == [
        ("P1", "Primary to secondary", False),
        ("P3", "Primary to secondary", False),
    ]
    assert [i.referral.referral_id for i in agenda.at_risk] == ["R-OAK"]
    assert agenda.targeted_plus == []  # R-ASH is in the South cluster
    EahTransitionPlan.objects.create(
        person=area["cara"], academic_year="2027/28", agreed_date=dt.date(2026, 11, 20)
    )
    assert selectors.meeting_agenda(user=lead, meeting=meeting, page="test").without_plan == 1
    page = _client(lead).post(f"/experts/meetings/{meeting.pk}/", {"description": "", "owner": ""})
    assert "Enter the action" in page.content.decode()
    assert meeting.actions.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "/experts/",
        "/experts/engagement/",
        "/experts/demand/",
        "/experts/queue/",
        "/experts/practitioners/",
        "/experts/meetings/",
        "/experts/referrals/",
        "/experts/queue.csv",
        "/experts/demand.csv?table=age",
        "/experts/engagement.csv?by=cluster",
        "/experts/engagement/OAK/",
    ],
)
def test_the_lead_pages_render(area, referrals, url):
    assert _client(area["users"]["lead"]).get(url).status_code == 200


def test_a_senco_finds_a_child_to_refer_by_a_search_of_their_roll_that_is_audited(area):
    senco = _client(area["users"]["senco"])

    start = senco.get("/experts/refer/").content.decode()
    # No list of the roll: nothing about any child until the SENCo searches.
    assert "<select" not in start and "/experts/refer/child/" not in start and "Okoro" not in start
    assert 'href="/experts/refer/setting/"' in start

    by_name = senco.get("/experts/refer/?text=amira").content.decode()
    assert 'href="/experts/refer/child/P1/"' in by_name and "27 March 2016" in by_name
    assert "Okoro" not in by_name
    born = {"birth_date_day": "1", "birth_date_month": "5", "birth_date_year": "2015"}
    assert 'href="/experts/refer/child/P2/"' in senco.get("/experts/refer/", born).content.decode()
    # Dan is on Ash's roll, not Oak's: not found, whatever is typed.
    assert "No child on your roll matches" in senco.get("/experts/refer/?text=Dan+Hill").content.decode()
    assert "Enter a name, a unique pupil number or a date of birth" in senco.get(
        "/experts/refer/?text=").content.decode()

    searches = AuditEntry.objects.filter(username="senco", action="search").order_by("id")
    assert [(e.page, e.detail) for e in searches] == [
        ("/experts/refer/?text=amira", "amira; born -; 1 found"),
        ("/experts/refer/?birth_date_day=1&birth_date_month=5&birth_date_year=2015", "-; born 2015-05-01; 1 found"),
        ("/experts/refer/?text=Dan+Hill", "Dan Hill; born -; 0 found"),
    ]
