"""Signing in (password, then two-factor where the role needs it) and out, and the audit log for
administrators."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from sendreform.accounts import roles
from sendreform.accounts.forms import AuditFilterForm, SignInForm, TwoFactorForm
from sendreform.accounts.selectors import (
    audit_entries_visible_to,
    totp_device_confirmed,
    totp_enrolment,
    user_needs_two_factor,
)
from sendreform.accounts.services import (
    AUDIT_ACTIONS,
    AUDIT_EXPORT,
    AUDIT_LOG_READ,
    CodeDelayed,
    SignInDelayed,
    audit_record,
    totp_device_start,
    totp_verify,
    user_sign_in,
)
from sendreform.standards import formats
from sendreform.web.edge import client_address
from sendreform.web.tables import Column, Table, table_csv_response

WRONG_DETAILS = "Enter a correct username and password"
WAIT = ("You have entered the wrong details too many times. Wait {wait}, then try again. If you have forgotten "
        "your password, ask an administrator.")
WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now"
WAIT_CODE = "You have entered a wrong code too many times. Wait {wait}, then enter the code your app shows then"


def _wait_text(until) -> str:
    return formats.wait_words((until - timezone.now()).total_seconds())


def _safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return next_url
    return ""


def sign_in(request):
    next_url = _safe_next(request)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_in(username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                                address=client_address(request), request=request)
        except SignInDelayed as delayed:
            # The same message whether or not the username exists, so a wait reveals nothing.
            form.add_error(None, WAIT.format(wait=_wait_text(delayed.until)))
        else:
            if user is None:
                form.add_error(None, WRONG_DETAILS)
            else:
                login(request, user)
                if user_needs_two_factor(user=user):
                    query = f"?{urlencode({'next': next_url})}" if next_url else ""
                    return redirect(reverse("accounts:two-factor") + query)
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


@login_required
def two_factor(request):
    """The second step of signing in: enrol an authenticator app (first time), or give the code it shows."""
    next_url = _safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
    if not user_needs_two_factor(user=request.user) or request.user.is_verified():
        return redirect(next_url)
    device = totp_device_confirmed(user=request.user)
    enrolling = device is None
    if enrolling:
        device = totp_device_start(user=request.user)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verified = totp_verify(device=device, token=form.cleaned_data["code"])
        except CodeDelayed as delayed:
            form.add_error("code", WAIT_CODE.format(wait=_wait_text(delayed.until)))
        else:
            if verified:
                otp_login(request, device)
                return redirect(next_url)
            form.add_error("code", WRONG_CODE)
    return render(request, "accounts/two_factor.html", {
        "form": form, "next": _safe_next(request), "enrolling": enrolling,
        "enrolment": totp_enrolment(device=device) if enrolling else None,
    })


@require_POST
def sign_out(request):
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _audit_table(request, *, csv: bool = False):
    if request.user.role != roles.ADMIN:
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries_visible_to(
        user=request.user, username=filters.get("username", ""), person_id=filters.get("person_id", ""),
        date_from=filters.get("date_from"), date_to=filters.get("date_to"),
    )
    # The log names children, so reading it is itself recorded (after the query is built, before it runs:
    # the entry shows in its own page only when the filters match it).
    audit_record(user=request.user, action=AUDIT_EXPORT if csv else AUDIT_LOG_READ, page=request.path,
                 detail=_filters_text(filters))
    return form, entries


def _filters_text(filters: dict) -> str:
    shown = [f"{label} {filters[key]}" for key, label in (
        ("username", "user"), ("person_id", "child"), ("date_from", "from"), ("date_to", "to")) if filters.get(key)]
    return "audit log" + (f": {', '.join(shown)}" if shown else "")


def _audit_rows(entries):
    return [
        {
            "at": entry.at, "username": entry.username, "action": AUDIT_ACTIONS.get(entry.action, entry.action),
            "person_id": entry.person_id,
            "person_url": reverse("people:child-detail", args=[entry.person_id]) if entry.person_id else "",
            "page": entry.page, "detail": entry.detail,
        }
        for entry in entries
    ]


_AUDIT_COLUMNS = (
    Column("at", "When"),
    Column("username", "User"),
    Column("action", "What"),
    Column("person_id", "Child", link_key="person_url"),
    Column("page", "Page"),
    Column("detail", "Detail"),
)


@login_required
def audit_log(request):
    form, entries = _audit_table(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    table = Table(
        caption="Audit log entries", columns=_AUDIT_COLUMNS, rows=_audit_rows(page.object_list),
        csv_url=reverse("accounts:audit-log-csv") + (f"?{query.urlencode()}" if query else ""),
        empty_text="No audit entries match.",
    )
    return render(request, "accounts/audit_log.html", {
        "form": form, "table": table, "page": page, "query": query.urlencode(),
    })


@login_required
def audit_log_csv(request):
    _form, entries = _audit_table(request, csv=True)
    table = Table(caption="Audit log entries", columns=_AUDIT_COLUMNS, rows=_audit_rows(entries))
    return table_csv_response(table=table, filename="audit-log.csv")
