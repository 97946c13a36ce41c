"""The home page of each role and the error pages."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from sendreform.jobs.selectors import jobs_recent_started_by
from sendreform.web.selectors import home_for


@login_required
def home(request):
    return render(request, "web/home.html", {"home": home_for(user=request.user),
                                             "jobs": jobs_recent_started_by(user=request.user)})


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
