"""The dashboard's pages against a small area worked out by hand (conftest.py): values, scope by role,
suppression, the CSV downloads, and the same numbers as `sendreform metrics`."""

import csv
import io
import json
import re

import pytest

from sendreform.accounts import roles
from sendreform.cli.main import main
from tests.factories import UserFactory
from tests.indicators.conftest import AS_AT_QUERY

pytestmark = pytest.mark.django_db(transaction=True)
EHCP_TOTAL = "Children and young people with EHC plans"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _row(html: str, title: str) -> list[str]:
    """The cells of the table row whose first cell is `title`, as text."""
    for tr in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, flags=re.S):
        cells = [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)]
        if cells and cells[0] == title:
            return cells
    raise AssertionError(f"no row {title!r}")


def _table(html: str, caption: str) -> str:
    match = re.search(r"<caption[^>]*>" + re.escape(caption) + r"</caption>(.*?)</table>", html, flags=re.S)
    assert match, f"no table {caption!r}"
    return match.group(1)


def _csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response


def test_the_overview_shows_the_children_with_plans_a_person_can_count(client, area):
    # Given three children with active plans on 31 March 2026, and an officer, who sees every figure
    officer = UserFactory(role=roles.OFFICER)

    # When the officer opens the dashboard as at that date
    html = _get(client, officer, f"/indicators/?{AS_AT_QUERY}").content.decode()

    # Then the row of ehcp_total says 3, with no trajectory in the plan; and all three are in mainstream
    assert '<h1 class="govuk-heading-l">Inclusion dashboard: the plan\'s indicators</h1>' in html
    assert _row(html, EHCP_TOTAL)[1:4] == ["3", "None set", "No trajectory"]
    assert _row(html, "Children with EHC plans in mainstream settings")[1] == "3"
    assert "<caption class=\"govuk-table__caption govuk-table__caption--m\">The statutory pipeline</caption>" in html
    assert 'aria-label="From 0 on 30 June 2023 to 3 on 31 March 2026' in html  # the sparkline's text
    assert "Figures as of " in html and "How this is worked out" in html


def test_an_indicator_page_shows_its_value_by_quarter_and_its_breakdowns(client, area):
    officer = UserFactory(role=roles.OFFICER)

    html = _get(client, officer, f"/indicators/ehcp_total/?{AS_AT_QUERY}").content.decode()

    assert f'<h1 class="govuk-heading-l">{EHCP_TOTAL}</h1>' in html
    assert "Persons with an active plan on the as-at date." in html
    quarters = _table(html, f"{EHCP_TOTAL} by quarter: Reading local area")
    assert _row(quarters, "31 December 2024") == ["31 December 2024", "0"]  # plans start 15 January 2025
    assert _row(quarters, "31 March 2025") == ["31 March 2025", "3"]
    need = _table(html, "By primary need: Reading local area")
    assert _row(need, "Autistic spectrum disorder") == ["Autistic spectrum disorder", "2"]
    assert _row(need, "Social, emotional and mental health") == ["Social, emotional and mental health", "1"]
    cluster = _table(html, "By cluster: Reading local area")
    assert [_row(cluster, "North"), _row(cluster, "South")] == [["North", "2"], ["South", "1"]]
    # The chart: an image named by its title, beside the table of the same numbers
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="chart-area-title chart-area-desc"', html)
    assert f'<title id="chart-area-title">{EHCP_TOTAL}, Reading local area, by quarter</title>' in html


def test_a_rate_shows_its_disproportionality_ratio(client, area):
    # Given 2 of the 3 children with plans aged 5 to 15 are in mainstream... all 3 are: 100% of each group
    officer = UserFactory(role=roles.OFFICER)

    html = _get(client, officer, f"/indicators/mainstream_share_pct/?{AS_AT_QUERY}").content.decode()

    need = _table(html, "By primary need: Reading local area")
    assert "Disproportionality ratio" in need
    assert _row(need, "Autistic spectrum disorder")[:4] == ["Autistic spectrum disorder", "100.0%", "2", "2"]


