"""What a suppressed role can ask the dashboard for: dates within the data, one filter at a time, no
breakdowns within a filter; and a page's summary and its tables hide the same figures."""

import datetime as dt

import pytest
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.indicators import selectors
from sendreform.metrics.targets import targets_from_mapping
from tests.factories import UserFactory
from tests.indicators.conftest import AS_AT, AS_AT_QUERY
from tests.indicators.test_pages import EHCP_TOTAL, _csv, _get, _row

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", [roles.OFFICER, roles.BOARD_MEMBER])
def test_an_as_at_date_after_today_is_refused_with_a_message_and_nothing_is_computed(client, area, role):
    user = UserFactory(role=role)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for year, day in ((9999, dt.date(9999, 12, 31)), (tomorrow.year, tomorrow)):
        query = f"as_at_day={day.day}&as_at_month={day.month}&as_at_year={year}"
        for url in ("/indicators/", "/indicators/ehcp_total/"):
            html = _get(client, user, f"{url}?{query}").content.decode()
            assert "<title>Error: " in html
            assert "The as-at date must be today or earlier: there is no data after" in html
            assert "Figures as of" not in html


def test_a_suppressed_role_chooses_one_filter_at_a_time_and_the_council_any(client, area):
    query = f"{AS_AT_QUERY}&cluster=N&phase=PRIMARY"
    board = _get(client, UserFactory(role=roles.BOARD_MEMBER), f"/indicators/?{query}").content.decode()
    assert "Choose one of cluster, phase or primary need at a time" in board
    assert "Figures as of" not in board
    officer = _get(client, UserFactory(role=roles.OFFICER), f"/indicators/?{query}").content.decode()
    assert "Choose one of" not in officer and "Figures as of" in officer


def test_a_filtered_figure_is_hidden_as_the_areas_breakdown_hides_it_and_has_no_breakdowns(client, area):
    board = UserFactory(role=roles.BOARD_MEMBER)
    # North has 2 of the 3 children with plans; the area's breakdown by cluster hides both clusters.
    detail = _get(client, board, f"/indicators/ehcp_total/?{AS_AT_QUERY}&cluster=N").content.decode()
    overview = _get(client, board, f"/indicators/?{AS_AT_QUERY}&cluster=N").content.decode()
    assert _row(overview, EHCP_TOTAL)[1] == "c"
    assert "Breakdowns within a filter are shown only in the council&#x27;s own view" in detail
    assert "By primary need: Reading local area" not in detail


def test_the_summary_and_the_quarters_table_hide_the_same_expected_value(area, monkeypatch):
    # Given a plan whose baseline for the share in mainstream is worked out from the data, where it rests on
    # the 3 children aged 5 to 15 with plans (a small number)
    plan = targets_from_mapping({"indicators": {"mainstream_share_pct": {
        "baseline": {"date": "2025-06-30"}, "target": {"change_pct": 10, "date": "2030-03-31"}}}})
    monkeypatch.setattr(selectors, "plan_targets", lambda: plan)
    view = selectors.IndicatorView(suppress_area=True)
    # When the board reads the indicator's page
    detail = selectors.indicator_detail(view=view, indicator_id="mainstream_share_pct", as_at=AS_AT, filters={})
    [scope] = detail.scopes
    # Then the summary's expected value is hidden, and so is every expected value and target of its table
    assert scope.kpi["expected"] == "c"
    expected = [p["expected"] for p in scope.series if p["expected"] is not None]
    assert expected and set(expected) == {"c"}
    assert {p["target"] for p in scope.series} == {"c"}
    assert (detail.plan.baseline, detail.plan.target) == ("c", "c")
    # and the overview's row agrees
    overview = selectors.indicators_overview(view=view, as_at=AS_AT, filters={})
    row = next(r for _, _, rows in overview.blocks for r in rows if r.indicator.id == "mainstream_share_pct")
    assert (row.expected, row.rag) == ("c", None)


def test_a_suppressed_role_sees_the_last_quarter_end_and_flows_for_that_quarter_alone(client, area):
    query = "as_at_day=15&as_at_month=2&as_at_year=2026"
    board = _get(client, UserFactory(role=roles.BOARD_MEMBER), f"/indicators/ehcna_requests/?{query}")
    assert "As at 31 December 2025" in board.content.decode()
    assert "counts of events are for that quarter alone" in board.content.decode()
    about = _about(_get(client, UserFactory(role=roles.PCF_REP), f"/indicators/ehcna_requests/download.csv?{query}"))
    assert (about["As at"], about["Period start"], about["Period end"]) == ("2025-12-31", "2025-10-01", "2025-12-31")
    # The council's own view keeps the date chosen and the financial year to date
    about = _about(_get(client, UserFactory(role=roles.OFFICER), f"/indicators/ehcna_requests/download.csv?{query}"))
    assert (about["As at"], about["Period start"], about["Period end"]) == ("2026-02-15", "2025-04-01", "2026-02-15")


def _about(response) -> dict:
    return {r["Item"]: r["Value"] for r in _csv(response) if r["Table"] == "About this indicator"}
