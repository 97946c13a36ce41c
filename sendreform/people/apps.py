from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.people"
    label = "people"
