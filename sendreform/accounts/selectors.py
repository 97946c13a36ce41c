"""Reads for accounts: the audit log (administrators only), counts of users for the home page, and who must
use two-factor sign-in."""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry, SignInThrottle, User


def audit_entries_visible_to(
    *,
    user,
    username: str = "",
    person_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit log, newest first, filtered by user, child and date (inclusive, local time).

    Only administrators read it: it names children, so every other role gets nothing.
    """
    if user is None or not user.is_authenticated or user.role != roles.ADMIN:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.all()
    if username:
        entries = entries.filter(username__iexact=username.strip())
    if person_id:
        entries = entries.filter(person_id=person_id.strip())
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries.order_by("-at", "-id")


def users_by_role() -> dict[str, int]:
    """How many active users hold each role."""
    counts = User.objects.filter(is_active=True).values("role").annotate(n=Count("pk"))
    return {row["role"]: row["n"] for row in counts}


def sign_in_waits_count() -> int:
    """How many usernames (existing or not) must wait before their next sign-in, after repeated failures."""
    return SignInThrottle.objects.filter(kind=SignInThrottle.USERNAME, wait_until__gt=timezone.now()).count()


def user_needs_two_factor(*, user) -> bool:
    """Whether this signed-in user must give a code from an authenticator app: every role that sees
    child-level data, when TWO_FACTOR_REQUIRED is on (it is, except in the demo)."""
    return bool(settings.TWO_FACTOR_REQUIRED and user is not None and user.is_authenticated
                and user.role in roles.CHILD_LEVEL_ROLES)


def totp_device_confirmed(*, user) -> TOTPDevice | None:
    """The user's authenticator app, once they have enrolled it."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def totp_enrolment(*, device: TOTPDevice) -> dict:
    """What the enrolment page shows: the otpauth URI as a QR code (SVG) and the secret typed by hand."""
    uri = device.config_url
    secret = b32encode(device.bin_key).decode()
    qr = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string(encoding="unicode")
    qr = re.sub(r'^<svg width="[\d.]+mm" height="[\d.]+mm"',
                '<svg class="app-qr-code" width="220" height="220" role="img" '
                'aria-label="QR code of the set-up key for your authenticator app"', qr, count=1)
    return {
        "uri": uri,
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": mark_safe(qr),  # noqa: S308 - qrcode's drawing of our own URI; no text of a user's in it
    }
