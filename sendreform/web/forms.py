"""Form fields that render as GOV.UK Design System components and validate as its patterns say."""

from __future__ import annotations

import datetime as dt
import re

from django import forms

_DIGITS = re.compile(r"^[0-9]{1,4}$")


class GovukDateWidget(forms.MultiWidget):
    """Three inputs (day, month, year) named <field>_day, <field>_month and <field>_year."""

    is_govuk_date = True

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.TextInput(attrs={"inputmode": "numeric"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK date-input error messages.

    `name` is how the messages refer to the date, e.g. "Date of birth".
    """

    widget = GovukDateWidget

    def __init__(self, *, name: str, past: bool = False, **kwargs):
        self.name, self.past = name, past
        # Plain fields: every check (and every message) is this field's own, in GOV.UK words.
        parts = (forms.Field(required=False), forms.Field(required=False), forms.Field(required=False))
        super().__init__(fields=parts, require_all_fields=False, **kwargs)

    def prepare_value(self, value):
        # A stored date shown in the form (its initial value) fills the three inputs; without this they were empty,
        # and saving a form unchanged failed with "Enter the review date".
        if isinstance(value, dt.date):
            return self.widget.decompress(value)
        return value

    def compress(self, data_list):
        if not data_list or not any(str(v or "").strip() for v in data_list):
            if self.required:
                raise forms.ValidationError(f"Enter {self.name.lower()}", code="required")
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise forms.ValidationError(f"{self.name} must include a {' and a '.join(missing)}", code="incomplete")
        if not all(_DIGITS.match(part) for part in (day, month, year)) or len(year) != 4:
            raise forms.ValidationError(f"{self.name} must be a real date", code="invalid")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(f"{self.name} must be a real date", code="invalid") from exc
        if self.past and value >= dt.date.today():
            raise forms.ValidationError(f"{self.name} must be in the past", code="future")
        return value
