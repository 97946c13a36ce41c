"""The admin (administrators only) for the Experts at Hand reference data: practitioners and their capacity."""

from django.contrib import admin

from sendreform.experts.models import EahPractitioner


@admin.register(EahPractitioner)
class EahPractitionerAdmin(admin.ModelAdmin):
    list_display = ("practitioner_id", "name", "discipline", "weekly_hours", "active")
    list_filter = ("discipline", "active")
    search_fields = ("practitioner_id", "name")
