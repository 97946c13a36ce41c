"""Reads for accounts: the audit log (administrators only) and counts of users for the home page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry, User


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


def users_locked_count() -> int:
    """How many accounts are locked out right now after repeated failed sign-ins."""
    return User.objects.filter(locked_until__gt=timezone.now()).count()
