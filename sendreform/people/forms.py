"""Forms for finding a child and filtering the list of settings."""

from django import forms

from sendreform.standards import codes
from sendreform.web.forms import GovukDateField


class ChildSearchForm(forms.Form):
    text = forms.CharField(label="Name or unique pupil number (UPN)", required=False, max_length=100)
    birth_date = GovukDateField(name="Date of birth", label="Date of birth", past=True, required=False)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("text") or "").strip() and not cleaned.get("birth_date"):
            self.add_error("text", "Enter a name, a unique pupil number or a date of birth")
        return cleaned


class EstablishmentFilterForm(forms.Form):
    phase = forms.ChoiceField(label="Phase", required=False, choices=[("", "Any phase"), *codes.PHASE.items()])
    kind = forms.ChoiceField(label="Kind of setting", required=False,
                             choices=[("", "Any kind"), *codes.ESTABLISHMENT_KIND.items()])
    cluster = forms.ChoiceField(label="Cluster", required=False)

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", "Any cluster"), *((c.cluster_id, c.name) for c in clusters)]
