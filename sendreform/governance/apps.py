from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.governance"
    label = "governance"
    verbose_name = "Governance and risks"
