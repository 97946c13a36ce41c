"""Links to evidence from plan files and the milestone form: only web addresses and email links. A
`javascript:` link is refused on input with the file, line and field (or the form's line), and a link that
is not safe is shown as text, never as a link, whatever reached the database."""

import pytest
from django.urls import reverse

from sendreform.plan.models import Milestone, Plan
from sendreform.plan.planfile import PlanFileError
from sendreform.plan.selectors import plan_export_text
from sendreform.plan.services import plan_import
from sendreform.standards.links import link_problem
from tests.factories import PASSWORD
from tests.plan.test_plan_file import SECOND_PLAN

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("link", ["https://example.org/a?b=c#d", "http://intranet.example.gov.uk/x",
                                  "mailto:send@example.gov.uk", "HTTPS://EXAMPLE.ORG"])
def test_web_addresses_and_email_links_are_links(link):
    assert link_problem(link) is None


@pytest.mark.parametrize(("link", "reason"), [
    ("javascript:alert(document.cookie)", "not javascript:"),
    ("JavaScript:alert(1)", "not javascript:"),
    ("java\tscript:alert(1)", "spaces, line breaks or control characters"),
    (" javascript:alert(1)", "spaces, line breaks or control characters"),
    ("data:text/html,<script>alert(1)</script>", "not data:"),
    ("vbscript:msgbox", "not vbscript:"),
    ("//evil.example/x", "must start with https://"),
    ("example.org/page", "must start with https://"),
    ("https:///no-host", "needs a host"),
    ("mailto:", "needs an address"),
])
def test_anything_else_is_refused_with_the_reason(link, reason):
    assert reason in link_problem(link)


def test_a_plan_file_with_a_javascript_link_is_refused_naming_the_line_and_field_and_nothing_changes():
    text = SECOND_PLAN.replace("                - https://example.org/contract\n",
                               "                - https://example.org/contract\n"
                               "                - javascript:alert(document.cookie)\n")
    line = text[:text.index("javascript:")].count("\n") + 1

    with pytest.raises(PlanFileError) as error:
        plan_import(text=text, source="plans/elmshire.yaml")

    assert str(error.value) == (
        f"plans/elmshire.yaml: line {line}: plan.workstreams[0].quarters[0].milestones[0].links[1]: only web "
        "addresses (https://, http://) and email links (mailto:) are allowed, not javascript: "
        "('javascript:alert(document.cookie)')")
    assert not Plan.objects.exists()


def test_the_milestone_form_refuses_a_javascript_link_and_keeps_a_mailto_one(reading_plan, users, client):
    milestone = Milestone.objects.first()
    client.login(username=users["OFFICER"].username, password=PASSWORD)
    url = reverse("plan:milestone", args=[milestone.pk])
    fields = {"text": milestone.text, "quarter": milestone.quarter, "status": "on_track", "evidence": "",
              "version": milestone.version}
    before = plan_export_text()

    refused = client.post(url, {**fields, "links": "https://example.org/a\njavascript:alert(1)"})

    page = refused.content.decode()
    assert "There is a problem" in page
    assert ("Line 2: only web addresses (https://, http://) and email links (mailto:) are allowed, not "
            "javascript: (javascript:alert(1))") in page
    assert plan_export_text() == before
    assert client.post(url, {**fields, "links": "mailto:send@example.gov.uk"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.links == ["mailto:send@example.gov.uk"]


def test_a_stored_javascript_link_is_shown_as_text_not_a_link(reading_plan, users, client):
    # Given a link stored before links were checked
    milestone = Milestone.objects.first()
    Milestone.objects.filter(pk=milestone.pk).update(links=["javascript:alert(1)", "https://example.org/ok"])
    client.login(username=users["OFFICER"].username, password=PASSWORD)

    page = client.get(reverse("plan:milestone", args=[milestone.pk])).content.decode()

    assert 'href="javascript:' not in page
    assert "javascript:alert(1) <strong class=\"govuk-tag govuk-tag--red\">Not a safe link</strong>" in page
    assert '<a class="govuk-link" href="https://example.org/ok">https://example.org/ok</a>' in page
