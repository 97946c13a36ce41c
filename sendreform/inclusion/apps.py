from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.inclusion"
    label = "inclusion"
