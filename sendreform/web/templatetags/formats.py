"""The shared formatter (`standards.formats`) as template filters: `{% load formats %}` then
`{{ n|number }}`, `{{ amount|money }}`, `{{ rate|percent }}`, `{{ day|date_words }}`, `{{ seconds|duration }}`."""

from django import template

from sendreform.standards import formats

register = template.Library()

register.filter("number", formats.number)
register.filter("money", formats.money)
register.filter("percent", formats.percent)


def _local(value):
    """An aware moment in the service's time zone, as Django's own `date` filter shows it."""
    from django.utils import timezone

    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        return timezone.localtime(value)
    return value


@register.filter
def date_words(value) -> str:
    """{{ day|date_words }}: 1 September 2025 (a moment in the service's time zone)."""
    return formats.date_words(_local(value)) if value else ""


@register.filter
def datetime_words(value) -> str:
    """{{ moment|datetime_words }}: 1 September 2025 14:05 in the service's time zone."""
    return formats.datetime_words(_local(value)) if value else ""

register.filter("duration", formats.duration_words)
register.filter("in_unit", formats.in_unit)


@register.filter
def duration_between(start, end) -> str:
    """How long from `start` to `end` in words: {{ job.started|duration_between:job.finished }}."""
    if start is None or end is None:
        return ""
    return formats.duration_words(end - start)
