"""Signing in and out, and the audit log for administrators."""

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sendreform.accounts import roles
from sendreform.accounts.forms import AuditFilterForm, SignInForm
from sendreform.accounts.selectors import audit_entries_visible_to
from sendreform.accounts.services import (
    AUDIT_ACTIONS,
    AUDIT_EXPORT,
    AUDIT_LOG_READ,
    SignInLocked,
    audit_locked_out,
    audit_record,
    user_sign_in,
)
from sendreform.web.tables import Column, Table, table_csv_response

WRONG_DETAILS = "Enter a correct username and password"
LOCKED = ("You have entered the wrong details too many times. You cannot sign in for {minutes} minutes. "
          "Try again later, or ask an administrator to unlock the account.")


def sign_in(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_sign_in(username=form.cleaned_data["username"],
                                password=form.cleaned_data["password"], request=request)
        except SignInLocked:
            audit_locked_out(username=form.cleaned_data["username"], request=request)
            # The same message whether or not the username exists, so lock-out reveals nothing.
            form.add_error(None, LOCKED.format(minutes=settings.SIGN_IN_LOCKOUT_MINUTES))
        else:
            if user is None:
                form.add_error(None, WRONG_DETAILS)
            else:
                login(request, user)
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/sign_in.html", {"form": form, "next": next_url})


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
