"""Forms of the forecast pages: checking input only; the writes are in services."""

from django import forms

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


class BacktestStartForm(forms.Form):
    sims = forms.IntegerField(
        label="Number of simulations", initial=500, min_value=MIN_SIMS, max_value=MAX_SIMS,
        help_text=f"Simulations of the model from each past census: more give steadier intervals but take longer. "
                  f"From {MIN_SIMS} to {MAX_SIMS:,}",
        error_messages={"required": "Enter the number of simulations",
                        "invalid": "Enter the number of simulations as a whole number, like 500",
                        "min_value": f"The number of simulations must be {MIN_SIMS} or more",
                        "max_value": f"The number of simulations must be {MAX_SIMS:,} or fewer"})
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
