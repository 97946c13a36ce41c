"""Reference data in the Django admin: unit costs, planned places and the background population."""

from django.contrib import admin

from sendreform.places.models import PlannedPlaces, Population, UnitCost


@admin.register(UnitCost)
class UnitCostAdmin(admin.ModelAdmin):
    list_display = ("setting_category", "need_type", "financial_year", "annual_cost")
    list_filter = ("financial_year", "setting_category")


@admin.register(PlannedPlaces)
class PlannedPlacesAdmin(admin.ModelAdmin):
    list_display = ("project", "establishment", "kind", "need_types", "places", "open_date")
    list_filter = ("kind",)
    search_fields = ("project",)
    autocomplete_fields = ("establishment",)


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ("year", "age", "population")
    list_filter = ("year",)