def test_the_metrics_command_gives_the_same_numbers_as_the_page(client, area, capsys):
    officer = UserFactory(role=roles.OFFICER)

    assert main(["metrics", "--as-at", "2026-03-31", "--format", "json"]) == 0
    command = json.loads(capsys.readouterr().out)
    page = {r["Indicator id"]: r for r in _csv(_get(client, officer, f"/indicators/indicators.csv?{AS_AT_QUERY}"))}

    assert len(command["kpis"]) == len(page) == 41  # the catalogue: 33, and the 8 of EHC casework
    for kpi in command["kpis"]:
        row = page[kpi["id"]]
        assert (float(row["Value"]) if row["Value"] else None) == kpi["value"], kpi["id"]
        assert (float(row["Expected on the trajectory"]) if row["Expected on the trajectory"] else None) \
            == kpi["expected"], kpi["id"]
        assert row["2026-03-31"] == row["Value"], kpi["id"]  # the last quarter of the trend is the as-at date
    assert page["ehcp_total"]["Value"] == "3.0"


@pytest.mark.parametrize(("query", "expected"), [
    ("primary_need=ASD", "2"), ("cluster=S", "1"), ("phase=SECONDARY", "1"), ("cluster=N&primary_need=SEMH", "1"),
])
def test_filters_keep_the_children_in_one_part_of_the_area(client, area, query, expected):
    officer = UserFactory(role=roles.OFFICER)

    html = _get(client, officer, f"/indicators/?{AS_AT_QUERY}&{query}").content.decode()

    assert _row(html, EHCP_TOTAL)[1] == expected
    # A count for part of the area is not held to the whole area's trajectory; a setting-only indicator
    # has no figure by primary need.
    if "primary_need" in query:
        assert _row(html, "Places in maintained special schools")[1] == "Not available for these filters"


def test_a_senco_sees_their_setting_in_full_beside_the_area_suppressed(client, area):
    senco = UserFactory(role=roles.SENCO, establishment=area["oak"])

    overview = _get(client, senco, f"/indicators/?{AS_AT_QUERY}").content.decode()
    detail = _get(client, senco, f"/indicators/ehcp_total/?{AS_AT_QUERY}").content.decode()

    # Oak has 2 of the 3: its own figure in full, the area's 3 suppressed
    assert _row(overview, EHCP_TOTAL)[1:3] == ["2", "c"]
    assert _row(_table(detail, f"{EHCP_TOTAL} by quarter: Oak Primary School"), "31 March 2026")[1] == "2"
    assert _row(_table(detail, f"{EHCP_TOTAL} by quarter: Reading local area"), "31 March 2026")[1] == "c"
    assert "Figures for Oak Primary School are shown in full." in overview


def test_a_cluster_lead_sees_their_cluster_in_full_beside_the_area_suppressed(client, area):
    lead = UserFactory(role=roles.CLUSTER_LEAD, cluster=area["north"])

    html = _get(client, lead, f"/indicators/?{AS_AT_QUERY}").content.decode()

    assert _row(html, EHCP_TOTAL)[1:3] == ["2", "c"]


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP, roles.HEALTH, roles.EAH_PRACTITIONER])
def test_roles_outside_the_council_get_c_for_a_small_count_on_the_page_and_in_the_csv(client, area, role):
    user = UserFactory(role=role, practitioner_id="870-EAH01")

    overview = _get(client, user, f"/indicators/?{AS_AT_QUERY}").content.decode()
    detail = _get(client, user, f"/indicators/ehcp_total/?{AS_AT_QUERY}").content.decode()
    overview_csv = _csv(_get(client, user, f"/indicators/indicators.csv?{AS_AT_QUERY}"))
    detail_csv = _csv(_get(client, user, f"/indicators/ehcp_total/download.csv?{AS_AT_QUERY}"))

    assert _row(overview, EHCP_TOTAL)[1:4] == ["c", "None set", "Not shown"]
    assert _row(_table(detail, f"{EHCP_TOTAL} by quarter: Reading local area"), "31 March 2026")[1] == "c"
    assert _row(_table(detail, "By primary need: Reading local area"), "Autistic spectrum disorder")[1] == "c"
    row = next(r for r in overview_csv if r["Indicator id"] == "ehcp_total")
    assert {v for k, v in row.items() if k == "Value" or k.startswith("20")} <= {"c", "0.0"}
    figures = [r for r in detail_csv if r["Table"] != "About this indicator"]
    assert figures and all(r["Value"] in ("c", "0.0") for r in figures)
    assert not any(v in ("1.0", "2.0", "3.0") for r in detail_csv for v in r.values())


