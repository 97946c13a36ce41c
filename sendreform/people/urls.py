from django.urls import path

from sendreform.people import views

app_name = "people"

urlpatterns = [
    path("children/", views.child_search, name="child-search"),
    path("children/<str:person_id>/", views.child_detail, name="child-detail"),
    path("children/<str:person_id>/timeline.csv", views.child_timeline_csv, name="child-timeline-csv"),
    path("settings/", views.establishment_list, name="establishment-list"),
    path("settings.csv", views.establishment_list_csv, name="establishment-list-csv"),
    path("settings/<str:establishment_id>/", views.establishment_detail, name="establishment-detail"),
    path("settings/<str:establishment_id>/children.csv", views.establishment_cohort_csv,
         name="establishment-cohort-csv"),
]
