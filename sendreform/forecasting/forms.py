"""Forms of the forecast pages: checking input only; the writes are in services."""

import copy
import re
import tempfile
from pathlib import Path

from django import forms

from sendreform.common.concurrency import version_field
from sendreform.forecast.history import NCY_MAX, NCY_MIN, NEEDS, SETTINGS
from sendreform.forecast.model import DEFAULT_HALF_LIFE
from sendreform.forecast.scenarios import (
    KIND_LABELS,
    MAX_FACTOR,
    MAX_PLACES,
    TRANSITION_LABELS,
    ScenarioError,
    scenario_yaml,
)
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
from sendreform.standards.codes import NEED_TYPE, SETTING_CATEGORY
from sendreform.web.forms import GovukDateField

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


_SETTING_CHOICES = [(code, SETTING_CATEGORY[code]) for code in SETTINGS]
_NEED_CHOICES = [(code, f"{NEED_TYPE[code]} ({code})") for code in NEEDS]


def _setting(label, hint, required=True):
    return forms.ChoiceField(label=label, help_text=hint, required=False, choices=[("", "Choose a setting")] + (
        _SETTING_CHOICES), error_messages={"invalid_choice": f"Choose the {label.lower()} from the list"}), required


def _number(label, hint, low, high, *, whole=False, required=True):
    kind = forms.IntegerField if whole else forms.FloatField
    what = "a whole number" if whole else "a number"
    message = f"{label} must be {what} from {low:,g} to {high:,g}"
    return kind(label=label, help_text=hint, required=False, min_value=low, max_value=high, error_messages={
        "invalid": message, "min_value": message, "max_value": message}), required


def _codes(label, hint, choices):
    return forms.MultipleChoiceField(label=label, help_text=hint, required=False, choices=choices), False


_NCY_HINT = f"National curriculum years from {NCY_MIN} (age 0) to {NCY_MAX} (age 25); leave empty for all"
_NCY = {"ncy_first": _number("First year group", _NCY_HINT, NCY_MIN, NCY_MAX, whole=True, required=False),
        "ncy_last": _number("Last year group", _NCY_HINT, NCY_MIN, NCY_MAX, whole=True, required=False)}
# Each kind of change the model takes (`scenarios.py`), with its parameters: (YAML key, (field, required)). The
# form's field for a parameter is named `<kind>_<key>`; `ncy_first`/`ncy_last` and `places_<need>` are joined
# into the YAML's `ncy: [first, last]` and `places: {need: places}`.
CHANGE_FIELDS = {
    "scale": {
        "transition": (forms.ChoiceField(label="Rate to change", required=False, choices=[("", "Choose a rate")] + list(
            TRANSITION_LABELS.items()), error_messages={"invalid_choice": "Choose the rate to change from the list"}), True),
        "factor": _number("Factor", f"1 keeps the rate; 0.85 lowers it by 15%, 1.1 raises it by 10% (0 to "
                          f"{MAX_FACTOR:g})", 0, MAX_FACTOR),
        "needs": _codes("Only for these needs", "Leave all unticked for every need", _NEED_CHOICES),
        "settings": _codes("Only for these settings", "For new plans, where joiners go; otherwise where children "
                           "are. Leave all unticked for every setting", _SETTING_CHOICES),
        **_NCY,
    },
    "add_places": {
        "setting": _setting("Setting with new places", "They count as capacity in sufficiency"),
        **{f"places_{need}": _number(f"Places for {label}", "", 0, MAX_PLACES, whole=True, required=False)
           for need, label in _NEED_CHOICES},
        "fill_from": _codes("Fill them from these settings", "Children of those needs move into the new places "
                            "when they open; leave all unticked to leave them to new joiners", _SETTING_CHOICES),
        **_NCY,
    },
    "cap_setting": {
        "setting": _setting("Setting to cap", ""),
        "places": _number("Places", "The most children the setting holds from the date", 0, MAX_PLACES,
                          whole=True),
        "move_to": _setting("Setting the others move to", "Children above the cap move there"),
    },
    "close_setting": {
        "setting": _setting("Setting to close", ""),
        "move_to": _setting("Setting its children move to", "Its children, joiners and movers go there instead"),
    },
    "shift": {
        "from_setting": _setting("Setting children move from", ""),
        "to_setting": _setting("Setting they move to", ""),
        "share": _number("Share", "0.2 moves a fifth of the children, and of later joiners and movers", 0, 1),
    },
}


