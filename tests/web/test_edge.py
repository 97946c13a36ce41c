"""The web edge: the Content-Security-Policy and no inline script or style in any template, no-store on every
response to a signed-in user (child pages and downloads), Permissions-Policy, and oversized bodies refused
before they are read."""

import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from sendreform.accounts import roles
from tests.factories import PersonFactory, UserFactory

SOURCE = Path(__file__).resolve().parents[2] / "sendreform"
# The board pack's print template is drawn to PDF by WeasyPrint on the server, never served to a browser.
PRINTED = {"governance/templates/governance/boardpack_print.html"}
TEMPLATES = sorted(p for p in SOURCE.glob("*/templates/**/*.html") if str(p.relative_to(SOURCE)) not in PRINTED)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 40


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_no_template_has_inline_script_style_or_event_handlers(template):
    html = template.read_text(encoding="utf-8")

    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>: move it to a static file"
    assert not re.findall(r"\sstyle=", html), "a style attribute: use a class in frontend/scss"
    assert not re.findall(r"<style", html)
    assert not re.findall(r"\son[a-z]+=", html), "an event handler attribute"


def test_charts_drawn_on_the_server_carry_no_style_attribute():
    from sendreform.indicators.charts import chart_svg

    spec = {"data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 3}]}, "mark": "line",
            "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}

    svg = str(chart_svg(spec, title="T", description="D", chart_id="c"))

    assert "style=" not in svg and 'class="app-chart"' in svg


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy_and_permissions_policy(client):
    response = client.get(reverse("accounts:sign-in"))

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_childs_page_and_download_are_never_stored_and_the_signed_out_sign_in_page_may_be(client):
    child = PersonFactory()
    client.force_login(UserFactory(role=roles.OFFICER))

    page = client.get(reverse("people:child-detail", args=[child.person_id]))
    download = client.get(reverse("people:child-timeline-csv", args=[child.person_id]))

    for response in (page, download):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    client.logout()
    assert "no-store" not in client.get(reverse("accounts:sign-in")).get("Cache-Control", "")


@pytest.mark.django_db
@override_settings(SENDREFORM_MAX_REQUEST_BYTES=1000)
def test_a_body_over_the_cap_is_refused_with_413_before_it_is_read(client):
    # A body that says it is larger than the cap is refused whatever it is (sign-in, here, unauthenticated)
    response = client.generic("POST", reverse("accounts:sign-in"), b"x" * 1001,
                              content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert "1,001 bytes, where the limit is 1,000 bytes" in response.content.decode()
    assert client.post(reverse("accounts:sign-in"), {"username": "a", "password": "b"}).status_code == 200
