from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "sendreform.imports"
    verbose_name = "Bring in data"
