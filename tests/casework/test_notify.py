"""The morning's casework emails: a digest per officer, and each deadline approaching or missed told once, with
absolute links made from the configured site address."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from sendreform.casework import services

D = dt.date.fromisoformat
pytestmark = pytest.mark.django_db


def test_digest_and_deadline_emails_sent_once(senco, pupil, caseworker, settings, capsys):
    settings.SITE_URL = "https://send.reading.example"
    # Received Saturday 3 January 2026: the decision is due Saturday 14 February
    case = services.request_create(by=senco, person=pupil, received_date=D("2026-01-03"), request_source=2,
                                   evidence="x", consent_given=True, officer=caseworker)
    mail.outbox.clear()
    # On Monday 9 February, 5 days before: the approaching email and the digest
    call_command("casework_notify", "--on", "2026-02-09")
    assert "1 digests and 1 deadline emails sent" in capsys.readouterr().out
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [f"EHC case {case.reference}: decision whether to assess due soon",
                        "Your EHC caseload on 9 February 2026: 1 deadlines within 14 days or over"]
    digest = next(m for m in mail.outbox if m.subject.startswith("Your"))
    assert "Decision whether to assess, Sat 14 Feb 2026 (5 days left)" in digest.body
    assert f"https://send.reading.example/casework/cases/{case.reference}/" in digest.body
    # The same morning again: only the digest; on Monday 16 February the missed deadline, once
    mail.outbox.clear()
    assert services.daily_notify(on=D("2026-02-09")) == {"digests": 1, "deadlines": 0}
    mail.outbox.clear()
    assert services.daily_notify(on=D("2026-02-16")) == {"digests": 1, "deadlines": 1}
    missed = next(m for m in mail.outbox if "missed" in m.subject)
    assert "was due on Saturday 14 February 2026, 2 days ago" in missed.body
