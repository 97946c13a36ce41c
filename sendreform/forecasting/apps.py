from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.forecasting"
    label = "forecasting"
    verbose_name = "Forecasts"
