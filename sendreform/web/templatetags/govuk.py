"""Template helpers for GOV.UK markup."""

from django import template

register = template.Library()


@register.filter
def error_anchor(bound_field) -> str:
    """The id of the input an error summary link should focus: a date's day input, else the field itself."""
    if getattr(bound_field.field.widget, "is_govuk_date", False):
        return f"{bound_field.auto_id}_day"
    return bound_field.auto_id

