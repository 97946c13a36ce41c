"""Backtests of the forecast model stored with their tables and report (the status mixin of runs and backtests
holds no fields, so it is not named here)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('forecasting', '0004_summary_as_the_files_text'),
        ('jobs', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ForecastBacktest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Running'), ('done', 'Finished'), ('failed', 'Failed')], default='queued', max_length=10)),
                ('sims', models.PositiveIntegerField(help_text='Simulations from each origin.')),
                ('seed', models.PositiveIntegerField(default=870)),
                ('half_life', models.FloatField(help_text='Recency weighting half-life in years.')),
                ('as_at', models.DateField(help_text='The backtest uses the January censuses on or before this date.')),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('finished', models.DateTimeField(blank=True, null=True)),
                ('error', models.TextField(blank=True)),
                ('tables', models.JSONField(blank=True, default=dict, help_text='Each table of the backtest as its columns and rows, every number as the model made it.')),
                ('report', models.TextField(blank=True, default='', help_text='backtest.md exactly as `sendreform forecast backtest` writes it (empty until finished).')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('job', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='jobs.job')),
            ],
            options={
                'db_table': 'app_forecast_backtest',
                'ordering': ['-created', '-pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'running', 'done', 'failed'])), name='app_forecast_backtest_status_valid')],
            },
        ),
    ]