class ScenarioFromFieldsForm(forms.Form):
    """A new scenario of one change, chosen from the kinds the model takes and filled in field by field; it is
    written as the YAML text the editor shows (`scenario_yaml`) and checked by the model's own parser."""

    name = forms.CharField(label="Name", max_length=200, help_text="How runs and pages will refer to the scenario",
                           error_messages={"required": "Enter a name for the scenario",
                                           "max_length": "The name must be 200 characters or fewer"})
    description = forms.CharField(label="Description (optional)", required=False, max_length=2000,
                                  widget=forms.Textarea, help_text="What the scenario changes, in a sentence or two")
    kind = forms.ChoiceField(label="Kind of change", choices=list(KIND_LABELS.items()),
                             error_messages={"required": "Choose the kind of change",
                                             "invalid_choice": "Choose the kind of change"})
    start = GovukDateField(name="The date the change starts", label="From",
                           error_messages={"required": "Enter the date the change starts"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, params in CHANGE_FIELDS.items():
            for key, (field, _) in params.items():
                self.fields[f"{kind}_{key}"] = copy.deepcopy(field)

    def kinds(self):
        """Each kind of change with its label and its parameters' bound fields, for the page."""
        return [(kind, KIND_LABELS[kind], [self[f"{kind}_{key}"] for key in params])
                for kind, params in CHANGE_FIELDS.items()]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        for name in list(self._errors):  # the parameters of kinds not chosen are not read
            if name not in ("name", "description", "kind", "start") and not name.startswith(f"{kind}_"):
                del self._errors[name]
        if not kind:
            return data
        change, places, ncy = {"type": kind, "from": data.get("start")}, {}, [None, None]
        for key, (_, required) in CHANGE_FIELDS[kind].items():
            value = data.get(f"{kind}_{key}")
            if required and value in (None, "") and f"{kind}_{key}" not in self.errors:
                field = self.fields[f"{kind}_{key}"]
                verb = "Choose" if isinstance(field, forms.ChoiceField) else "Enter"
                self.add_error(f"{kind}_{key}", f"{verb} the {field.label.lower()}")
            elif key.startswith("places_") and value:
                places[key.removeprefix("places_")] = value
            elif key in ("ncy_first", "ncy_last"):
                ncy[key == "ncy_last"] = value
            elif value not in (None, "", []):
                change[key] = value
        if kind == "add_places":
            if not places:
                self.add_error(f"add_places_places_{NEEDS[0]}", "Enter the places for at least one need")
            change["places"] = places
        if ncy != [None, None]:
            change["ncy"] = [NCY_MIN if ncy[0] is None else ncy[0], NCY_MAX if ncy[1] is None else ncy[1]]
            if change["ncy"][0] > change["ncy"][1]:
                self.add_error(f"{kind}_ncy_last", "The last year group must be the first or a later one")
        if self.errors:
            return data
        text = scenario_yaml(name=data["name"], description=data.get("description", ""), changes=[change])
        try:
            scenario_validate(text=text)
        except ScenarioError as error:
            word = error.message.split()[0]
            field = ("name" if "name" in error.message or "scenario is already" in error.message
                     else "start" if word == "from" else f"{kind}_{word}" if f"{kind}_{word}" in self.fields else None)
            self.add_error(field, error.message[0].upper() + error.message[1:])
        data["text"] = text
        return data


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
