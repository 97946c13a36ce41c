"""Governance on Reading's plan: the Annex C ratings of the five risks, the escalation tree, history of every
edit, rights (board members and the parent carer forum read, never edit), and overdue actions."""

import datetime as dt

import pytest
from django.urls import reverse

from sendreform.governance import selectors as gov
from sendreform.governance.matrix import AMBER, GREEN, RED, risk_rag
from sendreform.governance.models import Action, Board, Meeting, Risk
from sendreform.plan.models import ChangeEntry, Milestone
from tests.factories import PASSWORD


def _client(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def test_annex_c_reproduces_the_plans_own_rags():
    # High x High and High x Medium are red; Medium x Medium amber (the plan's five risks)
    assert risk_rag(impact="critical", likelihood="likely") == RED
    assert risk_rag(impact="critical", likelihood="possible") == RED
    assert risk_rag(impact="moderate", likelihood="possible") == AMBER
    assert risk_rag(impact="critical", likelihood="unlikely") == AMBER
    assert risk_rag(impact="moderate", likelihood="very_unlikely") == GREEN


@pytest.mark.django_db
def test_the_five_risks_rate_as_the_plan_rates_them(reading_plan):
    ratings = {r.risk.ref: r for r in gov.risks_rated(today=dt.date(2026, 6, 1))}
    for ref, risk in ((r.ref, r) for r in Risk.objects.all()):
        assert ratings[ref].inherent_rag == risk.plan_rag.upper()
        assert ratings[ref].residual_rag == risk.plan_residual_rag.upper()


@pytest.mark.django_db
def test_the_escalation_tree_puts_the_sro_and_programme_board_under_the_partnership_board(reading_plan):
    tree = {n["board"].key: n for n in gov.escalation_tree()}
    under = [c["board"].key for c in tree["send-strategic-partnership-board"]["children"]]
    assert "sro" in under and "send-reform-programme-board" in under
    programme = next(c for c in tree["send-strategic-partnership-board"]["children"]
                     if c["board"].key == "send-reform-programme-board")
    assert [c["board"].key for c in programme["children"]] == ["delivery-workstreams"]


@pytest.mark.django_db
def test_an_officer_edits_a_milestone_and_its_history_shows_who_and_what(reading_plan, users, client):
    from sendreform.accounts import roles

    milestone = Milestone.objects.filter(quarter="2026-27 Q2").first()
    c = _client(client, users[roles.OFFICER])
    url = reverse("plan:milestone", args=[milestone.pk])
    response = c.post(url, {"text": milestone.text, "quarter": milestone.quarter, "status": "at_risk",
                            "evidence": "Venue booking slipped", "links": "", "version": "0"})
    assert response.status_code == 302
    page = c.get(url).content.decode()
    assert "“Not started” to “At risk”" in page
    assert "officer" in page
    entry = ChangeEntry.objects.get(subject_kind="milestone", subject_id=milestone.pk)
    assert entry.user == users[roles.OFFICER]


@pytest.mark.django_db
def test_bad_input_shows_the_error_summary_and_changes_nothing(reading_plan, users, client):
    from sendreform.accounts import roles

    milestone = Milestone.objects.first()
    c = _client(client, users[roles.ADMIN])
    response = c.post(reverse("plan:milestone", args=[milestone.pk]),
                      {"text": milestone.text, "quarter": milestone.quarter, "status": "done", "evidence": "",
                       "links": "not a link", "version": "0"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.status == "not_started"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["BOARD_MEMBER", "PCF_REP"])
def test_board_members_and_the_forum_read_but_cannot_edit(reading_plan, users, client, role):
    c = _client(client, users[role])
    milestone, risk = Milestone.objects.first(), Risk.objects.first()
    for name, args in (("plan:overview", []), ("governance:boards", []), ("governance:risks", []),
                       ("plan:milestone", [milestone.pk]), ("governance:risk", [risk.pk])):
        response = c.get(reverse(name, args=args))
        assert response.status_code == 200
        assert "Save the" not in response.content.decode()
    assert c.post(reverse("plan:milestone", args=[milestone.pk]), {"status": "done"}).status_code == 403
    assert c.post(reverse("governance:risk", args=[risk.pk]), {}).status_code == 403
    board = Board.objects.first()
    assert c.post(reverse("governance:pack-create", args=[board.key]), {}).status_code == 403
    milestone.refresh_from_db()
    assert milestone.status == "not_started"


@pytest.mark.django_db
def test_a_residual_red_risk_shows_the_board_it_escalates_to_and_its_history(reading_plan, users, client):
    from sendreform.accounts import roles

    risk = Risk.objects.get(ref="R3")
    c = _client(client, users[roles.OFFICER])
    url = reverse("governance:risk", args=[risk.pk])
    data = {"inherent_impact": "critical", "inherent_likelihood": "possible", "residual_impact": "critical",
            "residual_likelihood": "likely", "mitigations": "Weekly sufficiency review", "owner": "SEND Strategic Lead",
            "review_date_day": "1", "review_date_month": "10", "review_date_year": "2026",
            "escalates_to": str(risk.escalates_to_id), "version": "0"}
    assert c.post(url, data).status_code == 302
    page = c.get(url).content.decode()
    assert "this risk escalates to the" in page and "SEND Strategic Partnership Board" in page
    assert "“Unlikely (10–30%)” to “Likely (60–90%)”" in page
    register = c.get(reverse("governance:risks")).content.decode()
    assert "R3 is residual red and escalates to the SEND Strategic Partnership Board" in register


@pytest.mark.django_db
def test_decisions_and_actions_keep_history_and_overdue_actions_stand_out(reading_plan, users, client):
    from sendreform.accounts import roles

    c = _client(client, users[roles.OFFICER])
    board = Board.objects.get(key="send-reform-programme-board")
    response = c.post(reverse("governance:meeting-new", args=[board.key]),
                      {"date_day": "15", "date_month": "7", "date_year": "2026", "title": "July", "notes": ""})
    meeting = Meeting.objects.get(board=board)
    assert response.url == reverse("governance:meeting", args=[meeting.pk])
    c.post(reverse("governance:meeting", args=[meeting.pk]), {"decision-text": "Approve EAH budget",
                                                             "decision-status": "agreed"})
    c.post(reverse("governance:meeting", args=[meeting.pk]), {
        "action-text": "Map the workforce", "action-owner": "RISE Service Lead", "action-due_day": "1",
        "action-due_month": "8", "action-due_year": "2020", "action-status": "open"})
    action = Action.objects.get()
    board_page = c.get(reverse("governance:board", args=[board.key])).content.decode()
    assert "Approve EAH budget" in board_page and "Overdue" in board_page
    c.post(reverse("governance:action", args=[action.pk]), {
        "text": "Map the workforce", "owner": "RISE Service Lead", "due_day": "1", "due_month": "8",
        "due_year": "2020", "status": "complete", "version": "0"})
    action_page = c.get(reverse("governance:action", args=[action.pk])).content.decode()
    assert "“Open” to “Complete”" in action_page and "Overdue" not in action_page
    assert ChangeEntry.objects.filter(subject_kind="decision").count() == 1


@pytest.mark.django_db
def test_an_editor_sets_a_risks_owner_and_review_date_and_a_review_due_stands_out(reading_plan, users, client):
    from sendreform.accounts import roles

    # Given risk R2, whose owner and review date the plan does not give (the plan file says they are to be set)
    risk = Risk.objects.get(ref="R2")
    assert "placeholders, to be set" in risk.note
    c = _client(client, users[roles.OFFICER])
    url = reverse("governance:risk", args=[risk.pk])
    # When an officer sets its owner and a review date in the past
    data = {"inherent_impact": risk.inherent_impact, "inherent_likelihood": risk.inherent_likelihood,
            "residual_impact": risk.residual_impact, "residual_likelihood": risk.residual_likelihood,
            "mitigations": "\n".join(risk.mitigations), "owner": "Parent Carer Forum Lead",
            "review_date_day": "1", "review_date_month": "6", "review_date_year": "2020",
            "escalates_to": str(risk.escalates_to_id), "version": "0"}
    assert c.post(url, data).status_code == 302
    # Then the history keeps both changes, and the review is shown as due on the risk and on the register
    risk.refresh_from_db()
    assert (risk.owner, risk.review_date) == ("Parent Carer Forum Lead", dt.date(2020, 6, 1))
    page = c.get(url).content.decode()
    assert "“Director of Education (SRO)” to “Parent Carer Forum Lead”" in page and "“2026-07-31” to “2020-06-01”" in page
    assert '<strong class="govuk-tag govuk-tag--orange">Review due</strong>' in page
    assert "Review due: " in c.get(reverse("governance:risks")).content.decode()
    assert gov.risk_rating(risk, today=dt.date(2020, 5, 31)).review_due is False
    assert gov.risk_rating(risk, today=dt.date(2020, 6, 1)).review_due is True
    # And a date that is not a date is refused with the error summary
    bad = c.post(url, {**data, "review_date_month": "13"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()


@pytest.mark.django_db
def test_the_risk_form_keeps_the_stored_review_date_so_saving_it_unchanged_works(reading_plan, users, client):
    from sendreform.accounts import roles

    risk = Risk.objects.get(ref="R1")  # review date 31 July 2026
    c = _client(client, users[roles.OFFICER])
    url = reverse("governance:risk", args=[risk.pk])
    page = c.get(url).content.decode()
    # The three inputs hold the stored date (they were empty, and saving failed with "Enter review date").
    assert 'name="review_date_day" type="text" inputmode="numeric" value="31"' in page
    assert 'name="review_date_month" type="text" inputmode="numeric" value="7"' in page
    assert 'name="review_date_year" type="text" inputmode="numeric" value="2026"' in page
    unchanged = {"inherent_impact": risk.inherent_impact, "inherent_likelihood": risk.inherent_likelihood,
                 "residual_impact": risk.residual_impact, "residual_likelihood": risk.residual_likelihood,
                 "mitigations": "\n".join(risk.mitigations), "owner": risk.owner, "review_date_day": "31",
                 "review_date_month": "7", "review_date_year": "2026", "escalates_to": str(risk.escalates_to_id),
                 "version": str(risk.version)}
    assert c.post(url, unchanged).status_code == 302


@pytest.mark.django_db
def test_an_officer_adds_a_risk_and_closes_it_in_the_app(reading_plan, users, client):
    from sendreform.accounts import roles

    c = _client(client, users[roles.OFFICER])
    # A bad form names what is missing and adds nothing.
    bad = c.post(reverse("governance:risk-new"), {"owner": "Head of SEND"})
    assert bad.status_code == 200 and "Enter the risk" in bad.content.decode() and Risk.objects.count() == 5
    response = c.post(reverse("governance:risk-new"), {
        "title": "Specialist transport costs rise faster than the plan allows", "inherent_impact": "critical",
        "inherent_likelihood": "likely", "residual_impact": "moderate", "residual_likelihood": "possible",
        "mitigations": "Travel training\nRoute review", "owner": "Head of SEND", "review_date_day": "1",
        "review_date_month": "3", "review_date_year": "2027", "escalates_to": ""})
    risk = Risk.objects.get(ref="R6")  # after R1 to R5
    assert response.url == reverse("governance:risk", args=[risk.pk])
    assert risk.mitigations == ["Travel training", "Route review"] and risk.review_date == dt.date(2027, 3, 1)
    assert "Specialist transport costs rise" in c.get(reverse("governance:risks")).content.decode()
    # Closing asks first, then takes it off the register's ratings and keeps it, with why, below them.
    close_url = reverse("governance:risk-close", args=[risk.pk])
    assert "Are you sure you want to close this risk?" in c.get(close_url).content.decode()
    c.post(close_url, {"version": "0", "closed_date_day": "7", "closed_date_month": "12",
                       "closed_date_year": "2026", "reason": "Merged into R3."})
    risk.refresh_from_db()
    assert (risk.closed_date, risk.closed_reason) == (dt.date(2026, 12, 7), "Merged into R3.")
    assert "R6" not in [r.risk.ref for r in gov.risks_rated(today=dt.date(2026, 12, 7))]
    register = c.get(reverse("governance:risks")).content.decode()
    assert "Closed risks" in register and "closed 7 December 2026: Merged into R3." in register
    closed_page = c.get(reverse("governance:risk", args=[risk.pk])).content.decode()
    assert "Risk closed" in closed_page and "Closed: “2026-12-07”" in closed_page and "Close the risk" not in closed_page
