"""Reform scenarios as the YAML the model reads (with the history of every edit), forecast runs stored with
their parameters, the scenario text used, summary.json, their tables and the data template workbook, and
backtests of the model stored with their tables and report, so their pages never depend on files."""

import json

from django.conf import settings
from django.db import models

from sendreform.jobs.models import DONE, FAILED, QUEUED, RUNNING, JobWork
from sendreform.jobs.models import STATUSES as RUN_STATUSES

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "RUN_STATUSES", "EnglandBacktest", "ForecastBacktest", "ForecastRun",
           "Scenario", "ScenarioEdit"]


class Scenario(models.Model):
    """A scenario's YAML text; its name and description are the ones the text gives."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    text = models.TextField(help_text="The scenario as YAML, read by sendreform.forecast.scenarios.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0, editable=False,
                                          help_text="Moves on at every edit; an edit shown at an older one is refused (ADR 13).")

    class Meta:
        db_table = "app_forecast_scenario"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScenarioEdit(models.Model):
    """One saved version of a scenario: who saved it, when, and the text they saved."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="edits")
    text = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True, help_text="Created, edited, or loaded from a file.")

    class Meta:
        db_table = "app_forecast_scenario_edit"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.scenario} at {self.at:%Y-%m-%d %H:%M}"


class ForecastRun(JobWork):
    """One run of the model: what it was asked (scenario text, simulations, years, seed, half-life, as-at
    date), and when finished its summary.json (the file's text, as `sendreform forecast run` writes it), its
    tables (name to columns and rows) and the workbook."""

    scenario = models.ForeignKey(Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs",
                                 help_text="The stored scenario it was started from (none: the baseline).")
    scenario_name = models.CharField(max_length=200, blank=True)
    scenario_text = models.TextField(blank=True, help_text="The YAML the run used, as it was then.")
    sims = models.PositiveIntegerField()
    years = models.PositiveSmallIntegerField()
    seed = models.PositiveIntegerField(default=870)
    half_life = models.FloatField(help_text="Recency weighting half-life in years (the model's default if not "
                                            "chosen).")
    as_at = models.DateField(help_text="The run learns from the January censuses on or before this date.")
    # The text itself, not a JSONField: PostgreSQL's jsonb reorders an object's keys (shorter first), and the
    # download must be byte for byte the file the command line writes.
    summary_json = models.TextField(blank=True, default="", help_text="summary.json exactly as `sendreform "
                                                                     "forecast run` writes it (empty until finished).")
    tables = models.JSONField(default=dict, blank=True, help_text="Each table of the model as its columns and rows.")
    workbook = models.BinaryField(null=True, blank=True, help_text="The DfE data template workbook (.xlsx).")

    class Meta:
        db_table = "app_forecast_run"
        ordering = ["-created", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=list(RUN_STATUSES)),
                                              name="app_forecast_run_status_valid")]

    def __str__(self) -> str:
        return f"Forecast run {self.pk}: {self.scenario_label}"

    @property
    def summary(self) -> dict:
        """summary.json read (empty until the run has finished)."""
        return json.loads(self.summary_json) if self.summary_json else {}

    @property
    def scenario_label(self) -> str:
        return self.scenario_name or "Baseline"


class ForecastBacktest(JobWork):
    """One rolling-origin backtest of the model: what it was asked (simulations, seed, half-life, as-at date),
    and when finished the frames `sendreform forecast backtest` writes (every origin and horizon, by horizon,
    by breakdown), the breakdowns' summary, the history's joiners and leavers, and the report (backtest.md)."""

    sims = models.PositiveIntegerField(help_text="Simulations from each origin.")
    seed = models.PositiveIntegerField(default=870)
    half_life = models.FloatField(help_text="Recency weighting half-life in years.")
    as_at = models.DateField(help_text="The backtest uses the January censuses on or before this date.")
    tables = models.JSONField(default=dict, blank=True, help_text="Each table of the backtest as its columns and "
                                                                  "rows, every number as the model made it.")
    report = models.TextField(blank=True, default="", help_text="backtest.md exactly as `sendreform forecast "
                                                                "backtest` writes it (empty until finished).")

    class Meta:
        db_table = "app_forecast_backtest"
        ordering = ["-created", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=list(RUN_STATUSES)),
                                              name="app_forecast_backtest_status_valid")]

    def __str__(self) -> str:
        return f"Forecast backtest {self.pk}"


class EnglandBacktest(JobWork):
    """One real-England backtest of the model's aggregate path (ADR 19, 28): every English local area's total
    plans forecast from each past January census of the DfE's published statistics, beside five baselines. What
    it was asked (simulations, seed, the folder of release CSVs), and when finished the files `sendreform forecast
    backtest --published` writes (by area, origin, horizon and method; the summary; the report), the areas and
    the data defects the loader mended. Published figures are public, so nothing here is suppressed."""

    sims = models.PositiveIntegerField(help_text="Simulations from each origin for each area.")
    seed = models.PositiveIntegerField(default=870)
    source = models.CharField(max_length=500, help_text="The folder of DfE release CSVs it read.")
    tables = models.JSONField(default=dict, blank=True, help_text="england_backtest, england_summary and areas, "
                                                                  "as columns and rows.")
    defects = models.JSONField(default=list, blank=True, help_text="The data defects the loader found and mended.")
    report = models.TextField(blank=True, default="", help_text="england_backtest.md exactly as the command "
                                                                "writes it (empty until finished).")

    class Meta:
        db_table = "app_forecast_england_backtest"
        ordering = ["-created", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(status__in=list(RUN_STATUSES)),
                                              name="app_forecast_england_backtest_status_valid")]

    def __str__(self) -> str:
        return f"Real-England backtest {self.pk}"
