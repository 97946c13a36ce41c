from django.urls import path

from sendreform.imports import views

app_name = "imports"

urlpatterns = [
    path("data/", views.home, name="home"),
    path("data/imports.csv", views.runs_csv, name="runs-csv"),
    path("data/imports/<int:pk>/", views.run, name="run"),
    path("data/imports/<int:pk>/confirm/", views.run_confirm, name="run-confirm"),
    path("data/imports/<int:pk>/reverse/", views.run_reverse, name="run-reverse"),
    path("data/imports/<int:pk>/report.<str:fmt>", views.run_report, name="run-report"),
    path("data/imports/<int:pk>/<slug:key>.csv", views.run_table_csv, name="run-table-csv"),
    path("data/tables/template.xlsx", views.tables_template, name="tables-template"),
    path("data/tables/sendreform-tables.zip", views.tables_export_file, name="tables-export"),
    path("data/sen2/export/", views.sen2_export, name="sen2-export"),
    path("data/sen2/export/sen2_<int:year>.xml", views.sen2_export_file, name="sen2-export-file"),
]
