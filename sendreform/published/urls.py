from django.urls import path

from sendreform.published import views

app_name = "published"

urlpatterns = [
    path("benchmarking/", views.benchmarking, name="benchmarking"),
    path("benchmarking/download.csv", views.benchmarking_csv, name="csv"),
    path("benchmarking/national.csv", views.national_csv, name="national-csv"),
]
