"""The home page of each role and the error pages."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import cache_control

from sendreform.accounts import roles
from sendreform.indicators.analytics import FiguresNotReady
from sendreform.jobs.selectors import jobs_recent_started_by
from sendreform.web.selectors import data_quality_report, home_for


@login_required
def home(request):
    return render(request, "web/home.html", {"home": home_for(user=request.user),
                                             "jobs": jobs_recent_started_by(user=request.user)})


@login_required
def data_quality(request):
    """`sendreform check` as a page: the data-quality checks on the shared copy of the data, with examples."""
    if request.user.role not in roles.WHOLE_AREA_ROLES:
        raise PermissionDenied("The data-quality report names children's records.")
    try:
        report, freshness = data_quality_report(user=request.user, page=request.path)
    except FiguresNotReady:
        response = render(request, "indicators/not_ready.html")
        response["Refresh"] = "30"
        return response
    return render(request, "web/data_quality.html", {"report": report, "freshness": freshness})


def admin_sign_in(request):
    """The admin's sign-in page: ours for someone not signed in; for someone signed in whose role has no access to
    the admin, the 403 page (asking them to sign in again would suggest another password might work)."""
    if request.user.is_authenticated:
        raise PermissionDenied
    next_url = request.GET.get("next", "")
    return redirect(reverse("accounts:sign-in") + (f"?{urlencode({'next': next_url}, safe='/')}" if next_url else ""))


@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico for the clients that ask for it by that name (the pages link the SVG icon)."""
    path = finders.find("app/favicon.ico")
    if path is None:
        raise Http404("No icon")
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


def page_forbidden(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without the request's context: whatever failed (the database, the session) must not fail again.
    html = render_to_string("500.html", {
        "service_name": settings.SERVICE_NAME, "local_area_name": settings.LOCAL_AREA_NAME,
    })
    return HttpResponseServerError(html)
