from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.indicators"
    label = "indicators"
