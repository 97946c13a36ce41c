"""The benchmarking page and its CSVs, for Reading and for Birmingham, with figures checked by hand against the
DfE's CSVs (../shared/data/ehcp): caseload.csv 202425 ehcplans Reading 1,966, England 638,745, South East
110,014, Birmingham 12,094; Reading 202324 1,954 (growth 0.6%), England 576,474 (growth 10.8%);
timeliness_20_week.csv 2024 PC_plans_issued_20_weeks_ex Reading 59.1, South East 38.2, England 46.4,
Birmingham 26.7."""

import csv
import io

import pytest

from sendreform.accounts import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _get(client, url, role=roles.OFFICER):
    client.force_login(UserFactory(role=role))
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


def _csv(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_reading_beside_its_neighbours_region_and_england(loaded, client):
    html = _get(client, "/benchmarking/?area=E06000038").content.decode()
    assert "Benchmarking: Reading" in html and "South East" in html
    for name in ("Milton Keynes", "Barnet", "Hillingdon", "Merton", "Bedford", "Croydon", "Waltham Forest", "Leeds",
                 "Southampton", "Harrow"):
        assert f">{name}</a>" in html
    # plans, January 2025, thousands separated, beside the South East and England
    assert "1,966" in html and "110,014" in html and "638,745" in html
    assert "<svg" in html and "every local authority" in html


def test_reading_csv_figures_and_rank(loaded, client):
    rows = _csv(_get(client, "/benchmarking/download.csv?area=E06000038"))
    plans = {r["Year"]: r for r in rows if r["Measure id"] == "plans"}
    assert plans["2025"]["Area figure as published"] == "1966"
    assert plans["2025"]["England figure as published"] == "638745"
    assert plans["2025"]["Region figure as published"] == "110014"
    # 2018 from the 2022 release (statements and plans together)
    assert plans["2018"]["Area figure as published"] == "1173"
    assert "sen2_age_caseload.csv" in plans["2018"]["Source"] and "caseload.csv" in plans["2025"]["Source"]
    growth = {r["Year"]: r for r in rows if r["Measure id"] == "growth"}
    assert growth["2025"]["Area figure as published"] == "0.6" and growth["2025"]["England figure as published"] == "10.8"
    timely = {r["Year"]: r for r in rows if r["Measure id"] == "timeliness"}["2024"]
    assert (timely["Area figure as published"], timely["Region figure as published"],
            timely["England figure as published"]) == ("59.1", "38.2", "46.4")
    assert timely["Neighbours with a figure"] == "10"
    # Reading's 59.1% among the 22 local authorities loaded (Southampton neighbours both Reading and Birmingham)
    assert timely["Local authorities ranked"] == "22"
    assert 1 <= int(timely["Rank (1 is highest)"]) <= 23


def test_the_neighbours_median_is_the_median_of_the_ten(loaded, client):
    rows = _csv(_get(client, "/benchmarking/download.csv?area=E06000038&measure=plans"))
    assert {r["Measure id"] for r in rows} == {"plans"}
    row = next(r for r in rows if r["Year"] == "2025")
    from sendreform.published.models import Figure

    ten = sorted(Figure.objects.filter(file="caseload.csv", measure="ehcplans", time_period="202425",
                                       breakdown="All EHC plans",
                                       area__code__in=["E06000042", "E09000003", "E09000017", "E09000024",
                                                       "E06000055", "E09000008", "E09000031", "E08000035",
                                                       "E06000045", "E09000015"]).values_list("number", flat=True))
    assert len(ten) == 10
    assert float(row["Neighbours' median"]) == (ten[4] + ten[5]) / 2
    assert (float(row["Neighbours' lowest"]), float(row["Neighbours' highest"])) == (ten[0], ten[-1])


def test_another_area_birmingham(loaded, client):
    html = _get(client, "/benchmarking/?area=E08000025").content.decode()
    assert "Benchmarking: Birmingham" in html and "West Midlands" in html and "12,094" in html
    assert ">Nottingham</a>" in html and ">Manchester</a>" in html
    rows = _csv(_get(client, "/benchmarking/download.csv?area=E08000025&measure=timeliness"))
    assert next(r for r in rows if r["Year"] == "2024")["Area figure as published"] == "26.7"


def test_national_csv_ranks_every_loaded_authority(loaded, client):
    rows = _csv(_get(client, "/benchmarking/national.csv?area=E06000038&national=timeliness"))
    assert len(rows) == 22
    reading = next(r for r in rows if r["Code"] == "870")
    assert reading["Picked out as"] == "This area" and reading["Figure"] == "59.1"
    assert sum(r["Picked out as"] == "Neighbour" for r in rows) == 10
    assert int(reading["Rank"]) == 1 + sum(float(r["Figure"]) > 59.1 for r in rows)


@pytest.mark.parametrize("role", [roles.SENCO, roles.PCF_REP])
def test_every_signed_in_role_may_open_any_areas_page(loaded, client, role):
    kwargs = {"role": role}
    if role == roles.SENCO:
        kwargs = {"senco": True}
    client.force_login(UserFactory(**kwargs))
    assert client.get("/benchmarking/?area=E08000025").status_code == 200


def test_signed_out_is_sent_to_sign_in_and_an_unknown_area_is_not_found(loaded, client):
    assert client.get("/benchmarking/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/benchmarking/?area=E99999999").status_code == 404


def test_the_regional_analyst_sees_every_areas_published_figures_and_nothing_of_the_areas_own(loaded, client):
    client.force_login(UserFactory(role=roles.REGIONAL_ANALYST))
    assert client.get("/benchmarking/?area=E08000025").status_code == 200
    assert client.get("/benchmarking/download.csv?area=E06000038&measure=plans").status_code == 200
    for url in ("/indicators/", "/plan/", "/forecasts/"):
        assert client.get(url).status_code == 403, url
    from sendreform.people.selectors import user_sees_children

    assert not user_sees_children(user=UserFactory(role=roles.REGIONAL_ANALYST))
    home = client.get("/").content.decode()
    assert "Regional or national analyst" in home and "/benchmarking/" in home and "Find a child" not in home


def test_an_indicator_page_shows_the_latest_published_figure_beside_england_and_the_neighbours(loaded, client):
    html = _get(client, "/indicators/ehcp_issued_20w_pct/").content.decode()
    # timeliness_20_week.csv 2024: Reading 59.1, South East 38.2, England 46.4
    assert "Published by the DfE" in html
    assert "calendar year 2024: Reading 59.1%; South East 38.2%; England 46.4%" in html
    assert "From the DfE release education-health-and-care-plans_2025" in html
    # An indicator with no published equivalent says nothing of it
    assert "Published by the DfE" not in _get(client, "/indicators/eah_settings_engaged_pct/").content.decode()
