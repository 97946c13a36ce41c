"""Editing the plan in the app: a workstream's outcome, success measures and lead, a milestone's text, quarter
and status, and the investment plan's spend; each edit in the item's history, bad input refused with the error
summary, and only officers and administrators may edit. Spend totals and variance are checked by hand."""

import datetime as dt

import pytest
from django.urls import reverse

from sendreform.plan.models import ChangeEntry, InvestmentLine, Milestone, Workstream
from sendreform.plan.selectors import investment_summary, plan_export_text
from sendreform.plan.services import investment_spend_record, plan_import
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def _line(category: str, quarter: str) -> InvestmentLine:
    return InvestmentLine.objects.get(category=category, quarter=quarter)


def _versions(plan) -> dict[str, str]:
    """The hidden version fields of the spend form, as the page gives them."""
    return {f"version_{line.pk}": str(line.version) for line in plan.investment.all()}


def test_an_officer_edits_a_workstream_and_its_history_shows_what_changed(reading_plan, users, client):
    # Given an officer on a workstream's page
    ws = Workstream.objects.get(key="inclusion-in-settings")
    c = _client(client, users["OFFICER"])
    url = reverse("plan:workstream", args=[ws.key])
    # When they change its accountable lead and add a success measure
    response = c.post(url, {"outcome": "\n".join(ws.outcome), "lead": "Head of Inclusion (Accountable)", "version": "0",
                            "success_measures": "\n".join([*ws.success_measures, "Every SENCo trained"])})
    # Then the workstream is saved and its page shows the change, who made it and the new lead
    assert response.status_code == 302
    ws.refresh_from_db()
    assert ws.lead == "Head of Inclusion (Accountable)" and ws.success_measures[-1] == "Every SENCo trained"
    page = c.get(url).content.decode()
    assert "“RISE Service Lead (Accountable)” to “Head of Inclusion (Accountable)”" in page
    entry = ChangeEntry.objects.get(subject_kind="workstream", subject_id=ws.pk)
    assert entry.username == "officer" and [c["field"] for c in entry.changes] == ["Success measures",
                                                                                     "Accountable lead"]


