from django.apps import AppConfig


class PublishedConfig(AppConfig):
    name = "sendreform.published"
    label = "published"
    verbose_name = "Published statistics"
    default_auto_field = "django.db.models.BigAutoField"
