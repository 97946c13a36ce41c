"""The forms of "Bring in data": a SEN2 file to check, and the collection year of a return to write."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils import timezone

from sendreform.sen2.records import COLLECTION_YEARS
from sendreform.standards.formats import date_words

MAX_SEN2_BYTES = 200 * 1024 * 1024


class Sen2UploadForm(forms.Form):
    file = forms.FileField(label="Upload a SEN2 file", error_messages={
        "required": "Select a SEN2 XML file", "empty": "The selected file is empty",
        "invalid": "Select a SEN2 XML file"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xml"):
            raise forms.ValidationError("The selected file must be a SEN2 XML file (a file name ending .xml)")
        if upload.size > MAX_SEN2_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 200 MB: a local authority's SEN2 "
                                        "return is a few MB. Import larger files with sendreform sen2 import")
        self.file_name = Path(upload.name).name
        self.data = b"".join(upload.chunks())
        return upload


def _years() -> list[tuple[int, str]]:
    last = timezone.localdate().year + 1
    return [(y, f"{y} (census {_census(y)})") for y in range(last, COLLECTION_YEARS[0] - 1, -1)]


def _census(year: int) -> str:
    from sendreform.standards.periods import sen2_census_date

    return date_words(sen2_census_date(year))


class Sen2ExportForm(forms.Form):
    year = forms.TypedChoiceField(label="Collection year", coerce=int, choices=_years,
                                  help_text="The return made in January of this year: plans active on its census "
                                            "date and the activity of the calendar year before",
                                  error_messages={"required": "Select the collection year",
                                                  "invalid_choice": "Select a collection year from the list"})
