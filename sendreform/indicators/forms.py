"""The dashboard's filters: an as-at date and the parts of the area to look at, chosen in a GET form."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as date_format

from sendreform.indicators.selectors import SERIES_START
from sendreform.standards import codes
from sendreform.standards.periods import financial_quarter, phase_of_ncy, quarter_ends
from sendreform.web.forms import GovukDateField

SERIES_START_QUARTER_END = financial_quarter(SERIES_START).end
# The phases a child's national curriculum year gives (no child's phase is "all-through").
PHASES = sorted({phase_of_ncy(ncy) for ncy in range(-2, 15)}, key=list(codes.PHASE).index)


class IndicatorFilterForm(forms.Form):
    as_at = GovukDateField(name="The as-at date", label="As at", required=False)
    cluster = forms.ChoiceField(label="Cluster", required=False)
    phase = forms.ChoiceField(label="Phase", required=False,
                              choices=[("", "Any phase"), *((p, codes.PHASE[p]) for p in PHASES)])
    primary_need = forms.ChoiceField(label="Primary need", required=False,
                                     choices=[("", "Any primary need"), *codes.NEED_TYPE.items()])

    def __init__(self, *args, clusters=(), suppressed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.suppressed = suppressed
        self.fields["cluster"].choices = [("", "Any cluster"), *((c.cluster_id, c.name) for c in clusters)]
        for name in ("cluster", "phase", "primary_need"):
            label = self.fields[name].label.lower()
            self.fields[name].error_messages["invalid_choice"] = f"Select a {label} from the list"

    def clean_as_at(self):
        # The data runs from the start of the series to today: nothing is known of a later date, and a date
        # outside it would only multiply the views of the same figures (or, far ahead, never finish).
        today = timezone.localdate()
        day = self.cleaned_data.get("as_at") or today
        if day < SERIES_START:
            raise forms.ValidationError(
                f"The as-at date must be on or after {SERIES_START.day} April {SERIES_START.year}", code="early")
        if day > today:
            raise forms.ValidationError(
                f"The as-at date must be today or earlier: there is no data after {date_format(today, 'j F Y')}",
                code="future")
        if self.suppressed:
            # Outside the council's own view, figures are as at the end of a quarter and flows count that
            # quarter alone (`IndicatorView.period`): two views never overlap, so they cannot be differenced.
            ends = quarter_ends(SERIES_START, day)
            if not ends:
                raise forms.ValidationError(
                    f"The as-at date must be on or after {date_format(SERIES_START_QUARTER_END, 'j F Y')}, the "
                    "end of the first quarter", code="early")
            day = ends[-1]
        return day

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("cluster", "phase", "primary_need") if cleaned.get(name)]
        if self.suppressed and len(chosen) > 1:
            # Two filters at once make a table of two dimensions whose margins are the one-filter views.
            self.add_error(chosen[1], forms.ValidationError(
                "Choose one of cluster, phase or primary need at a time: outside the council's own view, figures "
                "cut two ways at once could be set against each other to work out hidden numbers.", code="one"))
        return cleaned

    @property
    def as_at_value(self) -> dt.date:
        return self.cleaned_data["as_at"]

    @property
    def filters(self) -> dict[str, str]:
        """The chosen filters, named as the breakdowns of the metrics engine."""
        return {name: self.cleaned_data[name] for name in ("cluster", "phase", "primary_need")
                if self.cleaned_data.get(name)}


class TrajectoryForm(forms.Form):
    """An officer sets the trajectory of an indicator the plan gives none: a baseline and a target by a date."""

    baseline_value = forms.FloatField(label="Baseline", required=False,
                                      help_text="Leave it empty to take the figure from the data on the baseline date")
    baseline_date = GovukDateField(name="The baseline date", label="Baseline date")
    target_value = forms.FloatField(label="Target", error_messages={"required": "Enter the target",
                                                                    "invalid": "The target must be a number"})
    target_date = GovukDateField(name="The target date", label="Target date")

    def clean(self):
        data = super().clean()
        if data.get("baseline_date") and data.get("target_date") and data["target_date"] <= data["baseline_date"]:
            self.add_error("target_date", "The target date must be after the baseline date")
        return data
