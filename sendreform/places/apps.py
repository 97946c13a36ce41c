from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.places"
    label = "places"
