"""Signing in and out: the GOV.UK form, the lock-out after repeated failures, and sign-out by POST only."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.views import LOCKED, WRONG_DETAILS
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in/"


def _sign_in(client, username, password, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password, **extra})


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


@override_settings(SIGN_IN_MAX_FAILURES=3, SIGN_IN_LOCKOUT_MINUTES=15)
def test_given_three_failures_when_the_right_password_is_then_given_then_the_account_is_still_locked(client):
    user = UserFactory(username="senco1", role=roles.OFFICER)

    for _ in range(2):
        assert WRONG_DETAILS in _sign_in(client, "senco1", "wrong").content.decode()
    third = _sign_in(client, "senco1", "wrong").content.decode()
    locked = _sign_in(client, "senco1", PASSWORD)

    assert LOCKED.format(minutes=15) in third
    assert locked.status_code == 200
    assert LOCKED.format(minutes=15) in locked.content.decode()
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.locked_until > timezone.now() + dt.timedelta(minutes=14)


@override_settings(SIGN_IN_MAX_FAILURES=3, SIGN_IN_LOCKOUT_MINUTES=15)
def test_an_unknown_username_locks_just_as_a_real_one_does(client):
    for _ in range(2):
        _sign_in(client, "nobody-here", "wrong")

    assert LOCKED.format(minutes=15) in _sign_in(client, "nobody-here", "wrong").content.decode()


@override_settings(SIGN_IN_MAX_FAILURES=3, SIGN_IN_LOCKOUT_MINUTES=15)
def test_failures_for_an_unknown_username_are_counted_in_the_database_so_every_worker_sees_them(client):
    # Given two failures through one client (one worker) and a third through another
    from django.test import Client

    from sendreform.accounts.models import SignInFailure

    for _ in range(2):
        _sign_in(client, "Nobody-Here", "wrong")
    assert SignInFailure.objects.get().failures == 2
    # Then the third locks the name, whatever its case, and no username is stored, only its hash
    assert LOCKED.format(minutes=15) in _sign_in(Client(), "nobody-here", "wrong").content.decode()
    record = SignInFailure.objects.get()
    assert record.locked_until is not None and "nobody" not in record.key


@override_settings(SIGN_IN_MAX_FAILURES=3, SIGN_IN_LOCKOUT_MINUTES=15)
def test_when_the_lock_out_has_passed_then_the_right_password_works_again(client):
    user = UserFactory(username="officer1")
    for _ in range(3):
        _sign_in(client, "officer1", "wrong")
    user.refresh_from_db()
    user.locked_until = timezone.now() - dt.timedelta(seconds=1)
    user.save(update_fields=["locked_until"])

    response = _sign_in(client, "officer1", PASSWORD)

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.failed_sign_ins, user.locked_until) == (0, None)


@override_settings(SIGN_IN_MAX_FAILURES=3, SIGN_IN_LOCKOUT_MINUTES=15)
def test_failures_older_than_the_window_no_longer_count(client):
    user = UserFactory(username="officer1")
    _sign_in(client, "officer1", "wrong")
    _sign_in(client, "officer1", "wrong")
    user.refresh_from_db()
    user.last_failed_sign_in = timezone.now() - dt.timedelta(minutes=16)
    user.save(update_fields=["last_failed_sign_in"])

    response = _sign_in(client, "officer1", "wrong")

    assert WRONG_DETAILS in response.content.decode()
    user.refresh_from_db()
    assert (user.failed_sign_ins, user.locked_until) == (1, None)


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
