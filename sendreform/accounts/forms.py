"""Forms for signing in and for filtering the audit log."""

from django import forms

from sendreform.web.forms import GovukDateField


class SignInForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150,
                               error_messages={"required": "Enter your username"})
    password = forms.CharField(label="Password", max_length=200, strip=False,
                               error_messages={"required": "Enter your password"})


class AuditFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    person_id = forms.CharField(label="Child's person id", required=False, max_length=40)
    date_from = GovukDateField(name="The first date", label="From", required=False)
    date_to = GovukDateField(name="The last date", label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The last date must be the same as or after the first date")
        return cleaned
