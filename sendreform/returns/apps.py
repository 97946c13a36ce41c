from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.returns"
    label = "returns"
    verbose_name = "Returns to the DfE"
