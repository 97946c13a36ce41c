"""Signing in and out: the GOV.UK form, the same work for real and unknown usernames, growing waits per
username and per client address after failures (never a lock-out), and sign-out by POST only."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, get_hasher
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import SignInThrottle
from sendreform.accounts.services import sign_in_wait
from sendreform.accounts.views import WAIT, WRONG_DETAILS
from sendreform.web.edge import client_address
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"


def _sign_in(client, username, password, *, address="127.0.0.1", **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra}, REMOTE_ADDR=address)


def test_the_sign_in_page_is_a_gov_uk_form_with_a_heading():
    from django.test import Client

    response = Client().get(SIGN_IN)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Sign in to sendreform</h1>' in html
    assert 'class="govuk-input govuk-input--width-20"' in html
    assert 'autocomplete="current-password"' in html


def test_given_the_right_password_when_signing_in_then_the_user_lands_on_their_home_page(client):
    UserFactory(username="officer1", role=roles.OFFICER)

    response = _sign_in(client, "officer1", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_a_safe_next_page_is_followed_and_an_external_one_is_not(client):
    UserFactory(username="officer1")

    assert _sign_in(client, "officer1", PASSWORD, next="/settings/")["Location"] == "/settings/"
    client.logout()
    assert _sign_in(client, "officer1", PASSWORD, next="https://evil.example/")["Location"] == "/"


def test_empty_fields_show_the_error_summary_linked_to_each_field(client):
    response = _sign_in(client, "", "")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<title>Error: Sign in" in html
    assert "There is a problem" in html
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_a_wrong_password_and_an_unknown_username_get_the_same_message(client):
    UserFactory(username="officer1")

    wrong_password = _sign_in(client, "officer1", "not-the-password").content.decode()
    unknown_user = _sign_in(client, "nobody-here", "not-the-password").content.decode()

    assert WRONG_DETAILS in wrong_password
    assert WRONG_DETAILS in unknown_user
    # The two pages differ only in the username typed back into the form and the CSRF token.
    strip = lambda html, name: html.replace(name, "NAME")  # noqa: E731
    assert strip(wrong_password, "officer1").count(WRONG_DETAILS) == strip(unknown_user, "nobody-here").count(
        WRONG_DETAILS)


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting how often a password is hashed (checking one hashes it once too)."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        type(self).calls += 1
        return super().encode(password, salt)


def _hashes(action) -> int:
    # The class Django loaded from PASSWORD_HASHERS (pytest may have imported this module under another name)
    hasher = type(get_hasher("counting_md5"))
    hasher.calls = 0
    action()
    return hasher.calls


@override_settings(PASSWORD_HASHERS=["tests.accounts.test_sign_in.CountingHasher"])
def test_an_unknown_username_runs_the_password_hasher_as_a_real_one_does(client):
    UserFactory(username="admin", role=roles.ADMIN, password=PASSWORD)  # hashed by the counting hasher

    assert _hashes(lambda: _sign_in(client, "admin", "not-the-password")) == 1
    assert _hashes(lambda: _sign_in(client, "nobody-here", "not-the-password")) == 1
    assert _hashes(lambda: _sign_in(client, "admin", PASSWORD)) == 1


@override_settings(PASSWORD_HASHERS=["tests.accounts.test_sign_in.CountingHasher"],
                   SIGN_IN_FREE_FAILURES_PER_USERNAME=2, SIGN_IN_FIRST_WAIT_SECONDS=600)
def test_while_a_username_waits_no_password_is_checked_whether_or_not_it_exists(client):
    # Given a real and an unknown username, each with three failures (from different addresses)
    UserFactory(username="admin", role=roles.ADMIN, password=PASSWORD)
    for n in range(3):
        _sign_in(client, "admin", "wrong", address=f"10.0.0.{n}")
        _sign_in(client, "nobody-here", "wrong", address=f"10.0.1.{n}")
    # Then neither runs the hasher while it waits (the time taken cannot tell them apart) and the pages agree
    pages = {}
    for name in ("admin", "nobody-here"):
        assert _hashes(lambda name=name: pages.setdefault(name, _sign_in(client, name, "wrong"))) == 0
    assert WAIT.format(wait="10 minutes") in pages["admin"].content.decode()
    assert WAIT.format(wait="10 minutes") in pages["nobody-here"].content.decode()


@override_settings(SIGN_IN_FREE_FAILURES_PER_USERNAME=1, SIGN_IN_FIRST_WAIT_SECONDS=600)
def test_an_attempt_refused_while_waiting_is_signalled_for_the_audit(client):
    from sendreform.accounts.signals import sign_in_delayed

    heard = []
    receiver = lambda sender, request, username, until, **kw: heard.append((username, until))  # noqa: E731
    sign_in_delayed.connect(receiver)
    try:
        for _ in range(3):
            _sign_in(client, "Nobody-Here", "wrong")
    finally:
        sign_in_delayed.disconnect(receiver)

    assert [name for name, _ in heard] == ["Nobody-Here"]
    assert heard[0][1] == SignInThrottle.objects.get(kind=SignInThrottle.USERNAME).wait_until


def test_five_wrong_passwords_make_admin_wait_seconds_not_lock_the_account(client):
    # Given someone sends five wrong passwords for admin, with the default settings (3 free, then 2 s doubling)
    UserFactory(username="admin", role=roles.ADMIN)
    for _ in range(5):
        _sign_in(client, "admin", "wrong", address="203.0.113.9")
    # Then admin waits at most 4 seconds (a fifth request inside the first wait is not even counted)
    throttle = SignInThrottle.objects.get(kind=SignInThrottle.USERNAME)
    assert throttle.failures in (4, 5)
    assert throttle.wait_until - throttle.last_failed <= dt.timedelta(seconds=4)
    # And once the wait has passed, admin signs in with the right password from their own address
    SignInThrottle.objects.update(wait_until=timezone.now() - dt.timedelta(seconds=1))
    assert _sign_in(client, "admin", PASSWORD, address="198.51.100.7").status_code == 302
    # And the username's count starts again
    assert not SignInThrottle.objects.filter(kind=SignInThrottle.USERNAME).exists()


@override_settings(SIGN_IN_FREE_FAILURES_PER_USERNAME=3, SIGN_IN_FIRST_WAIT_SECONDS=2, SIGN_IN_MAX_WAIT_SECONDS=60)
def test_each_failure_past_the_free_ones_doubles_the_wait_up_to_the_longest():
    waits = [sign_in_wait(kind=SignInThrottle.USERNAME, failures=n) for n in range(1, 10)]

    assert [w.total_seconds() if w else 0 for w in waits] == [0, 0, 0, 2, 4, 8, 16, 32, 60]


@override_settings(SIGN_IN_FREE_FAILURES_PER_ADDRESS=3, SIGN_IN_FREE_FAILURES_PER_USERNAME=3,
                   SIGN_IN_FIRST_WAIT_SECONDS=600)
def test_one_address_guessing_at_many_usernames_is_made_to_wait_and_other_addresses_are_not(client):
    # Given one address tries one wrong password for each of four usernames (one failure each)
    UserFactory(username="officer1")
    for name in ("officer1", "analyst", "senco", "health"):
        _sign_in(client, name, "wrong", address="203.0.113.9")
    # Then that address waits, even with the right password for a real account
    refused = _sign_in(client, "officer1", PASSWORD, address="203.0.113.9")
    assert refused.status_code == 200
    assert WAIT.format(wait="10 minutes") in refused.content.decode()
    # And the same user from another address signs in at once
    assert _sign_in(client, "officer1", PASSWORD, address="198.51.100.7").status_code == 302


@override_settings(SIGN_IN_FREE_FAILURES_PER_USERNAME=3, SIGN_IN_FIRST_WAIT_SECONDS=600)
def test_one_username_guessed_at_from_many_addresses_is_made_to_wait(client):
    UserFactory(username="officer1")
    for n in range(4):
        _sign_in(client, "Officer1", "wrong", address=f"203.0.113.{n}")

    refused = _sign_in(client, "officer1", PASSWORD, address="198.51.100.7")

    assert WAIT.format(wait="10 minutes") in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Neither the username typed nor the addresses are stored, only hashes of them
    keys = " ".join(SignInThrottle.objects.values_list("key", flat=True))
    assert "officer" not in keys.lower() and "203.0" not in keys


@override_settings(SIGN_IN_FREE_FAILURES_PER_USERNAME=3, SIGN_IN_FORGET_AFTER_MINUTES=60)
def test_failures_older_than_the_forgetting_time_no_longer_count(client):
    UserFactory(username="officer1")
    for _ in range(4):
        _sign_in(client, "officer1", "wrong")
    SignInThrottle.objects.update(last_failed=timezone.now() - dt.timedelta(minutes=61),
                                  wait_until=timezone.now() + dt.timedelta(minutes=5))

    assert _sign_in(client, "officer1", PASSWORD).status_code == 302


@override_settings(FORWARDED_ALLOW_IPS=["10.0.0.2"])
def test_behind_a_trusted_proxy_the_client_address_is_the_one_the_proxy_saw(rf):
    behind = rf.post(SIGN_IN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    direct = rf.post(SIGN_IN, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")

    # The proxy appends the address it saw; what the client wrote before it is not trusted
    assert client_address(behind) == "203.0.113.9"
    # A client that is not a trusted proxy cannot choose its address by sending the header itself
    assert client_address(direct) == "198.51.100.7"


def test_sign_out_is_a_post_and_a_get_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)

    assert client.get("/sign-out/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/sign-out/")

    assert response["Location"] == reverse("accounts:sign-in")
    assert client.get("/").status_code == 302


def test_a_page_asks_a_signed_out_visitor_to_sign_in(client):
    response = client.get("/children/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/children/"
