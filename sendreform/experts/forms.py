"""Forms of the Experts at Hand pages. They check the shape of what was typed, in GOV.UK words; the rules
(consent, scope, the tiers that need an allocation) are the services', whose errors the views put back on
the form so that the error summary shows them too."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from sendreform.experts.models import CONTACT_KINDS
from sendreform.experts.services import FEEDBACK_QUESTIONS
from sendreform.standards import codes
from sendreform.web.forms import GovukDateField

SCORES = [
    ("5", "Strongly agree"),
    ("4", "Agree"),
    ("3", "Neither agree nor disagree"),
    ("2", "Disagree"),
    ("1", "Strongly disagree"),
]


def date_initial(day) -> list[int] | None:
    """A date as the three GOV.UK date inputs show it (day, month, year)."""
    return [day.day, day.month, day.year] if day else None


def errors_onto(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form: field errors on their fields, the rest on the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ReferralForm(forms.Form):
    concern = forms.CharField(
        label="What is the setting concerned about?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={"required": "Enter what the setting is concerned about"},
    )
    graduated_response = forms.CharField(
        label="What has the setting already tried?",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="The graduated response so far: what was assessed, planned and done, and what the reviews found.",
        error_messages={"required": "Enter what the setting has already tried"},
    )
    risk_flags = forms.MultipleChoiceField(
        label="Risks",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=codes.choices(codes.EAH_RISK_FLAG),
        help_text="Select all that apply. Those the child's record already shows are selected for you.",
    )
    consent_given = forms.BooleanField(
        label="The child's parent or carer has given consent to this referral",
        required=False,
    )

    def __init__(self, *args, child: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        if not child:
            del self.fields["consent_given"]

    def clean(self):
        data = super().clean()
        if self.child and not data.get("consent_given"):
            self.add_error("consent_given", "A referral about a child needs the parent's or carer's consent")
        return data


class TriageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    tier = forms.ChoiceField(
        label="Tier",
        widget=forms.RadioSelect,
        choices=codes.choices(codes.EAH_TIER),
        error_messages={"required": "Select a tier"},
    )
    disciplines = forms.MultipleChoiceField(
        label="Disciplines needed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=codes.choices(codes.EAH_DISCIPLINE),
    )
    practitioner_ids = forms.MultipleChoiceField(
        label="Allocate practitioners",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each practitioner's current caseload hours a week against their capacity.",
    )
    weekly_hours = forms.DecimalField(
        label="Hours a week each allocation is expected to take",
        min_value=Decimal("0.5"),
        max_value=Decimal(40),
        decimal_places=1,
        initial=Decimal("1.5"),
        error_messages={
            "required": "Enter the hours a week",
            "invalid": "Hours a week must be a number, like 1.5",
            "min_value": "Hours a week must be 0.5 or more",
            "max_value": "Hours a week must be 40 or fewer",
            "max_decimal_places": "Hours a week must have no more than 1 decimal place",
        },
    )
    note = forms.CharField(
        label="Triage note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, practitioners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner_ids"].choices = [(p.practitioner_id, p.label) for p in practitioners]
        self.over_capacity = {p.practitioner_id for p in practitioners if p.over_capacity}


class ContactForm(forms.Form):
    contact_date = GovukDateField(
        name="Date of the contact", error_messages={"required": "Enter the date of the contact"}
    )
    kind = forms.ChoiceField(
        label="Kind of contact",
        choices=[("", "Choose")] + list(CONTACT_KINDS.items()),
        error_messages={"required": "Select the kind of contact"},
    )
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.25"),
        max_value=Decimal(24),
        decimal_places=2,
        error_messages={
            "required": "Enter the hours",
            "invalid": "Hours must be a number, like 1.5",
            "min_value": "Hours must be 0.25 or more",
            "max_value": "Hours must be 24 or fewer",
            "max_decimal_places": "Hours must have no more than 2 decimal places",
        },
    )
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class StrategyForm(forms.Form):
    text = forms.CharField(
        label="Strategy agreed with the setting",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Enter the strategy agreed with the setting"},
    )
    agreed_date = GovukDateField(name="Date agreed", error_messages={"required": "Enter the date agreed"})


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    review_date = GovukDateField(name="Review date", error_messages={"required": "Enter the review date"})


class CloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        choices=codes.choices(codes.EAH_OUTCOME),
        error_messages={"required": "Select the outcome"},
    )
    closed_date = GovukDateField(name="Closing date", error_messages={"required": "Enter the closing date"})
    note = forms.CharField(
        label="Closing note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    family_email = forms.EmailField(
        label="Family's email address for the feedback survey (optional)",
        required=False,
        help_text="We send the family the feedback survey. You can also give them the link shown after closing.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )


class FeedbackForm(forms.Form):
    comment = forms.CharField(
        label="Anything else you want to tell us (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in FEEDBACK_QUESTIONS.items():
            self.fields[key] = forms.TypedChoiceField(
                label=question,
                widget=forms.RadioSelect,
                choices=SCORES,
                coerce=int,
                error_messages={"required": "Select how much you agree"},
            )
        self.order_fields([*FEEDBACK_QUESTIONS, "comment"])


class EngagementForm(forms.Form):
    level = forms.ChoiceField(
        label="Engagement level",
        widget=forms.RadioSelect,
        choices=codes.choices(codes.EAH_LEVEL),
        error_messages={"required": "Select an engagement level"},
    )
    as_at = GovukDateField(
        name="Date of the level", error_messages={"required": "Enter the date of the level"}
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class MeetingForm(forms.Form):
    cluster = forms.ChoiceField(label="Cluster", error_messages={"required": "Select the cluster"})
    meeting_date = GovukDateField(name="Meeting date", error_messages={"required": "Enter the meeting date"})
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", "Choose a cluster")] + [
            (c.cluster_id, c.name) for c in clusters
        ]


class ActionForm(forms.Form):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Enter the action"},
    )
    owner = forms.CharField(
        label="Owner", max_length=200, error_messages={"required": "Enter who owns the action"}
    )
    due_date = GovukDateField(name="Due date", error_messages={"required": "Enter the due date"})
    person = forms.ChoiceField(label="Child the action is about (optional)", required=False)

    def __init__(self, *args, children: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "No child")] + children


class TransitionPlanForm(forms.Form):
    agreed_date = GovukDateField(
        name="Date the transition plan was agreed",
        error_messages={"required": "Enter the date the transition plan was agreed"},
    )
    receiving_setting = forms.CharField(label="Receiving setting (optional)", required=False, max_length=200)
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class PractitionerForm(forms.Form):
    practitioner_id = forms.CharField(
        label="Practitioner id",
        max_length=40,
        error_messages={"required": "Enter the practitioner id, like 870-EAH01"},
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name"})
    discipline = forms.ChoiceField(
        label="Discipline",
        choices=[("", "Choose")] + codes.choices(codes.EAH_DISCIPLINE),
        error_messages={"required": "Select the discipline"},
    )
    weekly_hours = forms.DecimalField(
        label="Hours a week available for casework",
        min_value=Decimal(0),
        max_value=Decimal(60),
        decimal_places=1,
        error_messages={
            "required": "Enter the hours a week",
            "invalid": "Hours a week must be a number",
            "min_value": "Hours a week must be 0 or more",
            "max_value": "Hours a week must be 60 or fewer",
            "max_decimal_places": "Hours a week must have no more than 1 decimal place",
        },
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format"},
    )


class ReferralFilterForm(forms.Form):
    """Narrow and sort a list of referrals (the triage queue, the referrals page); every field may be empty."""

    tier = forms.ChoiceField(label="Tier", required=False)
    age_band = forms.ChoiceField(label="Age of the child", required=False)
    waiting = forms.ChoiceField(label="Waiting since receipt", required=False)
    cluster = forms.ChoiceField(label="Cluster", required=False)
    setting = forms.ChoiceField(label="Setting", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False)

    def __init__(self, *args, clusters=(), settings=(), age_bands=None, waiting_bands=(), sorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [("", "Any tier"), *codes.EAH_TIER.items(), ("NONE", "Not yet triaged")]
        self.fields["age_band"].choices = [("", "Any age"), *((k, v[0]) for k, v in (age_bands or {}).items())]
        self.fields["waiting"].choices = [("", "Any time"), *((b, b) for b in waiting_bands)]
        self.fields["cluster"].choices = [("", "Any cluster"), *((c.cluster_id, c.name) for c in clusters)]
        self.fields["setting"].choices = [("", "Any setting"), *((e.establishment_id, e.name) for e in settings)]
        self.fields["sort"].choices = list((sorts or {}).items())
