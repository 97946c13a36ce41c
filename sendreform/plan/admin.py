"""The plan in the Django admin, for administrators to correct a wording; edits with history are made on the
service's own pages."""

from django.contrib import admin

from sendreform.plan.models import (
    BuildingBlock,
    ChangeEntry,
    IndicatorTarget,
    InvestmentLine,
    Plan,
    Workstream,
)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("title", "local_area_name", "imported_at")


@admin.register(BuildingBlock)
class BuildingBlockAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "position")


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ("name", "block", "lead")


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ("indicator_id", "baseline_value", "target_value", "target_change_pct", "target_date")


@admin.register(InvestmentLine)
class InvestmentLineAdmin(admin.ModelAdmin):
    list_display = ("category", "quarter", "planned_pence", "actual_pence")


@admin.register(ChangeEntry)
class ChangeEntryAdmin(admin.ModelAdmin):
    list_display = ("subject_kind", "subject_id", "username", "at", "summary")
    list_filter = ("subject_kind",)

    # History is a record: nobody adds to it by hand, rewrites or deletes it (the model and database refuse too).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
