"""Forms of the plan pages: checking input only; the writes are in services."""

import re
from decimal import Decimal

from django import forms

from sendreform.common.concurrency import version_field
from sendreform.plan.models import INVESTMENT_CATEGORIES, MILESTONE_STATUSES
from sendreform.standards.links import link_problem

_POUNDS = re.compile(r"^\d+(\.\d{1,2})?$")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class MilestoneForm(forms.Form):
    version = version_field()
    text = forms.CharField(label="Milestone", widget=forms.Textarea, max_length=5000,
                           error_messages={"required": "Enter the milestone"})
    quarter = forms.ChoiceField(label="Quarter due", help_text="The milestone is due at the end of its quarter",
                                error_messages={"invalid_choice": "Select the quarter the milestone is due"})
    status = forms.ChoiceField(label="Status", choices=MILESTONE_STATUSES.items(),
                               error_messages={"invalid_choice": "Select a status from the list"})
    evidence = forms.CharField(label="Evidence", required=False, widget=forms.Textarea, max_length=5000,
                               help_text="What shows the milestone's progress, for the board")
    links = forms.CharField(label="Links to evidence", required=False, widget=forms.Textarea, max_length=5000,
                            help_text="One a line: a web address (https://…) or an email link (mailto:…)")

    def __init__(self, *args, quarters: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q, q) for q in quarters]

    def clean_links(self):
        links = _lines(self.cleaned_data["links"])
        problems = [f"Line {n}: {problem} ({link})" for n, link in enumerate(links, start=1)
                    if (problem := link_problem(link))]
        if problems:
            raise forms.ValidationError(problems)
        return links


class WorkstreamForm(forms.Form):
    version = version_field()
    outcome = forms.CharField(label="Outcome", widget=forms.Textarea, max_length=10000,
                              help_text="One paragraph a line", error_messages={"required": "Enter the outcome"})
    success_measures = forms.CharField(label="Success measures", widget=forms.Textarea, max_length=10000,
                                       help_text="One measure a line",
                                       error_messages={"required": "Enter at least one success measure"})
    lead = forms.CharField(label="Accountable lead", max_length=200,
                           error_messages={"required": "Enter the accountable lead",
                                           "max_length": "The accountable lead must be 200 characters or fewer"})

    def clean_outcome(self):
        return _lines(self.cleaned_data["outcome"])

    def clean_success_measures(self):
        return _lines(self.cleaned_data["success_measures"])


class PoundsField(forms.Field):
    """An amount of money in pounds, like 12,500.50 or £12500; cleaned to whole pence (blank: None)."""

    def __init__(self, *, name: str, **kwargs):
        self.name = name
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        text = str(value or "").strip().replace(",", "").replace("£", "").replace(" ", "")
        if not text:
            return None
        if text.startswith("-"):
            raise forms.ValidationError(f"{self.name} must be £0 or more")
        if not _POUNDS.match(text) or len(text) > 15:
            raise forms.ValidationError(f"Enter {self.name[0].lower()}{self.name[1:]} in pounds, like 12500.50")
        return int(Decimal(text) * 100)

    def shown(self, pence: int) -> str:
        """An amount as a page shows it (the 409 page's "saved now" beside "you entered")."""
        return f"£{pence / 100:,.2f}"


class InvestmentSpendForm(forms.Form):
    """Planned and actual spend of every investment line: fields planned_<id> and actual_<id>."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            where = f"{INVESTMENT_CATEGORIES[line.category].lower()}, {line.quarter}"
            for kind, value in (("planned", line.planned_pence), ("actual", line.actual_pence)):
                name = f"{kind.title()} spend on {where}"
                self.fields[f"{kind}_{line.pk}"] = PoundsField(name=name, label=name)
                if value is not None:
                    self.initial[f"{kind}_{line.pk}"] = f"{value / 100:.2f}"
            self.fields[f"version_{line.pk}"] = version_field()
            self.initial[f"version_{line.pk}"] = line.version

    def rows(self):
        """Each line with its two bound fields, for the table the form is laid out in."""
        return [{"line": line, "planned": self[f"planned_{line.pk}"], "actual": self[f"actual_{line.pk}"]}
                for line in self.lines]

    def versions(self) -> dict[int, int]:
        """The version each line was shown at."""
        return {line.pk: self.cleaned_data[f"version_{line.pk}"] for line in self.lines}

    def amounts(self) -> dict[int, tuple[int | None, int | None]]:
        return {line.pk: (self.cleaned_data[f"planned_{line.pk}"], self.cleaned_data[f"actual_{line.pk}"])
                for line in self.lines}
