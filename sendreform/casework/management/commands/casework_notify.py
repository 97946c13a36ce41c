"""`manage.py casework_notify`: each morning, email each officer a digest of their EHC cases overdue or due within
14 days, and, once per step, that a deadline is 7 days away or was missed. The worker's schedule runs it each
working morning; running it more often sends no deadline email twice."""

import datetime as dt

from django.core.management.base import BaseCommand

from sendreform.casework.services import daily_notify


class Command(BaseCommand):
    help = "Email each officer their EHC casework digest and the deadlines approaching or missed."

    def add_arguments(self, parser):
        parser.add_argument("--on", type=dt.date.fromisoformat, default=None,
                            help="the day to check, YYYY-MM-DD (default: today)")

    def handle(self, *args, on=None, **options):
        sent = daily_notify(on=on)
        self.stdout.write(f"{sent['digests']} digests and {sent['deadlines']} deadline emails sent")
