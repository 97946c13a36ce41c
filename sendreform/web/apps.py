from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.web"
    label = "web"
