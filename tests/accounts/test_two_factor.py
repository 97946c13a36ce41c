"""Two-factor sign-in (TOTP, django-otp) for every role that sees child-level data, when TWO_FACTOR_REQUIRED
is on: enrol an authenticator app at the first sign-in, then give its code; until then no child page, download
or admin page is reached. The codes are made with django-otp's own TOTP, as an app would make them."""

import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendreform.accounts import roles
from sendreform.accounts.services import totp_device_start
from sendreform.accounts.views import WRONG_CODE
from tests.factories import PASSWORD, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_factor_on")]

TWO_FACTOR = "/sign-in/two-factor/"


@pytest.fixture
def two_factor_on():
    with override_settings(TWO_FACTOR_REQUIRED=True):
        yield


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def _sign_in(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD, **({"next": next_url} if next_url else {})}
    return client.post(reverse("accounts:sign-in"), data)


def test_an_officer_cannot_reach_a_child_page_until_they_enrol_an_app_and_give_its_code(client):
    # Given an officer (who sees every child) and a child
    user = UserFactory(username="officer1", role=roles.OFFICER)
    child = PersonFactory()
    child_url = reverse("people:child-detail", args=[child.person_id])
    # When they sign in with their password, they are sent to the second step, not their page
    response = _sign_in(client, "officer1", next_url=child_url)
    assert response["Location"] == f"{TWO_FACTOR}?next={child_url.replace('/', '%2F')}"
    # And the child's page, a download and the home page all send them back there
    assert client.get(child_url)["Location"].startswith(TWO_FACTOR)
    assert client.get(reverse("people:child-timeline-csv", args=[child.person_id]))["Location"].startswith(
        TWO_FACTOR)
    assert client.get("/")["Location"].startswith(TWO_FACTOR)
    # And the enrolment page shows the QR code, the key and the otpauth address of a new, unconfirmed device
    page = client.get(f"{TWO_FACTOR}?next={child_url}").content.decode()
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert "Set up two-factor sign-in" in page
    assert '<svg class="app-qr-code"' in page
    assert device.config_url.replace("&", "&amp;") in page
    assert device.config_url.startswith("otpauth://totp/sendreform%3Aofficer1?secret=")
    # When they give a wrong code, they are told and stay out
    wrong = client.post(TWO_FACTOR, {"code": "000000" if _code(device) != "000000" else "111111",
                                     "next": child_url})
    assert WRONG_CODE in wrong.content.decode()
    assert client.get(child_url).status_code == 302
    # When they give the code their app shows now (after the throttle's one-second wait)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post(TWO_FACTOR, {"code": _code(device), "next": child_url})
    # Then the device is confirmed, they land on the child's page, and it opens
    assert done["Location"] == child_url
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(child_url).status_code == 200


def test_once_enrolled_a_user_gives_a_code_and_no_new_app_can_be_enrolled_with_the_password_alone(client):
    user = UserFactory(username="officer1", role=roles.OFFICER)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)

    _sign_in(client, "officer1")
    page = client.get(TWO_FACTOR).content.decode()

    assert "Enter the code from your authenticator app" in page
    assert "secret=" not in page and "app-qr-code" not in page
    with pytest.raises(ValueError, match="already has an authenticator app"):
        totp_device_start(user=user)
    assert client.post(TWO_FACTOR, {"code": _code(device)})["Location"] == "/"
    assert client.get(reverse("people:child-search")).status_code == 200


def test_repeated_wrong_codes_make_the_next_wait(client):
    user = UserFactory(username="officer1", role=roles.OFFICER)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    _sign_in(client, "officer1")
    wrong = "000000" if _code(device) != "000000" else "111111"

    client.post(TWO_FACTOR, {"code": wrong})
    refused = client.post(TWO_FACTOR, {"code": _code(device)}).content.decode()

    assert "You have entered a wrong code too many times. Wait 1 second" in refused
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("role", [roles.BOARD_MEMBER, roles.PCF_REP])
def test_roles_without_child_level_data_sign_in_with_the_password_alone(client, role):
    UserFactory(username="member1", role=role)

    assert _sign_in(client, "member1")["Location"] == "/"
    assert client.get("/").status_code == 200


def test_with_the_setting_off_as_in_the_demo_no_code_is_asked(client):
    UserFactory(username="officer1", role=roles.OFFICER)

    with override_settings(TWO_FACTOR_REQUIRED=False):
        assert _sign_in(client, "officer1")["Location"] == "/"
        assert client.get(reverse("people:child-search")).status_code == 200
