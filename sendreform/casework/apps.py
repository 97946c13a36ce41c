from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class Config(AppConfig):
    name = "sendreform.casework"
    label = "casework"
    verbose_name = "EHC casework"

    def ready(self):
        # An area's own timescales are checked when the service starts, not when a clock is first drawn.
        from sendreform.casework.services import timescales

        try:
            timescales()
        except ValueError as error:
            raise ImproperlyConfigured(f"SENDREFORM_EHC_TIMESCALES: {error}") from error
