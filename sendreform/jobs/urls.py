from django.urls import path

from sendreform.jobs import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="list"),
    path("jobs/<int:pk>/", views.job_detail, name="detail"),
    path("jobs/<int:pk>.json", views.job_state, name="state"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="retry"),
]
