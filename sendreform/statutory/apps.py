from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.statutory"
    label = "statutory"
