"""Writes for accounts: signing in with lock-out, creating users, the one audit call, and the demo users."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry, SignInFailure, User

# Audit actions: what kind of child-level read (or export) an entry records.
AUDIT_VIEW = "view"
AUDIT_SEARCH = "search"
AUDIT_COHORT = "cohort"
AUDIT_EXPORT = "export"
AUDIT_REFUSED = "refused"
AUDIT_ACTIONS = {
    AUDIT_VIEW: "Viewed a child's record",
    AUDIT_SEARCH: "Searched for children",
    AUDIT_COHORT: "Viewed a setting's children",
    AUDIT_EXPORT: "Downloaded child-level data",
    AUDIT_REFUSED: "Asked for a child's record outside their scope, or one not held",
}

DEMO_PASSWORD = "sendreform-demo-2026"


class SignInLocked(Exception):
    """Too many failed sign-ins: the account is locked until `until`, whatever password is given."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"locked until {until:%H:%M}")
        self.until = until


def audit_record(*, user, action: str, person_id: str = "", page: str = "", detail: str = "") -> AuditEntry:
    """Record one read or export of child-level data: who, when, which child, which page.

    This is the only place audit entries are written, so every selector that reads a child calls it.
    """
    return AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        action=action,
        person_id=str(person_id or "")[:40],
        page=(page or "")[:300],
        detail=(detail or "")[:300],
    )


class ReadRefused(Http404):
    """A child-level read refused as "not found", alike for out of scope and unknown. The request's transaction
    rolls back with it, so `RefusedReadAuditMiddleware` records the refusal after the rollback."""

    def __init__(self, message: str, *, user, asked_for: str, page: str):
        super().__init__(message)
        self.user, self.asked_for, self.page = user, asked_for, page


def user_sign_in(*, username: str, password: str, request=None) -> User | None:
    """Check a username and password, counting failures and locking the account after too many.

    Returns the user, or None for a wrong username or password. Raises SignInLocked while the account is
    locked, even for the right password, so a locked account cannot be guessed at. Failures for a username
    that does not exist are counted too (`SignInFailure`) and lock in the same way, so neither the message nor
    the lock-out ever says whether a username exists.
    """
    now = timezone.now()
    window = dt.timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    with transaction.atomic():
        account = User.objects.select_for_update().filter(username=username).first()
        if account is None:
            locked_until = _unknown_username_failed(username=username, now=now, window=window)
            authenticate(request, username=username, password=password)  # same work, same timing
            if locked_until is None:
                return None
        elif account.locked_until and account.locked_until > now:
            raise SignInLocked(account.locked_until)
        else:
            user = authenticate(request, username=username, password=password)
            if user is not None:
                User.objects.filter(pk=user.pk).update(failed_sign_ins=0, last_failed_sign_in=None,
                                                       locked_until=None)
                user.failed_sign_ins, user.last_failed_sign_in, user.locked_until = 0, None, None
                return user
            locked_until = _account_failed(account=account, now=now, window=window)
    if locked_until is not None:
        raise SignInLocked(locked_until)
    return None


def _account_failed(*, account: User, now: dt.datetime, window: dt.timedelta) -> dt.datetime | None:
    """Count a wrong password; returns the end of the lock-out when this failure locks the account."""
    recent = account.last_failed_sign_in is not None and account.last_failed_sign_in > now - window
    failures = (account.failed_sign_ins if recent else 0) + 1
    locked_until = None
    if failures >= settings.SIGN_IN_MAX_FAILURES:
        locked_until, failures = now + window, 0
    User.objects.filter(pk=account.pk).update(failed_sign_ins=failures, last_failed_sign_in=now,
                                              locked_until=locked_until)
    return locked_until


