from django.urls import path

from sendreform.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/two-factor/", views.two_factor, name="two-factor"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("audit-log/", views.audit_log, name="audit-log"),
    path("audit-log.csv", views.audit_log_csv, name="audit-log-csv"),
]
