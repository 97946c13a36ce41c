"""Writes for accounts: signing in (growing waits after failures, then two-factor), creating users, the one
audit call, and the demo users."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendreform.accounts import roles
from sendreform.accounts.models import AuditEntry, SignInThrottle, User
from sendreform.accounts.signals import sign_in_delayed
from sendreform.common.concurrency import when_busy_retry
from sendreform.web.edge import client_address

# Audit actions: what kind of child-level read (or export) an entry records.
AUDIT_VIEW = "view"
AUDIT_SEARCH = "search"
AUDIT_COHORT = "cohort"
AUDIT_EXPORT = "export"
AUDIT_REFUSED = "refused"
AUDIT_SIGN_IN = "sign-in"
AUDIT_SIGN_IN_FAILED = "sign-in-failed"
AUDIT_SIGN_IN_DELAYED = "sign-in-delayed"
AUDIT_SIGN_OUT = "sign-out"
AUDIT_IMPORT = "import"
AUDIT_LOG_READ = "audit-log"
AUDIT_IMPORT_READ = "import-read"
AUDIT_ACTIONS = {
    AUDIT_VIEW: "Viewed a child's record",
    AUDIT_SEARCH: "Searched for children",
    AUDIT_COHORT: "Viewed a list of children",
    AUDIT_EXPORT: "Downloaded child-level data",
    AUDIT_REFUSED: "Asked for a child's record outside their scope, or one not held",
    AUDIT_SIGN_IN: "Signed in",
    AUDIT_SIGN_IN_FAILED: "Failed to sign in: wrong username or password",
    AUDIT_SIGN_IN_DELAYED: "Refused sign-in unchecked: waiting after repeated failures",
    AUDIT_SIGN_OUT: "Signed out",
    AUDIT_IMPORT: "Imported data",
    AUDIT_LOG_READ: "Read the audit log",
    AUDIT_IMPORT_READ: "Viewed the children in an import's check or preview",
}

DEMO_PASSWORD = "sendreform-demo-2026"


class SignInDelayed(Exception):
    """Too many recent failed sign-ins for this username or from this address: no password is checked until
    `until`, whether or not the username exists."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"wait until {until:%H:%M:%S}")
        self.until = until


def audit_record(*, user, action: str, person_id: str = "", page: str = "", detail: str = "",
                 username: str = "") -> AuditEntry:
    """Record one read or export of child-level data: who, when, which child, which page.

    This is the only place single audit entries are written, so every selector that reads a child calls it.
    `username` names who acted when there is no user (a failed sign-in, the command line). A busy database is
    waited for and tried again (ADR 13); if it never takes the entry, DatabaseBusy is raised and the page answers
    503, so nothing is shown that was not recorded.
    """
    return when_busy_retry(lambda: AuditEntry.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=(username or getattr(user, "username", "") or "")[:150],
        action=action,
        person_id=str(person_id or "")[:40],
        page=(page or "")[:300],
        detail=(detail or "")[:300],
    ))


def audit_record_children(*, user, action: str, person_ids, page: str = "", detail: str = "") -> int:
    """Record a read that showed a list of children: one entry per child shown, so that the log answers "who
    has seen this child?", or one entry naming no child when the list was empty. Returns the children named."""
    ids = sorted({str(p)[:40] for p in person_ids if p})
    if not ids:
        audit_record(user=user, action=action, page=page, detail=detail)
        return 0
    who = user if getattr(user, "pk", None) else None
    when_busy_retry(lambda: AuditEntry.objects.bulk_create([
        AuditEntry(user=who, username=(getattr(user, "username", "") or "")[:150], action=action, person_id=pid,
                   page=(page or "")[:300], detail=(detail or "")[:300])
        for pid in ids
    ]))
    return len(ids)


def command_line_username() -> str:
    """Who acted, for an entry written by the `sendreform` command: the operating system's user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        who = "unknown"
    return f"command line ({who})"[:150]


def _client_address(request) -> str:
    if request is None:
        return "no request"
    return client_address(request) or "an unknown address"


def audit_signed_in(sender, request, user, **kwargs) -> None:
    """Receiver of Django's `user_logged_in`."""
    audit_record(user=user, action=AUDIT_SIGN_IN, page=getattr(request, "path", ""),
                 detail=f"from {_client_address(request)}")


