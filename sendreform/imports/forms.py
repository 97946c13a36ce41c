"""The forms of "Bring in data": a file of any source to check, and the collection year of a SEN2 return to
write."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils import timezone

from sendreform.sen2.records import COLLECTION_YEARS
from sendreform.standards.formats import date_words


class UploadForm(forms.Form):
    """The upload of one source's file (`sendreform.imports.sources`): its kind checked by the file's name and
    its size against the source's limit; the bytes and name kept for the check."""

    file = forms.FileField()

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        kind = source.file_kind
        field = self.fields["file"]
        field.label = f"Upload a {source.short} file"
        field.error_messages = {"required": f"Select {kind}", "empty": "The selected file is empty",
                                "invalid": f"Select {kind}"}
        self.auto_id = f"{source.key}-%s"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        source = self.source
        if not source.accepts(upload.name):
            endings = " or ".join(source.suffixes)
            raise forms.ValidationError(f"The selected file must be {source.file_kind} (a file name ending "
                                        f"{endings})")
        if upload.size > source.max_mb * 1024 * 1024:
            raise forms.ValidationError(f"The selected file must be smaller than {source.max_mb} MB. Import larger "
                                        f"files with sendreform import {source.key}")
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
