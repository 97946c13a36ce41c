from django.urls import path

from sendreform.forecasting import views

app_name = "forecasting"

urlpatterns = [
    path("forecasts/", views.run_list, name="runs"),
    path("forecasts/runs.csv", views.run_list_csv, name="runs-csv"),
    path("forecasts/runs/<int:pk>/", views.run_detail, name="run"),
    path("forecasts/runs/<int:pk>/summary.json", views.run_summary_json, name="run-summary"),
    path("forecasts/runs/<int:pk>/data-template.xlsx", views.run_workbook, name="run-workbook"),
    path("forecasts/runs/<int:pk>/scenario.yaml", views.run_scenario_yaml, name="run-scenario"),
    path("forecasts/runs/<int:pk>/model/<slug:name>.csv", views.run_model_table, name="run-model-table"),
    path("forecasts/runs/<int:pk>/<slug:key>.csv", views.run_csv, name="run-csv"),
    path("forecasts/backtests/", views.backtest_list, name="backtests"),
    path("forecasts/backtests.csv", views.backtest_list_csv, name="backtests-csv"),
    path("forecasts/backtests/<int:pk>/", views.backtest_detail, name="backtest"),
    path("forecasts/backtests/<int:pk>/backtest.md", views.backtest_report, name="backtest-report"),
    path("forecasts/backtests/<int:pk>/model/<slug:name>.csv", views.backtest_model_table,
         name="backtest-model-table"),
    path("forecasts/backtests/<int:pk>/<slug:key>.csv", views.backtest_csv, name="backtest-csv"),
    path("forecasts/england/", views.england_list, name="england-list"),
    path("forecasts/england.csv", views.england_list_csv, name="england-list-csv"),
    path("forecasts/england/<int:pk>/", views.england_detail, name="england"),
    path("forecasts/england/<int:pk>/files/<str:name>", views.england_file, name="england-file"),
    path("forecasts/england/<int:pk>/<slug:key>.csv", views.england_csv, name="england-csv"),
    path("forecasts/population/", views.population, name="population"),
    path("forecasts/population/by-age-group.csv", views.population_table_csv, name="population-table-csv"),
    path("forecasts/population/population.csv", views.population_csv, name="population-csv"),
    path("forecasts/population/history.csv", views.population_history_csv, name="population-history-csv"),
    path("forecasts/population/confirm/", views.population_confirm, name="population-confirm"),
    path("forecasts/population/confirm/<slug:key>.csv", views.population_confirm_csv,
         name="population-confirm-csv"),
    path("forecasts/scenarios/", views.scenario_list, name="scenarios"),
    path("forecasts/scenarios.csv", views.scenario_list_csv, name="scenarios-csv"),
    path("forecasts/scenarios/new/", views.scenario_edit, name="scenario-new"),
    path("forecasts/scenarios/new/from-a-form/", views.scenario_from_fields, name="scenario-new-fields"),
    path("forecasts/scenarios/<int:pk>/", views.scenario_detail, name="scenario"),
    path("forecasts/scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario-edit"),
    path("forecasts/scenarios/<int:pk>/history.csv", views.scenario_history_csv, name="scenario-history-csv"),
]
