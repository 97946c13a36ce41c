"""Forms of the plan pages: checking input only; the writes are in services."""

from django import forms

from sendreform.plan.models import MILESTONE_STATUSES


class MilestoneForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=MILESTONE_STATUSES.items(),
                               error_messages={"invalid_choice": "Select a status from the list"})
    evidence = forms.CharField(label="Evidence", required=False, widget=forms.Textarea, max_length=5000,
                               help_text="What shows the milestone's progress, for the board")
    links = forms.CharField(label="Links to evidence", required=False, widget=forms.Textarea, max_length=5000,
                            help_text="One web address a line")

    def clean_links(self):
        links = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = forms.URLField(assume_scheme="https").clean
        for link in links:
            try:
                validate(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Enter each link as a web address, like https://example.org ({link})") from None
        return links