def test_a_workstream_without_a_lead_is_refused_with_the_error_summary(reading_plan, users, client):
    ws = Workstream.objects.get(key="inclusion-in-settings")
    response = _client(client, users["ADMIN"]).post(reverse("plan:workstream", args=[ws.key]),
                                                    {"outcome": "An outcome", "success_measures": "", "lead": "",
                                                     "version": "0"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Enter the accountable lead" in page
    assert "Enter at least one success measure" in page
    ws.refresh_from_db()
    assert ws.lead == "RISE Service Lead (Accountable)"
    assert not ChangeEntry.objects.exists()


def test_an_officer_moves_a_milestone_to_the_next_quarter_and_rewords_it(reading_plan, users, client):
    # Given a Q2 milestone, due on 30 September 2026
    milestone = Milestone.objects.filter(quarter="2026-27 Q2").order_by("workstream__position", "position").first()
    c = _client(client, users["OFFICER"])
    url = reverse("plan:milestone", args=[milestone.pk])
    # When an officer rewords it and moves it to Q3
    response = c.post(url, {"text": "Commission the screening tool", "quarter": "2026-27 Q3", "status": "on_track",
                            "evidence": "", "links": "", "version": "0"})
    # Then it is due at the end of December 2026, and the history keeps the old and new text and quarter
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.text, milestone.quarter, milestone.due) == ("Commission the screening tool", "2026-27 Q3",
                                                                  dt.date(2026, 12, 31))
    page = c.get(url).content.decode()
    assert "“2026-27 Q2” to “2026-27 Q3”" in page and "to “Commission the screening tool”" in page
    # And the plan file carries the new wording in Q3
    assert "            - text: Commission the screening tool\n              status: on_track" in plan_export_text()


def test_a_milestone_with_no_text_or_a_quarter_outside_the_roadmap_is_refused(reading_plan, users, client):
    milestone = Milestone.objects.first()
    response = _client(client, users["OFFICER"]).post(
        reverse("plan:milestone", args=[milestone.pk]),
        {"text": " ", "quarter": "2031-32 Q1", "status": "done", "evidence": "", "links": "", "version": "0"})
    page = response.content.decode()
    assert "There is a problem" in page and "Enter the milestone" in page
    assert "Select the quarter the milestone is due" in page
    before = milestone.text
    milestone.refresh_from_db()
    assert (milestone.text, milestone.status) == (before, "not_started")


@pytest.mark.parametrize("role", ["BOARD_MEMBER", "PCF_REP"])
def test_board_members_and_the_forum_read_the_investment_plan_but_cannot_record_spend(reading_plan, users, client,
                                                                                     role):
    c = _client(client, users[role])
    page = c.get(reverse("plan:investment")).content.decode()
    assert "Investment plan: planned against actual spend" in page and "Save the spend" not in page
    line = _line("programme_oversight", "2026-27 Q2")
    assert c.post(reverse("plan:investment"), {f"actual_{line.pk}": "10"}).status_code == 403
    ws = Workstream.objects.first()
    assert c.post(reverse("plan:workstream", args=[ws.key]), {"lead": "x"}).status_code == 403
    line.refresh_from_db()
    assert line.actual_pence is None


def test_readings_investment_page_says_the_plan_gives_no_amounts(reading_plan, users, client):
    page = _client(client, users["BOARD_MEMBER"]).get(reverse("plan:investment")).content.decode()
    assert "The plan gives no amounts." in page
    assert "No planned amounts are recorded" in page and "No actual spend is recorded yet" in page


def test_an_officer_records_spend_and_the_totals_and_variance_add_up(reading_plan, users, client):
    # Given an officer on the investment page of Reading's plan (no amounts given)
    c = _client(client, users["OFFICER"])
    oversight_q2, oversight_q3 = _line("programme_oversight", "2026-27 Q2"), _line("programme_oversight", "2026-27 Q3")
    recruitment_q2 = _line("workforce_recruitment", "2026-27 Q2")
    # When they record planned and actual spend for three lines
    response = c.post(reverse("plan:investment"), {
        f"planned_{oversight_q2.pk}": "10,000", f"actual_{oversight_q2.pk}": "£12,500.50",
        f"planned_{oversight_q3.pk}": "20000", f"actual_{oversight_q3.pk}": "18000.00",
        f"actual_{recruitment_q2.pk}": "5000", **_versions(reading_plan)})
    assert response.status_code == 302
    # Then, by hand: programme oversight planned £10,000 + £20,000 = £30,000; actual £12,500.50 + £18,000 =
    # £30,500.50; variance (+£2,500.50) + (−£2,000) = +£500.50. Recruitment has actual £5,000 and no plan.
    summary = investment_summary(plan=reading_plan)
    oversight, recruitment = summary["by_category"][0], summary["by_category"][1]
    assert (oversight.planned_pence, oversight.actual_pence, oversight.variance_pence) == (3_000_000, 3_050_050,
                                                                                            50_050)
    assert (recruitment.planned_pence, recruitment.actual_pence, recruitment.variance_pence) == (None, 500_000, None)
    total = summary["total"]
    assert (total.planned_pence, total.actual_pence, total.variance_pence) == (3_000_000, 3_550_050, 50_050)
    q2 = summary["by_quarter"][0]
    assert (q2.label, q2.planned_pence, q2.actual_pence) == ("2026-27 Q2", 1_000_000, 1_750_050)
    # And the page shows the totals in words and the category table's CSV holds them as numbers
    page = c.get(reverse("plan:investment")).content.decode()
    assert "£35,500.50" in page and "£500.50 over the plan" in page
    csv = c.get(reverse("plan:csv", args=["investment_categories"])).content.decode("utf-8-sig").splitlines()
    assert csv[0] == "Category,Planned spend (£),Actual spend (£),Variance: actual minus planned (£)"
    assert csv[1] == "Programme oversight and leadership capacity,30000.00,30500.50,500.50"
    assert csv[-1] == "All categories,30000.00,35500.50,500.50"
    lines_csv = c.get(reverse("plan:csv", args=["investment"])).content.decode("utf-8-sig")
    assert ",10000.00,12500.50,2500.50" in lines_csv and ",20000.00,18000.00,-2000.00" in lines_csv
    # And each line that changed has its history: who, and the amounts before and after
    entries = ChangeEntry.objects.filter(subject_kind="investment")
    assert entries.count() == 3 and {e.username for e in entries} == {"officer"}
    entry = entries.get(subject_id=oversight_q2.pk)
    assert entry.changes == [{"field": "Planned spend", "before": "", "after": "£10,000.00"},
                             {"field": "Actual spend", "before": "", "after": "£12,500.50"}]
    assert "Spend recorded: Programme oversight and leadership capacity, 2026-27 Q2" in page


def test_bad_amounts_are_refused_with_the_error_summary_and_nothing_is_saved(reading_plan, users, client):
    line, other = _line("data_digital", "2026-27 Q4"), _line("data_digital", "2026-27 Q3")
    response = _client(client, users["OFFICER"]).post(reverse("plan:investment"), {
        f"actual_{line.pk}": "twelve pounds", f"planned_{line.pk}": "-5", f"actual_{other.pk}": "100",
        **_versions(line.plan)})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter actual spend on data and digital, 2026-27 Q4 in pounds, like 12500.50" in page
    assert "Planned spend on data and digital, 2026-27 Q4 must be £0 or more" in page
    other.refresh_from_db()
    assert other.actual_pence is None and not ChangeEntry.objects.exists()


def test_recorded_spend_round_trips_through_the_plan_file(reading_plan, users):
    # Given actual spend recorded against Reading's plan
    line = _line("workforce_training", "2026-27 Q3")
    investment_spend_record(plan=reading_plan, by=users["OFFICER"], amounts={line.pk: (None, 1_234_567)},
                            versions={line.pk: line.version})
    text = plan_export_text()
    assert "          actual_pence: 1234567\n" in text
    # When the exported file is imported again and exported
    plan_import(text=text, source="export.yaml")
    # Then it is the same, byte for byte, and the amount is on the same category and quarter
    assert plan_export_text() == text
    assert _line("workforce_training", "2026-27 Q3").actual_pence == 1_234_567


def test_the_plan_page_shows_each_building_blocks_vision(reading_plan, users, client):
    page = _client(client, users["PCF_REP"]).get(reverse("plan:overview")).content.decode()
    assert "Where we will be in the next three years" in page
    assert "INMSS numbers will reduce and be reserved for the most exceptional and complex cases" in page
    ws = _client(client, users["PCF_REP"]).get(reverse("plan:workstream", args=["inclusion-in-settings"]))
    assert "Schools and settings deliver a high-quality, broad SEND offer" in ws.content.decode()
