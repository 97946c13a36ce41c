"""`manage.py eah_notify_overdue`: email the Experts at Hand leads (and the practitioners allocated) about
each referral that has newly gone past its triage or first-support clock. A scheduler runs it once each
working morning (cron: `0 7 * * 1-5 .venv/bin/python manage.py eah_notify_overdue`); each email is sent
once per referral and clock, so running it more often is harmless."""

import datetime as dt

from django.core.management.base import BaseCommand

from sendreform.experts.services import overdue_notify


class Command(BaseCommand):
    help = "Email about Experts at Hand referrals that have gone overdue for triage or first support."

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            type=dt.date.fromisoformat,
            default=None,
            help="the day to check, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args, on=None, **options):
        sent = overdue_notify(on=on)
        self.stdout.write(f"{sent} overdue email{'s' if sent != 1 else ''} sent")
