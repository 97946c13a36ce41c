"""The shared formatter (`standards.formats`) as template filters: `{% load formats %}` then
`{{ n|number }}`, `{{ amount|money }}`, `{{ rate|percent }}`, `{{ day|date_words }}`, `{{ seconds|duration }}`."""

from django import template

from sendreform.standards import formats

register = template.Library()

register.filter("number", formats.number)
register.filter("money", formats.money)
register.filter("percent", formats.percent)
register.filter("date_words", formats.date_words)
register.filter("datetime_words", formats.datetime_words)
register.filter("duration", formats.duration_words)
register.filter("in_unit", formats.in_unit)


@register.filter
def duration_between(start, end) -> str:
    """How long from `start` to `end` in words: {{ job.started|duration_between:job.finished }}."""
    if start is None or end is None:
        return ""
    return formats.duration_words(end - start)
