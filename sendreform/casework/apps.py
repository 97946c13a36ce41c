from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.casework"
    label = "casework"
    verbose_name = "EHC casework"
