from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.voice"
    label = "voice"
