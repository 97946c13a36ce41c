"""A scenario made from the form: stored as YAML text that the model reads as the change chosen; a bad value is
refused naming its field and nothing is stored; a role that cannot edit scenarios cannot use the form."""

import datetime as dt

import pytest

from sendreform.accounts import roles
from sendreform.forecast.scenarios import scenario_parse
from sendreform.forecasting.models import Scenario, ScenarioEdit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/forecasts/scenarios/new/from-a-form/"
SEPT = {"start_day": "1", "start_month": "9", "start_year": "2027"}


def _sign_in(client, role):
    client.force_login(UserFactory(role=role))


def test_the_list_links_the_form_beside_the_yaml_editor(client):
    _sign_in(client, roles.ANALYST)
    page = client.get("/forecasts/scenarios/").content.decode()
    assert f'href="{URL}"' in page and 'href="/forecasts/scenarios/new/"' in page
    page = client.get(URL).content.decode()
    assert "Raise or lower a rate" in page and "0.85 lowers it by 15%" in page


def test_an_officer_makes_a_shift_scenario_from_the_form(client):
    _sign_in(client, roles.OFFICER)
    response = client.post(URL, {"name": "Fewer independent places", "description": "A fifth move.", **SEPT,
                                 "kind": "shift", "shift_from_setting": "INMSS",
                                 "shift_to_setting": "MAINTAINED_SPECIAL", "shift_share": "0.2",
                                 "scale_factor": "not read: another kind"})
    scenario = Scenario.objects.get()
    assert response["Location"] == f"/forecasts/scenarios/{scenario.pk}/"
    parsed = scenario_parse(scenario.text)
    [change] = parsed.changes
    assert (parsed.name, parsed.description, change.kind, change.start, change.setting, change.to_setting,
            change.share) == ("Fewer independent places", "A fifth move.", "shift", dt.date(2027, 9, 1), "INMSS",
                              "MAINTAINED_SPECIAL", 0.2)
    assert ScenarioEdit.objects.get().note == "Created from the form"


def test_added_places_by_need_and_a_year_range(client):
    _sign_in(client, roles.ANALYST)
    client.post(URL, {"name": "Bases", **SEPT, "kind": "add_places", "add_places_setting": "MAINSTREAM_BASE",
                      "add_places_places_ASD": "80", "add_places_places_SEMH": "24",
                      "add_places_fill_from": ["MAINSTREAM", "INMSS"], "add_places_ncy_last": "11"})
    [change] = scenario_parse(Scenario.objects.get().text).changes
    assert (change.setting, change.places, change.fill_from, change.ncy) == (
        "MAINSTREAM_BASE", {"ASD": 80, "SEMH": 24}, ("MAINSTREAM", "INMSS"), (-4, 11))


@pytest.mark.parametrize(("data", "anchor", "message"), [
    ({"kind": "scale", "scale_transition": "joining", "scale_factor": "11"}, "id_scale_factor",
     "Factor must be a number from 0 to 10"),
    ({"kind": "scale", "scale_factor": "0.9"}, "id_scale_transition", "Choose the rate to change"),
    ({"kind": "cap_setting", "cap_setting_setting": "INMSS", "cap_setting_places": "-1",
      "cap_setting_move_to": "AP"}, "id_cap_setting_places", "Places must be a whole number from 0 to 100,000"),
    ({"kind": "scale", "scale_transition": "leaving", "scale_factor": "1.1", "scale_ncy_first": "12",
      "scale_ncy_last": "6"}, "id_scale_ncy_last", "The last year group must be the first or a later one"),
    ({"kind": "add_places", "add_places_setting": "AP"}, "id_add_places_places_SPLD",
     "Enter the places for at least one need"),
])
def test_a_bad_value_is_refused_naming_its_field_and_nothing_is_stored(client, data, anchor, message):
    _sign_in(client, roles.OFFICER)
    page = client.post(URL, {"name": "Bad", **SEPT, **data})
    assert page.status_code == 400
    assert f'<a href="#{anchor}">{message}</a>' in page.content.decode()
    assert not Scenario.objects.exists()


def test_a_missing_date_and_name_are_named(client):
    _sign_in(client, roles.OFFICER)
    page = client.post(URL, {"kind": "close_setting", "close_setting_setting": "AP"}).content.decode()
    assert '<a href="#id_name">Enter a name for the scenario</a>' in page
    assert '<a href="#id_start_day">Enter the date the change starts</a>' in page
    assert '<a href="#id_close_setting_move_to">Choose the setting its children move to</a>' in page
    assert not Scenario.objects.exists()


def test_a_name_already_used_is_refused_on_the_name(client):
    _sign_in(client, roles.OFFICER)
    data = {"name": "Close AP", **SEPT, "kind": "close_setting", "close_setting_setting": "AP",
            "close_setting_move_to": "MAINSTREAM"}
    client.post(URL, data)
    page = client.post(URL, data)
    assert page.status_code == 400 and 'href="#id_name">Another scenario is already called' in page.content.decode()
    assert Scenario.objects.count() == 1


def test_a_reader_cannot_use_the_form(client):
    _sign_in(client, roles.BOARD_MEMBER)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "X", **SEPT, "kind": "close_setting", "close_setting_setting": "AP",
                             "close_setting_move_to": "MAINSTREAM"}).status_code == 403
    assert not Scenario.objects.exists()
