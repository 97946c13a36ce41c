from django.urls import path

from sendreform.plan import views

app_name = "plan"

urlpatterns = [
    path("plan/", views.overview, name="overview"),
    path("plan/plan.yaml", views.plan_file, name="file"),
    path("plan/investment/", views.investment, name="investment"),
    path("plan/<slug:name>.csv", views.table_csv, name="csv"),
    path("plan/workstreams/<slug:key>/", views.workstream, name="workstream"),
    path("plan/milestones/<int:pk>/", views.milestone, name="milestone"),
]
