from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.experts"
    label = "experts"
