"""How the dashboard writes an indicator's figures in words: values in their unit, RAG as a GOV.UK tag, which
way is better, and the names of breakdown groups."""

from __future__ import annotations

import datetime as dt

from sendreform.metrics.engine import UNKNOWN
from sendreform.standards import codes, formats, suppression

BETTER = {"up": "Higher is better", "down": "Lower is better", "context": "Neither: shown for context"}
UNITS = {"percent": "Per cent", "count": "Number of children or events", "days": "Days", "places": "Places",
         "pounds": "Pounds"}
BREAKDOWN_NAMES = {
    "primary_need": "Primary need", "phase": "Phase", "cluster": "Cluster", "ethnic_group": "Ethnic group",
    "sex": "Sex", "sen_provision": "SEN provision", "local_area": "Local area",
}
# GOV.UK tag colours: green, yellow for amber, red; grey where there is nothing to compare.
RAG_TAGS = {"GREEN": ("Green", "govuk-tag--green"), "AMBER": ("Amber", "govuk-tag--yellow"),
            "RED": ("Red", "govuk-tag--red")}


def value_text(value, unit: str) -> str:
    """A figure as the page shows it: 83.7%, 1,204, 53.6 days, £42,100; "c" where suppressed."""
    return formats.in_unit(value, unit)


def number_text(value) -> str:
    """A numerator, denominator or ratio: no unit, at most two decimal places."""
    if value is None or value == "":
        return ""
    if value == suppression.SUPPRESSED:
        return suppression.SUPPRESSED
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"


def rag_tag(rag: str | None, *, value=None, expected=None) -> tuple[str, str]:
    """(text, tag class) for the status of a figure against the plan's trajectory."""
    if rag in RAG_TAGS:
        return RAG_TAGS[rag]
    if value == suppression.SUPPRESSED or expected == suppression.SUPPRESSED:
        return "Not shown", "govuk-tag--grey"
    if expected is None:
        return formats.NO_TRAJECTORY, "govuk-tag--grey"
    return "No data", "govuk-tag--grey"


def date_text(day: dt.date) -> str:
    return formats.date_words(day)


def breakdown_caption(by: str) -> str:
    """"By primary need", "By SEN provision": the name in a sentence, keeping its acronym."""
    name = BREAKDOWN_NAMES.get(by, by)
    return f"By {name if name.startswith('SEN') else name.lower()}"


def group_text(by: str, group: str, clusters: dict[str, str]) -> str:
    """A breakdown group by its name rather than its code."""
    if group == UNKNOWN:
        return "Not known"
    if by == "primary_need":
        return codes.NEED_TYPE.get(group, group)
    if by == "phase":
        return codes.PHASE.get(group, group)
    if by == "cluster":
        return clusters.get(group, group)
    if by == "sex":
        return codes.SEX.get(group, group)
    if by == "sen_provision":
        return codes.SEN_PROVISION.get(group, group)
    if by == "ethnic_group":
        return group.capitalize()
    return group


RAG_STRIP = (("GREEN", "Green", "govuk-tag--green"), ("AMBER", "Amber", "govuk-tag--yellow"),
             ("RED", "Red", "govuk-tag--red"), (None, formats.NO_TRAJECTORY, "govuk-tag--grey"))


def rag_counts(rows) -> list[dict]:
    """How many of these overview rows are green, amber, red and without a trajectory (or a figure to compare):
    [{"rag", "label", "tag", "count"}], in that order."""
    rags = [r.rag if r.rag in RAG_TAGS else None for r in rows if r.available]
    return [{"rag": rag, "label": label, "tag": tag, "count": rags.count(rag)} for rag, label, tag in RAG_STRIP]