def audit_signed_out(sender, request, user, **kwargs) -> None:
    """Receiver of Django's `user_logged_out` (no entry when nobody was signed in)."""
    if user is not None:
        audit_record(user=user, action=AUDIT_SIGN_OUT, page=getattr(request, "path", ""),
                     detail=f"from {_client_address(request)}")


def audit_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """Receiver of Django's `user_login_failed`: the username tried (known or not) and where from."""
    audit_record(user=None, username=str(credentials.get("username", "")), action=AUDIT_SIGN_IN_FAILED,
                 page=getattr(request, "path", ""), detail=f"from {_client_address(request)}")


def audit_sign_in_delayed(sender, request, username, until, **kwargs) -> None:
    """Receiver of `sign_in_delayed`: an attempt refused unchecked while the username or address must wait."""
    audit_record(user=None, username=str(username), action=AUDIT_SIGN_IN_DELAYED,
                 page=getattr(request, "path", ""), detail=f"from {_client_address(request)}")


class ReadRefused(Http404):
    """A child-level read refused as "not found", alike for out of scope and unknown; `RefusedReadAuditMiddleware`
    records the refusal (outside any transaction of the request, so a rolled-back write cannot take it along)."""

    def __init__(self, message: str, *, user, asked_for: str, page: str):
        super().__init__(message)
        self.user, self.asked_for, self.page = user, asked_for, page


def user_sign_in(*, username: str, password: str, address: str, request=None) -> User | None:
    """Check a username and password, making the username and the client address wait after repeated failures.

    Returns the user, or None for a wrong username or password. Raises SignInDelayed while the username or the
    address must wait, without checking the password; the waits are counted alike for usernames that exist and
    those that do not, and they grow (`sign_in_wait`) rather than lock, so no one can lock an account out with
    a few requests. Every attempt that is checked runs the password hasher once, for an unknown username too
    (Django's ModelBackend hashes the password given), so the time taken does not say whether a name exists.
    Django's `user_login_failed` is sent for a wrong password, and `signals.sign_in_delayed` for an attempt
    refused while waiting.
    """
    try:
        return _sign_in_checked(username=username, password=password, address=address, request=request)
    except SignInDelayed as delayed:
        sign_in_delayed.send(sender=User, request=request, username=username, until=delayed.until)
        raise


def _sign_in_checked(*, username: str, password: str, address: str, request) -> User | None:
    now = timezone.now()
    keys = {SignInThrottle.USERNAME: _throttle_key(SignInThrottle.USERNAME, username.casefold()),
            SignInThrottle.ADDRESS: _throttle_key(SignInThrottle.ADDRESS, address)}
    forget = dt.timedelta(minutes=settings.SIGN_IN_FORGET_AFTER_MINUTES)
    with transaction.atomic():
        found = SignInThrottle.objects.select_for_update().filter(key__in=keys.values())
        throttles = {t.kind: t for t in found if t.last_failed > now - forget}
        waits = [t.wait_until for t in throttles.values() if t.wait_until and t.wait_until > now]
        if waits:
            raise SignInDelayed(max(waits))
        user = authenticate(request, username=username, password=password)
        if user is not None:
            # The address keeps its count: one good account must not clear the way to guess at others.
            SignInThrottle.objects.filter(key=keys[SignInThrottle.USERNAME]).delete()
            return user
        for kind, key in keys.items():
            # get_or_create: two first failures at once must not both insert the row
            throttle, _ = SignInThrottle.objects.select_for_update().get_or_create(
                key=key, defaults={"kind": kind, "last_failed": now})
            throttle.failures = (throttle.failures if throttle.last_failed > now - forget else 0) + 1
            throttle.last_failed = now
            wait = sign_in_wait(kind=kind, failures=throttle.failures)
            throttle.wait_until = now + wait if wait else None
            throttle.save()
    return None


def sign_in_wait(*, kind: str, failures: int) -> dt.timedelta | None:
    """How long the next attempt must wait after this many recent failures: none for the first few, then
    SIGN_IN_FIRST_WAIT_SECONDS doubling with each further failure, up to SIGN_IN_MAX_WAIT_SECONDS."""
    free = (settings.SIGN_IN_FREE_FAILURES_PER_USERNAME if kind == SignInThrottle.USERNAME
            else settings.SIGN_IN_FREE_FAILURES_PER_ADDRESS)
    if failures <= free:
        return None
    seconds = settings.SIGN_IN_FIRST_WAIT_SECONDS * 2 ** min(failures - free - 1, 30)
    return dt.timedelta(seconds=min(seconds, settings.SIGN_IN_MAX_WAIT_SECONDS))


