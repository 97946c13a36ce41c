"""Absolute links for anything read outside the service (emails): the configured site address, then the path."""

from django.conf import settings
from django.urls import reverse


def site_link(viewname: str, *, args=None) -> str:
    """The full address of a page, from `SENDREFORM_SITE_URL`, so a person can click it in their email."""
    return settings.SITE_URL + reverse(viewname, args=args)
