"""Forms of the governance pages: checking input only; the writes are in services."""

from django import forms

from sendreform.common.concurrency import version_field
from sendreform.governance.models import ACTION_STATUSES, DECISION_STATUSES, IMPACTS, LIKELIHOODS, Board
from sendreform.web.forms import GovukDateField


class MeetingForm(forms.Form):
    date = GovukDateField(name="Date of the meeting", label="Date of the meeting")
    title = forms.CharField(label="Title", required=False, max_length=200)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea, max_length=5000)


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea, max_length=5000,
                           error_messages={"required": "Enter the decision"})
    status = forms.ChoiceField(label="Status", choices=DECISION_STATUSES.items())


class DecisionEditForm(DecisionForm):
    version = version_field()


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", widget=forms.Textarea, max_length=5000,
                           error_messages={"required": "Enter the action"})
    owner = forms.CharField(label="Owner", max_length=200, error_messages={"required": "Enter who owns the action"})
    due = GovukDateField(name="Due date", label="Due date")
    status = forms.ChoiceField(label="Status", choices=ACTION_STATUSES.items())


class ActionEditForm(ActionForm):
    version = version_field()


class RiskForm(forms.Form):
    version = version_field()
    inherent_impact = forms.ChoiceField(label="Inherent impact", choices=IMPACTS.items())
    inherent_likelihood = forms.ChoiceField(label="Inherent likelihood", choices=LIKELIHOODS.items())
    residual_impact = forms.ChoiceField(label="Residual impact", choices=IMPACTS.items())
    residual_likelihood = forms.ChoiceField(label="Residual likelihood", choices=LIKELIHOODS.items())
    mitigations = forms.CharField(label="Mitigations", widget=forms.Textarea, max_length=10000,
                                  help_text="One mitigation a line",
                                  error_messages={"required": "Enter at least one mitigation"})
    owner = forms.CharField(label="Owner", max_length=200, error_messages={"required": "Enter the risk's owner"})
    review_date = GovukDateField(name="Review date", label="Review date")
    escalates_to = forms.ChoiceField(label="Escalates to", required=False,
                                     help_text="The board a residual red risk goes to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.boards = {str(b.pk): b for b in Board.objects.all()}
        self.fields["escalates_to"].choices = [("", "None")] + [(k, b.name) for k, b in self.boards.items()]

    def clean_mitigations(self):
        return [line.strip() for line in self.cleaned_data["mitigations"].splitlines() if line.strip()]

    def clean_escalates_to(self):
        return self.boards.get(self.cleaned_data["escalates_to"])


class RiskNewForm(RiskForm):
    """A new risk: what it is, then the fields of a risk's review."""

    title = forms.CharField(label="Risk", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="What could happen, and what it would lead to, in a sentence or two",
                            error_messages={"required": "Enter the risk"})
    field_order = ["title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]


class RiskCloseForm(forms.Form):
    version = version_field()
    closed_date = GovukDateField(name="The date it was closed", label="Date closed")
    reason = forms.CharField(label="Why it is closed", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             error_messages={"required": "Enter why the risk is closed"},
                             help_text="For example, the risk has passed, or it is merged into another risk")