def _unknown_username_failed(*, username: str, now: dt.datetime, window: dt.timedelta) -> dt.datetime | None:
    """The same count for a username that does not exist; returns the end of its lock-out, if locked."""
    key = hashlib.sha256(username.casefold().encode()).hexdigest()
    record = SignInFailure.objects.select_for_update().filter(key=key).first()
    if record is None:
        record = SignInFailure(key=key, last_failed=now)
    if record.locked_until and record.locked_until > now:
        return record.locked_until
    recent = record.pk is not None and record.last_failed > now - window
    record.failures = (record.failures if recent else 0) + 1
    record.last_failed, record.locked_until = now, None
    if record.failures >= settings.SIGN_IN_MAX_FAILURES:
        record.locked_until, record.failures = now + window, 0
    record.save()
    return record.locked_until


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    establishment=None,
    cluster=None,
    practitioner_id: str = "",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a user with a role and its binding. Only administrators are staff (they alone use the admin)."""
    user = User(
        username=username, role=role, establishment=establishment, cluster=cluster,
        practitioner_id=practitioner_id, first_name=first_name, last_name=last_name, email=email,
    )
    user.set_password(password)
    user_save(user=user)
    return user


def user_save(*, user: User) -> User:
    """Save a user, making staff status follow the role: the admin must not be a back door to child data."""
    if user.role not in roles.ROLES:
        raise ValueError(f"Unknown role {user.role!r}")
    user.is_staff = user.is_superuser = user.role == roles.ADMIN
    user.full_clean(exclude=["password"])
    user.save()
    return user


# One demo user per role: (username, role, first name, last name).
DEMO_USERS = (
    ("officer", roles.OFFICER, "Olu", "Adeyemi"),
    ("analyst", roles.ANALYST, "Ana", "Kowalska"),
    ("eah-lead", roles.EAH_LEAD, "Leah", "Morgan"),
    ("practitioner", roles.EAH_PRACTITIONER, "Priya", "Shah"),
    ("senco", roles.SENCO, "Sam", "Okafor"),
    ("cluster-lead", roles.CLUSTER_LEAD, "Chris", "Walsh"),
    ("health", roles.HEALTH, "Hannah", "Reid"),
    ("board", roles.BOARD_MEMBER, "Bola", "Ahmed"),
    ("pcf", roles.PCF_REP, "Pat", "Evans"),
    ("admin", roles.ADMIN, "Alex", "Turner"),
    ("regional", roles.REGIONAL_ANALYST, "Rhys", "Gallagher"),
)


def demo_users_ensure(*, password: str = DEMO_PASSWORD) -> list[dict]:
    """Create one demo user per role, or reset the password and binding of those that exist.

    The SENCo is bound to the in-area mainstream primary with the most children on roll today, the cluster
    lead to the cluster with the most establishments, and the practitioner and health users to the
    practitioner with the most open Experts at Hand involvements. Returns what to print for each user.
    """
    from sendreform.people.selectors import (
        cluster_largest,
        establishment_largest_primary,
        practitioner_busiest,
    )

    bindings = {
        roles.SENCO: {"establishment": establishment_largest_primary()},
        roles.CLUSTER_LEAD: {"cluster": cluster_largest()},
        roles.EAH_PRACTITIONER: {"practitioner_id": practitioner_busiest() or ""},
        roles.HEALTH: {"practitioner_id": practitioner_busiest() or ""},
    }
    created = []
    with transaction.atomic():
        for username, role, first_name, last_name in DEMO_USERS:
            binding = bindings.get(role, {})
            if role in (roles.SENCO, roles.CLUSTER_LEAD) and not any(binding.values()):
                # Without a setting or cluster in the database these roles cannot exist (a constraint).
                continue
            user = User.objects.filter(username=username).first() or User(username=username)
            user.role, user.first_name, user.last_name = role, first_name, last_name
            user.establishment = binding.get("establishment")
            user.cluster = binding.get("cluster")
            user.practitioner_id = binding.get("practitioner_id", "")
            user.failed_sign_ins, user.last_failed_sign_in, user.locked_until = 0, None, None
            user.is_active = True
            user.set_password(password)
            user_save(user=user)
            created.append({
                "username": username,
                "password": password,
                "role": role,
                "role_label": roles.ROLES[role],
                "bound_to": _binding_label(user),
            })
    return created


def _binding_label(user: User) -> str:
    if user.establishment_id:
        return user.establishment.name
    if user.cluster_id:
        return user.cluster.name
    if user.practitioner_id:
        return f"practitioner {user.practitioner_id}"
    return ""
