"""Template helpers for GOV.UK markup."""

from django import template

from sendreform.standards.links import link_problem

register = template.Library()


@register.filter
def error_anchor(bound_field) -> str:
    """The id of the input an error summary link should focus: a date's day input, else the field itself."""
    if getattr(bound_field.field.widget, "is_govuk_date", False):
        return f"{bound_field.auto_id}_day"
    return bound_field.auto_id



@register.filter
def safe_link(text) -> bool:
    """Whether a stored link may be shown as a link (http, https, mailto); anything else is shown as text, so a
    `javascript:` link that reached the database some other way still cannot run."""
    return link_problem(text) is None
