"""Two people save the same item at the same moment (ADR 13): one save goes through, the other gets the 409
page with the item as saved now and their own entries kept in the form; never a 500, never a silent overwrite.

The two posts are released together by a barrier, each on its own thread and database connection: on SQLite as
served (a file in WAL mode, BEGIN IMMEDIATE) in the SQLite pass and on PostgreSQL in its pass.
"""

import datetime as dt
import html

import pytest
from django.urls import reverse

from sendreform.accounts import roles
from sendreform.experts.models import EahReferral
from sendreform.forecasting.services import scenario_create
from sendreform.governance.models import Action, Board, Decision, Risk
from sendreform.governance.services import action_create, decision_create, meeting_create
from sendreform.plan.models import ChangeEntry, InvestmentLine, Milestone, Workstream
from tests.factories import EahReferralFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCENARIO = """\
name: Fewer joiners
description: Joining falls by {pct}%.
changes:
  - type: scale
    transition: joining
    factor: {factor}
    from: 2027-09-01
"""


def _two_saves(simultaneous, user_a, user_b, url, data_a, data_b):
    """Post `data_a` as user_a and `data_b` as user_b to `url` at the same moment; the two responses."""

    def save(user, data):
        def step(client, barrier):
            client.force_login(user)
            assert client.get(url).status_code == 200  # each opens the form first, as a person would
            barrier.wait(timeout=30)
            return client.post(url, data)
        return step

    responses = simultaneous([save(user_a, data_a), save(user_b, data_b)])
    for response in responses:
        if isinstance(response, BaseException):
            raise response
    return responses


def _one_saved_one_refused(responses, submitted, stored, *, what, version="version"):
    """Exactly one save went through and the other got the 409 page; the stored value is the winner's, and the
    loser's page keeps the loser's entry in its form, whose `version` field has moved on to the stored version
    (so that saving again goes through). Returns (winner, loser) indexes."""
    codes = [r.status_code for r in responses]
    assert sorted(codes) == [302, 409], codes
    winner, loser = codes.index(302), codes.index(409)
    assert stored == submitted[winner]
    page = responses[loser].content.decode()
    assert f"changed this {what} while you were editing it" in page
    assert html.escape(str(submitted[loser]), quote=True) in page
    assert f'name="{version}" value="1"' in page
    return winner, loser


def _editors():
    return UserFactory(username="olu", role=roles.OFFICER), UserFactory(username="ana", role=roles.ADMIN)


def test_two_simultaneous_milestone_edits_give_one_save_and_one_409(reading_plan, simultaneous):
    milestone = Milestone.objects.order_by("pk").first()
    a, b = _editors()
    base = {"text": milestone.text, "quarter": milestone.quarter, "links": "", "version": "0"}
    evidence = ["Venue booked for the launch", "The launch moved to the spring"]
    responses = _two_saves(simultaneous, a, b, reverse("plan:milestone", args=[milestone.pk]),
                           base | {"status": "at_risk", "evidence": evidence[0]},
                           base | {"status": "done", "evidence": evidence[1]})
    milestone.refresh_from_db()
    winner, _ = _one_saved_one_refused(responses, evidence, milestone.evidence, what="milestone")
    assert milestone.status == ["at_risk", "done"][winner] and milestone.version == 1
    assert ChangeEntry.objects.filter(subject_kind="milestone", subject_id=milestone.pk).count() == 1


def test_two_simultaneous_workstream_edits_give_one_save_and_one_409(reading_plan, simultaneous):
    ws = Workstream.objects.order_by("pk").first()
    a, b = _editors()
    base = {"outcome": "\n".join(ws.outcome), "success_measures": "\n".join(ws.success_measures), "version": "0"}
    leads = ["Head of Inclusion", "Assistant Director, Education"]
    responses = _two_saves(simultaneous, a, b, reverse("plan:workstream", args=[ws.key]),
                           base | {"lead": leads[0]}, base | {"lead": leads[1]})
    ws.refresh_from_db()
    _one_saved_one_refused(responses, leads, ws.lead, what="workstream")


def test_two_simultaneous_spend_records_give_one_save_and_one_409(reading_plan, simultaneous):
    line = InvestmentLine.objects.order_by("pk").first()
    versions = {f"version_{other.pk}": "0" for other in InvestmentLine.objects.all()}
    a, b = _editors()
    responses = _two_saves(simultaneous, a, b, reverse("plan:investment"),
                           versions | {f"actual_{line.pk}": "1250.00"}, versions | {f"actual_{line.pk}": "990.50"})
    line.refresh_from_db()
    winner, loser = _one_saved_one_refused(responses, ["1250.00", "990.50"], f"{line.actual_pence / 100:.2f}",
                                           what="investment plan", version=f"version_{line.pk}")
    # The 409 page says what is saved and what the loser entered, in pounds.
    assert ["£1,250.00", "£990.50"][loser] in responses[loser].content.decode()
    assert ChangeEntry.objects.filter(subject_kind="investment").count() == 1


