"""Forms of the forecast pages: checking input only; the writes are in services."""

import re
import tempfile
from pathlib import Path

from django import forms

from sendreform.common.concurrency import version_field
from sendreform.forecast.model import DEFAULT_HALF_LIFE
from sendreform.forecast.scenarios import ScenarioError
from sendreform.forecasting.services import (
    MAX_HALF_LIFE,
    MAX_SIMS,
    MAX_YEARS,
    MIN_HALF_LIFE,
    MIN_SIMS,
    MIN_YEARS,
    scenario_validate,
)
from sendreform.interchange.canonical_files import CanonicalFileError
from sendreform.interchange.population import population_read

BASELINE = "baseline"


class RunStartForm(forms.Form):
    scenario = forms.ChoiceField(label="Scenario", error_messages={
        "required": "Select the baseline or a scenario", "invalid_choice": "Select the baseline or a scenario"})
    sims = forms.IntegerField(
        label="Number of simulations", initial=1000, min_value=MIN_SIMS, max_value=MAX_SIMS,
        help_text=f"More simulations give steadier intervals but take longer: from {MIN_SIMS} to {MAX_SIMS:,}",
        error_messages={"required": "Enter the number of simulations",
                        "invalid": "Enter the number of simulations as a whole number, like 1000",
                        "min_value": f"The number of simulations must be {MIN_SIMS} or more",
                        "max_value": f"The number of simulations must be {MAX_SIMS:,} or fewer"})
    years = forms.IntegerField(
        label="Years ahead", initial=5, min_value=MIN_YEARS, max_value=MAX_YEARS,
        help_text=f"January censuses to project after the last one in the data: from {MIN_YEARS} to {MAX_YEARS}",
        error_messages={"required": "Enter the number of years ahead",
                        "invalid": "Enter the number of years ahead as a whole number, like 5",
                        "min_value": f"The number of years ahead must be {MIN_YEARS} or more",
                        "max_value": f"The number of years ahead must be {MAX_YEARS} or fewer"})

    def __init__(self, *args, scenarios=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.scenarios = {str(s.pk): s for s in scenarios}
        self.fields["scenario"].choices = [(BASELINE, "Baseline (today's rates continue)")] + [
            (key, s.name) for key, s in self.scenarios.items()]

    @property
    def chosen_scenario(self):
        return self.scenarios.get(self.cleaned_data["scenario"])


def _sims_field(*, initial: int, what: str) -> forms.IntegerField:
    """The number of simulations a backtest runs, `what` saying of what."""
    return forms.IntegerField(
        label="Number of simulations", initial=initial, min_value=MIN_SIMS, max_value=MAX_SIMS,
        help_text=f"Simulations of the model {what}: more give steadier intervals but take longer. "
                  f"From {MIN_SIMS} to {MAX_SIMS:,}",
        error_messages={"required": "Enter the number of simulations",
                        "invalid": f"Enter the number of simulations as a whole number, like {initial}",
                        "min_value": f"The number of simulations must be {MIN_SIMS} or more",
                        "max_value": f"The number of simulations must be {MAX_SIMS:,} or fewer"})


class BacktestStartForm(forms.Form):
    sims = _sims_field(initial=500, what="from each past census")
    half_life = forms.FloatField(
        label="Recency half-life in years", initial=f"{DEFAULT_HALF_LIFE:g}", min_value=MIN_HALF_LIFE,
        max_value=MAX_HALF_LIFE,
        help_text=f"How much less older years count: a year this many years before the census counts half as much "
                  f"as the latest. The model's own is {DEFAULT_HALF_LIFE:g}; from {MIN_HALF_LIFE:g} to "
                  f"{MAX_HALF_LIFE:g}",
        error_messages={"required": "Enter the recency half-life in years",
                        "invalid": f"Enter the recency half-life as a number of years, like {DEFAULT_HALF_LIFE:g}",
                        "min_value": f"The recency half-life must be {MIN_HALF_LIFE:g} years or more",
                        "max_value": f"The recency half-life must be {MAX_HALF_LIFE:g} years or fewer"})


class ScenarioForm(forms.Form):
    text = forms.CharField(label="Scenario (YAML)", widget=forms.Textarea, strip=False, max_length=50_000,
                           error_messages={"required": "Enter the scenario as YAML",
                                           "max_length": "The scenario must be 50,000 characters or fewer"})
    version = version_field(required=False)  # a new scenario has none

    def __init__(self, *args, scenario=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scenario = scenario

    def clean_text(self):
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        try:
            scenario_validate(text=text, scenario=self.scenario)
        except ScenarioError as error:
            where = f"Line {error.line}: " if error.line else ""
            raise forms.ValidationError(f"{where}{error.message}") from None
        return text


MAX_POPULATION_BYTES = 5 * 1024 * 1024
_AREA_CODE = re.compile(r"[EWSN]\d{8}")


class PopulationUploadForm(forms.Form):
    """A population CSV and, for a file of many areas, which area: checked by reading it as `sendreform
    population load` does, so a file that cannot be read is refused here, naming its row and column."""

    file = forms.FileField(label="Upload a population file", error_messages={
        "required": "Select a population CSV file", "empty": "The selected file is empty",
        "invalid": "Select a population CSV file"})
    area = forms.CharField(
        label="Area code (optional)", required=False, max_length=9,
        help_text="The ONS code of your local authority, such as E06000038 for Reading. Needed when the file holds "
                  "more than one area",
        error_messages={"max_length": "Enter the area code as the ONS writes it, a letter and 8 digits, like "
                                      "E06000038"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV (a file name ending .csv)")
        if upload.size > MAX_POPULATION_BYTES:
            raise forms.ValidationError(
                "The selected file must be smaller than 5 MB. The ONS's files for every area are larger: keep only "
                "your local authority's rows, or load the whole file with sendreform population load")
        return upload

    def clean_area(self):
        area = self.cleaned_data["area"].strip().upper()
        if area and not _AREA_CODE.fullmatch(area):
            raise forms.ValidationError("Enter the area code as the ONS writes it, a letter and 8 digits, like "
                                        "E06000038")
        return area or None

    def clean(self):
        cleaned = super().clean()
        if self.errors or "file" not in cleaned:
            return cleaned
        upload, area = cleaned["file"], cleaned.get("area")
        name = Path(upload.name).name
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "population.csv"
            with path.open("wb") as f:
                for chunk in upload.chunks():
                    f.write(chunk)
            try:
                self.population = population_read(path=path, area=area)
            except CanonicalFileError as error:
                # The reader names the temporary file; the officer knows the file by the name they chose.
                shown = CanonicalFileError(path=Path(name), message=error.message, row=error.row, column=error.column)
                self._refuse(shown, area)
        self.file_name = name
        return cleaned

    def _refuse(self, error: CanonicalFileError, area: str | None) -> None:
        """The reader's message on the field it concerns: which area to read belongs to the area code."""
        text = str(error)
        if text.endswith("say which with --area"):
            self.add_error("area", text.removesuffix("say which with --area")
                           + "enter the code of the area to use in Area code")
        elif area and text.endswith(f"has no rows for area {area}"):
            self.add_error("area", f"{text}: check the area code, or leave it empty if the file holds one area")
        else:
            self.add_error("file", text)


class EnglandStartForm(forms.Form):
    sims = _sims_field(initial=1000, what="for each area from each past census (1,000 take a few minutes)")
