from django.urls import path

from sendreform.indicators import views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.overview, name="overview"),
    path("indicators/indicators.csv", views.overview_csv, name="overview-csv"),
    path("indicators/<slug:indicator_id>/", views.detail, name="detail"),
    path("indicators/<slug:indicator_id>/trajectory/", views.trajectory, name="trajectory"),
    path("indicators/<slug:indicator_id>/download.csv", views.detail_csv, name="detail-csv"),
]
