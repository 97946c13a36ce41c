"""The workflow's writes: consent, triage with optimistic locking, support, closure with the family's
feedback, and the emails."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from sendreform.experts import services
from sendreform.experts.models import EahEngagement, EahInvolvement, EahReferral
from sendreform.voice.models import SurveyResponse
from tests.factories import EahInvolvementFactory, EahReferralFactory

pytestmark = pytest.mark.django_db


def _refer(area, *, person="amira", consent=True, **kw):
    return services.referral_create(
        by=area["users"]["senco"],
        establishment=area["oak"],
        person=area[person] if person else None,
        concern="Struggles to communicate with peers",
        graduated_response="Two cycles of SALT-led group work",
        risk_flags=["SUSPENSION"],
        consent_given=consent,
        **kw,
    )


def test_a_child_level_referral_without_consent_is_refused_and_nothing_is_saved(area):
    with pytest.raises(ValidationError) as error:
        _refer(area, consent=False)
    assert "consent_given" in error.value.message_dict
    assert EahReferral.objects.count() == 0


def test_a_setting_level_consultation_needs_no_consent(area, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = _refer(area, person=None, consent=False)
    assert referral.person_id is None and referral.detail.consent_given is False
    # The leads and the setting are told it was received.
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"lead@example.org", "senco@oak.example"}
    assert "Amira" not in mail.outbox[0].body
    assert f"http://127.0.0.1:8000/experts/referrals/{referral.referral_id}/" in mail.outbox[0].body


def test_a_senco_cannot_refer_from_another_setting(area):
    with pytest.raises(ValidationError):
        services.referral_create(
            by=area["users"]["senco"],
            establishment=area["ash"],
            person=None,
            concern="x",
            graduated_response="y",
            risk_flags=[],
            consent_given=False,
        )


def _triage(referral, by, version, **kw):
    args = {
        "tier": "TARGETED",
        "disciplines": ["EP"],
        "practitioner_ids": ["870-EAH01"],
        "weekly_hours": Decimal("2.0"),
    } | kw
    return services.referral_triage(referral_id=referral.referral_id, version=version, by=by, **args)


def test_triage_sets_the_tier_and_allocates_with_the_expected_weekly_hours(
    area, django_capture_on_commit_callbacks
):
    referral = _refer(area, received_date=dt.date(2026, 11, 2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        triaged = _triage(referral, area["users"]["lead"], referral.detail.version)
    triaged.detail.refresh_from_db()
    assert (triaged.tier, triaged.detail.disciplines, triaged.detail.version) == ("TARGETED", "EP", 1)
    involvement = EahInvolvement.objects.get(referral=referral)
    assert (involvement.practitioner_id, involvement.discipline, involvement.allocation.weekly_hours) == (
        "870-EAH01",
        "EP",
        Decimal("2.0"),
    )
    assert mail.outbox and "priya@example.org" in mail.outbox[0].to
    assert "allocated to Priya Shah." in mail.outbox[0].body  # a name, not the id 870-EAH01


def test_two_leads_triaging_at_once_the_second_is_told_and_nothing_is_overwritten(area):
    # Given two leads who both opened the triage form at version 0.
    referral = _refer(area, received_date=dt.date(2026, 11, 2))
    seen_version = referral.detail.version
    # When the first saves Targeted Plus with an educational psychologist ...
    _triage(referral, area["users"]["lead2"], seen_version, tier="TARGETED_PLUS")
    # ... and the second then saves Universal from the same, now stale, form.
    with pytest.raises(services.ReferralChanged) as changed:
        _triage(
            referral,
            area["users"]["lead"],
            seen_version,
            tier="UNIVERSAL",
            practitioner_ids=["870-EAH04"],
            disciplines=["SALT"],
        )
    # Then the second is told who changed it and sees the new state; the first lead's triage stands.
    assert changed.value.changed_by == "Lee Second"
    assert changed.value.referral.tier == "TARGETED_PLUS" and changed.value.version == 1
    referral.refresh_from_db()
    assert referral.tier == "TARGETED_PLUS"
    assert list(referral.involvements.values_list("practitioner_id", flat=True)) == ["870-EAH01"]
    # And resubmitting against the version they were shown succeeds.
    _triage(
        referral,
        area["users"]["lead"],
        changed.value.version,
        tier="TARGETED_PLUS",
        practitioner_ids=["870-EAH04"],
        disciplines=["EP", "SALT"],
    )
    assert sorted(referral.involvements.values_list("practitioner_id", flat=True)) == [
        "870-EAH01",
        "870-EAH04",
    ]


def test_targeted_triage_without_a_practitioner_is_refused(area):
    referral = _refer(area, received_date=dt.date(2026, 11, 2))
    with pytest.raises(ValidationError) as error:
        _triage(referral, area["users"]["lead"], 0, practitioner_ids=[])
    assert "practitioner_ids" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.tier is None and referral.detail.version == 0


def test_support_closure_and_the_familys_feedback(area, django_capture_on_commit_callbacks):
    referral = _refer(area, received_date=dt.date(2026, 11, 2))
    _triage(referral, area["users"]["lead"], 0, on=dt.date(2026, 11, 5))
    involvement = referral.involvements.get()
    practitioner = area["users"]["practitioner"]
    # Contacts: hours add up on the involvement; the first contact is the first support.
    services.involvement_contact_log(
        involvement=involvement,
        contact_date=dt.date(2026, 11, 20),
        kind="OBSERVATION",
        hours=Decimal("2.5"),
        note="",
        by=practitioner,
    )
    services.involvement_contact_log(
        involvement=involvement,
        contact_date=dt.date(2026, 11, 16),
        kind="CONSULTATION",
        hours=Decimal("1.0"),
        note="",
        by=practitioner,
    )
    involvement.refresh_from_db()
    referral.refresh_from_db()
    assert involvement.hours == Decimal("3.5")
    assert referral.first_support_date == dt.date(2026, 11, 16)
    services.referral_strategy_add(
        referral=referral, text="Visual timetable", agreed_date=dt.date(2026, 11, 20), by=practitioner
    )
    assert area["amira"].eah_strategies.get().text == "Visual timetable"
    # Closing ends the involvement and offers the family the survey, by email when given.
    referral.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_close(
            referral_id=referral.referral_id,
            version=referral.detail.version,
            outcome="NEEDS_MET_IN_SETTING",
            closed_date=dt.date(2026, 11, 27),
            by=practitioner,
            family_email="family@example.org",
        )
    involvement.refresh_from_db()
    assert involvement.end_date == dt.date(2026, 11, 27)
    assert mail.outbox[-1].to == ["family@example.org"]
    token = referral.feedback_invitation.token
    # The link is whole, from the configured site address, so the parent can click it in their email.
    assert f"http://127.0.0.1:8000/experts/feedback/{token}/" in mail.outbox[-1].body
    written = services.feedback_submit(
        token=token,
        scores={"advice": 5, "timely": 4, "staff": 2},
        comment="Thank you",
        on=dt.date(2026, 11, 28),
    )
    responses = SurveyResponse.objects.filter(survey="EAH_PARENT_FEEDBACK").order_by("response_id")
    assert written == 3
    assert [(r.person_id, r.establishment_id, r.score) for r in responses] == [
        ("P1", "OAK", 5),
        ("P1", "OAK", 4),
        ("P1", "OAK", 2),
    ]
    # The link works once.
    with pytest.raises(ValidationError):
        services.feedback_submit(token=token, scores={"advice": 5, "timely": 5, "staff": 5})


def test_a_contact_before_the_referral_or_on_a_closed_referral_is_refused(area):
    involvement = EahInvolvementFactory(
        referral=EahReferralFactory(
            received_date=dt.date(2026, 11, 2), triage_date=None, first_support_date=None
        ),
        start_date=dt.date(2026, 11, 2),
    )
    with pytest.raises(ValidationError):
        services.involvement_contact_log(
            involvement=involvement,
            contact_date=dt.date(2026, 11, 1),
            kind="PHONE",
            hours=Decimal(1),
            note="",
            by=None,
        )
    assert involvement.contacts.count() == 0


def test_overdue_items_are_emailed_once(area, settings):
    # Given a referral received 2 November 2026 and never triaged: due 16 November, overdue on the 17th.
    EahReferralFactory(
        referral_id="R-LATE",
        establishment=area["oak"],
        received_date=dt.date(2026, 11, 2),
        triage_date=None,
        tier=None,
        first_support_date=None,
    )
    assert services.overdue_notify(on=dt.date(2026, 11, 16)) == 0
    assert services.overdue_notify(on=dt.date(2026, 11, 17)) == 1
    assert "R-LATE" in mail.outbox[0].subject and mail.outbox[0].to == ["lead@example.org"]
    assert services.overdue_notify(on=dt.date(2026, 11, 18)) == 0
    call_command("eah_notify_overdue", "--on", "2026-11-19")
    assert len(mail.outbox) == 1


def test_engagement_is_recorded_with_who_recorded_it(area):
    services.engagement_record(
        establishment=area["oak"], level="ACTIVE", as_at=dt.date(2026, 11, 1), by=area["users"]["lead"]
    )
    assert EahEngagement.objects.get().record.recorded_by.username == "lead"
    with pytest.raises(ValidationError):
        services.engagement_record(
            establishment=area["oak"], level="KEEN", as_at=dt.date(2026, 11, 1), by=None
        )
