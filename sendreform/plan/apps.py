from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.plan"
    label = "plan"
    verbose_name = "Local SEND Reform Plan"
