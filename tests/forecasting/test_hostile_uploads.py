"""Hostile uploads in the app (issue 12): a population file or a scenario that cannot be used gives the page back
with the message naming the file, row and column (or the line), never a 500, and nothing is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendreform.accounts import roles
from sendreform.forecasting.models import Scenario
from sendreform.places.models import PopulationLoad
from tests.forecasting.test_population import PAGE, _client, _stored, stored  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

CANONICAL = "year,age,population\n"


@pytest.mark.parametrize(("data", "message"), [
    (CANONICAL.encode(), "population.csv: has a header but no rows of population"),
    ("".join(f"1000,{a},500\n" for a in range(26)).join([CANONICAL, ""]).encode(),
     "population.csv, row 1 (line 2), column year: 1000 is not a census year from 1971 to 2100"),
    (CANONICAL.encode() + b"2026,0,\xff\xfe\n", "population.csv: is not UTF-8 text"),
    (CANONICAL.encode() + b"2026,0," + b"9" * 200_000 + b"\n",
     "population.csv, row 1 (line 2): cannot be read as CSV: field larger than field limit"),
])
@pytest.mark.usefixtures("stored")
def test_a_hostile_population_file_gives_the_page_with_the_message_and_stores_nothing(client, data, message):
    _client(client, roles.OFFICER)
    before = _stored()
    page = client.post(PAGE, {"file": SimpleUploadedFile("population.csv", data, content_type="text/csv"),
                              "area": ""})
    assert page.status_code == 400
    assert message in page.content.decode()
    assert _stored() == before and not PopulationLoad.objects.exists()


@pytest.mark.parametrize(("text", "message"), [
    ("name: x\nchanges:\n  - type: scale\n    transition: joining\n    factor: .inf\n    from: 2027-09-01\n",
     "Line 5: factor must be a number from 0 to 10"),
    ("name: x\nchanges:\n  - type: scale\n    transition: joining\n    factor: 0.9\n    from: 2026-02-30\n",
     "Line 6: 2026-02-30 cannot be read"),
    ("name: x\nname: y\nchanges: []\n", "Line 2: &#x27;name&#x27; appears twice"),
    ("name: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
])
def test_a_hostile_scenario_gives_the_page_with_its_line_and_saves_nothing(client, text, message):
    _client(client, roles.OFFICER)
    page = client.post("/forecasts/scenarios/new/", {"text": text})
    assert page.status_code == 400 and message in page.content.decode()
    assert not Scenario.objects.exists()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=3000))
def test_no_uploaded_bytes_give_a_server_error(client, data):
    _client(client, roles.OFFICER)
    page = client.post(PAGE, {"file": SimpleUploadedFile("population.csv", data, content_type="text/csv"),
                              "area": ""})
    assert page.status_code in (302, 400)
    scenario = client.post("/forecasts/scenarios/new/", {"text": data.decode("utf-8", "replace")})
    assert scenario.status_code in (302, 400)
