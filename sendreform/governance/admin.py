"""Boards in the Django admin, for administrators to correct a wording. Risks, decisions and actions are
edited on the service's pages, which keep their history."""

from django.contrib import admin

from sendreform.governance.models import Board


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_sro", "cadence", "escalates_to")