def test_an_unknown_indicator_is_not_found(client, area):
    officer = UserFactory(role=roles.OFFICER)
    client.force_login(officer)

    assert client.get("/indicators/no_such_indicator/").status_code == 404
    assert client.get("/indicators/no_such_indicator/download.csv").status_code == 404


def test_an_account_without_a_role_sees_no_figures(client, area):
    client.force_login(UserFactory(role=""))

    assert client.get("/indicators/").status_code == 403
    assert client.get("/indicators/ehcp_total/").status_code == 403


def test_the_csv_downloads_hold_what_the_page_shows(client, area):
    officer = UserFactory(role=roles.OFFICER)

    overview = _csv(_get(client, officer, f"/indicators/indicators.csv?{AS_AT_QUERY}&table=statutory"))
    detail = _csv(_get(client, officer, f"/indicators/ehcp_total/download.csv?{AS_AT_QUERY}"))
    one = _csv(_get(client, officer, f"/indicators/ehcp_total/download.csv?{AS_AT_QUERY}&table=area-primary_need"))

    assert list(overview[0])[:7] == ["Indicator id", "Indicator", "Unit", "Value", "Expected on the trajectory",
                                     "Status", "2023-06-30"]
    assert {r["Indicator id"] for r in overview} == {"ehcp_total", "ehcp_growth_12m", "ehcna_requests",
                                                     "ehcna_decision_6w_pct", "ehcp_issued_20w_pct",
                                                     "ehc_advice_6w_pct", "ehc_advice_6w_ep_pct",
                                                     "ehc_advice_6w_health_pct", "ehc_advice_6w_social_care_pct",
                                                     "annual_reviews_on_time_pct", "review_decision_4w_pct",
                                                     "phase_transfer_by_deadline_pct", "open_cases_per_officer"}
    about = {r["Item"]: r["Value"] for r in detail if r["Table"] == "About this indicator"}
    assert about["Indicator id"] == "ehcp_total" and about["As at"] == "2026-03-31"
    quarters = [r for r in detail if r["Table"] == f"{EHCP_TOTAL} by quarter: Reading local area"]
    assert [(r["Quarter end"], r["Value"]) for r in quarters][-2:] == [("2025-12-31", "3.0"), ("2026-03-31", "3.0")]
    assert [(r["Primary need"], r["Value"]) for r in one] == [("Autistic spectrum disorder", "2.0"),
                                                              ("Social, emotional and mental health", "1.0")]


def test_a_date_that_is_not_real_is_an_error_the_summary_links_to(client, area):
    officer = UserFactory(role=roles.OFFICER)

    html = _get(client, officer, "/indicators/?as_at_day=31&as_at_month=2&as_at_year=2026").content.decode()

    assert "<title>Error: Inclusion dashboard" in html
    assert '<a href="#id_as_at_day">The as-at date must be a real date</a>' in html
    assert "Figures as of" not in html


@pytest.mark.parametrize("role", sorted(roles.ROLES))
def test_every_role_has_indicators_in_its_navigation(client, role):
    user = UserFactory(role=role, practitioner_id="870-EAH01", senco=role == roles.SENCO,
                       cluster_lead=role == roles.CLUSTER_LEAD)
    client.force_login(user)

    html = client.get("/").content.decode()

    link = '<a class="govuk-service-navigation__link" href="/indicators/">Indicators</a>'
    # The regional or national analyst sees only published statistics, none of the local area's own figures.
    assert (link in html) is (role != roles.REGIONAL_ANALYST)
