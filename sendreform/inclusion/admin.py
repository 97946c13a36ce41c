"""Reference data in the Django admin: alternative provision providers. Child-level inclusion records are not
here: they are read only through the scoped, audited selectors."""

from django.contrib import admin

from sendreform.inclusion.models import ApProvider


@admin.register(ApProvider)
class ApProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "provider_id", "approved", "approved_date", "quality", "review_due")
    list_filter = ("approved", "quality")
    search_fields = ("provider_id", "name")
    autocomplete_fields = ("establishment",)
