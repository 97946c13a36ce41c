"""`sendreform check` as a page, on the shared analytics copy: the counts a person can check, examples, and only for
the roles that see every child (its examples name records), each read in the audit log."""

import datetime as dt

import pytest

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry
from tests.factories import SenStatusFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_the_data_quality_page_counts_an_impossible_date_and_names_its_record(area, client):
    # One SEN status starts a month from now: an impossible date.
    SenStatusFactory(start_date=dt.date.today() + dt.timedelta(days=30), end_date=None)
    client.force_login(UserFactory(role=roles.BOARD_MEMBER))
    assert client.get("/data-quality/").status_code == 403
    analyst = UserFactory(role=roles.ANALYST)
    client.force_login(analyst)
    page = client.get("/data-quality/").content.decode()
    assert "Impossible dates: an end before its start" in page and "sen_status" in page
    assert '<a class="govuk-link" href="#impossible_dates">' in page  # the check that found something links to it
    assert AuditEntry.objects.filter(username=analyst.username, detail="data-quality report").count() == 1
