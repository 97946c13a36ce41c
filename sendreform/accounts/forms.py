"""Forms for signing in (password, then the code of an authenticator app) and for filtering the audit log."""

from django import forms

from sendreform.web.forms import GovukDateField


class SignInForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150,
                               error_messages={"required": "Enter your username"})
    password = forms.CharField(label="Password", max_length=200, strip=False,
                               error_messages={"required": "Enter your password"})


class TwoFactorForm(forms.Form):
    code = forms.RegexField(label="Code from your authenticator app", regex=r"^\s*\d{3}\s?\d{3}\s*$",
                            max_length=20, help_text="The 6 digits your app shows now, for example 123456",
                            error_messages={"required": "Enter the 6-digit code from your authenticator app",
                                            "invalid": "Enter the code as 6 digits, for example 123456"})


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
