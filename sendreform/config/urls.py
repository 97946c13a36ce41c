"""URLs of the whole service. The admin's own sign-in page is replaced by ours, so the lock-out applies there too;
someone signed in without access to the admin is told so (403) rather than asked to sign in again."""

from django.contrib import admin
from django.urls import include, path

from sendreform.web import views as web_views

urlpatterns = [
    path("admin/login/", web_views.admin_sign_in),
    path("favicon.ico", web_views.favicon),
    path("admin/", admin.site.urls),
    path("", include("sendreform.accounts.urls")),
    path("", include("sendreform.people.urls")),
    path("", include("sendreform.indicators.urls")),
    path("", include("sendreform.plan.urls")),
    path("", include("sendreform.governance.urls")),
    path("", include("sendreform.experts.urls")),
    path("", include("sendreform.jobs.urls")),
    path("", include("sendreform.forecasting.urls")),
    path("", include("sendreform.imports.urls")),
    path("", include("sendreform.published.urls")),
    path("", include("sendreform.returns.urls")),
    path("", include("sendreform.casework.urls")),
    path("", include("sendreform.web.urls")),
]

handler403 = "sendreform.web.views.page_forbidden"
handler404 = "sendreform.web.views.page_not_found"
handler500 = "sendreform.web.views.server_error"