def _throttle_key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


class CodeDelayed(Exception):
    """Too many wrong codes from the authenticator app: the next is not checked until `until` (django-otp's
    own throttle, doubling from a second)."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"wait until {until:%H:%M:%S}")
        self.until = until


def totp_device_start(*, user: User) -> TOTPDevice:
    """The authenticator app the user is enrolling: made once and kept unconfirmed until a code from it is
    given, so a reload shows the same secret. Refused once a device is confirmed: a stolen password alone must
    never enrol a second app (an administrator removes the old device first, in the admin)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValueError(f"{user.username} already has an authenticator app")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_verify(*, device: TOTPDevice, token: str) -> bool:
    """Check a code from the device, confirming the device on its first good code. Raises CodeDelayed while
    django-otp's throttle holds after wrong codes; a wrong code counts towards it."""
    allowed, why = device.verify_is_allowed()
    if not allowed:
        raise CodeDelayed(why.get("locked_until") or timezone.now())
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


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
    """Create a user with a role and its binding. Only administrators are staff (they alone use the admin).
    The password must pass AUTH_PASSWORD_VALIDATORS (length, likeness to the user's names, common passwords)."""
    user = User(
        username=username, role=role, establishment=establishment, cluster=cluster,
        practitioner_id=practitioner_id, first_name=first_name, last_name=last_name, email=email,
    )
    validate_password(password, user)  # raises ValidationError naming what is wrong with it
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
    ("caseworker", roles.CASEWORKER, "Cara", "Nwosu"),
    ("team-manager", roles.TEAM_MANAGER, "Tom", "Brennan"),
)


def demo_users_ensure(*, password: str = DEMO_PASSWORD) -> list[dict]:
    """Create each demo user (one per role) that does not exist yet; never change one that does.

    An existing account keeps its password, role and binding: the demo password is public, so resetting it
    would open any account named like a demo user (`admin`) to everyone. New users are bound as follows: the
    SENCo to the in-area mainstream primary with the most children on roll today, the cluster lead to the
    cluster with the most establishments, the practitioner user to the practitioner with the most open Experts at
    Hand involvements outside the health disciplines, and the health user to the busiest other practitioner in
    one (speech and language, occupational therapy, mental health), so each has a caseload of their own. Returns what to print for each user, with `created` saying whether
    it was made now (only then is the password given).
    """
    from sendreform.people.selectors import (
        cluster_largest,
        establishment_largest_primary,
        practitioner_busiest,
    )

    existing = {u.username: u for u in User.objects.filter(username__in=[d[0] for d in DEMO_USERS])}
    missing = [d for d in DEMO_USERS if d[0] not in existing]
    bindings = {}
    if missing:
        # Each their own caseload: the health user an NHS therapist's, the practitioner another discipline's.
        practitioner = practitioner_busiest(health=False) or practitioner_busiest() or ""
        health = practitioner_busiest(health=True, exclude=practitioner) or ""
        bindings = {
            roles.SENCO: {"establishment": establishment_largest_primary()},
            roles.CLUSTER_LEAD: {"cluster": cluster_largest()},
            roles.EAH_PRACTITIONER: {"practitioner_id": practitioner},
            roles.HEALTH: {"practitioner_id": health},
        }
    printed = []
    with transaction.atomic():
        for username, role, first_name, last_name in DEMO_USERS:
            user, created = existing.get(username), False
            if user is None:
                binding = bindings.get(role, {})
                if role in (roles.SENCO, roles.CLUSTER_LEAD) and not any(binding.values()):
                    # Without a setting or cluster in the database these roles cannot exist (a constraint).
                    continue
                user = user_create(username=username, password=password, role=role, first_name=first_name,
                                   last_name=last_name, **binding)
                created = True
            printed.append({
                "username": username,
                "password": password if created else "",
                "created": created,
                "role": user.role,
                "role_label": user.role_label,
                "bound_to": _binding_label(user),
            })
    return printed


def _binding_label(user: User) -> str:
    if user.establishment_id:
        return user.establishment.name
    if user.cluster_id:
        return user.cluster.name
    if user.practitioner_id:
        return f"practitioner {user.practitioner_id}"
    return ""
