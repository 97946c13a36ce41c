from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.accounts"
    label = "accounts"