def test_two_simultaneous_risk_edits_give_one_save_and_one_409(reading_plan, simultaneous):
    risk = Risk.objects.order_by("pk").first()
    a, b = _editors()
    base = {"inherent_impact": risk.inherent_impact, "inherent_likelihood": risk.inherent_likelihood,
            "residual_impact": risk.residual_impact, "residual_likelihood": risk.residual_likelihood,
            "mitigations": "\n".join(risk.mitigations), "review_date_day": "1", "review_date_month": "10",
            "review_date_year": "2026", "escalates_to": str(risk.escalates_to_id or ""), "version": "0"}
    owners = ["SEND Strategic Lead", "Director of Children's Services"]
    responses = _two_saves(simultaneous, a, b, reverse("governance:risk", args=[risk.pk]),
                           base | {"owner": owners[0]}, base | {"owner": owners[1]})
    risk.refresh_from_db()
    _one_saved_one_refused(responses, owners, risk.owner, what="risk")
    assert ChangeEntry.objects.filter(subject_kind="risk", subject_id=risk.pk).count() == 1


def _meeting(by):
    board = Board.objects.order_by("pk").first()
    return meeting_create(board=board, date=dt.date(2026, 7, 15), title="July", notes="", by=by)


def test_two_simultaneous_decision_edits_give_one_save_and_one_409(reading_plan, simultaneous):
    a, b = _editors()
    decision = decision_create(meeting=_meeting(a), text="Approve the budget", status="agreed", by=a)
    texts = ["Approve the budget for 2026-27", "Defer the budget to September"]
    responses = _two_saves(simultaneous, a, b, reverse("governance:decision", args=[decision.pk]),
                           {"text": texts[0], "status": "agreed", "version": "0"},
                           {"text": texts[1], "status": "deferred", "version": "0"})
    _one_saved_one_refused(responses, texts, Decision.objects.get(pk=decision.pk).text, what="decision")


def test_two_simultaneous_action_edits_give_one_save_and_one_409(reading_plan, simultaneous):
    a, b = _editors()
    action = action_create(meeting=_meeting(a), text="Map the workforce", owner="RISE lead",
                           due=dt.date(2026, 9, 1), status="open", by=a)
    base = {"text": "Map the workforce", "due_day": "1", "due_month": "9", "due_year": "2026", "status": "open",
            "version": "0"}
    owners = ["RISE Service Lead", "Workforce Lead"]
    responses = _two_saves(simultaneous, a, b, reverse("governance:action", args=[action.pk]),
                           base | {"owner": owners[0]}, base | {"owner": owners[1]})
    _one_saved_one_refused(responses, owners, Action.objects.get(pk=action.pk).owner, what="action")


def test_two_simultaneous_scenario_edits_give_one_save_and_one_409(simultaneous):
    a, b = UserFactory(username="olu", role=roles.OFFICER), UserFactory(username="ana", role=roles.ANALYST)
    scenario = scenario_create(text=SCENARIO.format(pct=10, factor=0.9), by=a)
    texts = [SCENARIO.format(pct=20, factor=0.8), SCENARIO.format(pct=30, factor=0.7)]
    responses = _two_saves(simultaneous, a, b, reverse("forecasting:scenario-edit", args=[scenario.pk]),
                           {"text": texts[0], "version": "0"}, {"text": texts[1], "version": "0"})
    scenario.refresh_from_db()
    codes = [r.status_code for r in responses]
    assert sorted(codes) == [302, 409], codes
    winner, loser = codes.index(302), codes.index(409)
    assert scenario.text == texts[winner] and scenario.edits.count() == 2  # created, then the winner's edit
    page = responses[loser].content.decode()
    assert "changed this scenario while you were editing it" in page and "factor: " + ["0.8", "0.7"][loser] in page
    assert 'name="version" value="1"' in page


def test_two_leads_triaging_at_the_same_moment_give_one_save_and_one_409(area, simultaneous):  # noqa: F811
    EahReferralFactory(referral_id="R-OAK", establishment=area["oak"], person=area["amira"],
                       received_date=dt.date(2026, 11, 2), triage_date=None, tier=None, first_support_date=None)
    base = {"version": "0", "disciplines": ["EP"], "practitioner_ids": ["870-EAH01"], "weekly_hours": "2"}
    notes = ["Targeted: EP to observe", "Targeted Plus: EP and SALT"]
    responses = _two_saves(simultaneous, area["users"]["lead"], area["users"]["lead2"],
                           reverse("experts:referral-triage", args=["R-OAK"]),
                           base | {"tier": "TARGETED", "note": notes[0]},
                           base | {"tier": "TARGETED_PLUS", "note": notes[1]})
    referral = EahReferral.objects.get(pk="R-OAK")
    _one_saved_one_refused(responses, notes, referral.detail.triage_note, what="referral")
    assert referral.tier in ("TARGETED", "TARGETED_PLUS") and referral.involvements.count() == 1
