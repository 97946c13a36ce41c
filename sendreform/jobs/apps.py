from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
