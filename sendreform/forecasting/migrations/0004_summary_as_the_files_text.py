"""summary.json kept as the file's text rather than as jsonb, which on PostgreSQL reorders an object's keys
(shorter first). Stored summaries are written out in the order `sendreform forecast run` writes them: on
PostgreSQL their keys were already reordered, so the order is restored from the keys the command line writes
(any other key follows, as stored)."""

import json

from django.db import migrations, models

# The order of summary.json's keys as `sendreform.forecast.run.forecast_run` made them when this was written.
SUMMARY_KEYS = ("total_plans", "inputs_hash", "last_census", "scenario", "code_version", "sims", "years", "seed",
                "half_life", "created")
TOTAL_PLANS_KEYS = ("year", "median", "p2_5", "p25", "p75", "p97_5")
SCENARIO_KEYS = ("name", "text")


def _ordered(value, keys):
    if not isinstance(value, dict):
        return value
    return {**{k: value[k] for k in keys if k in value}, **{k: v for k, v in value.items() if k not in keys}}


def summary_text(summary) -> str:
    """The stored summary as the command line writes summary.json (empty for a run that never finished)."""
    if not summary:
        return ""
    out = _ordered(summary, SUMMARY_KEYS)
    if isinstance(out.get("total_plans"), list):
        out["total_plans"] = [_ordered(row, TOTAL_PLANS_KEYS) for row in out["total_plans"]]
    if "scenario" in out:
        out["scenario"] = _ordered(out["scenario"], SCENARIO_KEYS)
    return json.dumps(out, indent=2)


def summaries_to_text(apps, schema_editor):
    ForecastRun = apps.get_model("forecasting", "ForecastRun")
    for pk, summary in ForecastRun.objects.values_list("pk", "summary").iterator():
        text = summary_text(summary)
        if text:
            ForecastRun.objects.filter(pk=pk).update(summary_json=text)


def summaries_from_text(apps, schema_editor):
    ForecastRun = apps.get_model("forecasting", "ForecastRun")
    for pk, text in ForecastRun.objects.values_list("pk", "summary_json").iterator():
        if text:
            ForecastRun.objects.filter(pk=pk).update(summary=json.loads(text))


class Migration(migrations.Migration):

    dependencies = [
        ('forecasting', '0003_half_life_the_models_default'),
    ]

    operations = [
        migrations.AddField(
            model_name='forecastrun',
            name='summary_json',
            field=models.TextField(blank=True, default='', help_text='summary.json exactly as `sendreform forecast run` writes it (empty until finished).'),
        ),
        migrations.RunPython(summaries_to_text, summaries_from_text),
        migrations.RemoveField(
            model_name='forecastrun',
            name='summary',
        ),
    ]
